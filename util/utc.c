/* SPDX-License-Identifier: ISC */
/*
 * The one home of UTC times as text: the forms people read in messages,
 * reports and screens ("2026-11-23 14:05:00 UTC"), the forms the files
 * keep (audit.log's 2026-11-23T14:05:00Z, index.txt's 20261123140500Z),
 * the times of certificates as time_t, and the parser of the times an
 * operator types.  Every folder formats and reads times through here, so
 * the forms cannot drift apart.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/asn1.h>

#include "util/util.h"

static const char *const utc_forms[] = {
	[UTC_TEXT] = "%Y-%m-%d %H:%M:%S UTC",
	[UTC_MINUTE] = "%Y-%m-%d %H:%M UTC",
	[UTC_DAY] = "%Y-%m-%d",
	[UTC_ISO] = "%Y-%m-%dT%H:%M:%SZ",
	[UTC_GENERALIZED] = "%Y%m%d%H%M%SZ",
	[UTC_STAMP] = "%Y%m%dT%H%M%SZ",
	[UTC_COLUMN] = "%Y-%m-%d %H:%M:%SZ",
};

/* t in form (UTC_TEXT...); the number of seconds if it has no date. */
const char *
utc_format(time_t t, int form, char buf[UTC_TEXT_MAX])
{
	struct tm	tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, UTC_TEXT_MAX, utc_forms[form], &tm) == 0)
		snprintf(buf, UTC_TEXT_MAX, "%lld", (long long)t);
	return buf;
}

const char *
utc_text(time_t t, char buf[UTC_TEXT_MAX])
{
	return utc_format(t, UTC_TEXT, buf);
}

/* A certificate's or CRL's time as time_t; 0 when it cannot be read. */
time_t
cert_time(const ASN1_TIME *t)
{
	struct tm	tm;

	if (!ASN1_TIME_to_tm(t, &tm))
		return 0;
	return timegm(&tm);
}

/* The n digits at s as a number, -1 if they are not all digits. */
static int
digits(const char *s, size_t n)
{
	int	v = 0;

	while (n-- > 0) {
		if (!isdigit((unsigned char)*s))
			return -1;
		v = v * 10 + (*s++ - '0');
	}
	return v;
}

/*
 * A UTC time given on the command line (an invalidity date, a rollover's
 * start): YYYYMMDDHHMMSSZ, YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ.  A date
 * that does not exist is refused.
 */
int
utc_parse(const char *s, time_t *out)
{
	struct tm	tm, back;
	int		v[6] = { 0, 0, 0, 0, 0, 0 }, i;
	size_t		len = strlen(s);
	time_t		t;

	if (len == 15 && s[14] == 'Z') {
		for (i = 0; i < 6; i++)
			v[i] = digits(s + (i == 0 ? 0 : 2 + 2 * i), i == 0 ?
			    4 : 2);
	} else if ((len == 10 || (len == 20 && s[10] == 'T' && s[13] == ':' &&
	    s[16] == ':' && s[19] == 'Z')) && s[4] == '-' && s[7] == '-') {
		v[0] = digits(s, 4);
		v[1] = digits(s + 5, 2);
		v[2] = digits(s + 8, 2);
		for (i = 3; len == 20 && i < 6; i++)
			v[i] = digits(s + 11 + 3 * (i - 3), 2);
	} else
		v[0] = -1;
	for (i = 0; i < 6; i++)
		if (v[i] < 0)
			goto bad;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = v[0] - 1900;
	tm.tm_mon = v[1] - 1;
	tm.tm_mday = v[2];
	tm.tm_hour = v[3];
	tm.tm_min = v[4];
	tm.tm_sec = v[5];
	back = tm;
	if (v[0] < 1970 || (t = timegm(&back)) == (time_t)-1 ||
	    back.tm_year != tm.tm_year || back.tm_mon != tm.tm_mon ||
	    back.tm_mday != tm.tm_mday || back.tm_hour != tm.tm_hour ||
	    back.tm_min != tm.tm_min || back.tm_sec != tm.tm_sec)
		goto bad;
	*out = t;
	return 0;
bad:
	err_set("'%.40s' is not a UTC time YYYYMMDDHHMMSSZ, YYYY-MM-DD or "
	    "YYYY-MM-DDTHH:MM:SSZ", s);
	return 1;
}
