/* SPDX-License-Identifier: ISC */
/*
 * The one escaping of text: control characters (and, for a terminal,
 * C1 controls and bytes that are not UTF-8) written visibly as \t, \n, \r
 * or \xHH, so that a name a requester chose cannot move the cursor, set a
 * window title or hide part of a line.  The database writes its records
 * with it too (with backslashes doubled, so that it reads them back).
 */
#include <stdio.h>
#include <string.h>

#include "util/util.h"

/* A UTF-8 character of four bytes, each escaped. */
#define ESC_STEP_MAX	(4 * ESC_BYTE_MAX)

/* The two-character escape of one byte, or NULL when it has none. */
const char *
esc_short(unsigned char c)
{
	switch (c) {
	case '\\':
		return "\\\\";
	case '\t':
		return "\\t";
	case '\n':
		return "\\n";
	case '\r':
		return "\\r";
	default:
		return NULL;
	}
}

int
esc_is_control(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

/* One byte as an escape (no NUL): \t \n \r \\ or \xHH; its length. */
size_t
esc_byte(unsigned char c, char out[ESC_BYTE_MAX])
{
	const char	*e;

	if ((e = esc_short(c)) != NULL) {
		memcpy(out, e, 2);
		return 2;
	}
	out[0] = '\\';
	out[1] = 'x';
	hex_write(out + 2, &c, 1, HEX_UPPER);
	return 4;
}

/*
 * The length of the UTF-8 character at s, 0 when s does not start one
 * (an overlong form, a surrogate, beyond U+10FFFF, a cut sequence).
 */
size_t
esc_utf8_len(const unsigned char *s)
{
	size_t	n, i;

	if (*s < 0x80)
		return 1;
	if (*s >= 0xc2 && *s <= 0xdf)
		n = 2;
	else if (*s >= 0xe0 && *s <= 0xef)
		n = 3;
	else if (*s >= 0xf0 && *s <= 0xf4)
		n = 4;
	else
		return 0;
	for (i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	if ((n == 3 && *s == 0xe0 && s[1] < 0xa0) ||
	    (n == 3 && *s == 0xed && s[1] > 0x9f) ||
	    (n == 4 && *s == 0xf0 && s[1] < 0x90) ||
	    (n == 4 && *s == 0xf4 && s[1] > 0x8f))
		return 0;
	return n;
}

/*
 * The next character of s under flags: *e gets what stands for it (itself,
 * or its bytes escaped one by one), *m its length; returns the bytes of s
 * it takes.
 */
static size_t
esc_step(const unsigned char *s, int flags, char e[ESC_STEP_MAX], size_t *m)
{
	size_t	k = 1, i;
	int	plain;

	if (*s == '\\')
		plain = !(flags & ESC_BACKSLASH);
	else if ((*s == '\t' || *s == '\n') && (flags & ESC_LAYOUT))
		plain = 1;
	else if (esc_is_control(*s))
		plain = 0;
	else if (!(flags & ESC_TERMINAL) || *s < 0x80)
		plain = 1;
	else if ((k = esc_utf8_len(s)) == 0)
		plain = 0, k = 1;
	else	/* U+0080..U+009F: C1 controls (CSI is U+009B). */
		plain = !(s[0] == 0xc2 && s[1] < 0xa0);
	for (i = *m = 0; i < k; i++)
		if (plain)
			e[(*m)++] = (char)s[i];
		else
			*m += esc_byte(s[i], e + *m);
	return k;
}

/* Printable ASCII that stands for itself: the common case, kept fast
 * (the index is escaped and measured line by line). */
static int
esc_plain(unsigned char c, int flags)
{
	return c >= 0x20 && c < 0x7f && (c != '\\' || !(flags & ESC_BACKSLASH));
}

/* Length of the escaped form of s, without a NUL. */
size_t
esc_len(const char *str, int flags)
{
	const unsigned char	*s = (const unsigned char *)str;
	char			 e[ESC_STEP_MAX];
	size_t			 n = 0, m;

	while (*s != '\0') {
		if (esc_plain(*s, flags)) {
			s++;
			n++;
			continue;
		}
		s += esc_step(s, flags, e, &m);
		n += m;
	}
	return n;
}

/* The escaped form of s into out (esc_len bytes, no NUL); its length. */
size_t
esc_write(char *out, const char *str, int flags)
{
	const unsigned char	*s = (const unsigned char *)str;
	char			 e[ESC_STEP_MAX];
	size_t			 n = 0, m;

	while (*s != '\0') {
		if (esc_plain(*s, flags)) {
			out[n++] = (char)*s++;
			continue;
		}
		s += esc_step(s, flags, e, &m);
		memcpy(out + n, e, m);
		n += m;
	}
	return n;
}

/*
 * The escaped form of s into out, at most size - 1 bytes and a NUL, never
 * cutting an escape or a character in two; returns out.
 */
char *
esc_text(char *out, size_t size, const char *str, int flags)
{
	const unsigned char	*s = (const unsigned char *)str;
	char			 e[ESC_STEP_MAX];
	size_t			 n = 0, k, m;

	if (size == 0)
		return out;
	while (*s != '\0') {
		k = esc_step(s, flags, e, &m);
		if (n + m >= size)
			break;
		memcpy(out + n, e, m);
		n += m;
		s += k;
	}
	out[n] = '\0';
	return out;
}

/* The escaped form of s to fp, whatever its length. */
void
esc_fputs(FILE *fp, const char *str, int flags)
{
	const unsigned char	*s = (const unsigned char *)str;
	char			 e[ESC_STEP_MAX];
	size_t			 m;

	while (*s != '\0') {
		s += esc_step(s, flags, e, &m);
		fwrite(e, 1, m, fp);
	}
}
