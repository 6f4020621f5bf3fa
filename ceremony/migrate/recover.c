/* SPDX-License-Identifier: ISC */
/*
 * ceremony db recover: settle what interrupted commands left.  Opening
 * the data directory for writing already repairs a last line without its
 * newline and rolls back a revocation without its index line (db/); this
 * settles every serial still reserved (P): a certificate file whose
 * serial is the reservation's, whose signature verifies under the CA
 * generation the reservation names, and whose signing the audit log
 * records (signing writes its record before the index line) was issued,
 * and is recorded V; any other is voided (X): a signature the log does
 * not record never left the database, and is not a certificate issued.
 * Each gets its audit record first, op db.recover, then its index line;
 * each is announced by note().  No token is needed:
 * nothing is signed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "ceremony/migrate/migrate.h"
#include "ceremony/session/session.h"

/* The certificate of serial r, if the token really issued it. */
static X509 *
recover_cert(struct db *db, struct dbv_audit *a, const struct db_record *r,
    char *why, size_t size)
{
	X509	*x = NULL, *ca = NULL;
	char	 have[DB_SERIAL_MAX], *path;
	int	 there;

	if ((path = db_cert_file(db, r->serial)) == NULL)
		goto fail;
	there = access(path, F_OK) == 0;
	free(path);
	if (!there) {
		snprintf(why, size, "no certificate file: never signed");
		goto out;
	}
	if ((x = db_cert_get(db, r->serial)) == NULL ||
	    db_cert_serial(x, have) != 0 || strcmp(have, r->serial) != 0) {
		snprintf(why, size, "certs/%s.pem is not a certificate of this "
		    "serial", r->serial);
		goto fail;
	}
	if ((ca = db_ca_get(db, r->generation)) == NULL ||
	    X509_check_issued(ca, x) != X509_V_OK ||
	    X509_verify(x, X509_get0_pubkey(ca)) != 1) {
		snprintf(why, size, "certs/%s.pem does not verify under CA "
		    "generation %d", r->serial, r->generation);
		goto fail;
	}
	if (!dbva_cert_recorded(a, x)) {
		snprintf(why, size, "certs/%s.pem was signed but its signing "
		    "was never recorded in the audit log", r->serial);
		goto fail;
	}
	goto out;
fail:
	X509_free(x);
	x = NULL;
out:
	X509_free(ca);
	err_clear();
	ERR_clear_error();
	return x;
}

/* The audit log's facts; one that does not verify settles nothing. */
static struct dbv_audit *
recover_audit(struct db *db)
{
	struct findings		 f = { 0 };
	struct dbv_audit	*a = NULL;
	char			*path;

	if ((path = db_path(db, "audit.log")) == NULL)
		return NULL;
	if ((a = dbva_read(path, &f)) == NULL)
		err_set("out of memory reading the audit log");
	else if (f.errors > 0) {
		err_set("%s: nothing was settled; run ceremony audit verify",
		    f.v[0].text);
		dbva_free(a);
		a = NULL;
	}
	findings_free(&f);
	free(path);
	return a;
}

/*
 * The key archives an issue --generate-key wrote for serial before it
 * died short of its record (p12/SERIAL.p12, .legacy.p12): the certificate
 * is voided, so the key of it goes.  n: how many there are; with del,
 * they are removed.
 */
static int
recover_archives(struct db *db, const char *serial, int del)
{
	static const char	*const forms[] = { "", ".legacy" };
	char			*dir, path[4096];
	size_t			 i;
	int			 n = 0;

	if ((dir = db_path(db, "p12")) == NULL) {
		err_clear();
		return 0;
	}
	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s%s.p12", dir, serial,
		    forms[i]);
		if (access(path, F_OK) != 0)
			continue;
		n++;
		if (del && unlink(path) != 0)
			note("cannot remove %s: remove it by hand (the key of "
			    "a certificate never issued)", path);
	}
	free(dir);
	return n;
}

/* One reservation settled: its record, then its line. */
static int
recover_one(struct session *s, struct dbv_audit *a, const struct db_record *r,
    int *issued)
{
	struct audit_entry	 e;
	unsigned char		*der = NULL;
	char			 why[256], detail[400], serial[DB_SERIAL_MAX];
	X509			*x;
	int			 len, rc = 1;

	snprintf(serial, sizeof(serial), "%s", r->serial);
	x = recover_cert(s->db, a, r, why, sizeof(why));
	memset(&e, 0, sizeof(e));
	e.op = "db.recover";
	e.ok = 1;
	e.operator = s->operator;
	if (x != NULL && (len = i2d_X509(x, &der)) > 0) {
		snprintf(detail, sizeof(detail), "serial %s issued: its "
		    "certificate verifies under CA generation %d; recorded V",
		    serial, r->generation);
		audit_add_out(&e, "cert", der, (size_t)len);
	} else
		snprintf(detail, sizeof(detail), "serial %s void (%s); "
		    "recorded X%s", serial, why,
		    recover_archives(s->db, serial, 0) > 0 ? "; the key archive "
		    "made for it is removed" : "");
	e.detail = detail;
	*issued = e.nout > 0;
	if (db_audit(s->db, &e) != 0)
		goto out;
	if (*issued ? db_index_mark(s->db, serial, DB_VALID, 0, -1) :
	    db_serial_void(s->db, serial)) {
		err_context("the audit log records %s, but index.txt could not "
		    "take it: free some space, then run ceremony db recover "
		    "again", serial);
		goto out;
	}
	if (!*issued)
		(void)recover_archives(s->db, serial, 1);
	note("%s", detail);
	rc = 0;
out:
	OPENSSL_free(der);
	X509_free(x);
	return rc;
}

/*
 * Settle every reserved serial of s's data directory (opened for
 * writing): n is how many there were, issued how many of them were.  On
 * a failure the message says how many were settled before it.
 */
int
recover_reserved(struct session *s, size_t *n, size_t *issued)
{
	char			(*stuck)[DB_SERIAL_MAX] = NULL;
	const struct db_record	*r;
	struct dbv_audit	*a = NULL;
	size_t			 i, total;
	int			 k, rc = 1;

	*n = *issued = 0;
	if ((a = recover_audit(s->db)) == NULL)
		return 1;
	/* The serials first: an append moves the index's records. */
	total = db_index_count(s->db);
	if ((stuck = calloc(total + 1, sizeof(*stuck))) == NULL) {
		err_set("out of memory");
		goto out;
	}
	for (i = 0; i < total; i++)
		if ((r = db_index_at(s->db, i))->status == DB_RESERVED)
			memcpy(stuck[(*n)++], r->serial, DB_SERIAL_MAX);
	for (i = 0; i < *n; i++) {
		if ((r = db_index_get(s->db, stuck[i])) == NULL ||
		    recover_one(s, a, r, &k) != 0) {
			if (i > 0)
				err_context("%zu of %zu settled", i, *n);
			goto out;
		}
		*issued += k != 0;
	}
	rc = 0;
out:
	free(stuck);
	dbva_free(a);
	return rc;
}
