/* SPDX-License-Identifier: ISC */
/*
 * Key quality, the checks Let's Encrypt's goodkey applies to every key it
 * certifies: an RSA exponent of 65537, no prime factor below 2^16, no
 * factorisation by a few rounds of Fermat's method (primes too close
 * together), no ROCA fingerprint (CVE-2017-15361, Infineon keys), and an
 * EC point that is a valid point of its curve.  Rule key_quality.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include "ceremony/policy/policy.h"

#define SMALL_PRIME_LIMIT	65536
#define SMALL_PRIMES		6542	/* primes below 2^16 */

/*
 * The primes below 2^16 (but 2: n is odd or "even" says it first),
 * multiplied into words so that one BN_mod_word() tests several primes,
 * and the words into ~1000-bit chunks: n is reduced modulo a chunk first
 * (one BN_mod), then the short remainder modulo each of its words.  That
 * halves the long divisions again: about 0.3 ms for a 2048-bit modulus
 * where one division per prime would take 2 ms.  Built once, on first use
 * (the chunks stay for the life of the process).
 */
#define KEYQ_CHUNK_WORDS	16

static uint16_t		keyq_primes[SMALL_PRIMES];
static size_t		keyq_nprimes;
static BN_ULONG		keyq_products[SMALL_PRIMES];
static uint16_t		keyq_first[SMALL_PRIMES + 1];	/* group start */
static size_t		keyq_ngroups;
static BIGNUM		*keyq_chunks[SMALL_PRIMES / KEYQ_CHUNK_WORDS + 1];
static size_t		keyq_nchunks;

static void
keyq_sieve(void)
{
	static unsigned char	composite[SMALL_PRIME_LIMIT];
	BN_ULONG		prod = 1;
	size_t			i, j;

	for (i = 3; i < SMALL_PRIME_LIMIT; i += 2) {
		if (composite[i])
			continue;
		keyq_primes[keyq_nprimes++] = (uint16_t)i;
		for (j = i * i; j < SMALL_PRIME_LIMIT; j += 2 * i)
			composite[j] = 1;
	}
	for (i = 0; i < keyq_nprimes; i++) {
		if (prod > (BN_ULONG)-1 / keyq_primes[i]) {
			keyq_products[keyq_ngroups++] = prod;
			keyq_first[keyq_ngroups] = (uint16_t)i;
			prod = 1;
		}
		prod *= keyq_primes[i];
	}
	keyq_products[keyq_ngroups++] = prod;
	keyq_first[keyq_ngroups] = (uint16_t)keyq_nprimes;
}

static int
keyq_build_chunks(void)
{
	size_t	g, c;

	for (g = 0; g < keyq_ngroups; g++) {
		c = g / KEYQ_CHUNK_WORDS;
		if (keyq_chunks[c] == NULL && ((keyq_chunks[c] = BN_new()) ==
		    NULL || !BN_one(keyq_chunks[c])))
			return 1;
		if (!BN_mul_word(keyq_chunks[c], keyq_products[g]))
			return 1;
	}
	keyq_nchunks = (keyq_ngroups + KEYQ_CHUNK_WORDS - 1) /
	    KEYQ_CHUNK_WORDS;
	return 0;
}

/* The words of chunk c against r = n mod chunk. */
static int
keyq_chunk_factor(const BIGNUM *r, size_t c, unsigned long *factor)
{
	BN_ULONG	w;
	size_t		g, i, end = (c + 1) * KEYQ_CHUNK_WORDS;

	for (g = c * KEYQ_CHUNK_WORDS; g < end && g < keyq_ngroups; g++) {
		if ((w = BN_mod_word(r, keyq_products[g])) == (BN_ULONG)-1)
			return -1;
		for (i = keyq_first[g]; i < keyq_first[g + 1]; i++)
			if (w % keyq_primes[i] == 0) {
				*factor = keyq_primes[i];
				return 1;
			}
	}
	return 0;
}

/*
 * 1 when n has a prime factor below 2^16 (stored in *factor), 0 when it
 * has none, -1 when it could not be checked (out of memory).
 */
int
keyq_small_factor(const BIGNUM *n, unsigned long *factor)
{
	BN_CTX	*ctx;
	BIGNUM	*r;
	size_t	 c;
	int	 found = 0;

	*factor = 0;
	if (!BN_is_odd(n)) {
		*factor = 2;
		return 1;
	}
	if (keyq_nprimes == 0)
		keyq_sieve();
	if (keyq_nchunks == 0 && keyq_build_chunks() != 0)
		return -1;
	if ((ctx = BN_CTX_new()) == NULL || (r = BN_new()) == NULL) {
		BN_CTX_free(ctx);
		return -1;
	}
	for (c = 0; c < keyq_nchunks && found == 0; c++)
		if (!BN_mod(r, n, keyq_chunks[c], ctx))
			found = -1;
		else
			found = keyq_chunk_factor(r, c, factor);
	BN_free(r);
	BN_CTX_free(ctx);
	return found;
}

/* floor(sqrt(x)) by Newton's method from above. */
static int
bn_isqrt(BIGNUM *r, const BIGNUM *x, BN_CTX *ctx)
{
	BIGNUM	*y, *z;
	int	 ok = 0;

	BN_CTX_start(ctx);
	y = BN_CTX_get(ctx);
	z = BN_CTX_get(ctx);
	if (z == NULL)
		goto out;
	if (BN_is_zero(x)) {
		BN_zero(r);
		ok = 1;
		goto out;
	}
	BN_zero(y);
	if (!BN_set_bit(y, (BN_num_bits(x) + 1) / 2 + 1))
		goto out;
	for (;;) {
		if (!BN_div(z, NULL, x, y, ctx) || !BN_add(z, z, y) ||
		    !BN_rshift1(z, z))
			goto out;
		if (BN_cmp(z, y) >= 0)
			break;
		if (!BN_copy(y, z))
			goto out;
	}
	ok = BN_copy(r, y) != NULL;
out:
	BN_CTX_end(ctx);
	return ok;
}

/* Squares mod 64 and mod 63: most non-squares fail here, cheaply. */
static int
maybe_square(const BIGNUM *x)
{
	BN_ULONG	m64 = BN_mod_word(x, 64), m63 = BN_mod_word(x, 63);
	BN_ULONG	k;
	int		s64 = 0, s63 = 0;

	for (k = 0; k < 64; k++) {
		s64 |= (k * k) % 64 == m64;
		s63 |= (k * k) % 63 == m63;
	}
	return s64 && s63;
}

static int
is_square(const BIGNUM *x, BIGNUM *tmp, BN_CTX *ctx)
{
	if (!maybe_square(x) || !bn_isqrt(tmp, x, ctx) ||
	    !BN_sqr(tmp, tmp, ctx))
		return 0;
	return BN_cmp(tmp, x) == 0;
}

/* 1 when n = a^2 - b^2 within rounds steps of a = ceil(sqrt(n)). */
int
keyq_fermat(const BIGNUM *n, long rounds)
{
	BN_CTX	*ctx;
	BIGNUM	*a, *b2, *t;
	long	 i;
	int	 found = 0;

	if ((ctx = BN_CTX_new()) == NULL)
		return 0;
	BN_CTX_start(ctx);
	a = BN_CTX_get(ctx);
	b2 = BN_CTX_get(ctx);
	t = BN_CTX_get(ctx);
	if (t == NULL || !bn_isqrt(a, n, ctx) || !BN_sqr(t, a, ctx))
		goto out;
	if (BN_cmp(t, n) < 0 && (!BN_add_word(a, 1) || !BN_sqr(t, a, ctx)))
		goto out;
	if (!BN_sub(b2, t, n))			/* b2 = a^2 - n */
		goto out;
	for (i = 0; i < rounds && !found; i++) {
		if (is_square(b2, t, ctx))
			found = 1;
		/* (a+1)^2 - n = b2 + 2a + 1 */
		else if (!BN_add(b2, b2, a) || !BN_add(b2, b2, a) ||
		    !BN_add_word(b2, 1) || !BN_add_word(a, 1))
			break;
	}
out:
	BN_CTX_end(ctx);
	BN_CTX_free(ctx);
	ERR_clear_error();
	return found;
}

/*
 * ROCA (Nemec et al., CCS 2017): the vulnerable primes are 65537^a mod M,
 * so n mod p lies in the subgroup generated by 65537 mod p for every
 * small prime p of M.  For a good key this fails for some p almost
 * surely; the published detector tests exactly these primes.
 */
int
keyq_roca(const BIGNUM *n)
{
	static const unsigned	primes[] = { 3, 5, 7, 11, 13, 17, 19, 23, 29,
	    31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97, 101,
	    103, 107, 109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167 };
	size_t			i;
	BN_ULONG		r, g, x;
	int			in;

	for (i = 0; i < sizeof(primes) / sizeof(primes[0]); i++) {
		r = BN_mod_word(n, primes[i]);
		g = 65537 % primes[i];
		x = 1;
		in = 0;
		do {
			in |= x == r;
			x = (x * g) % primes[i];
		} while (x != 1);
		if (!in)
			return 0;
	}
	return 1;
}

static void
keyq_rsa(EVP_PKEY *k, long rounds, struct findings *f)
{
	BIGNUM		*n = NULL, *e = NULL;
	char		 val[64], *dec = NULL;
	unsigned long	 factor;

	if (!EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_RSA_N, &n) ||
	    !EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_RSA_E, &e)) {
		findings_add(f, 1, "internal", "cannot read the RSA key");
		goto out;
	}
	if (!BN_is_word(e, 65537)) {
		dec = BN_bn2dec(e);
		findings_add_rule(f, 1, "rsa-exponent", "key_quality",
		    dec != NULL ? dec : "?", "the RSA public exponent must be "
		    "65537");
	}
	if (keyq_small_factor(n, &factor) != 0) {
		snprintf(val, sizeof(val), "%lu", factor);
		findings_add_rule(f, 1, "rsa-small-factor", "key_quality", val,
		    factor != 0 ? "the modulus has a factor below 2^16: the key "
		    "is broken" : "the modulus could not be checked for small "
		    "factors (out of memory)");
	}
	if (keyq_fermat(n, rounds))
		findings_add_rule(f, 1, "rsa-fermat", "key_quality", "",
		    "the modulus factors by Fermat's method: its primes are too "
		    "close together");
	if (keyq_roca(n))
		findings_add_rule(f, 1, "rsa-roca", "key_quality", "",
		    "the key has the ROCA fingerprint (CVE-2017-15361): made "
		    "by a vulnerable Infineon chip; generate a new key");
out:
	OPENSSL_free(dec);
	BN_free(n);
	BN_free(e);
	ERR_clear_error();
}

/*
 * The point is on its curve and not the point at infinity.  On a curve of
 * prime order (cofactor 1: P-256, P-384, P-521) that is full validation:
 * every such point has order n, so OpenSSL's n*Q check (a scalar
 * multiplication per key) is skipped there and kept for other curves.
 */
static void
keyq_ec(EVP_PKEY *k, struct findings *f)
{
	EVP_PKEY_CTX	*ctx;
	BIGNUM		*h = NULL;
	int		 prime_order;

	prime_order = EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_EC_COFACTOR,
	    &h) && BN_is_one(h);
	BN_free(h);
	if ((ctx = EVP_PKEY_CTX_new_from_pkey(NULL, k, NULL)) == NULL ||
	    (prime_order ? EVP_PKEY_public_check_quick(ctx) :
	    EVP_PKEY_public_check(ctx)) != 1)
		findings_add_rule(f, 1, "ec-point", "key_quality", "",
		    "the public key is not a valid point of its curve");
	EVP_PKEY_CTX_free(ctx);
	ERR_clear_error();
}

void
keyq_check(EVP_PKEY *k, long rounds, struct findings *f)
{
	if (EVP_PKEY_is_a(k, "RSA"))
		keyq_rsa(k, rounds, f);
	else if (EVP_PKEY_is_a(k, "EC"))
		keyq_ec(k, f);
}
