/* SPDX-License-Identifier: ISC */
/*
 * The token's raw signing rate, the ceiling for "ceremony sign --inbox"
 * in bench/run: after one login, a loop of C_SignInit (CKM_ECDSA) +
 * C_Sign over a 48-byte digest, as fast as the token goes, first on one
 * session, then on S sessions at once (one thread and one C_OpenSession
 * each, all started together, the same total count split between them:
 * the ceiling for a batch signing on S sessions).  Then the same counts
 * through libp11's EVP_PKEY (hsm_key_signer and EVP_DigestSign over a
 * short message), the path ceremony signs through: on one thread, then on
 * S threads sharing the one EVP_PKEY (libp11 takes a session of its pool
 * for each signature).  One line per loop on stdout, for bench/run:
 *
 *   raw SESSIONS N SECONDS SIGNATURES_PER_SECOND
 *   evp SESSIONS N SECONDS SIGNATURES_PER_SECOND
 *
 *   bench-rawsign -m MODULE -t TOKEN -p PINFILE -k KEY [-n COUNT] [-s S]
 *
 * S is the number of online cores unless given.  The first raw signature
 * of each session is checked against the key's public key, so every loop
 * is known to be making real signatures.
 */
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "util/util.h"
#include "hsm/hsm_int.h"

struct bench {
	const char	*module, *token, *pinfile, *key;
	long		 count;
	long		 sessions;	/* for the loops on several at once */
	struct hsm	*h;
	struct hsm_key	*k;
	EVP_PKEY	*pk;		/* through libp11 */
};

/* One thread's share of a loop on several sessions. */
struct part {
	struct bench		*b;
	long			 count;
	CK_SESSION_HANDLE	 session;	/* raw: its own */
	int			 rc;
	char			 err[256];
};

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
report(const char *what, long sessions, long n, double secs)
{
	printf("%s %ld %ld %.3f %.1f\n", what, sessions, n, secs,
	    secs > 0 ? n / secs : 0);
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

/* C_SignInit + C_Sign, count times, on session sh. */
static int
raw_loop(struct bench *b, CK_SESSION_HANDLE sh, long count)
{
	CK_FUNCTION_LIST_PTR	 f = b->h->f;
	CK_MECHANISM		 mech = { CKM_ECDSA, NULL, 0 };
	unsigned char		 dgst[48], sig[256];
	CK_ULONG		 slen;
	CK_RV			 rv;
	long			 i;

	if (RAND_bytes(dgst, sizeof(dgst)) != 1) {
		err_ossl("no random digest");
		return 1;
	}
	for (i = 0; i < count; i++) {
		slen = sizeof(sig);
		dgst[0] = (unsigned char)i;
		if ((rv = f->C_SignInit(sh, &mech, b->k->priv)) != CKR_OK ||
		    (rv = f->C_Sign(sh, dgst, sizeof(dgst), sig, &slen)) !=
		    CKR_OK) {
			err_set("signature %ld: %s", i, hsm_rv_text(rv));
			return 1;
		}
		if (i == 0 && !raw_verify(b->k->pubkey, dgst, sizeof(dgst),
		    sig, slen)) {
			err_set("the first raw signature does not verify");
			return 1;
		}
	}
	return 0;
}

/* EVP_DigestSign (SHA-384) through libp11's EVP_PKEY, count times. */
static int
evp_loop(struct bench *b, long count)
{
	EVP_MD_CTX	*md = NULL;
	unsigned char	 msg[64], sig[256];
	size_t		 slen;
	long		 i;
	int		 rc = 1;

	memset(msg, 'm', sizeof(msg));
	for (i = 0; i < count; i++) {
		slen = sizeof(sig);
		msg[0] = (unsigned char)i;
		EVP_MD_CTX_free(md);
		if ((md = EVP_MD_CTX_new()) == NULL ||
		    EVP_DigestSignInit(md, NULL, EVP_sha384(), NULL, b->pk) != 1 ||
		    EVP_DigestSign(md, sig, &slen, msg, sizeof(msg)) != 1) {
			err_ossl("EVP signature %ld failed", i);
			goto out;
		}
	}
	rc = 0;
out:
	EVP_MD_CTX_free(md);
	return rc;
}

static void *
raw_thread(void *arg)
{
	struct part	*sh = arg;

	if ((sh->rc = raw_loop(sh->b, sh->session, sh->count)) != 0)
		snprintf(sh->err, sizeof(sh->err), "%s", err_get());
	return NULL;
}

static void *
evp_thread(void *arg)
{
	struct part	*sh = arg;

	if ((sh->rc = evp_loop(sh->b, sh->count)) != 0)
		snprintf(sh->err, sizeof(sh->err), "%s", err_get());
	return NULL;
}

/* Each raw thread's own session, opened before the clock starts. */
static int
open_sessions(struct bench *b, struct part *v, long n)
{
	CK_RV	rv;
	long	i;

	for (i = 0; i < n; i++)
		if ((rv = b->h->f->C_OpenSession(b->h->tok.slot_id,
		    CKF_SERIAL_SESSION, NULL, NULL, &v[i].session)) != CKR_OK) {
			err_set("session %ld: %s", i + 1, hsm_rv_text(rv));
			return 1;
		}
	return 0;
}

/*
 * b->count signatures split over n threads started together, each on its
 * own session (raw) or on libp11's pool (evp); one line of report.
 */
static int
many(struct bench *b, const char *what, void *(*fn)(void *), long n)
{
	struct part	*v;
	pthread_t	*t;
	double		 t0;
	long		 i, k = 0;
	int		 rc = 1;

	v = calloc(n, sizeof(*v));
	t = calloc(n, sizeof(*t));
	if (v == NULL || t == NULL) {
		err_set("out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		v[i].b = b;
		v[i].count = b->count / n + (i < b->count % n);
	}
	if (fn == raw_thread && open_sessions(b, v, n) != 0)
		goto out;
	t0 = now();
	for (k = 0; k < n; k++)
		if (pthread_create(&t[k], NULL, fn, &v[k]) != 0) {
			err_set("cannot start thread %ld", k + 1);
			break;
		}
	for (i = 0; i < k; i++)
		pthread_join(t[i], NULL);
	if (k == n)
		report(what, n, b->count, now() - t0);
	for (i = 0, rc = k != n; i < k; i++)
		if (v[i].rc != 0 && rc++ == 0)
			err_set("%s", v[i].err);
out:
	for (i = 0; v != NULL && i < n; i++)
		if (v[i].session != 0)
			(void)b->h->f->C_CloseSession(v[i].session);
	free(v);
	free(t);
	return rc;
}

/* One session, then several at once: raw, then through libp11. */
static int
loops(struct bench *b)
{
	double	t0 = now();

	if (raw_loop(b, b->h->session, b->count) != 0)
		return 1;
	report("raw", 1, b->count, now() - t0);
	if (many(b, "raw", raw_thread, b->sessions) != 0 ||
	    hsm_key_signer(b->h, b->k, &b->pk) != 0)
		return 1;
	t0 = now();
	if (evp_loop(b, b->count) != 0)
		return 1;
	report("evp", 1, b->count, now() - t0);
	return many(b, "evp", evp_thread, b->sessions);
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
	if (loops(b) != 0)
		goto out;
	rc = 0;
out:
	secret_free(pin);
	EVP_PKEY_free(b->pk);
	hsm_key_free(b->k);
	hsm_close(b->h);	/* logs out */
	return rc;
}

static void
usage(void)
{
	fprintf(stderr, "usage: bench-rawsign -m MODULE -t TOKEN -p PINFILE "
	    "-k KEY [-n COUNT] [-s SESSIONS]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct bench	b = { .count = 2000 };
	long		cores = sysconf(_SC_NPROCESSORS_ONLN);
	int		c;

	secret_harden();
	b.sessions = cores > 0 ? cores : 1;
	while ((c = getopt(argc, argv, "m:t:p:k:n:s:")) != -1) {
		switch (c) {
		case 'm': b.module = optarg; break;
		case 't': b.token = optarg; break;
		case 'p': b.pinfile = optarg; break;
		case 'k': b.key = optarg; break;
		case 'n': b.count = strtol(optarg, NULL, 10); break;
		case 's': b.sessions = strtol(optarg, NULL, 10); break;
		default: usage();
		}
	}
	if (b.module == NULL || b.token == NULL || b.pinfile == NULL ||
	    b.key == NULL || b.count <= 0 || b.sessions <= 0 ||
	    b.sessions > 64)
		usage();
	if (run(&b) != 0) {
		fprintf(stderr, "bench-rawsign: %s\n", err_get());
		return 1;
	}
	return 0;
}
