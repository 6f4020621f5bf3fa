/* SPDX-License-Identifier: ISC */
/*
 * One certificate of db import-openssl, checked against its index line
 * and the CA, then staged: found as SERIAL.pem or SERIAL.crt in one of
 * the directories, its serial and notAfter the line's, its issuer the
 * CA and its signature the CA key's; then written as the database keeps
 * it.  Any of the verifying threads runs this (ossl_stream.c): it reads
 * the import and writes only the item and the certificate's own file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "ceremony/issue/issue.h"
#include "ceremony/migrate/migrate.h"

/* SERIAL.pem or SERIAL.crt in one of the directories. */
static X509 *
check_find_cert(const struct ossl_import *im, const char *serial)
{
	static const char	*ext[] = { "pem", "crt", NULL };
	STACK_OF(X509)		*sk = NULL;
	X509			*x = NULL;
	char			 path[4096];
	size_t			 i, k;

	for (i = 0; i < im->ndirs; i++)
		for (k = 0; ext[k] != NULL; k++) {
			snprintf(path, sizeof(path), "%s/%s.%s", im->dirs[i],
			    serial, ext[k]);
			if (access(path, F_OK) != 0)
				continue;
			if (pem_certs_load(path, &sk) != 0)
				return NULL;
			x = sk_X509_shift(sk);
			sk_X509_pop_free(sk, X509_free);
			return x;
		}
	err_set("no certificate file %s.pem or %s.crt in the directories "
	    "given", serial, serial);
	return NULL;
}

/* The digests the CA key's verifiers are made for, once for all threads. */
static const int check_mds[] = { NID_sha256, NID_sha384, NID_sha512 };
#define CHECK_MDS	(sizeof(check_mds) / sizeof(check_mds[0]))

int
ossl_check_init(struct ossl_import *im)
{
	size_t	i;

	if ((im->ver = calloc(CHECK_MDS, sizeof(*im->ver))) == NULL) {
		err_set("out of memory");
		return 1;
	}
	for (i = 0; i < CHECK_MDS; i++)
		if (verifier_init(&im->ver[i], X509_get0_pubkey(im->ca),
		    EVP_get_digestbynid(check_mds[i])) != 0)
			return 1;
	return 0;
}

void
ossl_check_free(struct ossl_import *im)
{
	size_t	i;

	if (im->ver == NULL)
		return;
	for (i = 0; i < CHECK_MDS; i++)
		verifier_free(&im->ver[i]);
	free(im->ver);
	im->ver = NULL;
}

/*
 * X509_verify's check, the EC signature by Nettle where the CA key is EC
 * and the digest one of check_mds (twice as fast as OpenSSL 3.0 at P-384,
 * and without the per-call fetches whose locks the threads would share);
 * anything else by X509_verify itself.
 */
static int
check_signature(const struct ossl_import *im, X509 *x)
{
	const X509_ALGOR	*outer;
	const ASN1_BIT_STRING	*sig;
	const unsigned char	*tbs;
	unsigned char		*der = NULL, md[EVP_MAX_MD_SIZE];
	const struct verifier	*v = NULL;
	unsigned int		 mdlen;
	size_t			 i, tbslen;
	int			 mdnid, pknid, len, ok = 0;

	X509_get0_signature(&sig, &outer, x);
	if (!OBJ_find_sigid_algs(X509_get_signature_nid(x), &mdnid, &pknid) ||
	    pknid != EVP_PKEY_EC)
		return X509_verify(x, X509_get0_pubkey(im->ca)) == 1;
	for (i = 0; i < CHECK_MDS; i++)
		if (check_mds[i] == mdnid && im->ver[i].ec != NULL)
			v = &im->ver[i];
	if (v == NULL)
		return X509_verify(x, X509_get0_pubkey(im->ca)) == 1;
	/* The signed part's own algorithm must be the outer one. */
	if (X509_ALGOR_cmp(outer, X509_get0_tbs_sigalg(x)) != 0 ||
	    sig->flags & 0x7)
		return 0;
	if ((len = i2d_X509(x, &der)) > 0 &&
	    der_tbs(der, (size_t)len, &tbs, &tbslen) == 0 &&
	    EVP_Digest(tbs, tbslen, md, &mdlen, v->md, NULL))
		ok = ecverifier_check(v->ec, md, mdlen,
		    ASN1_STRING_get0_data(sig),
		    (size_t)ASN1_STRING_length(sig)) == 1;
	OPENSSL_free(der);
	return ok;
}

/* The certificate against its index line and the CA; its subject kept. */
static int
check_cert(const struct ossl_import *im, X509 *x, struct db_record *r)
{
	BIGNUM	*bn = NULL;
	char	*hex = NULL;
	int	 rc = 1;

	if ((bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL)) ==
	    NULL || (hex = BN_bn2hex(bn)) == NULL || strcmp(hex, r->serial) != 0)
		err_set("its certificate file holds serial %s",
		    hex != NULL ? hex : "?");
	else if (X509_check_issued(im->ca, x) != X509_V_OK ||
	    !check_signature(im, x))
		err_set("its certificate is not signed by the CA given");
	else if (cert_time(X509_get0_notAfter(x)) != r->not_after)
		err_set("its expiry is not the certificate's notAfter");
	else if ((r->subject = name_text(X509_get_subject_name(x))) == NULL)
		err_set("out of memory");
	else
		rc = 0;
	OPENSSL_free(hex);
	BN_free(bn);
	return rc;
}

/* The certificate as the database keeps it (db_cert_put's PEM), staged. */
static int
check_stage(struct ossl_stage *st, X509 *x, const char *serial)
{
	BIO	*mem;
	char	*data;
	long	 len;
	int	 rc = 1;

	if ((mem = BIO_new(BIO_s_mem())) == NULL ||
	    !PEM_write_bio_X509(mem, x) ||
	    (len = BIO_get_mem_data(mem, &data)) <= 0)
		err_ossl("cannot encode the certificate of serial %s", serial);
	else
		rc = ossl_stage_cert(st, serial, data, (size_t)len);
	BIO_free(mem);
	return rc;
}

/*
 * it->r parsed from its line: check its certificate and stage it (with a
 * stage; without, ossl_import_read's check only, no serial is found
 * twice).  The outcome is it->failed, the message it->why.
 */
void
ossl_check_item(const struct ossl_import *im, struct ossl_stage *st,
    struct ossl_item *it)
{
	X509	*x;
	int	 rc = 1;

	err_clear();
	if ((x = check_find_cert(im, it->r.serial)) != NULL &&
	    check_cert(im, x, &it->r) == 0)
		rc = st != NULL ? check_stage(st, x, it->r.serial) : 0;
	X509_free(x);
	ERR_clear_error();
	it->failed = rc;
	if (rc == 1)
		snprintf(it->why, sizeof(it->why), "%s", err_get());
}
