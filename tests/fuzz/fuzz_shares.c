/* SPDX-License-Identifier: ISC */
/*
 * Custodians' share files and codes (util/shares.c): the input is one
 * share file, and after each line "%%" another.  Each is read as
 * --share-file reads it; one that reads must format back into a file
 * that reads the same; the ones that read are then checked against each
 * other and combined, as the login with M shares does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "util/util.h"
#include "tests/fuzz/fuzz.h"

static void
roundtrip(const struct share *sh)
{
	struct share	 back;
	char		*text;

	if ((text = share_format(sh)) == NULL)
		return;
	if (share_parse(text, "formatted share", &back) != 0 ||
	    strcmp(back.custodian, sh->custodian) != 0 || back.m != sh->m ||
	    back.n != sh->n || back.index != sh->index ||
	    back.len != sh->len || memcmp(back.qid, sh->qid,
	    SHARE_QID_LEN) != 0 || memcmp(back.data, sh->data, sh->len)
	    != 0) {
		fprintf(stderr, "a share does not read back as formatted: "
		    "%s\n", err_get());
		abort();
	}
	OPENSSL_cleanse(&back, sizeof(back));
	OPENSSL_secure_clear_free(text, strlen(text));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_parts	 fp;
	struct share		 v[FUZZ_PARTS_MAX];
	struct secret		*pin = NULL;
	char			*text;
	size_t			 i, n = 0;

	fuzz_split(data, size, &fp);
	for (i = 0; i < fp.n; i++) {
		text = fuzz_text(fp.p[i], fp.len[i]);
		if (share_parse(text, "share", &v[n]) == 0) {
			roundtrip(&v[n]);
			(void)share_fits(v, n);
			n++;
		}
		free(text);
	}
	if (n > 0 && shares_combine(v, n, &pin) == 0)
		secret_free(pin);
	err_clear();
	return 0;
}
