/* SPDX-License-Identifier: ISC */
/*
 * ceremony db verify: is the data directory consistent?  Every problem is
 * named, not only the first:
 *
 *   index.txt  every line parses and follows its serial's history (no
 *              serial reserved twice)
 *   certs/     every issued serial has its file, the file's serial,
 *              subject and notAfter are the index's, its signature
 *              verifies under the generation the index names; no file
 *              the index does not know
 *   ca/        each generation chains to its root; link certificates
 *              certify the right key under the right key
 *   crls/      each CRL verifies under its generation, carries the number
 *              of its file name, and numbers increase with thisUpdate
 *   audit.log  the hash chain is intact, and it records what the index
 *              holds, the other way round too (dbverify_audit.c)
 *   P          a serial left reserved by a crash, with its fate
 *   templates/ each copy is the one ceremony init recorded, none added
 *
 * Nothing is changed; no token is needed.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "ceremony/issue/issue.h"
#include "ceremony/migrate/migrate.h"
#include "ceremony/session/session.h"

#define GEN_CACHE	64

struct dbv {
	struct db	*db;
	struct findings	*f;
	X509		*ca[GEN_CACHE + 1];	/* gen-N.pem, loaded once */
	int		 ca_tried[GEN_CACHE + 1];
	struct dbv_audit *audit;
};

static void
dbv_index_problem(void *arg, size_t line, const char *why)
{
	struct dbv	*v = arg;

	findings_add(v->f, 1, "index-line", "index.txt line %zu: %s", line,
	    why);
}

static X509 *
dbv_ca(struct dbv *v, int gen)
{
	if (gen < 1 || gen > GEN_CACHE)
		return NULL;
	if (!v->ca_tried[gen]) {
		v->ca_tried[gen] = 1;
		v->ca[gen] = db_ca_get(v->db, gen);
		err_clear();
		ERR_clear_error();
	}
	return v->ca[gen];
}

static int
serial_of(X509 *x, char *buf, size_t size)
{
	char	have[DB_SERIAL_MAX];
	int	rc = db_cert_serial(x, have);

	snprintf(buf, size, "%s", have);
	return rc;
}

/* The certificate file against its index record and its issuer. */
static void
dbv_cert(struct dbv *v, const struct db_record *r)
{
	X509	*x, *ca;
	char	 serial[DB_SERIAL_MAX + 8], *subj = NULL;

	if ((x = db_cert_get(v->db, r->serial)) == NULL) {
		findings_add(v->f, 1, "cert-missing", "serial %s (%s): %s",
		    r->serial, db_status_name(r->status), err_get());
		err_clear();
		return;
	}
	serial_of(x, serial, sizeof(serial));
	if (strcmp(serial, r->serial) != 0)
		findings_add(v->f, 1, "cert-serial", "certs/%s.pem holds "
		    "serial %s", r->serial, serial);
	if ((subj = name_text(X509_get_subject_name(x))) == NULL ||
	    strcmp(subj, r->subject) != 0)
		findings_add(v->f, 1, "index-subject", "serial %s: index.txt "
		    "says subject \"%s\", the certificate \"%s\"", r->serial,
		    r->subject, subj != NULL ? subj : "?");
	if (cert_time(X509_get0_notAfter(x)) != r->not_after)
		findings_add(v->f, 1, "index-notafter", "serial %s: index.txt "
		    "and the certificate disagree on notAfter", r->serial);
	if (v->audit != NULL)
		dbva_cert(v->audit, r, x);
	if ((ca = dbv_ca(v, r->generation)) == NULL)
		findings_add(v->f, 1, "cert-generation", "serial %s: its "
		    "generation %d has no CA certificate", r->serial,
		    r->generation);
	else if (X509_check_issued(ca, x) != X509_V_OK ||
	    X509_verify(x, X509_get0_pubkey(ca)) != 1)
		findings_add(v->f, 1, "cert-signature", "serial %s: its "
		    "signature does not verify under CA generation %d",
		    r->serial, r->generation);
	free(subj);
	X509_free(x);
	ERR_clear_error();
}

static int
rec_cmp(const void *a, const void *b)
{
	return strcmp(((const struct db_record *)a)->serial,
	    ((const struct db_record *)b)->serial);
}

/* certs/NAME.pem that no index line names. */
static void
dbv_cert_extra(struct dbv *v, const struct db_record *recs, size_t n)
{
	struct db_record	 key;
	struct dirent		*e;
	DIR			*d;
	char			*dir;
	size_t			 len;

	if ((dir = db_path(v->db, "certs")) == NULL)
		return;
	if ((d = opendir(dir)) == NULL) {
		findings_add(v->f, 1, "certs-unreadable", "cannot read %s: %s",
		    dir, strerror(errno));
		free(dir);
		return;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		len = strlen(e->d_name);
		memset(&key, 0, sizeof(key));
		if (len > 4 && len - 4 < sizeof(key.serial) &&
		    strcmp(e->d_name + len - 4, ".pem") == 0)
			memcpy(key.serial, e->d_name, len - 4);
		if (key.serial[0] == '\0' || bsearch(&key, recs, n,
		    sizeof(*recs), rec_cmp) == NULL)
			findings_add(v->f, 1, "cert-unknown", "certs/%s is not "
			    "in index.txt", e->d_name);
	}
	closedir(d);
	free(dir);
}

static void
dbv_index_step(void *arg, const struct db_record *prev,
    const struct db_record *rec)
{
	struct dbv	*v = arg;

	if (v->audit != NULL)
		dbva_line(v->audit, prev, rec);
}

/*
 * A serial whose last line is P was reserved by a process that never
 * recorded it as issued or void: whether the token signed is told by its
 * certificate file (the file is written before the V line).
 */
static void
dbv_reserved(struct dbv *v, const struct db_record *r)
{
	char	*path;
	int	 has;

	if ((path = db_cert_file(v->db, r->serial)) == NULL) {
		err_clear();
		return;
	}
	has = access(path, F_OK) == 0;
	free(path);
	findings_add(v->f, 1, "reserved-stuck", "serial %s is still reserved "
	    "(P): %s; ceremony db recover settles it", r->serial, has ?
	    "certificate file exists: issued but not recorded" :
	    "no certificate file: never signed");
}

static void
dbv_index(struct dbv *v)
{
	struct db_record	*recs = NULL;
	size_t			 n = 0, i;

	if (db_index_walk(v->db, dbv_index_problem, dbv_index_step, v, &recs,
	    &n) != 0) {
		findings_add(v->f, 1, "index-unreadable", "%s", err_get());
		err_clear();
		return;
	}
	for (i = 0; i < n; i++)
		if (recs[i].status == DB_VALID || recs[i].status == DB_REVOKED)
			dbv_cert(v, &recs[i]);
		else if (recs[i].status == DB_RESERVED)
			dbv_reserved(v, &recs[i]);
	if (n > 0)
		qsort(recs, n, sizeof(*recs), rec_cmp);
	dbv_cert_extra(v, recs, n);
	db_records_free(recs, n);
}

/* A link certificate: which key it certifies, under which key. */
static void
dbv_link(struct dbv *v, const char *name, int gen, X509 *x)
{
	int	 subj_gen, iss_gen;
	X509	*s, *i;

	/* The generation it links to is the one the rollover followed:
	 * cancelled generations in between are skipped. */
	if (strstr(name, "-newwithold.pem") != NULL) {
		subj_gen = gen;
		iss_gen = db_gen_prev(v->db, gen);
	} else if (strstr(name, "-oldwithnew.pem") != NULL) {
		subj_gen = db_gen_prev(v->db, gen);
		iss_gen = gen;
	} else
		return;
	if ((s = dbv_ca(v, subj_gen)) == NULL || (i = dbv_ca(v, iss_gen)) ==
	    NULL || EVP_PKEY_eq(X509_get0_pubkey(x), X509_get0_pubkey(s)) !=
	    1 || X509_verify(x, X509_get0_pubkey(i)) != 1)
		findings_add(v->f, 1, "ca-link", "ca/%s does not certify "
		    "generation %d's key under generation %d's", name,
		    subj_gen, iss_gen);
	ERR_clear_error();
}

/* Each CA file readable; each generation chains to its root. */
static void
dbv_cas(struct dbv *v)
{
	STACK_OF(X509)	*certs = NULL, *above = NULL;
	char		**names = NULL, rel[300], *path;
	size_t		 n = 0, i;
	int		 gen;

	if (db_ca_files(v->db, &names, &n) != 0) {
		findings_add(v->f, 1, "ca-unreadable", "%s", err_get());
		err_clear();
		return;
	}
	for (i = 0; i < n; i++) {
		gen = db_ca_file_gen(names[i]);
		snprintf(rel, sizeof(rel), "ca/%s", names[i]);
		if ((path = db_path(v->db, rel)) == NULL ||
		    pem_certs_load(path, &certs) != 0) {
			findings_add(v->f, 1, "ca-unreadable", "%s", err_get());
			err_clear();
		} else if (strchr(names[i] + 4, '-') == NULL) {
			if (ca_chain_above(v->db, gen, &above) != 0 ||
			    chain_verify(sk_X509_value(certs, 0), above) != 0) {
				findings_add(v->f, 1, "ca-chain", "CA generation "
				    "%d: %s", gen, err_get());
				err_clear();
			}
		} else
			dbv_link(v, names[i], gen, sk_X509_value(certs, 0));
		sk_X509_pop_free(certs, X509_free);
		sk_X509_pop_free(above, X509_free);
		certs = above = NULL;
		free(path);
	}
	db_ca_files_free(names, n);
}

int
db_verify(struct db *db, struct findings *f)
{
	struct dbv	 v;
	char		*audit;
	int		 i;

	memset(&v, 0, sizeof(v));
	v.db = db;
	v.f = f;
	if ((audit = db_path(db, "audit.log")) == NULL)
		return 1;
	v.audit = dbva_read(audit, f);
	free(audit);
	dbv_index(&v);
	dbv_cas(&v);
	for (i = 1; i <= GEN_CACHE && i <= db_ca_current(db); i++)
		if (dbv_ca(&v, i) != NULL)
			db_verify_crls(db, i, v.ca[i], f);
	if (v.audit != NULL)
		dbva_check(v.audit, f);
	else
		findings_add(f, 1, "audit-unchecked", "out of memory reading "
		    "the audit log");
	dbva_free(v.audit);
	for (i = 0; i <= GEN_CACHE; i++)
		X509_free(v.ca[i]);
	return tmpl_copy_check(db, f);
}

/*
 * The check and its audit record (db verify and scripts); non-zero when
 * it could not run or found a problem, which f lists.
 */
int
db_verify_run(struct session *s, struct findings *f)
{
	struct audit_entry	e;
	char			detail[128];

	if (db_verify(s->db, f) != 0)
		return 1;
	snprintf(detail, sizeof(detail), "%zu problem%s found", f->errors,
	    f->errors == 1 ? "" : "s");
	memset(&e, 0, sizeof(e));
	e.op = "db.verify";
	e.ok = 1;
	e.detail = detail;
	if (session_audit(s, &e) != 0)
		return 1;
	if (f->errors > 0) {
		err_set("%s: %s", s->home, detail);
		return 1;
	}
	return 0;
}
