/* SPDX-License-Identifier: ISC */
/*
 * Text helpers shared by index.txt and audit.log: the escaping that keeps
 * one record on one line, times as YYYYMMDDHHMMSSZ (converted by hand so
 * that loading a million lines stays fast and exact), serial syntax.
 */
#include <stdlib.h>
#include <string.h>

#include "db/db_int.h"
#include "util/util.h"

/*
 * The escaped form of s (util/escape.c): backslash, tab, newline and CR as
 * \\ \t \n \r, other control bytes as \xHH.  Every other byte, UTF-8
 * included, stands for itself.  text_escape writes text_escape_len(s)
 * bytes, no NUL.
 */
size_t
text_escape_len(const char *s)
{
	return esc_len(s, ESC_BACKSLASH);
}

size_t
text_escape(char *out, const char *s)
{
	return esc_write(out, s, ESC_BACKSLASH);
}

/* Decode one escape at p (after the backslash); -1 if not canonical. */
static int
unescape_one(const char *p, size_t left, size_t *used)
{
	int	hi, lo, c;

	*used = 1;
	switch (p[0]) {
	case '\\':
		return '\\';
	case 't':
		return '\t';
	case 'n':
		return '\n';
	case 'r':
		return '\r';
	case 'x':
		if (left < 3 || (hi = hex_digit(p[1], HEX_UPPER)) < 0 ||
		    (lo = hex_digit(p[2], HEX_UPPER)) < 0)
			return -1;
		c = hi << 4 | lo;
		if (!esc_is_control((unsigned char)c) ||
		    esc_short((unsigned char)c) != NULL || c == 0)
			return -1;
		*used = 3;
		return c;
	default:
		return -1;
	}
}

/*
 * The exact inverse of text_escape: a malloc'd string, or NULL with *why
 * set when the text is not in the one form text_escape writes.
 */
char *
text_unescape(const char *p, size_t len, const char **why)
{
	char	*s;
	size_t	 i, n = 0, used;
	int	 c;

	if ((s = malloc(len + 1)) == NULL) {
		*why = "out of memory";
		return NULL;
	}
	for (i = 0; i < len; i++) {
		if (p[i] == '\\') {
			if (i + 1 == len ||
			    (c = unescape_one(p + i + 1, len - i - 1,
			    &used)) < 0) {
				*why = "bad backslash escape";
				free(s);
				return NULL;
			}
			s[n++] = (char)c;
			i += used;
		} else if (esc_is_control((unsigned char)p[i])) {
			*why = "unescaped control character";
			free(s);
			return NULL;
		} else
			s[n++] = p[i];
	}
	s[n] = '\0';
	return s;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static long long
days_from_civil(long long y, unsigned m, unsigned d)
{
	long long	era;
	unsigned	yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

static void
civil_from_days(long long z, long long *y, unsigned *m, unsigned *d)
{
	long long	era;
	unsigned	doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (long long)yoe + era * 400 + (*m <= 2);
}

static int
digits(const char *p, size_t n, unsigned *v)
{
	size_t	i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return 1;
		*v = *v * 10 + (unsigned)(p[i] - '0');
	}
	return 0;
}

static unsigned
month_days(unsigned y, unsigned m)
{
	static const unsigned	mdays[] =
	    { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return 29;
	return mdays[m - 1];
}

/* YYYYMMDDHHMMSSZ, UTC, a real date and time, years 1950 to 9999. */
int
time_parse(const char *p, size_t len, time_t *t)
{
	unsigned	y, mo, d, h, mi, s;

	if (len != 15 || p[14] != 'Z' || digits(p, 4, &y) ||
	    digits(p + 4, 2, &mo) || digits(p + 6, 2, &d) ||
	    digits(p + 8, 2, &h) || digits(p + 10, 2, &mi) ||
	    digits(p + 12, 2, &s))
		return 1;
	if (y < 1950 || mo < 1 || mo > 12 || d < 1 ||
	    d > month_days(y, mo) || h > 23 || mi > 59 || s > 59)
		return 1;
	*t = (time_t)(days_from_civil(y, mo, d) * 86400LL +
	    h * 3600LL + mi * 60LL + s);
	return 0;
}

int
time_format(time_t t, char out[16])
{
	long long	days, secs, y;
	unsigned	m, d, h, mi, s, i;
	unsigned	f[6];

	days = (long long)t / 86400;
	secs = (long long)t % 86400;
	if (secs < 0) {
		secs += 86400;
		days--;
	}
	civil_from_days(days, &y, &m, &d);
	if (y < 1950 || y > 9999)
		return 1;
	h = (unsigned)(secs / 3600);
	mi = (unsigned)(secs / 60 % 60);
	s = (unsigned)(secs % 60);
	f[0] = (unsigned)y / 100;
	f[1] = (unsigned)y % 100;
	f[2] = m;
	f[3] = d;
	f[4] = h;
	f[5] = mi;
	for (i = 0; i < 6; i++) {
		out[2 * i] = (char)('0' + f[i] / 10);
		out[2 * i + 1] = (char)('0' + f[i] % 10);
	}
	out[12] = (char)('0' + s / 10);
	out[13] = (char)('0' + s % 10);
	out[14] = 'Z';
	out[15] = '\0';
	return 0;
}

/*
 * A serial as stored: 1 to 20 octets as upper-case hex, as BN_bn2hex
 * writes a positive number: no leading 00 octet (and so never zero).
 */
static const unsigned char upper_hex[256] = {
	['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1,
	['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
	['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1
};

int
serial_valid(const char *p, size_t len)
{
	size_t	i;

	if (len < 2 || len > DB_SERIAL_MAX - 1 || len % 2 != 0)
		return 0;
	if (p[0] == '0' && p[1] == '0')
		return 0;
	/* Every line of the index passes here: one table look-up a byte. */
	for (i = 0; i < len; i++)
		if (!upper_hex[(unsigned char)p[i]])
			return 0;
	return 1;
}
