/* SPDX-License-Identifier: ISC */
/*
 * The sessions of the audit log, read back: the list (ceremony audit
 * sessions) and one session's printable transcript (ceremony audit
 * transcript SESSION): its header, every step with its time, inputs,
 * outputs and their SHA-256, the results, the seal, and a signature line
 * for the operator and each witness.  Both are written only from a log
 * whose chain and seals verify (seal.c): a transcript of a log that was
 * changed would vouch for what did not happen.
 *
 * A session is what lies between a session.open record (its id is that
 * record's number) and the session.close record naming it; a scripted
 * ceremony that runs many steps in one login is one session.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ceremony/session/session.h"

struct step {
	unsigned long long	 seq;
	char			*time, *operator, *op, *result, *in, *out;
	char			*detail, *hash;
};

struct sess {
	unsigned long long	 id, close;
	struct step		*v;
	size_t			 n;
	int			 in;		/* between its open and close */
};

static void
step_clear(struct step *s)
{
	free(s->time);
	free(s->operator);
	free(s->op);
	free(s->result);
	free(s->in);
	free(s->out);
	free(s->detail);
	free(s->hash);
}

static int
step_copy(struct step *d, const struct audit_rec *r)
{
	d->seq = r->seq;
	d->time = strdup(r->time);
	d->operator = strdup(r->operator);
	d->op = strdup(r->op);
	d->result = strdup(r->result);
	d->in = strdup(r->in);
	d->out = strdup(r->out);
	d->detail = strdup(r->detail);
	d->hash = strdup(r->hash);
	if (d->time == NULL || d->operator == NULL || d->op == NULL ||
	    d->result == NULL || d->in == NULL || d->out == NULL ||
	    d->detail == NULL || d->hash == NULL) {
		err_set("out of memory");
		return 1;
	}
	return 0;
}

/* Is r the session.close of session id? */
static int
is_close(const struct audit_rec *r, unsigned long long id)
{
	char	want[48];

	snprintf(want, sizeof(want), "session %llu", id);
	return strcmp(r->op, "session.close") == 0 &&
	    strcmp(r->detail, want) == 0;
}

static int
sess_rec(void *arg, const struct audit_rec *r)
{
	struct sess	*s = arg;
	struct step	*nv;

	if (r->seq == s->id) {
		if (strcmp(r->op, "session.open") != 0) {
			err_set("audit record %llu is a %s record, not the "
			    "opening of a session: see ceremony audit sessions",
			    r->seq, r->op);
			return 1;
		}
		s->in = 1;
	}
	if (!s->in)
		return 0;
	if ((nv = reallocarray(s->v, s->n + 1, sizeof(*nv))) == NULL) {
		err_set("out of memory");
		return 1;
	}
	s->v = nv;
	memset(&s->v[s->n], 0, sizeof(s->v[s->n]));
	if (step_copy(&s->v[s->n++], r) != 0)
		return 1;
	if (is_close(r, s->id)) {
		s->close = r->seq;
		s->in = 0;
	}
	return 0;
}

static void
sess_clear(struct sess *s)
{
	size_t	i;

	for (i = 0; i < s->n; i++)
		step_clear(&s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

/*
 * The value of key in a session.open detail, "version=V token=T serial=S
 * witnesses=W home=H": up to the next key's " name=".
 */
static void
open_field(const char *detail, const char *key, const char *next, char *buf,
    size_t len)
{
	const char	*p, *e;
	char		 k[32];

	snprintf(k, sizeof(k), "%s=", key);
	if ((p = strstr(detail, k)) == NULL) {
		snprintf(buf, len, "-");
		return;
	}
	p += strlen(k);
	snprintf(k, sizeof(k), " %s=", next != NULL ? next : "");
	e = next != NULL ? strstr(p, k) : NULL;
	snprintf(buf, len, "%.*s", (int)(e != NULL ? (size_t)(e - p) :
	    strlen(p)), p);
}

/* A SHA-256 in groups of eight, to read aloud against a copy. */
static void
print_hash(FILE *f, const char *h)
{
	size_t	i;

	for (i = 0; i < 64 && h[i] != '\0'; i += 8)
		fprintf(f, "%s%.8s", i > 0 ? " " : "", h + i);
}

/* "role:sha256,role:sha256", one line each. */
static void
print_items(FILE *f, const char *what, const char *items)
{
	const char	*p = items, *c;
	size_t		 n;

	while (*p != '\0') {
		n = strcspn(p, ",");
		c = memchr(p, ':', n);
		if (c == NULL)
			break;
		fprintf(f, "      %-7s %-10.*s ", what, (int)(c - p), p);
		fprintf(f, "%.*s\n", (int)(n - (size_t)(c - p) - 1), c + 1);
		p += n;
		if (*p == ',')
			p++;
	}
}

static void
print_header(FILE *f, const struct sess *s)
{
	const struct step	*o = &s->v[0];
	char			 ver[64], tok[128], ser[64], wit[512], home[1024];
	char			 net[16], ifs[768], clock[256];

	open_field(o->detail, "version", "token", ver, sizeof(ver));
	open_field(o->detail, "token", "serial", tok, sizeof(tok));
	open_field(o->detail, "serial", "witnesses", ser, sizeof(ser));
	open_field(o->detail, "witnesses", "home", wit, sizeof(wit));
	open_field(o->detail, "home", "network", home, sizeof(home));
	open_field(o->detail, "network", "interfaces", net, sizeof(net));
	open_field(o->detail, "interfaces", "clock", ifs, sizeof(ifs));
	open_field(o->detail, "clock", NULL, clock, sizeof(clock));
	fprintf(f, "CEREMONY TRANSCRIPT\n===================\n\n");
	fprintf(f, "%-16s %llu (audit records %llu to %llu)\n", "Session",
	    s->id, s->id, s->v[s->n - 1].seq);
	fprintf(f, "%-16s %.10s\n", "Date", o->time);
	fprintf(f, "%-16s %s\n", "Opened", o->time);
	fprintf(f, "%-16s %s\n", "Closed", s->close != 0 ?
	    s->v[s->n - 1].time : "(not closed: the session ended without "
	    "its close record)");
	fprintf(f, "%-16s %s\n", "Data directory", home);
	fprintf(f, "%-16s %s, serial %s\n", "Token", tok, ser);
	fprintf(f, "%-16s ceremony %s\n", "Software", ver);
	fprintf(f, "%-16s %s\n", "Operator", o->operator);
	fprintf(f, "%-16s %s\n", "Witnesses", wit[0] ? wit : "(none)");
	/* The room check at login (docs/assurance.md); older logs: "-". */
	fprintf(f, "%-16s network = %s; interfaces up or wireless: %s\n",
	    "Room", net, ifs);
	fprintf(f, "%-16s %s\n", "Clock", clock);
}

static void
print_steps(FILE *f, const struct sess *s)
{
	const struct step	*st;
	size_t			 i, k = 0;

	fprintf(f, "\nSteps\n-----\n");
	for (i = 1; i < s->n; i++) {
		st = &s->v[i];
		if (i == s->n - 1 && s->close != 0)
			break;
		fprintf(f, "%3zu. %s  %-16s %s  (record %llu)\n", ++k,
		    st->time + 11, st->op, strcmp(st->result, "ok") == 0 ?
		    "ok" : "FAILED", st->seq);
		if (st->detail[0] != '\0')
			fprintf(f, "      %-7s %s\n", "detail", st->detail);
		print_items(f, "input", st->in);
		print_items(f, "output", st->out);
	}
	if (k == 0)
		fprintf(f, "  (no operation)\n");
}

static void
print_seal(FILE *f, const struct sess *s, const struct db_seal *seals,
    size_t nseals, const struct audit_verdict *v)
{
	const struct db_seal	*sl = NULL;
	size_t			 i;

	for (i = 0; i < nseals; i++)
		if (seals[i].session == s->id)
			sl = &seals[i];
	fprintf(f, "\nSeal\n----\n");
	if (sl == NULL)
		fprintf(f, "Not sealed (the data directory had no CA "
		    "certificate yet, or the seal failed: see the steps).\n");
	else {
		fprintf(f, "Record %llu, chain head\n  ", sl->record);
		print_hash(f, sl->head);
		fprintf(f, "\nsigned %s by the key of CA generation %d (key id "
		    "%s),\nverified with ca/gen-%d.pem.\n", sl->time,
		    sl->generation, sl->key, sl->generation);
	}
	fprintf(f, "Audit log checked: %llu records, hash chain intact, %zu "
	    "seal%s verified.\nIts last record's hash (for the paper "
	    "record):\n  ", v->records, v->nseals, v->nseals == 1 ? "" : "s");
	print_hash(f, v->head);
	fprintf(f, "\n");
}

static void
print_signatures(FILE *f, const struct sess *s)
{
	const struct step	*o = &s->v[0];
	char			 wit[512], *p, *q;

	fprintf(f, "\nSignatures\n----------\nWe were present at this session "
	    "and attest that this transcript records what was done.\n\n");
	fprintf(f, "%-10s %-20s signature ______________________  date "
	    "__________\n", "Operator", o->operator);
	open_field(o->detail, "witnesses", "home", wit, sizeof(wit));
	for (p = wit; *p != '\0'; p = q) {
		q = strstr(p, ", ");
		fprintf(f, "\n%-10s %-20.*s signature ______________________  "
		    "date __________\n", "Witness", (int)(q != NULL ?
		    (size_t)(q - p) : strlen(p)), p);
		q = q != NULL ? q + 2 : p + strlen(p);
	}
}

/* Print the transcript of session id to f. */
int
audit_transcript(struct db *db, unsigned long long id, FILE *f)
{
	struct audit_verdict	 v;
	struct sess		 s;
	struct db_seal		*seals = NULL;
	size_t			 nseals = 0;
	char			*path = NULL;
	long			 bad;
	int			 rc = 1;

	memset(&s, 0, sizeof(s));
	s.id = id;
	if (audit_verify(db, &v) != 0) {
		err_context("no transcript of a log that does not verify");
		goto out;
	}
	if ((path = db_path(db, "audit.log")) == NULL ||
	    db_audit_walk(path, sess_rec, &s, &bad) != 0 ||
	    db_seals_read(db, &seals, &nseals) != 0)
		goto out;
	if (s.n == 0) {
		err_set("the audit log has no session %llu: see ceremony audit "
		    "sessions", id);
		goto out;
	}
	print_header(f, &s);
	print_steps(f, &s);
	print_seal(f, &s, seals, nseals, &v);
	print_signatures(f, &s);
	rc = 0;
out:
	db_seals_free(seals, nseals);
	sess_clear(&s);
	free(path);
	return rc;
}

/* The list of sessions: one line each. */
struct list {
	FILE			*f;
	unsigned long long	 open;		/* the one being read, 0 none */
	char			 time[32], operator[64], wit[256];
	unsigned long long	 steps;
	const struct db_seal	*seals;
	size_t			 nseals;
};

static void
list_line(struct list *l, const char *closed)
{
	const char	*sealed = "no";
	size_t		 i;

	for (i = 0; i < l->nseals; i++)
		if (l->seals[i].session == l->open)
			sealed = "yes";
	fprintf(l->f, "%-8llu %-20s %-20s %-12s %5llu  %-6s %s\n", l->open,
	    l->time, closed, l->operator, l->steps, sealed,
	    l->wit[0] ? l->wit : "-");
	l->open = 0;
}

static int
list_rec(void *arg, const struct audit_rec *r)
{
	struct list	*l = arg;

	if (l->open != 0 && is_close(r, l->open)) {
		list_line(l, r->time);
		return 0;
	}
	if (strcmp(r->op, "session.open") == 0) {
		if (l->open != 0)
			list_line(l, "(no close)");
		l->open = r->seq;
		l->steps = 0;
		snprintf(l->time, sizeof(l->time), "%s", r->time);
		snprintf(l->operator, sizeof(l->operator), "%s", r->operator);
		open_field(r->detail, "witnesses", "home", l->wit,
		    sizeof(l->wit));
	} else if (l->open != 0)
		l->steps++;
	return 0;
}

int
audit_sessions(struct db *db, FILE *f)
{
	struct list	 l;
	struct db_seal	*seals = NULL;
	size_t		 nseals = 0;
	char		*path;
	long		 bad;
	int		 rc = 1;

	memset(&l, 0, sizeof(l));
	if ((path = db_path(db, "audit.log")) == NULL ||
	    db_seals_read(db, &seals, &nseals) != 0)
		goto out;
	l.f = f;
	l.seals = seals;
	l.nseals = nseals;
	fprintf(f, "%-8s %-20s %-20s %-12s %5s  %-6s %s\n", "session",
	    "opened", "closed", "operator", "steps", "sealed", "witnesses");
	if (db_audit_walk(path, list_rec, &l, &bad) != 0)
		goto out;
	if (l.open != 0)
		list_line(&l, "(open)");
	rc = 0;
out:
	db_seals_free(seals, nseals);
	free(path);
	return rc;
}
