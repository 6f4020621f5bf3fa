/* SPDX-License-Identifier: ISC */
/*
 * The TAP output of a C unit test: ok(pass, "what") for each check, and
 * done_testing() at the end for the plan and the exit status.  A failed
 * check also shows the last error message.
 */
#ifndef TAP_H
#define TAP_H

#include <stdarg.h>
#include <stdio.h>

#include "util/util.h"

static int	tap_n, tap_failed;

static void ATTR_PRINTF(2, 3)
ok(int pass, const char *fmt, ...)
{
	va_list	ap;

	printf("%s %d - ", pass ? "ok" : "not ok", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!pass) {
		tap_failed++;
		printf("# message: %s\n", err_get());
	}
}

static int
done_testing(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed != 0;
}

#endif
