/* SPDX-License-Identifier: ISC */
/*
 * Certificates on the token, next to their key: a CKO_CERTIFICATE object
 * with the key's label and CKA_ID, so that other PKCS#11 software finds
 * the pair.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509.h>

#include "util/util.h"
#include "hsm/hsm_int.h"

/* The DER fields the certificate object carries; free with cert_der_free. */
struct cert_der {
	unsigned char	*subject, *issuer, *serial, *value;
	int		 subject_len, issuer_len, serial_len, value_len;
};

static void
cert_der_free(struct cert_der *d)
{
	OPENSSL_free(d->subject);
	OPENSSL_free(d->issuer);
	OPENSSL_free(d->serial);
	OPENSSL_free(d->value);
}

static int
cert_der(X509 *x, struct cert_der *d)
{
	memset(d, 0, sizeof(*d));
	if ((d->subject_len = i2d_X509_NAME(X509_get_subject_name(x),
	    &d->subject)) <= 0 ||
	    (d->issuer_len = i2d_X509_NAME(X509_get_issuer_name(x),
	    &d->issuer)) <= 0 ||
	    (d->serial_len = i2d_ASN1_INTEGER(X509_get0_serialNumber(x),
	    &d->serial)) <= 0 ||
	    (d->value_len = i2d_X509(x, &d->value)) <= 0) {
		err_ossl("cannot encode the certificate for the token");
		cert_der_free(d);
		return 1;
	}
	return 0;
}

static int
cert_create(struct hsm *h, const struct hsm_key *k, struct cert_der *d)
{
	CK_OBJECT_CLASS		cls = CKO_CERTIFICATE;
	CK_CERTIFICATE_TYPE	ctype = CKC_X_509;
	CK_BBOOL		yes = CK_TRUE, no = CK_FALSE;
	CK_OBJECT_HANDLE	obj;
	CK_RV			rv;
	CK_ATTRIBUTE		t[] = {
		{ CKA_CLASS, &cls, sizeof(cls) },
		{ CKA_CERTIFICATE_TYPE, &ctype, sizeof(ctype) },
		{ CKA_TOKEN, &yes, sizeof(yes) },
		{ CKA_PRIVATE, &no, sizeof(no) },
		{ CKA_LABEL, k->label, strlen(k->label) },
		{ CKA_ID, (void *)k->id, k->id_len },
		{ CKA_SUBJECT, d->subject, d->subject_len },
		{ CKA_ISSUER, d->issuer, d->issuer_len },
		{ CKA_SERIAL_NUMBER, d->serial, d->serial_len },
		{ CKA_VALUE, d->value, d->value_len },
	};

	if ((rv = h->f->C_CreateObject(h->session, t, sizeof(t) / sizeof(t[0]),
	    &obj)) != CKR_OK) {
		hsm_rv_err(h, rv, "cannot store the certificate of key \"%s\"",
		    k->label);
		return 1;
	}
	return 0;
}

int
hsm_cert_store(struct hsm *h, const struct hsm_key *k, X509 *x)
{
	struct cert_der	d;
	int		rc;

	if (hsm_need_token(h) != 0)
		return 1;
	if (k->pubkey == NULL || EVP_PKEY_eq(X509_get0_pubkey(x),
	    k->pubkey) != 1) {
		ERR_clear_error();
		err_set("token \"%s\": the certificate is not for key \"%s\": "
		    "not stored", h->tok.label, k->label);
		return 1;
	}
	if (cert_der(x, &d) != 0)
		return 1;
	rc = cert_create(h, k, &d);
	cert_der_free(&d);
	return rc;
}

/* Whether a certificate with the key's CKA_ID is on the token. */
int
hsm_cert_exists(struct hsm *h, const struct hsm_key *k, int *exists)
{
	CK_OBJECT_CLASS		 cls = CKO_CERTIFICATE;
	CK_ATTRIBUTE		 t[] = {
		{ CKA_CLASS, &cls, sizeof(cls) },
		{ CKA_ID, (void *)k->id, k->id_len },
	};
	CK_OBJECT_HANDLE	*objs = NULL;
	size_t			 n;

	*exists = 0;
	if (hsm_need_token(h) != 0 || hsm_find(h, t, 2, &objs, &n) != 0)
		return 1;
	free(objs);
	*exists = n > 0;
	return 0;
}
