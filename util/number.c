/* SPDX-License-Identifier: ISC */
/*
 * A whole number typed by a person (an option's value, a script's step,
 * a TUI field), checked against its range with one error text.
 */
#include <errno.h>
#include <stdlib.h>

#include "util/util.h"

/* Parse the decimal value arg of option opt within [min, max]. */
int
parse_long(const char *opt, const char *arg, long min, long max, long *out)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || v < min || v > max) {
		err_set("--%s %s: expected a whole number from %ld to %ld",
		    opt, arg, min, max);
		return 1;
	}
	*out = v;
	return 0;
}
