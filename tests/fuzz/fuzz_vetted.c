/* SPDX-License-Identifier: ISC */
/*
 * The intake's pipe format (ceremony/policy/vetted.c), as the signing process
 * reads it: the input is one answer of a parser, which a request that took
 * its parser over may have written in full.  It is read by vetted_decode;
 * one that reads must encode back to the same bytes (the format has one
 * encoding), and its key is decoded as a relying party would (the signing
 * process certifies it as encoded).
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/x509.h>

#include "ceremony/policy/policy.h"
#include "tests/fuzz/fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vetted	*v = NULL;
	EVP_PKEY	*k = NULL;
	unsigned char	*msg = NULL;
	size_t		 len = 0;
	int		 kind;

	if (vetted_decode("fuzz.csr", data, size, &kind, &v) == 0) {
		/* A key that does not decode is refused at the read-back
		 * of the signed certificate; it must still encode. */
		k = vetted_pubkey(v);
		if (kind != VET_OK ||
		    vetted_encode(v, VET_OK, NULL, &msg, &len) != 0) {
			fprintf(stderr, "a vetted answer reads but is not "
			    "whole: %s\n", err_get());
			abort();
		}
		free(msg);
	}
	EVP_PKEY_free(k);
	vetted_free(v);
	err_clear();
	return 0;
}
