/* SPDX-License-Identifier: ISC */
/*
 * Signing a certificate on the token so that what the token signed is
 * exactly what was linted.  The lint sees a certificate signed by a
 * throw-away software key of the same algorithm (same signature algorithm
 * identifier, so the same to-be-signed bytes); after the token signs, the
 * signature is verified with the token key's public key and the
 * to-be-signed bytes are compared byte for byte.  Nothing is written here.
 */
#include <string.h>

#include <openssl/asn1.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "ceremony/ceremony.h"

/*
 * A software key whose signatures carry the same algorithm identifier as
 * the token key's.  RSA's identifier does not depend on the modulus size,
 * so 2048 bits is enough and quick to make.
 */
int
lintkey_new(const struct hsm_keyspec *spec, EVP_PKEY **out)
{
	*out = NULL;
	if (spec->kind == HSM_KEY_RSA)
		*out = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	else
		*out = EVP_PKEY_Q_keygen(NULL, NULL, "EC",
		    OBJ_nid2sn(spec->nid));
	if (*out == NULL) {
		err_ossl("cannot make the lint key (%s)", spec->name);
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

/* DER of the certificate's to-be-signed part, malloc'd. */
static int
cert_tbs_copy(X509 *x, unsigned char **out, size_t *outlen)
{
	unsigned char		*der = NULL;
	const unsigned char	*tbs;
	size_t			 tbslen;
	int			 len, rc = 1;

	*out = NULL;
	if ((len = i2d_X509(x, &der)) <= 0 ||
	    der_tbs(der, (size_t)len, &tbs, &tbslen) != 0) {
		err_ossl("cannot encode the certificate");
		goto out;
	}
	if ((*out = OPENSSL_memdup(tbs, tbslen)) == NULL)
		goto out;
	*outlen = tbslen;
	rc = 0;
out:
	OPENSSL_free(der);
	return rc;
}

/*
 * Sign with the lint key and lint.  The certificate keeps the throw-away
 * signature until the token's replaces it; it is never written with it.
 */
int
cert_prelint(X509 *x, const struct tmpl *t, EVP_PKEY *expect,
    struct presign *ps, struct findings *f)
{
	if (X509_sign(x, ps->lintkey, t->md) <= 0) {
		err_ossl("cannot prepare the certificate for its lint");
		return 1;
	}
	if (lint_ca_cert(x, t, expect, f) != 0) {
		err_set("the certificate failed its lint (%zu error%s): "
		    "nothing was signed", f->errors, f->errors == 1 ? "" : "s");
		return 1;
	}
	return cert_tbs_copy(x, &ps->tbs, &ps->tbslen);
}

int
cert_token_sign(X509 *x, struct hsm *h, const struct hsm_key *key,
    const EVP_MD *md, const struct presign *ps)
{
	EVP_PKEY	*signer = NULL;
	unsigned char	*tbs = NULL;
	size_t		 tbslen = 0;
	int		 rc = 1;

	if (hsm_key_signer(h, key, &signer) != 0)
		goto out;
	if (X509_sign(x, signer, md) <= 0) {
		err_ossl("the token did not sign with key \"%s\"", key->label);
		goto out;
	}
	if (X509_verify(x, key->pubkey) != 1) {
		err_ossl("the token's signature does not verify with key "
		    "\"%s\"'s public key: nothing was written", key->label);
		goto out;
	}
	if (cert_tbs_copy(x, &tbs, &tbslen) != 0)
		goto out;
	if (tbslen != ps->tbslen || memcmp(tbs, ps->tbs, tbslen) != 0) {
		err_set("the signed certificate differs from the linted one: "
		    "nothing was written (this is a bug; report it)");
		goto out;
	}
	rc = 0;
out:
	EVP_PKEY_free(signer);
	OPENSSL_free(tbs);
	return rc;
}

void
presign_clear(struct presign *ps)
{
	EVP_PKEY_free(ps->lintkey);
	OPENSSL_free(ps->tbs);
	memset(ps, 0, sizeof(*ps));
}

/* SHA-256 of the DER, as colon-separated upper-case hex. */
int
cert_fingerprint(X509 *x, char *buf, size_t len)
{
	unsigned char	md[EVP_MAX_MD_SIZE];
	unsigned int	mdlen = 0, i;

	if (len < 96 || !X509_digest(x, EVP_sha256(), md, &mdlen))
		return 1;
	for (i = 0; i < mdlen; i++)
		snprintf(buf + 3 * i, len - 3 * i, i + 1 < mdlen ? "%02X:" :
		    "%02X", md[i]);
	return 0;
}
