/* SPDX-License-Identifier: ISC */
/*
 * Signing a certificate on the token so that what the token signed is
 * exactly what was linted: the to-be-signed certificate gets the token's
 * signature algorithm and is linted; after the token signs, the signature
 * is verified with the token key's public key and the to-be-signed bytes
 * are compared byte for byte.  Nothing is written here.
 */
#include <string.h>

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "ceremony/issue/issue.h"

/*
 * Put the signature algorithm the token will use into both places of the
 * certificate (to-be-signed and outer), so the to-be-signed bytes can be
 * linted before any signature exists.  OpenSSL 3.0 has no setter for a
 * certificate's algorithm, hence the casts; X509_sign later writes the
 * same identifier, and cert_verify_der() compares the bytes to be sure.
 */
int
cert_set_sigalg(X509 *x, const EVP_MD *md, const struct hsm_keyspec *spec)
{
	const X509_ALGOR	*outer;
	X509_ALGOR		*algs[2];
	int			 signid, i, pknid;

	pknid = spec->kind == HSM_KEY_RSA ? NID_rsaEncryption :
	    NID_X9_62_id_ecPublicKey;
	if (!OBJ_find_sigid_by_algs(&signid, EVP_MD_get_type(md), pknid)) {
		err_set("no signature algorithm for %s with %s", spec->name,
		    EVP_MD_get0_name(md));
		return 1;
	}
	X509_get0_signature(NULL, &outer, x);
	algs[0] = (X509_ALGOR *)X509_get0_tbs_sigalg(x);
	algs[1] = (X509_ALGOR *)outer;
	for (i = 0; i < 2; i++)
		/* RSA PKCS#1 v1.5 carries NULL parameters, ECDSA none. */
		if (!X509_ALGOR_set0(algs[i], OBJ_nid2obj(signid),
		    spec->kind == HSM_KEY_RSA ? V_ASN1_NULL : V_ASN1_UNDEF,
		    NULL)) {
			err_ossl("cannot set the signature algorithm");
			return 1;
		}
	return 0;
}

/* The first element inside the outer SEQUENCE: the to-be-signed part. */
int
der_tbs(const unsigned char *der, size_t len, const unsigned char **tbs,
    size_t *tbslen)
{
	const unsigned char	*p = der, *start;
	long			 clen;
	int			 tag, xclass, ret;

	ret = ASN1_get_object(&p, &clen, &tag, &xclass, (long)len);
	if ((ret & 0x80) || tag != V_ASN1_SEQUENCE)
		return 1;
	start = p;
	ret = ASN1_get_object(&p, &clen, &tag, &xclass,
	    (long)(len - (p - der)));
	if ((ret & 0x80) || tag != V_ASN1_SEQUENCE)
		return 1;
	*tbs = start;
	*tbslen = (size_t)(p - start) + (size_t)clen;
	return 0;
}

/*
 * Lint the to-be-signed certificate and keep its bytes, to compare with
 * what the token signs.
 */
int
cert_prelint(X509 *x, const struct lint_ctx *lc, struct presign *ps,
    struct findings *f)
{
	unsigned char	*der = NULL;
	int		 len;

	if (cert_set_sigalg(x, lc->t->md, lc->signer_spec) != 0)
		return 1;
	if (lint_cert(x, lc, f) != 0) {
		err_set("the certificate failed its lint (%zu error%s): "
		    "nothing was signed", f->errors, f->errors == 1 ? "" : "s");
		return 1;
	}
	/* i2d_re_X509_tbs encodes afresh, with the algorithm just set. */
	if ((len = i2d_re_X509_tbs(x, &der)) <= 0) {
		err_ossl("cannot encode the certificate");
		return 1;
	}
	ps->tbs = der;
	ps->tbslen = (size_t)len;
	return 0;
}

/*
 * The token signs x.  That it signed exactly the linted bytes, and that
 * the signature verifies, is checked by cert_verify_der, which a batch
 * runs on another core while the token signs the next one.
 */
int
cert_token_sign(X509 *x, EVP_PKEY *signer, const EVP_MD *md)
{
	if (X509_sign(x, signer, md) <= 0) {
		err_ossl("the token did not sign");
		return 1;
	}
	return 0;
}

/*
 * Verifying many signatures by one key: the digest and the key's verify
 * context are fetched once.  (X509_verify fetches both for every call, and
 * in OpenSSL 3.0 those fetches take locks the token's own signing thread
 * waits on.)
 */
int
verifier_init(struct verifier *v, EVP_PKEY *pub, const EVP_MD *md)
{
	memset(v, 0, sizeof(*v));
	if ((v->md = EVP_MD_fetch(NULL, EVP_MD_get0_name(md), NULL)) == NULL ||
	    (v->ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pub, NULL)) == NULL ||
	    EVP_PKEY_verify_init(v->ctx) <= 0 ||
	    EVP_PKEY_CTX_set_signature_md(v->ctx, v->md) <= 0 ||
	    (EVP_PKEY_get_base_id(pub) == EVP_PKEY_RSA &&
	    EVP_PKEY_CTX_set_rsa_padding(v->ctx, RSA_PKCS1_PADDING) <= 0)) {
		err_ossl("cannot prepare signature verification");
		verifier_free(v);
		return 1;
	}
	v->ec = ecverifier_new(pub);
	return 0;
}

void
verifier_free(struct verifier *v)
{
	ecverifier_free(v->ec);
	EVP_PKEY_CTX_free(v->ctx);
	EVP_MD_free(v->md);
	memset(v, 0, sizeof(*v));
}

/*
 * Verify the signature of the certificate's DER (kept in *der: these are
 * the bytes recorded) over its to-be-signed part, with the issuer's key,
 * and that the to-be-signed part is byte for byte the linted one.  Sets
 * no error message, so that a second thread may call it; why says what
 * failed.
 */
int
cert_verify_der(X509 *x, const struct verifier *v, const struct presign *ps,
    unsigned char **der, size_t *derlen, const char **why)
{
	unsigned char		 md[EVP_MAX_MD_SIZE];
	const unsigned char	*tbs;
	const ASN1_BIT_STRING	*sig;
	size_t			 tbslen;
	unsigned int		 mdlen;
	int			 len;

	*why = NULL;
	*der = NULL;
	X509_get0_signature(&sig, NULL, x);
	if ((len = i2d_X509(x, der)) <= 0 ||
	    der_tbs(*der, (size_t)len, &tbs, &tbslen) != 0)
		*why = "the signed certificate cannot be encoded";
	else if (tbslen != ps->tbslen || memcmp(tbs, ps->tbs, tbslen) != 0)
		*why = "the signed certificate differs from the linted one "
		    "(this is a bug; report it)";
	else if (!EVP_Digest(tbs, tbslen, md, &mdlen, v->md, NULL) ||
	    (v->ec != NULL ? ecverifier_check(v->ec, md, mdlen,
	    ASN1_STRING_get0_data(sig), (size_t)ASN1_STRING_length(sig)) != 1 :
	    EVP_PKEY_verify(v->ctx, ASN1_STRING_get0_data(sig),
	    (size_t)ASN1_STRING_length(sig), md, mdlen) != 1))
		*why = "the token's signature does not verify with the CA's "
		    "public key";
	ERR_clear_error();
	if (*why != NULL) {
		OPENSSL_free(*der);
		*der = NULL;
		return 1;
	}
	*derlen = (size_t)len;
	return 0;
}

void
presign_clear(struct presign *ps)
{
	OPENSSL_free(ps->tbs);
	memset(ps, 0, sizeof(*ps));
}

/* SHA-256 of the DER, as colon-separated upper-case hex. */
int
cert_fingerprint(X509 *x, char *buf, size_t len)
{
	unsigned char	md[EVP_MAX_MD_SIZE];
	unsigned int	mdlen = 0;

	if (len < 96 || !X509_digest(x, EVP_sha256(), md, &mdlen))
		return 1;
	buf[hex_write(buf, md, mdlen, HEX_UPPER | HEX_COLON)] = '\0';
	return 0;
}
