/* SPDX-License-Identifier: ISC */
/*
 * ceremony db import-openssl INDEX DIR...: a CA run by hand with `openssl
 * ca` or easy-rsa moves into a new data directory.  The CA certificate
 * and the latest CRL are read and checked first (the CA's, with the
 * number crlnumber says); then INDEX is streamed (ossl_stream.c): every
 * line parsed, every certificate found in one of the DIRs, its serial and
 * expiry the line's, its signature the CA's, checked on every core and
 * staged, its index records (reserved, valid, revoked: the revocation
 * time, reason and compromise time kept) with it.  Only when all of it
 * passed is anything written to the database: the CA certificate as
 * generation 1, the CRL, then the staged certificates and index put in
 * place (ossl_stage.c).  The next CRL number continues openssl's.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <libgen.h>
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

/* The next number crlnumber holds (hex), 0 when there is no file. */
static int
import_crlnumber(const struct ossl_import *im, unsigned long long *next)
{
	unsigned char	*buf = NULL;
	char		*copy, *dir, path[4096], *end;
	size_t		 len;
	int		 rc = 1;

	*next = 0;
	if ((copy = strdup(im->index)) == NULL)
		return 1;
	dir = dirname(copy);
	snprintf(path, sizeof(path), "%s/crlnumber", dir);
	free(copy);
	if (access(path, F_OK) != 0)
		return 0;
	if (file_read_small("crlnumber", path, 64, &buf, &len) != 0)
		return 1;
	buf[len] = '\0';
	errno = 0;
	*next = strtoull((char *)buf, &end, 16);
	if (errno != 0 || end == (char *)buf || (*end != '\n' && *end != '\0')
	    || *next == 0)
		err_set("%s does not hold a CRL number in hex", path);
	else
		rc = 0;
	free(buf);
	return rc;
}

/* The latest CRL: the CA's, numbered as crlnumber says. */
static int
import_read_crl(struct ossl_import *im)
{
	ASN1_INTEGER		*ai = NULL;
	unsigned long long	 next;
	uint64_t		 num = 0;
	BIO			*b = NULL;
	int			 rc = 1;

	if (import_crlnumber(im, &next) != 0)
		return 1;
	if (im->crl_path == NULL) {
		if (next > 1) {
			err_set("crlnumber says %llu CRLs were issued: give the "
			    "latest with --crl F, the next is checked against "
			    "it", next - 1);
			return 1;
		}
		return 0;
	}
	if ((b = BIO_new_file(im->crl_path, "r")) == NULL ||
	    ((im->crl = PEM_read_bio_X509_CRL(b, NULL, NULL, NULL)) == NULL &&
	    (BIO_reset(b) != 0 || (im->crl = d2i_X509_CRL_bio(b, NULL)) ==
	    NULL))) {
		err_ossl("cannot read the CRL %s", im->crl_path);
		goto out;
	}
	if (X509_CRL_verify(im->crl, X509_get0_pubkey(im->ca)) != 1) {
		err_set("the CRL %s is not signed by the CA given",
		    im->crl_path);
		goto out;
	}
	if ((ai = X509_CRL_get_ext_d2i(im->crl, NID_crl_number, NULL,
	    NULL)) == NULL || !ASN1_INTEGER_get_uint64(&num, ai) || num == 0) {
		err_set("the CRL %s has no CRL number: ceremony numbers its "
		    "CRLs, so it cannot continue from this one", im->crl_path);
		goto out;
	}
	if (next != 0 && num != next - 1) {
		err_set("the CRL %s is number %llu, but crlnumber says the last "
		    "was %llu: give the latest CRL", im->crl_path,
		    (unsigned long long)num, next - 1);
		goto out;
	}
	im->crl_number = num;
	rc = 0;
out:
	ASN1_INTEGER_free(ai);
	BIO_free(b);
	ERR_clear_error();
	return rc;
}

/* The CA certificate: a root's, self-signed. */
static int
import_read_ca(struct ossl_import *im)
{
	STACK_OF(X509)	*sk = NULL;

	if (pem_certs_load(im->ca_path, &sk) != 0)
		return 1;
	im->ca = sk_X509_shift(sk);
	sk_X509_pop_free(sk, X509_free);
	if (X509_check_ca(im->ca) < 1 || X509_check_issued(im->ca, im->ca) !=
	    X509_V_OK || chain_verify(im->ca, NULL) != 0) {
		err_set("%s is not a self-signed CA certificate: only a root's "
		    "database is imported", im->ca_path);
		return 1;
	}
	return ossl_check_init(im);
}

/*
 * Everything import-openssl reads, checked, nothing written: the CA, the
 * CRL, the index with every certificate (for the fuzzing harness,
 * tests/fuzz/fuzz_ossl_import.c; a serial named twice is found only when
 * staging).
 */
int
ossl_import_read(struct ossl_import *im)
{
	return import_read_ca(im) != 0 || import_read_crl(im) != 0 ||
	    ossl_stream(im, NULL) != 0;
}

/* A new data directory: no CA, no index line, nothing in certs/. */
static int
import_check(struct session *s, struct ossl_import *im)
{
	struct dirent	*e;
	DIR		*d;
	char		*certs;
	int		 empty = 1;

	if ((certs = db_path(s->db, "certs")) != NULL &&
	    (d = opendir(certs)) != NULL) {
		while ((e = readdir(d)) != NULL && empty)
			empty = strcmp(e->d_name, ".") == 0 ||
			    strcmp(e->d_name, "..") == 0;
		closedir(d);
	}
	free(certs);
	if (db_ca_current(s->db) != 0 || db_index_count(s->db) != 0 ||
	    !empty) {
		err_set("%s already has a CA or certificates: import into a "
		    "new data directory (ceremony init)", s->home);
		return 1;
	}
	return import_read_ca(im) != 0 || import_read_crl(im) != 0;
}

/* The latest CRL as crls/gen-1/N.crl and .pem; crlnumber at N. */
static int
import_write_crl(struct session *s, struct ossl_import *im)
{
	struct crl_file	 f;
	unsigned char	*der = NULL;
	char		*path = NULL;
	BIO		*b = NULL;
	long		 len;
	int		 n, rc = 1;
	char		*pem;

	if (im->crl == NULL)
		return 0;
	if ((n = i2d_X509_CRL(im->crl, &der)) <= 0 ||
	    (b = BIO_new(BIO_s_mem())) == NULL ||
	    !PEM_write_bio_X509_CRL(b, im->crl) ||
	    (len = BIO_get_mem_data(b, &pem)) <= 0) {
		err_ossl("cannot encode the CRL");
		goto out;
	}
	if (crl_file_open(s->db, 1, &f) != 0)
		goto out;
	if (write(f.fd, der, (size_t)n) != n) {
		err_set("cannot write the CRL: %s", strerror(errno));
		crl_file_abort(&f);
		goto out;
	}
	if ((path = db_crl_path(s->db, 1, im->crl_number, "crl")) == NULL ||
	    crl_file_commit(&f, path, 1) != 0)
		goto out;
	free(path);
	if ((path = db_crl_path(s->db, 1, im->crl_number, "pem")) == NULL ||
	    atomic_write(path, pem, (size_t)len, 0644, 1) != 0)
		goto out;
	rc = db_crl_mark(s->db, 1, im->crl_number);
out:
	free(path);
	BIO_free(b);
	OPENSSL_free(der);
	return rc;
}

/*
 * Check and stage everything, then write: the CA, the CRL, and the
 * staged certificates and index in place.  The long part is the stream;
 * killed there, the database is as ceremony init left it.
 */
int
ossl_import(struct session *s, struct ossl_import *im)
{
	struct ossl_stage	*st = NULL;
	struct stat		 sb;
	int			 rc = 1;

	if (import_check(s, im) != 0)
		return 1;
	if (stat(im->index, &sb) != 0) {
		err_set("cannot read the openssl index %s (%s): give the path "
		    "of its index.txt", im->index, strerror(errno));
		return 1;
	}
	/* The certificates' PEM and three index lines each: about 4x. */
	if (db_space_check(s->db, DB_SPACE_MIN + (size_t)sb.st_size * 4) != 0 ||
	    ossl_stage_open(s->db, &st) != 0 || ossl_stream(im, st) != 0)
		goto out;
	if (db_ca_put(s->db, 1, im->ca) != 0 || import_write_crl(s, im) != 0 ||
	    ossl_stage_commit(s->db, st) != 0)
		goto out;
	rc = 0;
out:
	ossl_stage_free(st);
	return rc;
}

void
ossl_import_clear(struct ossl_import *im)
{
	ossl_check_free(im);
	X509_free(im->ca);
	X509_CRL_free(im->crl);
	im->ca = NULL;
	im->crl = NULL;
}
