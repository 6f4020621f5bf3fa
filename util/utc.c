/* SPDX-License-Identifier: ISC */
/*
 * Times as people read them in messages, reports and screens: one
 * format everywhere, always UTC ("2026-11-23 14:05:00 UTC").
 */
#include <stdio.h>
#include <time.h>

#include "util/util.h"

const char *
utc_text(time_t t, char buf[UTC_TEXT_MAX])
{
	struct tm	tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, UTC_TEXT_MAX, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		snprintf(buf, UTC_TEXT_MAX, "%lld", (long long)t);
	return buf;
}
