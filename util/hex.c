/* SPDX-License-Identifier: ISC */
/*
 * The one hex codec: serials, key IDs, digests, fingerprints, share IDs,
 * the \xHH of escaped text.  Forms: lower or upper case, optionally with
 * a colon between bytes (fingerprints).  Decoding takes either case (and
 * colons) unless the caller needs the one canonical upper-case form.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "util/util.h"

/* Characters hex_write writes for len bytes in form, no NUL. */
size_t
hex_len(size_t len, int form)
{
	if (len == 0)
		return 0;
	return (form & HEX_COLON) ? 3 * len - 1 : 2 * len;
}

/* Write len bytes as hex into out (hex_len(len, form) bytes, no NUL). */
size_t
hex_write(char *out, const unsigned char *p, size_t len, int form)
{
	const char	*digits = (form & HEX_UPPER) ? "0123456789ABCDEF" :
			    "0123456789abcdef";
	size_t		 i, o = 0;

	for (i = 0; i < len; i++) {
		if (i > 0 && (form & HEX_COLON))
			out[o++] = ':';
		out[o++] = digits[p[i] >> 4];
		out[o++] = digits[p[i] & 0xf];
	}
	return o;
}

/* Returns a malloc'd string in form; NULL when out of memory. */
char *
hex_encode(const unsigned char *p, size_t len, int form)
{
	char	*s;

	if ((s = malloc(hex_len(len, form) + 1)) == NULL)
		return NULL;
	s[hex_write(s, p, len, form)] = '\0';
	return s;
}

/*
 * The value of one hex digit, -1 if c is none; with HEX_UPPER only the
 * upper-case letters count (the database's one canonical form).
 */
int
hex_digit(int c, int form)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (!(form & HEX_UPPER) && c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Decode an even-length hex string, colons allowed between bytes. */
int
hex_decode(const char *s, unsigned char *out, size_t cap, size_t *outlen)
{
	size_t	n = 0;
	int	hi, lo;

	while (*s != '\0') {
		if (*s == ':') {
			s++;
			continue;
		}
		if ((hi = hex_digit(s[0], 0)) < 0 ||
		    (lo = hex_digit(s[1], 0)) < 0)
			return 1;
		if (n == cap)
			return 1;
		out[n++] = (unsigned char)(hi << 4 | lo);
		s += 2;
	}
	*outlen = n;
	return n == 0;
}

/* SHA-256 of a buffer as lower-case hex, malloc'd. */
char *
sha256_hex(const void *p, size_t len)
{
	unsigned char	md[32];
	unsigned int	mdlen = sizeof(md);

	if (!EVP_Digest(p, len, md, &mdlen, EVP_sha256(), NULL))
		return NULL;
	return hex_encode(md, mdlen, HEX_LOWER);
}
