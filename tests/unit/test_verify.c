/* SPDX-License-Identifier: ISC */
/*
 * The check made after the token signs: Nettle's ECDSA verification
 * (ecverify.c) and the verifier of certificates (cert_verify_der) accept a
 * good signature and refuse a changed signature, a changed message and
 * another key, on every curve; RSA goes through OpenSSL.
 */
#include <string.h>

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "ceremony/issue/issue.h"
#include "tests/unit/tap.h"

static int
sign_digest(EVP_PKEY *k, const unsigned char *d, size_t dlen,
    unsigned char *sig, size_t *siglen)
{
	EVP_PKEY_CTX	*c;
	int		 rc;

	rc = (c = EVP_PKEY_CTX_new(k, NULL)) != NULL &&
	    EVP_PKEY_sign_init(c) > 0 &&
	    EVP_PKEY_sign(c, sig, siglen, d, dlen) > 0;
	EVP_PKEY_CTX_free(c);
	return rc;
}

static void
test_curve(const char *curve)
{
	EVP_PKEY		*k, *other;
	struct ecverifier	*v;
	unsigned char		 d[48], sig[160];
	size_t			 siglen = sizeof(sig);

	memset(d, 0x5a, sizeof(d));
	k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", curve);
	other = EVP_PKEY_Q_keygen(NULL, NULL, "EC", curve);
	v = ecverifier_new(k);
	ok(v != NULL, "%s: Nettle takes the key", curve);
	ok(sign_digest(k, d, sizeof(d), sig, &siglen), "%s: OpenSSL signs",
	    curve);
	ok(v != NULL && ecverifier_check(v, d, sizeof(d), sig, siglen) == 1,
	    "%s: a good signature verifies", curve);
	d[0] ^= 1;
	ok(v != NULL && ecverifier_check(v, d, sizeof(d), sig, siglen) == 0,
	    "%s: a changed message does not", curve);
	d[0] ^= 1;
	sig[siglen - 1] ^= 0x40;
	ok(v != NULL && ecverifier_check(v, d, sizeof(d), sig, siglen) == 0,
	    "%s: a changed signature does not", curve);
	sig[siglen - 1] ^= 0x40;
	ok(v != NULL && ecverifier_check(v, d, sizeof(d), sig, siglen - 1) == 0,
	    "%s: a truncated signature does not", curve);
	ecverifier_free(v);
	v = ecverifier_new(other);
	ok(v != NULL && ecverifier_check(v, d, sizeof(d), sig, siglen) == 0,
	    "%s: another key does not", curve);
	ecverifier_free(v);
	EVP_PKEY_free(k);
	EVP_PKEY_free(other);
}

/*
 * A self-signed certificate through the verifier, then against other
 * linted bytes, then with a bad bit.
 */
static void
test_cert(const char *type, const char *arg)
{
	struct presign	 ps;
	struct verifier	 v;
	EVP_PKEY	*k;
	X509		*x;
	ASN1_BIT_STRING	*sig;
	unsigned char	*der = NULL;
	size_t		 derlen;
	const char	*why;

	k = strcmp(type, "RSA") == 0 ? EVP_PKEY_Q_keygen(NULL, NULL, "RSA",
	    (size_t)2048) : EVP_PKEY_Q_keygen(NULL, NULL, "EC", arg);
	x = X509_new();
	X509_set_version(x, X509_VERSION_3);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 7);
	X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN",
	    MBSTRING_ASC, (const unsigned char *)"t", -1, -1, 0);
	X509_set_issuer_name(x, X509_get_subject_name(x));
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 3600);
	X509_set_pubkey(x, k);
	X509_sign(x, k, EVP_sha384());
	memset(&ps, 0, sizeof(ps));
	ps.tbslen = (size_t)i2d_re_X509_tbs(x, &ps.tbs);
	ok(verifier_init(&v, k, EVP_sha384()) == 0, "%s: verifier set up",
	    arg);
	ok((strcmp(type, "RSA") == 0) == (v.ec == NULL),
	    "%s: %s verifies it", arg, v.ec != NULL ? "Nettle" : "OpenSSL");
	ok(cert_verify_der(x, &v, &ps, &der, &derlen, &why) == 0 &&
	    der != NULL, "%s: a good certificate verifies", arg);
	OPENSSL_free(der);
	ps.tbs[ps.tbslen - 1] ^= 0x01;
	ok(cert_verify_der(x, &v, &ps, &der, &derlen, &why) == 1 &&
	    der == NULL && why != NULL && strstr(why, "differs from the "
	    "linted one") != NULL, "%s: bytes other than the linted ones are "
	    "refused", arg);
	ps.tbs[ps.tbslen - 1] ^= 0x01;
	X509_get0_signature((const ASN1_BIT_STRING **)&sig, NULL, x);
	sig->data[sig->length / 2] ^= 0x01;
	ok(cert_verify_der(x, &v, &ps, &der, &derlen, &why) == 1 &&
	    der == NULL && why != NULL && strstr(why, "does not verify") !=
	    NULL, "%s: a changed signature is refused", arg);
	presign_clear(&ps);
	verifier_free(&v);
	X509_free(x);
	EVP_PKEY_free(k);
}

/* A certificate for key k named cn, by issuer (NULL: itself) and ik. */
static X509 *
mkcert(const char *cn, EVP_PKEY *k, X509 *issuer, EVP_PKEY *ik, int ca,
    long from, long to)
{
	X509		*x = X509_new();
	X509V3_CTX	 ctx;
	X509_EXTENSION	*e;

	X509_set_version(x, X509_VERSION_3);
	ASN1_INTEGER_set(X509_get_serialNumber(x), from + 100);
	X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN",
	    MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(x, X509_get_subject_name(issuer ? issuer : x));
	X509_gmtime_adj(X509_getm_notBefore(x), from);
	X509_gmtime_adj(X509_getm_notAfter(x), to);
	X509_set_pubkey(x, k);
	X509V3_set_ctx(&ctx, issuer ? issuer : x, x, NULL, NULL, 0);
	e = X509V3_EXT_conf_nid(NULL, &ctx, NID_basic_constraints,
	    ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
	X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
	e = X509V3_EXT_conf_nid(NULL, &ctx, NID_key_usage, ca ?
	    "critical,keyCertSign,cRLSign" : "critical,digitalSignature");
	X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
	e = X509V3_EXT_conf_nid(NULL, &ctx, NID_subject_key_identifier, "hash");
	X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
	e = X509V3_EXT_conf_nid(NULL, &ctx, NID_authority_key_identifier,
	    "keyid:always");
	X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
	X509_sign(x, ik, EVP_sha256());
	return x;
}

/*
 * A batch's chain check (chain_verify_signed): path validation over the
 * signer's chain without the signatures again, so what it must refuse is
 * everything but a signature: a leaf of another CA, a CA's certificate
 * that is not in the signer's chain, an expired leaf, a leaf that is a CA.
 */
static void
test_chain_signed(void)
{
	EVP_PKEY	*rk, *ik, *lk, *ok_;
	X509		*root, *inter, *leaf, *other, *old, *rogue;
	STACK_OF(X509)	*above = sk_X509_new_null();

	rk = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	ik = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	lk = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	ok_ = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	root = mkcert("root", rk, NULL, rk, 1, -60, 86400);
	inter = mkcert("inter", ik, root, rk, 1, -60, 86400);
	sk_X509_push(above, root);
	leaf = mkcert("leaf", lk, inter, ik, 0, -60, 3600);
	ok(chain_verify_signed(leaf, inter, above) == 0,
	    "chain: a leaf of the issuing CA passes");
	ok(chain_verify_signed(leaf, root, NULL) != 0,
	    "chain: not with the root alone as the signer's chain");
	other = mkcert("other", ok_, NULL, ok_, 1, -60, 86400);
	rogue = mkcert("leaf", lk, other, ok_, 0, -60, 3600);
	ok(chain_verify_signed(rogue, inter, above) != 0,
	    "chain: a leaf of another CA is refused");
	old = mkcert("leaf", lk, inter, ik, 0, -7200, -3600);
	ok(chain_verify_signed(old, inter, above) != 0 &&
	    strstr(err_get(), "expired") != NULL,
	    "chain: an expired leaf is refused (%s)", err_get());
	/* A leaf as an issuer: the path validation still refuses it. */
	X509_free(rogue);
	rogue = mkcert("below", ok_, leaf, lk, 0, -60, 3600);
	sk_X509_push(above, inter);
	ok(chain_verify_signed(rogue, leaf, above) != 0 &&
	    strstr(err_get(), "invalid CA") != NULL,
	    "chain: an issuer that is not a CA is refused (%s)", err_get());
	(void)sk_X509_pop(above);
	X509_free(leaf);
	X509_free(old);
	X509_free(rogue);
	X509_free(other);
	X509_free(inter);
	sk_X509_pop_free(above, X509_free);
	EVP_PKEY_free(rk);
	EVP_PKEY_free(ik);
	EVP_PKEY_free(lk);
	EVP_PKEY_free(ok_);
}

int
main(void)
{
	EVP_PKEY	*rsa;

	test_curve("P-256");
	test_curve("P-384");
	test_curve("P-521");
	rsa = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	ok(ecverifier_new(rsa) == NULL, "RSA: not Nettle's");
	EVP_PKEY_free(rsa);
	test_cert("EC", "P-384");
	test_cert("RSA", "rsa:2048");
	test_chain_signed();
	return done_testing();
}
