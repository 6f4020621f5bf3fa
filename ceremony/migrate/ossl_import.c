/* SPDX-License-Identifier: ISC */
/*
 * ceremony db import-openssl INDEX DIR...: a CA run by hand with `openssl
 * ca` or easy-rsa moves into a new data directory.  Everything is read
 * and checked first (every index line parsed, every certificate found in
 * one of the DIRs, its serial and expiry the index's, its signature the
 * CA's; the latest CRL the CA's, with the number crlnumber says), then
 * written: the CA certificate as generation 1, the certificates, the
 * CRL, and the index in one append (reserved, valid, revoked: the
 * revocation time, reason and compromise time kept).  The next CRL
 * number continues openssl's.
 */
#include <sys/stat.h>

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

#define OSSL_INDEX_MAX	(512 * 1024 * 1024)
#define IMPORT_PROFILE	"imported"

/* SERIAL.pem or SERIAL.crt in one of the directories. */
static X509 *
import_find_cert(const struct ossl_import *im, const char *serial)
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

/* The certificate against its index line and the CA. */
static int
import_check_cert(const struct ossl_import *im, struct import_entry *e)
{
	BIGNUM	*bn = NULL;
	char	*hex = NULL;
	int	 rc = 1;

	if ((e->cert = import_find_cert(im, e->r.serial)) == NULL)
		return 1;
	if ((bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(e->cert),
	    NULL)) == NULL || (hex = BN_bn2hex(bn)) == NULL ||
	    strcmp(hex, e->r.serial) != 0)
		err_set("its certificate file holds serial %s",
		    hex != NULL ? hex : "?");
	else if (X509_check_issued(im->ca, e->cert) != X509_V_OK ||
	    X509_verify(e->cert, X509_get0_pubkey(im->ca)) != 1)
		err_set("its certificate is not signed by the CA given");
	else if (cert_time(X509_get0_notAfter(e->cert)) != e->r.not_after)
		err_set("its expiry is not the certificate's notAfter");
	else if ((e->r.subject = name_text(X509_get_subject_name(e->cert))) ==
	    NULL)
		err_set("out of memory");
	else
		rc = 0;
	OPENSSL_free(hex);
	BN_free(bn);
	ERR_clear_error();
	return rc;
}

static int
entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct import_entry *)a)->r.serial,
	    ((const struct import_entry *)b)->r.serial);
}

/* Every line of INDEX, each with its certificate; no serial twice. */
static int
import_read_index(struct ossl_import *im)
{
	struct import_entry	*e, *nv;
	char			*p, *end, *nl, *copy;
	const char		*why = NULL;
	size_t			 line = 0, cap = 0, i;

	if (file_read_small("openssl index", im->index, OSSL_INDEX_MAX,
	    &im->raw, &im->rawlen) != 0)
		return 1;
	for (p = (char *)im->raw, end = p + im->rawlen; p < end; p = nl + 1) {
		line++;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL) {
			err_set("%s line %zu has no end of line", im->index,
			    line);
			return 1;
		}
		if (im->n == cap) {
			cap = cap ? cap * 2 : 64;
			if ((nv = realloc(im->v, cap * sizeof(*nv))) == NULL) {
				err_set("out of memory");
				return 1;
			}
			im->v = nv;
		}
		e = &im->v[im->n];
		memset(e, 0, sizeof(*e));
		im->n++;
		/* Parsed in a copy: the bytes stay as read, for the audit. */
		if ((copy = strndup(p, (size_t)(nl - p))) == NULL) {
			err_set("out of memory");
			return 1;
		}
		if (ossl_index_parse(copy, &e->r, &why) != 0) {
			err_set("%s line %zu: %s", im->index, line, why);
			free(copy);
			return 1;
		}
		free(copy);
		if (import_check_cert(im, e) != 0) {
			err_context("%s line %zu (serial %s)", im->index, line,
			    e->r.serial);
			return 1;
		}
	}
	if (im->n > 1)
		qsort(im->v, im->n, sizeof(*im->v), entry_cmp);
	for (i = 1; i < im->n; i++)
		if (strcmp(im->v[i - 1].r.serial, im->v[i].r.serial) == 0) {
			err_set("%s names serial %s twice", im->index,
			    im->v[i].r.serial);
			return 1;
		}
	return 0;
}

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

/*
 * Everything import-openssl reads, checked, nothing written: the CA, the
 * index with every certificate, the CRL.  (Apart from import_check for
 * the fuzzing harness, tests/fuzz/fuzz_ossl_import.c.)
 */
int
ossl_import_read(struct ossl_import *im)
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
	return import_read_index(im) != 0 || import_read_crl(im) != 0;
}

static int
import_check(struct session *s, struct ossl_import *im)
{
	if (db_ca_current(s->db) != 0 || db_index_count(s->db) != 0) {
		err_set("%s already has a CA or certificates: import into a "
		    "new data directory (ceremony init)", s->home);
		return 1;
	}
	return ossl_import_read(im);
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

/* P, V and (revoked) R for each entry, in one append. */
static int
import_write_index(struct session *s, struct ossl_import *im)
{
	struct db_record	*recs, *r;
	size_t			 i, m = 0;
	int			 rc;

	if ((recs = calloc(im->n * 3 + 1, sizeof(*recs))) == NULL) {
		err_set("out of memory");
		return 1;
	}
	for (i = 0; i < im->n; i++) {
		r = &recs[m++];
		*r = im->v[i].r;
		r->status = DB_RESERVED;
		r->revoked_at = r->invalidity = 0;
		r->reason = -1;
		r->generation = 1;
		snprintf(r->profile, sizeof(r->profile), IMPORT_PROFILE);
		recs[m] = *r;
		recs[m++].status = DB_VALID;
		if (im->v[i].r.status == DB_REVOKED) {
			recs[m] = im->v[i].r;
			recs[m].generation = 1;
			snprintf(recs[m].profile, sizeof(recs[m].profile),
			    IMPORT_PROFILE);
			m++;
			im->revoked++;
		} else
			im->valid++;
	}
	rc = db_index_append(s->db, recs, m);
	free(recs);	/* the subjects stay the entries' */
	return rc;
}

/*
 * Read and check everything, then write: CA and certificates in one write
 * group (durable before the index names them), the CRL, the index.
 */
int
ossl_import(struct session *s, struct ossl_import *im)
{
	size_t	i;

	if (import_check(s, im) != 0)
		return 1;
	if (db_space_check(s->db, DB_SPACE_MIN + im->rawlen * 4) != 0 ||
	    atomic_group_begin() != 0)
		return 1;
	if (db_ca_put(s->db, 1, im->ca) != 0)
		goto fail;
	for (i = 0; i < im->n; i++)
		if (db_cert_put(s->db, im->v[i].r.serial, im->v[i].cert) != 0)
			goto fail;
	if (atomic_group_commit() != 0)
		return 1;
	return import_write_crl(s, im) != 0 || import_write_index(s, im) != 0;
fail:
	atomic_group_abort();
	return 1;
}

void
ossl_import_clear(struct ossl_import *im)
{
	size_t	i;

	for (i = 0; i < im->n; i++) {
		db_record_clear(&im->v[i].r);
		X509_free(im->v[i].cert);
	}
	free(im->v);
	free(im->raw);
	X509_free(im->ca);
	X509_CRL_free(im->crl);
	im->v = NULL;
	im->raw = NULL;
	im->ca = NULL;
	im->crl = NULL;
	im->n = 0;
}
