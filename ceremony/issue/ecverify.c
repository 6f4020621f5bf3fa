/* SPDX-License-Identifier: ISC */
/*
 * ECDSA verification with Nettle, for checking what the token signed.  Two
 * reasons: it is an implementation independent of the one that made the
 * signature (SoftHSM signs with OpenSSL), and Nettle's P-384 is about twice
 * as fast as OpenSSL 3.0's, which has no optimised P-384 code; in a batch
 * this verification is the largest cost after the token's own signature.
 * Safe to call from a second thread: it reads the key and allocates scratch
 * space per call.
 */
#include <string.h>

#include <gmp.h>
#include <nettle/ecc-curve.h>
#include <nettle/ecc.h>
#include <nettle/ecdsa.h>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/objects.h>

#include "ceremony/issue/issue.h"

struct ecverifier {
	struct ecc_point	pub;
};

static const struct ecc_curve *
ec_curve(EVP_PKEY *k)
{
	char	name[32];

	if (!EVP_PKEY_get_utf8_string_param(k, OSSL_PKEY_PARAM_GROUP_NAME,
	    name, sizeof(name), NULL))
		return NULL;
	if (strcmp(name, "prime256v1") == 0 || strcmp(name, "P-256") == 0)
		return nettle_get_secp_256r1();
	if (strcmp(name, "secp384r1") == 0 || strcmp(name, "P-384") == 0)
		return nettle_get_secp_384r1();
	if (strcmp(name, "secp521r1") == 0 || strcmp(name, "P-521") == 0)
		return nettle_get_secp_521r1();
	return NULL;
}

/* NULL (and no error) for a key Nettle is not used for: RSA. */
struct ecverifier *
ecverifier_new(EVP_PKEY *k)
{
	const struct ecc_curve	*curve;
	struct ecverifier	*v = NULL;
	unsigned char		 pt[1 + 2 * 66];
	size_t			 len = 0, half;
	mpz_t			 x, y;

	if (EVP_PKEY_get_base_id(k) != EVP_PKEY_EC || (curve = ec_curve(k)) ==
	    NULL || !EVP_PKEY_get_octet_string_param(k,
	    OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, pt, sizeof(pt), &len) ||
	    len < 3 || pt[0] != 0x04 || (len - 1) % 2 != 0)
		return NULL;
	half = (len - 1) / 2;
	mpz_init(x);
	mpz_init(y);
	mpz_import(x, half, 1, 1, 0, 0, pt + 1);
	mpz_import(y, half, 1, 1, 0, 0, pt + 1 + half);
	if ((v = calloc(1, sizeof(*v))) != NULL) {
		ecc_point_init(&v->pub, curve);
		/* ecc_point_set also checks the point is on the curve. */
		if (!ecc_point_set(&v->pub, x, y)) {
			ecc_point_clear(&v->pub);
			free(v);
			v = NULL;
		}
	}
	mpz_clear(x);
	mpz_clear(y);
	return v;
}

void
ecverifier_free(struct ecverifier *v)
{
	if (v == NULL)
		return;
	ecc_point_clear(&v->pub);
	free(v);
}

static void
bn_to_mpz(mpz_t z, const BIGNUM *bn)
{
	unsigned char	buf[80];
	int		n;

	n = BN_bn2bin(bn, buf);
	mpz_import(z, (size_t)n, 1, 1, 0, 0, buf);
}

/* 1 when sig (DER ECDSA-Sig-Value) is valid for digest; 0 otherwise. */
int
ecverifier_check(const struct ecverifier *v, const unsigned char *digest,
    size_t dlen, const unsigned char *der, size_t derlen)
{
	const unsigned char	*p = der;
	const BIGNUM		*r, *s;
	struct dsa_signature	 sig;
	ECDSA_SIG		*es;
	int			 ok = 0;

	if ((es = d2i_ECDSA_SIG(NULL, &p, (long)derlen)) == NULL)
		return 0;
	if (p != der + derlen || BN_num_bytes(ECDSA_SIG_get0_r(es)) > 66 ||
	    BN_num_bytes(ECDSA_SIG_get0_s(es)) > 66)
		goto out;
	ECDSA_SIG_get0(es, &r, &s);
	dsa_signature_init(&sig);
	bn_to_mpz(sig.r, r);
	bn_to_mpz(sig.s, s);
	ok = ecdsa_verify(&v->pub, dlen, digest, &sig);
	dsa_signature_clear(&sig);
out:
	ECDSA_SIG_free(es);
	return ok;
}
