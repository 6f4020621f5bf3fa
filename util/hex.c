/* SPDX-License-Identifier: ISC */
/*
 * Hex text for serials, key IDs and digests.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "util/util.h"

/* Returns a malloc'd string, upper or lower case; NULL when out of memory. */
char *
hex_encode(const unsigned char *p, size_t len, int upper)
{
	const char	*digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char		*s;
	size_t		 i;

	if ((s = malloc(len * 2 + 1)) == NULL)
		return NULL;
	for (i = 0; i < len; i++) {
		s[2 * i] = digits[p[i] >> 4];
		s[2 * i + 1] = digits[p[i] & 0xf];
	}
	s[2 * len] = '\0';
	return s;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
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
		if ((hi = hexval(s[0])) < 0 || (lo = hexval(s[1])) < 0)
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
	return hex_encode(md, mdlen, 0);
}
