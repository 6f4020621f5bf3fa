/* SPDX-License-Identifier: ISC */
/*
 * The token's raw signing rate, the ceiling for "ceremony sign --inbox"
 * in bench/run: after one login, on one session, a loop of C_SignInit
 * (CKM_ECDSA) + C_Sign over a 48-byte digest, as fast as the token goes.
 * Then the same count through libp11's EVP_PKEY (hsm_key_signer and
 * EVP_DigestSign over a short message), the path ceremony signs through,
 * for comparison.  One line per loop on stdout, for bench/run to read:
 *
 *   raw N SECONDS SIGNATURES_PER_SECOND
 *   evp N SECONDS SIGNATURES_PER_SECOND
 *
 *   bench-rawsign -m MODULE -t TOKEN -p PINFILE -k KEY [-n COUNT]
 *
 * The first raw signature is checked against the key's public key, so
 * the loop is known to be making real signatures.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "util/util.h"
#include "hsm/hsm_int.h"

struct bench {
	const char	*module, *token, *pinfile, *key;
	long		 count;
	struct hsm	*h;
	struct hsm_key	*k;
};

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
report(const char *what, long n, double secs)
{
	printf("%s %ld %.3f %.1f\n", what, n, secs, secs > 0 ? n / secs : 0);
}

/* A raw ECDSA signature (r || s) checked with the software public key. */
static int
raw_verify(EVP_PKEY *pub, const unsigned char *dgst, size_t dlen,
    const unsigned char *sig, size_t slen)
{
	ECDSA_SIG	*es = NULL;
	BIGNUM		*r = NULL, *s = NULL;
	EVP_PKEY_CTX	*ctx = NULL;
	unsigned char	*der = NULL;
	int		 derlen, rc = 0;

	if ((es = ECDSA_SIG_new()) == NULL ||
	    (r = BN_bin2bn(sig, slen / 2, NULL)) == NULL ||
	    (s = BN_bin2bn(sig + slen / 2, slen / 2, NULL)) == NULL ||
	    ECDSA_SIG_set0(es, r, s) != 1)
		goto out;
	r = s = NULL;
	if ((derlen = i2d_ECDSA_SIG(es, &der)) <= 0 ||
	    (ctx = EVP_PKEY_CTX_new(pub, NULL)) == NULL ||
	    EVP_PKEY_verify_init(ctx) != 1)
		goto out;
	rc = EVP_PKEY_verify(ctx, der, derlen, dgst, dlen) == 1;
out:
	BN_free(r);
	BN_free(s);
	ECDSA_SIG_free(es);
	EVP_PKEY_CTX_free(ctx);
	OPENSSL_free(der);
	return rc;
}

/* C_SignInit + C_Sign, count times, on the session hsm_login used. */
static int
raw_loop(struct bench *b)
{
	CK_FUNCTION_LIST_PTR	 f = b->h->f;
	CK_MECHANISM		 mech = { CKM_ECDSA, NULL, 0 };
	unsigned char		 dgst[48], sig[256];
	CK_ULONG		 slen;
	CK_RV			 rv;
	double			 t0;
	long			 i;

	if (RAND_bytes(dgst, sizeof(dgst)) != 1) {
		err_ossl("no random digest");
		return 1;
	}
	t0 = now();
	for (i = 0; i < b->count; i++) {
		slen = sizeof(sig);
		dgst[0] = (unsigned char)i;
		if ((rv = f->C_SignInit(b->h->session, &mech, b->k->priv)) !=
		    CKR_OK || (rv = f->C_Sign(b->h->session, dgst,
		    sizeof(dgst), sig, &slen)) != CKR_OK) {
			err_set("signature %ld: %s", i, hsm_rv_text(rv));
			return 1;
		}
		if (i == 0 && !raw_verify(b->k->pubkey, dgst, sizeof(dgst),
		    sig, slen)) {
			err_set("the first raw signature does not verify");
			return 1;
		}
	}
	report("raw", b->count, now() - t0);
	return 0;
}

/* EVP_DigestSign (SHA-384) through libp11's EVP_PKEY, count times. */
static int
evp_loop(struct bench *b)
{
	EVP_PKEY	*pk = NULL;
	EVP_MD_CTX	*md = NULL;
	unsigned char	 msg[64], sig[256];
	size_t		 slen;
	double		 t0;
	long		 i;
	int		 rc = 1;

	memset(msg, 'm', sizeof(msg));
	if (hsm_key_signer(b->h, b->k, &pk) != 0)
		goto out;
	t0 = now();
	for (i = 0; i < b->count; i++) {
		slen = sizeof(sig);
		msg[0] = (unsigned char)i;
		EVP_MD_CTX_free(md);
		if ((md = EVP_MD_CTX_new()) == NULL ||
		    EVP_DigestSignInit(md, NULL, EVP_sha384(), NULL, pk) != 1 ||
		    EVP_DigestSign(md, sig, &slen, msg, sizeof(msg)) != 1) {
			err_ossl("EVP signature %ld failed", i);
			goto out;
		}
	}
	report("evp", b->count, now() - t0);
	rc = 0;
out:
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(pk);
	return rc;
}

static int
run(struct bench *b)
{
	struct secret	*pin = NULL;
	int		 rc = 1;

	if (hsm_open(b->module, &b->h) != 0 ||
	    hsm_token_select(b->h, b->token) != 0 ||
	    secret_read_file(b->pinfile, "user PIN", "--pin-fd", &pin) != 0)
		goto out;
	if (hsm_login(b->h, pin) != 0)
		goto out;
	secret_free(pin);
	pin = NULL;
	if (hsm_key_find(b->h, b->key, &b->k) != 0)
		goto out;
	if (b->k->spec.kind != HSM_KEY_EC || b->k->pubkey == NULL) {
		err_set("key \"%s\" is not an EC key with a public key",
		    b->key);
		goto out;
	}
	if (raw_loop(b) != 0 || evp_loop(b) != 0)
		goto out;
	rc = 0;
out:
	secret_free(pin);
	hsm_key_free(b->k);
	hsm_close(b->h);	/* logs out */
	return rc;
}

static void
usage(void)
{
	fprintf(stderr, "usage: bench-rawsign -m MODULE -t TOKEN -p PINFILE "
	    "-k KEY [-n COUNT]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct bench	b = { .count = 2000 };
	int		c;

	secret_harden();
	while ((c = getopt(argc, argv, "m:t:p:k:n:")) != -1) {
		switch (c) {
		case 'm': b.module = optarg; break;
		case 't': b.token = optarg; break;
		case 'p': b.pinfile = optarg; break;
		case 'k': b.key = optarg; break;
		case 'n': b.count = strtol(optarg, NULL, 10); break;
		default: usage();
		}
	}
	if (b.module == NULL || b.token == NULL || b.pinfile == NULL ||
	    b.key == NULL || b.count <= 0)
		usage();
	if (run(&b) != 0) {
		fprintf(stderr, "bench-rawsign: %s\n", err_get());
		return 1;
	}
	return 0;
}
