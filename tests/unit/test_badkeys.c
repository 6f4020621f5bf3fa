/* SPDX-License-Identifier: ISC */
/*
 * Key quality on crafted keys: small factors, primes close enough for
 * Fermat, the ROCA fingerprint, exponent 3, sizes 1024 and 8192, an EC
 * point that is not on the curve.  The checks take an EVP_PKEY, so most
 * cases need no private key and no request.
 *
 * With --write DIR it also writes the requests the openssl CLI cannot
 * make (see tests/csr_corpus.sh): signed with real keys built from the
 * crafted primes, values over RFC 5280's bounds, a repeated extension.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "ceremony/policy/policy.h"
#include "tests/unit/tap.h"

/* An RSA key from n and e, with the private part when p and q are given. */
static EVP_PKEY *
rsa_key(const BIGNUM *p, const BIGNUM *q, const BIGNUM *n, unsigned long e)
{
	OSSL_PARAM_BLD	*b = OSSL_PARAM_BLD_new();
	OSSL_PARAM	*params = NULL;
	EVP_PKEY_CTX	*ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	EVP_PKEY	*k = NULL;
	BN_CTX		*bc = BN_CTX_new();
	BIGNUM		*be = BN_new(), *d = BN_new(), *p1 = BN_new(),
			*q1 = BN_new(), *phi = BN_new(), *dp = BN_new(),
			*dq = BN_new(), *qi = BN_new();

	BN_set_word(be, e);
	OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_RSA_N, n);
	OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_RSA_E, be);
	if (p != NULL) {
		BN_sub(p1, p, BN_value_one());
		BN_sub(q1, q, BN_value_one());
		BN_mul(phi, p1, q1, bc);
		BN_mod_inverse(d, be, phi, bc);
		BN_mod(dp, d, p1, bc);
		BN_mod(dq, d, q1, bc);
		BN_mod_inverse(qi, q, p, bc);
		OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_RSA_D, d);
		OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_RSA_FACTOR1, p);
		OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_RSA_FACTOR2, q);
		OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_RSA_EXPONENT1, dp);
		OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_RSA_EXPONENT2, dq);
		OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_RSA_COEFFICIENT1, qi);
	}
	params = OSSL_PARAM_BLD_to_param(b);
	if (EVP_PKEY_fromdata_init(ctx) <= 0 || EVP_PKEY_fromdata(ctx, &k,
	    p != NULL ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, params) <= 0)
		k = NULL;
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(b);
	EVP_PKEY_CTX_free(ctx);
	BN_CTX_free(bc);
	BN_free(be);
	BN_clear_free(d);
	BN_clear_free(p1);
	BN_clear_free(q1);
	BN_clear_free(phi);
	BN_clear_free(dp);
	BN_clear_free(dq);
	BN_clear_free(qi);
	return k;
}

static BIGNUM *
prime(int bits)
{
	BIGNUM	*p = BN_new();

	BN_generate_prime_ex(p, bits, 0, NULL, NULL, NULL);
	return p;
}

/* The next prime after p + gap: primes close enough for Fermat. */
static BIGNUM *
prime_near(const BIGNUM *p, unsigned long gap)
{
	BIGNUM	*q = BN_dup(p);

	BN_add_word(q, gap);
	if (!BN_is_odd(q))
		BN_add_word(q, 1);
	while (BN_check_prime(q, NULL, NULL) != 1)
		BN_add_word(q, 2);
	return q;
}

/* M = 2 * 3 * ... * 167, the ROCA primorial of the detector's primes. */
static BIGNUM *
roca_m(void)
{
	static const unsigned	small[] = { 2, 3, 5, 7, 11, 13, 17, 19, 23, 29,
	    31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97, 101,
	    103, 107, 109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167 };
	BIGNUM			*m = BN_new();
	size_t			 i;

	BN_one(m);
	for (i = 0; i < sizeof(small) / sizeof(small[0]); i++)
		BN_mul_word(m, small[i]);
	return m;
}

/* k * M + (65537^a mod M): prime when want_prime, as Infineon made them. */
static BIGNUM *
roca_number(int bits, int want_prime)
{
	BN_CTX	*ctx = BN_CTX_new();
	BIGNUM	*m = roca_m(), *g = BN_new(), *a = BN_new(), *k = BN_new(),
		*r = BN_new(), *x = BN_new();

	BN_set_word(g, 65537);
	for (;;) {
		BN_rand(a, 64, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY);
		BN_mod_exp(r, g, a, m, ctx);
		BN_rand(k, bits - BN_num_bits(m) + 1, BN_RAND_TOP_ANY,
		    BN_RAND_BOTTOM_ANY);
		BN_mul(x, k, m, ctx);
		BN_add(x, x, r);
		/* Top two bits set: two of them multiply to 2 * bits. */
		if (BN_num_bits(x) != bits || !BN_is_bit_set(x, bits - 2))
			continue;
		if (!want_prime || BN_check_prime(x, ctx, NULL) == 1)
			break;
	}
	BN_free(m);
	BN_free(g);
	BN_free(a);
	BN_free(k);
	BN_free(r);
	BN_CTX_free(ctx);
	return x;
}

static int
has_code(const struct findings *f, const char *code)
{
	size_t	i;

	for (i = 0; i < f->n; i++)
		if (strcmp(f->v[i].code, code) == 0)
			return 1;
	return 0;
}

static double
now_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static const char POLICY[] =
    "[policy]\nkey_types = rsa:2048, rsa:4096, ec:P-256\n"
    "extensions_allowed = subjectAltName\n";

static struct policy *
test_policy(void)
{
	char		 path[] = "/tmp/test_badkeys.XXXXXX";
	struct policy	*p = NULL;
	FILE		*fp;
	int		 fd;

	if ((fd = mkstemp(path)) == -1 || (fp = fdopen(fd, "w")) == NULL)
		return NULL;
	fputs(POLICY, fp);
	fclose(fp);
	if (policy_load(path, &p) != 0)
		p = NULL;
	unlink(path);
	return p;
}

/* The findings of policy_check_key on k, and whether code is among them. */
static int
key_finds(const struct policy *p, EVP_PKEY *k, const char *code)
{
	struct findings	f = { NULL, 0, 0, 0 };
	int		found;

	policy_check_key(p, k, &f);
	found = code != NULL ? has_code(&f, code) : f.n == 0;
	if (!found && f.n > 0)
		printf("# first finding: %s %s\n", f.v[0].code, f.v[0].text);
	findings_free(&f);
	return found;
}

static void
test_good(const struct policy *pol, const BIGNUM *p, const BIGNUM *q,
    const BIGNUM *n)
{
	EVP_PKEY	*k = rsa_key(p, q, n, 65537);
	unsigned long	 factor;
	double		 t0, per;
	int		 i, rounds = 200;

	ok(k != NULL && key_finds(pol, k, NULL), "a good RSA 2048 key has no "
	    "findings");
	t0 = now_us();
	for (i = 0; i < rounds; i++)
		keyq_small_factor(n, &factor);
	per = (now_us() - t0) / rounds;
	/* A figure for the reader, not a verdict: timing belongs in a
	 * benchmark, and a loaded or sanitised build is slower. */
	printf("# trial division by the primes below 2^16: %.0f us per key\n",
	    per);
	t0 = now_us();
	keyq_fermat(n, 100);
	printf("# 100 Fermat rounds: %.0f us\n", now_us() - t0);
	EVP_PKEY_free(k);
}

static void
test_small_factor(const struct policy *pol, const BIGNUM *n)
{
	BIGNUM		*bad = BN_dup(n);
	EVP_PKEY	*k;
	unsigned long	 factor;
	int		 found;

	BN_mul_word(bad, 65521);	/* the largest prime below 2^16 */
	found = keyq_small_factor(bad, &factor);
	ok(found == 1 && factor == 65521, "n * 65521: small factor 65521 "
	    "found");
	BN_copy(bad, n);
	BN_mul_word(bad, 3);
	ok(keyq_small_factor(bad, &factor) == 1 && factor == 3,
	    "n * 3: small factor 3 found");
	ok(keyq_small_factor(n, &factor) == 0, "n = p * q: no small factor");
	k = rsa_key(NULL, NULL, bad, 65537);
	ok(k != NULL && key_finds(pol, k, "rsa-small-factor"),
	    "policy_check_key reports rsa-small-factor");
	EVP_PKEY_free(k);
	BN_free(bad);
}

static void
test_fermat(const struct policy *pol, const BIGNUM *p)
{
	BIGNUM		*q = prime_near(p, 1UL << 20), *n = BN_new();
	BN_CTX		*ctx = BN_CTX_new();
	EVP_PKEY	*k;

	BN_mul(n, p, q, ctx);
	ok(keyq_fermat(n, 100), "primes 2^20 apart: Fermat factors n");
	k = rsa_key(p, q, n, 65537);
	ok(k != NULL && key_finds(pol, k, "rsa-fermat"),
	    "policy_check_key reports rsa-fermat");
	BN_sqr(n, p, ctx);
	ok(keyq_fermat(n, 1), "n = p^2: Fermat factors it at once");
	EVP_PKEY_free(k);
	BN_free(q);
	BN_free(n);
	BN_CTX_free(ctx);
}

static void
test_roca(const struct policy *pol, const BIGNUM *good)
{
	BIGNUM		*n = roca_number(2048, 0);
	EVP_PKEY	*k = rsa_key(NULL, NULL, n, 65537);

	ok(keyq_roca(n), "k * M + 65537^a mod M has the ROCA fingerprint");
	ok(!keyq_roca(good), "a good key has no ROCA fingerprint");
	ok(k != NULL && key_finds(pol, k, "rsa-roca"),
	    "policy_check_key reports rsa-roca");
	EVP_PKEY_free(k);
	BN_free(n);
}

static void
test_sizes(const struct policy *pol, const BIGNUM *n)
{
	BIGNUM		*big = BN_new();
	EVP_PKEY	*k;

	k = rsa_key(NULL, NULL, n, 3);
	ok(k != NULL && key_finds(pol, k, "rsa-exponent"),
	    "exponent 3: rsa-exponent");
	EVP_PKEY_free(k);
	BN_rand(big, 8192, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ODD);
	k = rsa_key(NULL, NULL, big, 65537);
	ok(k != NULL && key_finds(pol, k, "key-size"), "rsa:8192: key-size");
	EVP_PKEY_free(k);
	BN_rand(big, 1024, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ODD);
	k = rsa_key(NULL, NULL, big, 65537);
	ok(k != NULL && key_finds(pol, k, "key-size"), "rsa:1024: key-size");
	EVP_PKEY_free(k);
	k = EVP_EC_gen("P-384");
	ok(k != NULL && key_finds(pol, k, "key-type"), "ec:P-384 not listed: "
	    "key-type");
	EVP_PKEY_free(k);
	k = EVP_EC_gen("P-256");
	ok(k != NULL && key_finds(pol, k, NULL), "ec:P-256: no findings");
	EVP_PKEY_free(k);
	BN_free(big);
}

/* The point at infinity decodes as a point but is no public key. */
static void
test_ec_point(const struct policy *pol)
{
	OSSL_PARAM_BLD	*b = OSSL_PARAM_BLD_new();
	OSSL_PARAM	*params;
	EVP_PKEY_CTX	*ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	EVP_PKEY	*k = NULL;
	unsigned char	 inf[1] = { 0x00 };

	OSSL_PARAM_BLD_push_utf8_string(b, OSSL_PKEY_PARAM_GROUP_NAME,
	    "P-256", 0);
	OSSL_PARAM_BLD_push_octet_string(b, OSSL_PKEY_PARAM_PUB_KEY, inf, 1);
	params = OSSL_PARAM_BLD_to_param(b);
	if (EVP_PKEY_fromdata_init(ctx) <= 0 || EVP_PKEY_fromdata(ctx, &k,
	    EVP_PKEY_PUBLIC_KEY, params) <= 0)
		k = NULL;
	ERR_clear_error();
	if (k == NULL)
		ok(1, "# SKIP OpenSSL refuses the point at infinity itself");
	else
		ok(key_finds(pol, k, "ec-point"), "the point at infinity: "
		    "ec-point");
	EVP_PKEY_free(k);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(b);
	EVP_PKEY_CTX_free(ctx);
}

/*
 * The requests the openssl CLI refuses to make, for tests/csr_corpus.sh.
 * Each is an Expressway request (templates/policy-expressway.cnf) with
 * one rule broken, named after the finding it must produce.
 */
static X509_NAME *
exp_name(const char *c, const char *cn)
{
	X509_NAME	*nm = X509_NAME_new();

	/* A concrete string type skips OpenSSL's own length table. */
	X509_NAME_add_entry_by_txt(nm, "C", V_ASN1_PRINTABLESTRING,
	    (const unsigned char *)c, -1, -1, 0);
	X509_NAME_add_entry_by_txt(nm, "O", V_ASN1_UTF8STRING,
	    (const unsigned char *)"Example KK", -1, -1, 0);
	X509_NAME_add_entry_by_txt(nm, "CN", V_ASN1_UTF8STRING,
	    (const unsigned char *)cn, -1, -1, 0);
	return nm;
}

static void
ext_add(STACK_OF(X509_EXTENSION) *sk, int nid, const char *value)
{
	X509_EXTENSION	*e = X509V3_EXT_conf_nid(NULL, NULL, nid, value);

	if (e != NULL)
		sk_X509_EXTENSION_push(sk, e);
}

static int
req_write(const char *dir, const char *name, EVP_PKEY *k, const char *c,
    const char *cn, int dup)
{
	X509_REQ			*r = X509_REQ_new();
	X509_NAME			*nm = exp_name(c, cn);
	STACK_OF(X509_EXTENSION)	*exts = sk_X509_EXTENSION_new_null();
	char				 path[4096], san[200];
	FILE				*fp;
	int				 ok = 0;

	snprintf(san, sizeof(san), "DNS:%s", cn);
	ext_add(exts, NID_subject_alt_name, san);
	ext_add(exts, NID_ext_key_usage, "serverAuth, clientAuth");
	ext_add(exts, NID_key_usage, "critical, digitalSignature");
	if (dup)
		ext_add(exts, NID_key_usage, "critical, digitalSignature");
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (k != NULL && X509_REQ_set_version(r, 0) &&
	    X509_REQ_set_subject_name(r, nm) && X509_REQ_set_pubkey(r, k) &&
	    X509_REQ_add_extensions(r, exts) &&
	    X509_REQ_sign(r, k, EVP_sha256()) > 0 &&
	    (fp = fopen(path, "w")) != NULL) {
		ok = PEM_write_X509_REQ(fp, r) == 1;
		ok = fclose(fp) == 0 && ok;
	}
	if (!ok)
		fprintf(stderr, "test_badkeys: cannot write %s\n", path);
	sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	X509_NAME_free(nm);
	X509_REQ_free(r);
	return !ok;
}

/*
 * A 2048-bit RSA key pair from primes made by gen (p with pbits, q with
 * 2048 - pbits), drawn again until the modulus has exactly 2048 bits so
 * that key-size stays out of the findings.
 */
static EVP_PKEY *
rsa_pair_2048(BIGNUM *(*gen)(int), int pbits, BIGNUM *fixed_p)
{
	BN_CTX		*ctx = BN_CTX_new();
	BIGNUM		*n = BN_new(), *p = NULL, *q = NULL;
	EVP_PKEY	*k;

	do {
		BN_free(p);
		BN_free(q);
		p = fixed_p != NULL ? BN_dup(fixed_p) : gen(pbits);
		q = gen(2048 - pbits);
		BN_mul(n, p, q, ctx);
	} while (BN_num_bits(n) != 2048);
	k = rsa_key(p, q, n, 65537);
	BN_free(n);
	BN_free(p);
	BN_free(q);
	BN_CTX_free(ctx);
	return k;
}

static BIGNUM *
roca_prime(int bits)
{
	return roca_number(bits, 1);
}

/* Primes 2^24 apart: p random, q the next prime after p + 2^24. */
static EVP_PKEY *
rsa_fermat_2048(void)
{
	BN_CTX		*ctx = BN_CTX_new();
	BIGNUM		*n = BN_new(), *p = NULL, *q = NULL;
	EVP_PKEY	*k;

	do {
		BN_free(p);
		BN_free(q);
		p = prime(1024);
		q = prime_near(p, 1UL << 24);
		BN_mul(n, p, q, ctx);
	} while (BN_num_bits(n) != 2048);
	k = rsa_key(p, q, n, 65537);
	BN_free(n);
	BN_free(p);
	BN_free(q);
	BN_CTX_free(ctx);
	return k;
}

static int
badcsr_write(const char *dir)
{
	EVP_PKEY	*ec = EVP_EC_gen("P-256"), *k;
	BIGNUM		*p;
	char		 cn[80];
	int		 rc = 0;

	rc |= req_write(dir, "expressway--subject-c-length.csr", ec, "JPN",
	    "vcs.example.com", 0);
	memset(cn, 'a', 55);
	snprintf(cn + 55, sizeof(cn) - 55, ".example.com");	/* 67 chars */
	rc |= req_write(dir, "expressway--subject-value-too-long.csr", ec,
	    "JP", cn, 0);
	rc |= req_write(dir, "expressway--ext-duplicate.csr", ec, "JP",
	    "vcs.example.com", 1);
	k = rsa_fermat_2048();
	rc |= req_write(dir, "expressway--rsa-fermat.csr", k, "JP",
	    "vcs.example.com", 0);
	EVP_PKEY_free(k);
	k = rsa_pair_2048(roca_prime, 1024, NULL);
	rc |= req_write(dir, "expressway--rsa-roca.csr", k, "JP",
	    "vcs.example.com", 0);
	EVP_PKEY_free(k);
	/* A 2048-bit modulus with the factor 65521: it still signs. */
	p = BN_new();
	BN_set_word(p, 65521);
	k = rsa_pair_2048(prime, 16, p);
	BN_free(p);
	rc |= req_write(dir, "expressway--rsa-small-factor.csr", k, "JP",
	    "vcs.example.com", 0);
	EVP_PKEY_free(k);
	EVP_PKEY_free(ec);
	return rc;
}

int
main(int argc, char **argv)
{
	struct policy	*pol;
	BIGNUM		*p, *q, *n;
	BN_CTX		*ctx;

	if (argc == 3 && strcmp(argv[1], "--write") == 0)
		return badcsr_write(argv[2]);
	n = BN_new();
	ctx = BN_CTX_new();
	ok((pol = test_policy()) != NULL, "test policy loads");
	if (pol == NULL)
		return done_testing();
	p = prime(1024);
	q = prime(1024);
	BN_mul(n, p, q, ctx);
	test_good(pol, p, q, n);
	test_small_factor(pol, n);
	test_fermat(pol, p);
	test_roca(pol, n);
	test_sizes(pol, n);
	test_ec_point(pol);
	policy_free(pol);
	BN_free(p);
	BN_free(q);
	BN_free(n);
	BN_CTX_free(ctx);
	return done_testing();
}
