/* SPDX-License-Identifier: ISC */
/*
 * A software copy of a token key's public half, built from the object's
 * attributes: CKA_MODULUS and CKA_PUBLIC_EXPONENT for RSA, CKA_EC_PARAMS
 * and CKA_EC_POINT for EC, else CKA_PUBLIC_KEY_INFO (a DER SPKI).  Also
 * the DER encoding of a curve's OID, which is what CKA_EC_PARAMS holds.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/asn1.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>

#include "util/util.h"
#include "hsm/hsm_int.h"

/* CKA_EC_PARAMS for a curve: its OID, DER-encoded; free() it. */
int
hsm_ec_params_der(int nid, unsigned char **der, size_t *len)
{
	ASN1_OBJECT	*obj;
	unsigned char	*p;
	int		 n;

	*der = NULL;
	if ((obj = OBJ_nid2obj(nid)) == NULL ||
	    (n = i2d_ASN1_OBJECT(obj, NULL)) <= 0 ||
	    (*der = p = malloc(n)) == NULL) {
		err_ossl("cannot encode the curve OID");
		return 1;
	}
	i2d_ASN1_OBJECT(obj, &p);
	*len = n;
	return 0;
}

/* The curve named by CKA_EC_PARAMS (an OID; explicit curves refused). */
int
hsm_ec_params_nid(const unsigned char *der, size_t len, int *nid)
{
	const unsigned char	*p = der;
	ASN1_OBJECT		*obj;

	if ((obj = d2i_ASN1_OBJECT(NULL, &p, len)) == NULL ||
	    p != der + len) {
		ASN1_OBJECT_free(obj);
		ERR_clear_error();
		err_set("the token's EC parameters are not a named curve");
		return 1;
	}
	*nid = OBJ_obj2nid(obj);
	ASN1_OBJECT_free(obj);
	return 0;
}

/* A public key from OpenSSL 3 parameters. */
static int
pkey_fromdata(const char *type, OSSL_PARAM_BLD *bld, EVP_PKEY **out)
{
	EVP_PKEY_CTX	*ctx = NULL;
	OSSL_PARAM	*params = NULL;
	int		 rc = 1;

	if ((params = OSSL_PARAM_BLD_to_param(bld)) == NULL ||
	    (ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL)) == NULL ||
	    EVP_PKEY_fromdata_init(ctx) <= 0 ||
	    EVP_PKEY_fromdata(ctx, out, EVP_PKEY_PUBLIC_KEY, params) <= 0) {
		err_ossl("the token's %s public key is not valid", type);
		goto out;
	}
	rc = 0;
out:
	OSSL_PARAM_free(params);
	EVP_PKEY_CTX_free(ctx);
	return rc;
}

static int
pubkey_rsa(struct hsm *h, CK_OBJECT_HANDLE obj, EVP_PKEY **out)
{
	unsigned char	*nb = NULL, *eb = NULL;
	size_t		 nlen, elen;
	BIGNUM		*n = NULL, *e = NULL;
	OSSL_PARAM_BLD	*bld = NULL;
	int		 rc = 1;

	if (hsm_attr_get(h, obj, CKA_MODULUS, &nb, &nlen) != 0 ||
	    hsm_attr_get(h, obj, CKA_PUBLIC_EXPONENT, &eb, &elen) != 0)
		goto out;
	if ((n = BN_bin2bn(nb, nlen, NULL)) == NULL ||
	    (e = BN_bin2bn(eb, elen, NULL)) == NULL ||
	    (bld = OSSL_PARAM_BLD_new()) == NULL ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e)) {
		err_ossl("cannot build the RSA public key");
		goto out;
	}
	rc = pkey_fromdata("RSA", bld, out);
out:
	OSSL_PARAM_BLD_free(bld);
	BN_free(n);
	BN_free(e);
	free(nb);
	free(eb);
	return rc;
}

/* CKA_EC_POINT is a DER OCTET STRING; some tokens give the bare point. */
static int
ec_point_unwrap(const unsigned char *der, size_t len, unsigned char **pt,
    size_t *ptlen)
{
	const unsigned char	*p = der;
	ASN1_OCTET_STRING	*os;

	if ((os = d2i_ASN1_OCTET_STRING(NULL, &p, len)) != NULL &&
	    p == der + len) {
		*ptlen = ASN1_STRING_length(os);
		*pt = malloc(*ptlen ? *ptlen : 1);
		if (*pt != NULL)
			memcpy(*pt, ASN1_STRING_get0_data(os), *ptlen);
	} else {
		ERR_clear_error();
		*ptlen = len;
		if ((*pt = malloc(len ? len : 1)) != NULL)
			memcpy(*pt, der, len);
	}
	ASN1_OCTET_STRING_free(os);
	if (*pt == NULL) {
		err_set("out of memory reading an EC point");
		return 1;
	}
	return 0;
}

static int
pubkey_ec(struct hsm *h, CK_OBJECT_HANDLE obj, EVP_PKEY **out)
{
	unsigned char	*params = NULL, *der = NULL, *pt = NULL;
	size_t		 plen, dlen, ptlen;
	OSSL_PARAM_BLD	*bld = NULL;
	int		 nid, rc = 1;

	if (hsm_attr_get(h, obj, CKA_EC_PARAMS, &params, &plen) != 0 ||
	    hsm_ec_params_nid(params, plen, &nid) != 0 ||
	    hsm_attr_get(h, obj, CKA_EC_POINT, &der, &dlen) != 0 ||
	    ec_point_unwrap(der, dlen, &pt, &ptlen) != 0)
		goto out;
	if ((bld = OSSL_PARAM_BLD_new()) == NULL ||
	    !OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
	    OBJ_nid2sn(nid), 0) ||
	    !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY,
	    pt, ptlen)) {
		err_ossl("cannot build the EC public key");
		goto out;
	}
	rc = pkey_fromdata("EC", bld, out);
out:
	OSSL_PARAM_BLD_free(bld);
	free(params);
	free(der);
	free(pt);
	return rc;
}

static int
pubkey_spki(struct hsm *h, CK_OBJECT_HANDLE obj, EVP_PKEY **out)
{
	unsigned char		*der = NULL;
	const unsigned char	*p;
	size_t			 len;
	int			 rc = 1;

	if (hsm_attr_get(h, obj, CKA_PUBLIC_KEY_INFO, &der, &len) != 0)
		goto out;
	p = der;
	if (len == 0 || (*out = d2i_PUBKEY(NULL, &p, len)) == NULL) {
		err_ossl("the token's CKA_PUBLIC_KEY_INFO is not a public key");
		goto out;
	}
	rc = 0;
out:
	free(der);
	return rc;
}

/*
 * The public key of a key object (public or private) of the given type.
 * A private EC key seldom shows its point; then CKA_PUBLIC_KEY_INFO.
 */
int
hsm_pubkey_read(struct hsm *h, CK_OBJECT_HANDLE obj, CK_KEY_TYPE type,
    EVP_PKEY **out)
{
	*out = NULL;
	if (type == CKK_RSA && pubkey_rsa(h, obj, out) == 0)
		return 0;
	if (type == CKK_EC && pubkey_ec(h, obj, out) == 0)
		return 0;
	if (pubkey_spki(h, obj, out) == 0)
		return 0;
	err_set("token \"%s\": the public key of object %lu cannot be "
	    "read", h->tok.label, obj);
	return 1;
}
