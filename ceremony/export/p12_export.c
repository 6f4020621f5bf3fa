/* SPDX-License-Identifier: ISC */
/*
 * ceremony export p12 SERIAL, the core: an issued certificate, valid
 * now, with the chain of the generation that issued it, as a PKCS#12
 * archive without a key (the key of a certificate signed from a request
 * stays with its subject).  No token is needed.  The iteration count is
 * the template's when one is given; it must be the certificate's own
 * profile, so an archive follows the rules of the profile it was issued
 * under.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509.h>

#include "ceremony/export/export.h"
#include "ceremony/issue/issue.h"
#include "ceremony/session/session.h"

static int
p12_record(struct session *s, const char *serial, const struct tmpl *t,
    struct db_record *r)
{
	int	found = 0;

	if (db_index_find(s->db, serial, r, &found) != 0)
		return 1;
	if (!found) {
		err_set("serial %s is not in the index: check it with "
		    "ceremony db list --serial %.8s", serial, serial);
		return 1;
	}
	if (r->status != DB_VALID) {
		err_set("serial %s is %s (%c): only a valid certificate is "
		    "exported", serial, db_status_name(r->status), r->status);
		return 1;
	}
	if (t != NULL && strcmp(t->name, r->profile) != 0) {
		err_set("serial %s was issued under profile %s, not %s: give "
		    "--template with its own profile", serial, r->profile,
		    t->name);
		return 1;
	}
	return 0;
}

int
p12_audit(struct session *s, const char *op, const struct p12_job *j,
    int ok)
{
	struct audit_entry	 e;
	unsigned char		*der = NULL;
	char			 detail[256];
	int			 len, rc;

	memset(&e, 0, sizeof(e));
	e.op = op;
	e.ok = ok;
	snprintf(detail, sizeof(detail), "%s %s, %s, %ld iterations",
	    j->file, j->key != NULL ? "with its key" : "certificates only",
	    j->legacy ? "legacy 3DES/SHA-1" : "AES-256-CBC/PBKDF2/SHA-256",
	    j->iterations);
	e.detail = ok ? detail : err_get();
	if (j->cert != NULL && (len = i2d_X509(j->cert, &der)) > 0)
		audit_add_in(&e, "cert", der, (size_t)len);
	if (ok)
		audit_add_out(&e, "p12", j->der, j->derlen);
	rc = session_audit(s, &e);
	OPENSSL_free(der);
	return rc;
}

/*
 * Fill j from the database: certificate, chain, name.  The caller sets
 * j->legacy and, without a template, j->iterations.
 */
int
p12_export(struct session *s, const char *serial, const struct tmpl *t,
    const struct secret *pw, struct p12_job *j)
{
	struct db_record	r;
	int			rc = 1;

	memset(&r, 0, sizeof(r));
	if (t != NULL)
		j->iterations = t->p12_iterations;
	if (p12_record(s, serial, t, &r) != 0 ||
	    (j->cert = db_cert_get(s->db, serial)) == NULL ||
	    p12_chain(s->db, r.generation, &j->chain) != 0 ||
	    p12_name(j->cert, serial, j->name, sizeof(j->name)) != 0)
		goto out;
	if (X509_cmp_time(X509_get0_notAfter(j->cert), NULL) < 0) {
		err_set("serial %s expired: an expired certificate is not "
		    "exported", serial);
		goto out;
	}
	if (p12_encode(j, pw) != 0 || p12_write(s, j, serial) != 0)
		goto out;
	rc = 0;
out:
	db_record_clear(&r);
	return rc;
}

/*
 * export p12 from either front end: the password checked, the archive
 * made, and one audit record whatever happened (a refused password too).
 * pw NULL: the front end could not read one, and err_get() says why.
 */
int
p12_export_run(struct session *s, const char *serial, const struct tmpl *t,
    const struct secret *pw, struct p12_job *j)
{
	int	ok;

	if (j->iterations == 0)
		j->iterations = TMPL_P12_ITER_DEFAULT;
	ok = pw != NULL && p12_password_check(pw, t != NULL ?
	    t->p12_min_password : TMPL_P12_PASS_DEFAULT) == 0 &&
	    p12_export(s, serial, t, pw, j) == 0;
	return p12_audit(s, "export.p12", j, ok) != 0 || !ok;
}
