/* SPDX-License-Identifier: ISC */
/*
 * A distinguished name as one line of RFC 2253 text, for messages, the
 * audit, reports and screens in every folder (it was in issue/, which
 * the folders that only show a name had no other reason to use).  UTF-8
 * is kept as it is: the front ends escape it for the terminal.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/x509.h>

#include "util/util.h"

/* Malloc'd; NULL when out of memory. */
char *
name_text(const X509_NAME *n)
{
	BIO	*b;
	char	*s = NULL, *p;
	long	 len;

	if ((b = BIO_new(BIO_s_mem())) == NULL)
		return NULL;
	if (X509_NAME_print_ex(b, n, 0, XN_FLAG_RFC2253 &
	    ~ASN1_STRFLGS_ESC_MSB) >= 0 && (len = BIO_get_mem_data(b, &p)) >= 0
	    && (s = malloc(len + 1)) != NULL) {
		memcpy(s, p, len);
		s[len] = '\0';
	}
	BIO_free(b);
	return s;
}
