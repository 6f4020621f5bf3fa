/* SPDX-License-Identifier: ISC */
/*
 * ceremony db verify: the index against the audit log.  What index.txt
 * says happened must have its audit record, and the other way round:
 *
 *   issued    every certificate of the index (V or R) was written by a
 *             record: its DER's SHA-256 is an out= item of one (sign,
 *             issue.generate-key, root.create, rollover.prepare,
 *             db.recover ...; a failed one too when the certificate was
 *             recorded and what came after failed); imported ones (profile "imported") are
 *             covered by the db.import-openssl record;
 *   written   every certificate a sign or issue.generate-key record
 *             wrote has its index line;
 *   revoked   per serial, as many revocations (V or R to R) and releases
 *             (R to V) in the index as ok revoke and release records
 *             that no revoke.rollback cancelled.  Certificates a rollover
 *             made are revoked (cessationOfOperation) by its own undo or
 *             cancel, recorded in its rollover record.
 *
 * Found before the other checks read the index: the audit log is walked
 * once, its facts kept in sorted arrays.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ceremony/migrate/migrate.h"

#define IMPORT_PROFILE	"imported"
#define REASON_CESSATION 5

struct dbva_ev {
	char			serial[DB_SERIAL_MAX];
	char			kind;		/* 'R' revoke, 'L' release */
	int			reason;
	unsigned long long	seq;		/* of its audit record */
};

struct dbva_hash {
	char			hash[65];
	char			serial[DB_SERIAL_MAX];	/* index certs */
	char			op[24];			/* audit outs */
	int			cert;			/* its role is cert */
	unsigned long long	seq;
};

struct dbva_vec {
	void	*v;
	size_t	 n, cap, size;
};

struct dbv_audit {
	struct dbva_vec		 aud;		/* dbva_ev from the log */
	struct dbva_vec		 idx;		/* dbva_ev from the index */
	struct dbva_vec		 rolled;	/* seqs rolled back */
	struct dbva_vec		 outs;		/* dbva_hash: records' outs */
	struct dbva_vec		 certs;		/* dbva_hash: index certs */
	int			 chain_ok;
	int			 outs_sorted;
	int			 imported;	/* a db.import-openssl record */
	size_t			 nimported;	/* index certs it covers */
	int			 oom;
};

static void *
vec_add(struct dbv_audit *a, struct dbva_vec *v, size_t size)
{
	void	*t;

	if (v->n == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 64;
		if ((t = reallocarray(v->v, v->cap, size)) == NULL) {
			a->oom = 1;
			return NULL;
		}
		v->v = t;
	}
	v->size = size;
	t = (char *)v->v + v->n++ * size;
	memset(t, 0, size);
	return t;
}

static int
ev_cmp(const void *x, const void *y)
{
	const struct dbva_ev	*a = x, *b = y;
	int			 c = strcmp(a->serial, b->serial);

	return c != 0 ? c : a->kind - b->kind;
}

static int
hash_cmp(const void *x, const void *y)
{
	return strcmp(((const struct dbva_hash *)x)->hash,
	    ((const struct dbva_hash *)y)->hash);
}

static int
seq_cmp(const void *x, const void *y)
{
	unsigned long long	a = *(const unsigned long long *)x;
	unsigned long long	b = *(const unsigned long long *)y;

	return a < b ? -1 : a > b;
}

/* Each role:sha256 of a record's out=, kept with its op. */
static void
audit_outs(struct dbv_audit *a, const struct audit_rec *r)
{
	const char		*p = r->out, *c;
	struct dbva_hash	*h;

	while (p != NULL && *p != '\0') {
		if ((c = strchr(p, ':')) == NULL || strlen(c + 1) < 64)
			break;
		if ((h = vec_add(a, &a->outs, sizeof(*h))) == NULL)
			return;
		memcpy(h->hash, c + 1, 64);
		/* A certificate, not a PKCS#12 archive or a manifest. */
		h->cert = c - p == 4 && strncmp(p, "cert", 4) == 0;
		snprintf(h->op, sizeof(h->op), "%s", r->op);
		h->seq = r->seq;
		p = strchr(c, ',');
		p = p != NULL ? p + 1 : NULL;
	}
}

static int
audit_fact(void *arg, const struct audit_rec *r)
{
	struct dbv_audit	*a = arg;
	struct dbva_ev		*e;
	unsigned long long	*s, n;
	char			 serial[DB_SERIAL_MAX], reason[48] = "";
	int			 rel;

	audit_outs(a, r);
	if (strcmp(r->result, "ok") != 0)
		return 0;
	if (strcmp(r->op, "db.import-openssl") == 0)
		a->imported = 1;
	if (strcmp(r->op, "revoke.rollback") == 0 &&
	    sscanf(r->detail, "record %llu", &n) == 1) {
		if ((s = vec_add(a, &a->rolled, sizeof(*s))) != NULL)
			*s = n;
		return 0;
	}
	rel = strcmp(r->op, "release") == 0;
	if ((!rel && strcmp(r->op, "revoke") != 0) ||
	    sscanf(r->detail, "serial %40s reason %47s", serial, reason) < 1)
		return 0;
	if ((e = vec_add(a, &a->aud, sizeof(*e))) == NULL)
		return 0;
	snprintf(e->serial, sizeof(e->serial), "%s", serial);
	e->kind = rel ? 'L' : 'R';
	e->reason = rel ? -1 : db_reason_parse(reason);
	e->seq = r->seq;
	return 0;
}

struct dbv_audit *
dbva_read(const char *path, struct findings *f)
{
	struct dbv_audit	*a;
	long			 bad = 0;

	if ((a = calloc(1, sizeof(*a))) == NULL)
		return NULL;
	if (db_audit_walk(path, audit_fact, a, &bad) != 0) {
		findings_add(f, 1, "audit-chain", "%s", err_get());
		err_clear();
	} else
		a->chain_ok = !a->oom;
	return a;
}

/* index.txt's step: a revocation or a release of a serial. */
void
dbva_line(struct dbv_audit *a, const struct db_record *prev,
    const struct db_record *rec)
{
	struct dbva_ev	*e;
	char		 kind;

	if (prev == NULL || strcmp(rec->profile, IMPORT_PROFILE) == 0)
		return;
	if (rec->status == DB_REVOKED)
		kind = 'R';
	else if (rec->status == DB_VALID && prev->status == DB_REVOKED)
		kind = 'L';
	else
		return;
	if ((e = vec_add(a, &a->idx, sizeof(*e))) == NULL)
		return;
	snprintf(e->serial, sizeof(e->serial), "%s", rec->serial);
	e->kind = kind;
	e->reason = rec->reason;
}

/* The SHA-256 of x's DER, as an audit record's out= names it. */
static char *
cert_hash(X509 *x)
{
	unsigned char	*der = NULL;
	char		*h = NULL;
	int		 len;

	if ((len = i2d_X509(x, &der)) > 0)
		h = sha256_hex(der, (size_t)len);
	OPENSSL_free(der);
	return h;
}

/* An issued certificate of the index. */
void
dbva_cert(struct dbv_audit *a, const struct db_record *r, X509 *x)
{
	struct dbva_hash	*h;
	char			*hash;

	if (strcmp(r->profile, IMPORT_PROFILE) == 0) {
		a->nimported++;
		return;
	}
	if ((hash = cert_hash(x)) == NULL)
		return;
	if ((h = vec_add(a, &a->certs, sizeof(*h))) != NULL) {
		snprintf(h->hash, sizeof(h->hash), "%s", hash);
		snprintf(h->serial, sizeof(h->serial), "%s", r->serial);
	}
	free(hash);
}

static const struct dbva_hash *
hash_find(const struct dbva_vec *v, const char *hash)
{
	struct dbva_hash	key;

	snprintf(key.hash, sizeof(key.hash), "%s", hash);
	return v->n == 0 ? NULL : bsearch(&key, v->v, v->n,
	    sizeof(struct dbva_hash), hash_cmp);
}

static void
outs_sort(struct dbv_audit *a)
{
	if (!a->outs_sorted && a->outs.n > 0)
		qsort(a->outs.v, a->outs.n, sizeof(struct dbva_hash), hash_cmp);
	a->outs_sorted = 1;
}

/*
 * Whether a record of the log wrote certificate x (db recover: a
 * signature without its record was not issued).
 */
int
dbva_cert_recorded(struct dbv_audit *a, X509 *x)
{
	char	*hash;
	int	 rc;

	if (!a->chain_ok || a->oom || (hash = cert_hash(x)) == NULL)
		return 0;
	outs_sort(a);
	rc = hash_find(&a->outs, hash) != NULL;
	free(hash);
	return rc;
}

/* A cessationOfOperation of a certificate a rollover made is its own. */
static int
rollover_made(const struct dbv_audit *a, const struct dbva_ev *e)
{
	const struct dbva_hash	*c = a->certs.v, *o;
	size_t			 i;

	if (e->reason != REASON_CESSATION)
		return 0;
	for (i = 0; i < a->certs.n; i++)
		if (strcmp(c[i].serial, e->serial) == 0)
			return (o = hash_find(&a->outs, c[i].hash)) != NULL &&
			    strncmp(o->op, "rollover.", 9) == 0;
	return 0;
}

static int
is_rolled(const struct dbv_audit *a, unsigned long long seq)
{
	return a->rolled.n > 0 && bsearch(&seq, a->rolled.v, a->rolled.n,
	    sizeof(unsigned long long), seq_cmp) != NULL;
}

/* The number of events at *i equal to v[*i], advancing *i past them. */
static size_t
ev_run(const struct dbva_vec *v, size_t *i, const struct dbva_ev **first)
{
	const struct dbva_ev	*e = v->v;
	size_t			 n = 0;

	*first = &e[*i];
	while (*i < v->n && ev_cmp(&e[*i], *first) == 0) {
		(*i)++;
		n++;
	}
	return n;
}

static void
revocations_check(struct dbv_audit *a, struct findings *f)
{
	const struct dbva_ev	*x, *y;
	size_t			 i = 0, j = 0, nx, ny;
	int			 c;

	while (i < a->idx.n || j < a->aud.n) {
		x = i < a->idx.n ? &((struct dbva_ev *)a->idx.v)[i] : NULL;
		y = j < a->aud.n ? &((struct dbva_ev *)a->aud.v)[j] : NULL;
		c = x == NULL ? 1 : y == NULL ? -1 : ev_cmp(x, y);
		nx = c <= 0 ? ev_run(&a->idx, &i, &x) : 0;
		ny = c >= 0 ? ev_run(&a->aud, &j, &y) : 0;
		if (nx > ny)
			findings_add(f, 1, "revoke-unrecorded", "serial %s: "
			    "index.txt %s it %zu time%s, the audit log records "
			    "%zu: a change without its audit record (restore "
			    "audit.log from the backup, or index.txt if the "
			    "change is not genuine)", x->serial, x->kind == 'R' ?
			    "revokes" : "releases", nx, nx == 1 ? "" : "s", ny);
		else if (ny > nx)
			findings_add(f, 1, "revoke-unapplied", "serial %s: the "
			    "audit log records %zu %s, index.txt has %zu: an "
			    "interrupted change the next writing command rolls "
			    "back (ceremony db recover), or index.txt lost it "
			    "(restore it from the backup)", y->serial, ny,
			    y->kind == 'R' ?
			    "revocations" : "releases", nx);
	}
}

/* Drop the events a rollback cancelled or a rollover owns. */
static void
events_filter(struct dbv_audit *a)
{
	struct dbva_ev	*e;
	size_t		 i, k;

	for (e = a->aud.v, i = k = 0; i < a->aud.n; i++)
		if (!is_rolled(a, e[i].seq))
			e[k++] = e[i];
	a->aud.n = k;
	for (e = a->idx.v, i = k = 0; i < a->idx.n; i++)
		if (!rollover_made(a, &e[i]))
			e[k++] = e[i];
	a->idx.n = k;
}

static void
issues_check(struct dbv_audit *a, struct findings *f)
{
	const struct dbva_hash	*c = a->certs.v, *o = a->outs.v;
	size_t			 i;

	for (i = 0; i < a->certs.n; i++)
		if (hash_find(&a->outs, c[i].hash) == NULL)
			findings_add(f, 1, "issue-unrecorded", "serial %s: no "
			    "audit record wrote its certificate (SHA-256 %s): "
			    "restore audit.log from the backup, or compare the "
			    "certificate with the paper record", c[i].serial,
			    c[i].hash);
	if (a->nimported > 0 && !a->imported)
		findings_add(f, 1, "import-unrecorded", "%zu certificates of "
		    "profile %s, and no db.import-openssl record: restore "
		    "audit.log from the backup", a->nimported, IMPORT_PROFILE);
	for (i = 0; i < a->outs.n; i++)
		if (o[i].cert && (strcmp(o[i].op, "sign") == 0 ||
		    strcmp(o[i].op, "issue.generate-key") == 0) &&
		    hash_find(&a->certs, o[i].hash) == NULL)
			findings_add(f, 1, "issue-unapplied", "audit record "
			    "%llu (%s) wrote certificate SHA-256 %s, which no "
			    "index.txt line names: restore index.txt from the "
			    "backup", o[i].seq, o[i].op, o[i].hash);
}

/* Every finding of the comparison. */
void
dbva_check(struct dbv_audit *a, struct findings *f)
{
	if (a->oom)
		findings_add(f, 1, "audit-unchecked", "out of memory comparing "
		    "the index with the audit log");
	if (!a->chain_ok || a->oom)
		return;
	outs_sort(a);
	if (a->certs.n > 0)
		qsort(a->certs.v, a->certs.n, sizeof(struct dbva_hash),
		    hash_cmp);
	if (a->rolled.n > 0)
		qsort(a->rolled.v, a->rolled.n, sizeof(unsigned long long),
		    seq_cmp);
	events_filter(a);
	if (a->idx.n > 0)
		qsort(a->idx.v, a->idx.n, sizeof(struct dbva_ev), ev_cmp);
	if (a->aud.n > 0)
		qsort(a->aud.v, a->aud.n, sizeof(struct dbva_ev), ev_cmp);
	issues_check(a, f);
	revocations_check(a, f);
}

void
dbva_free(struct dbv_audit *a)
{
	if (a == NULL)
		return;
	free(a->aud.v);
	free(a->idx.v);
	free(a->rolled.v);
	free(a->outs.v);
	free(a->certs.v);
	free(a);
}
