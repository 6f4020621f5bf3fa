/* SPDX-License-Identifier: ISC */
/*
 * The format of the intake's pipe (vetted.c): what the parser sends comes
 * back as it was vetted; anything cut short, lengthened, or with a field
 * out of its bounds is refused whole, as "could not be parsed safely".
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/pem.h>
#include <openssl/x509.h>

#include "ceremony/policy/policy.h"
#include "tests/unit/tap.h"

/* A request for CN=t.example.com with its SAN, signed by k. */
static unsigned char *
mkreq(EVP_PKEY *k, size_t *len)
{
	X509_REQ			*r = X509_REQ_new();
	STACK_OF(X509_EXTENSION)	*exts = sk_X509_EXTENSION_new_null();
	unsigned char			*der = NULL;

	X509_NAME_add_entry_by_txt(X509_REQ_get_subject_name(r), "C",
	    MBSTRING_ASC, (const unsigned char *)"XX", -1, -1, 0);
	X509_NAME_add_entry_by_txt(X509_REQ_get_subject_name(r), "O",
	    MBSTRING_ASC, (const unsigned char *)"Example", -1, -1, 0);
	X509_NAME_add_entry_by_txt(X509_REQ_get_subject_name(r), "CN",
	    MBSTRING_ASC, (const unsigned char *)"t.example.com", -1, -1, 0);
	X509_REQ_set_pubkey(r, k);
	sk_X509_EXTENSION_push(exts, X509V3_EXT_conf_nid(NULL, NULL,
	    NID_subject_alt_name, "DNS:t.example.com"));
	sk_X509_EXTENSION_push(exts, X509V3_EXT_conf_nid(NULL, NULL,
	    NID_ext_key_usage, "serverAuth,clientAuth"));
	X509_REQ_add_extensions(r, exts);
	X509_REQ_sign(r, k, EVP_sha256());
	*len = (size_t)i2d_X509_REQ(r, &der);
	sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	X509_REQ_free(r);
	return der;
}

int
main(void)
{
	EVP_PKEY	*k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	struct policy	*p = NULL;
	struct csr	*c = NULL;
	struct vetted	*v = NULL, *back = NULL;
	unsigned char	*req, *msg = NULL, *bad;
	size_t		 reqlen, msglen = 0, i;
	EVP_PKEY	*got = NULL;
	int		 kind, refused;
	const char	*top = getenv("TOP");
	char		 path[4096];

	snprintf(path, sizeof(path), "%s/templates/policy-expressway.cnf",
	    top != NULL ? top : ".");
	req = mkreq(k, &reqlen);
	ok(policy_load(path, &p) == 0, "the policy loads");
	ok(csr_load_mem("t.der", req, reqlen, &c) == 0, "the request loads");
	ok(c != NULL && p != NULL && vetted_from_csr(c, p, VET_TEXT, &v) == 0,
	    "it is vetted");
	ok(v != NULL && vetted_encode(v, VET_OK, NULL, &msg, &msglen) == 0,
	    "and encoded");
	ok(vetted_decode("t.der", msg, msglen, &kind, &back) == 0 &&
	    kind == VET_OK, "and decoded");
	if (back != NULL)
		got = vetted_pubkey(back);
	ok(back != NULL && v != NULL && X509_NAME_cmp(back->subject,
	    v->subject) == 0 && got != NULL && EVP_PKEY_eq(got, k) == 1 &&
	    back->f.n == v->f.n && back->f.errors == v->f.errors &&
	    back->f.errors == 0 &&
	    sk_X509_EXTENSION_num(back->exts) == 2 && back->pop_ok &&
	    back->derlen == reqlen && memcmp(back->der, req, reqlen) == 0 &&
	    back->text != NULL && strcmp(back->text, v->text) == 0,
	    "subject, key, findings, extensions, DER and text come back");
	EVP_PKEY_free(got);
	vetted_free(back);
	back = NULL;
	/* Every cut is refused, none crashes. */
	for (i = refused = 0; i < msglen; i++) {
		if (vetted_decode("t.der", msg, i, &kind, &back) != 0 &&
		    kind == VET_UNSAFE && back == NULL)
			refused++;
		vetted_free(back);
		back = NULL;
	}
	ok(refused == (int)msglen, "each of the %zu shorter messages is "
	    "refused (%d)", msglen, refused);
	bad = malloc(msglen + 1);
	memcpy(bad, msg, msglen);
	bad[msglen] = 0;
	ok(vetted_decode("t.der", bad, msglen + 1, &kind, &back) != 0 &&
	    strstr(err_get(), "could not be parsed safely") != NULL,
	    "a trailing byte is refused: %s", err_get());
	bad[0] = 'X';
	ok(vetted_decode("t.der", bad, msglen, &kind, &back) != 0,
	    "a wrong magic is refused");
	free(bad);
	free(msg);
	msg = NULL;
	ok(vetted_encode(NULL, VET_UNSAFE, "x could not be parsed safely: "
	    "its parser was killed", &msg, &msglen) == 0 &&
	    vetted_decode("x", msg, msglen, &kind, &back) != 0 &&
	    kind == VET_UNSAFE && strstr(err_get(), "killed") != NULL,
	    "an unsafe verdict carries its reason");
	free(msg);
	vetted_free(v);
	csr_free(c);
	policy_free(p);
	OPENSSL_free(req);
	EVP_PKEY_free(k);
	return done_testing();
}
