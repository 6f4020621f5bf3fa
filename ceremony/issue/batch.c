/* SPDX-License-Identifier: ISC */
/*
 * ceremony sign --inbox: every request in HOME/requests after one login.
 * Each request is read and checked against the policy; the acceptable ones
 * are built, linted, reserved, signed, verified and recorded by the
 * pipeline (batch_pipeline.c).  Requests end in requests/done/ (signed) or
 * requests/rejected/ with NAME.findings beside them.  Nothing is signed
 * unless it passes its policy.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ceremony/issue/batch.h"
#include "ceremony/session/session.h"

/*
 * Send one request to the intake (batch_send), and read how it vetted it
 * against the policy (batch_recv): one thread at a time (the intake's
 * socket is not shared), in the order sent.
 */
void
batch_send(struct session *s, struct batch_item *it, const struct policy *p)
{
	if (intake_send(s, &it->req, it->path, p, 0) != 0)
		snprintf(it->why, sizeof(it->why), "%s", err_get());
}

void
batch_recv(struct session *s, struct batch_item *it, const struct policy *p)
{
	err_clear();
	it->checked = 1;
	if (it->why[0] != '\0')
		return;		/* not sent */
	if (intake_recv(s, &it->req, &it->csr) != 0) {
		snprintf(it->why, sizeof(it->why), "%s", err_get());
		return;
	}
	if (sign_check(p, it->csr, &it->f) != 0)
		snprintf(it->why, sizeof(it->why), "fails policy %s", p->name);
}

void
batch_check(struct session *s, struct batch_item *it, const struct policy *p)
{
	batch_send(s, it, p);
	batch_recv(s, it, p);
}

static int
batch_load(struct session *s, struct batch *b)
{
	char	**paths = NULL;
	size_t	  i, n = 0;

	if ((b->inbox = db_path(s->db, "requests")) == NULL ||
	    csr_inbox_list(b->inbox, &paths, &n) != 0)
		return 1;
	if ((b->v = calloc(n ? n : 1, sizeof(*b->v))) == NULL ||
	    (b->jobs = calloc(n ? n : 1, sizeof(*b->jobs))) == NULL ||
	    (b->job_items = calloc(n ? n : 1, sizeof(*b->job_items))) == NULL ||
	    (b->serials = calloc(n ? n : 1, sizeof(*b->serials))) == NULL) {
		csr_inbox_free(paths, n);
		err_set("out of memory");
		return 1;
	}
	for (i = 0; i < n; i++) {
		b->v[i].path = paths[i];
		paths[i] = NULL;
		b->v[i].name = strrchr(b->v[i].path, '/') != NULL ?
		    strrchr(b->v[i].path, '/') + 1 : b->v[i].path;
	}
	b->n = n;
	csr_inbox_free(paths, n);
	return 0;
}

/*
 * Issued: its certificate file and audit record are written.  Its index
 * line normally follows; when a failed write stopped that, the serial
 * stays reserved for db recover to record.
 */
static int
batch_issued(const struct batch_item *it)
{
	return it->job.state == ISSUE_RECORDED || it->job.audited;
}

/* Issued, but a failed write left their serials reserved. */
static size_t
batch_unindexed(const struct batch *b)
{
	size_t	i, n = 0;

	for (i = 0; i < b->n; i++)
		n += b->v[i].job.audited && b->v[i].job.state != ISSUE_RECORDED;
	return n;
}

/*
 * Left in the inbox: a write failed and stopped the batch before this
 * request's fate was decided.
 */
static int
batch_left(const struct batch *b, const struct batch_item *it)
{
	return b->stopped && !batch_issued(it) && it->why[0] == '\0';
}

static const char *
batch_why(const struct batch *b, const struct batch_item *it)
{
	if (it->why[0] != '\0')
		return it->why;
	return batch_left(b, it) ? "not signed: left in the inbox" :
	    "signing failed";
}

static int
mkdir_in(const char *dir, const char *sub, char *out, size_t len)
{
	snprintf(out, len, "%s/%s", dir, sub);
	if (mkdir(out, 0755) == -1 && errno != EEXIST) {
		err_set("cannot create %s: %s", out, strerror(errno));
		return 1;
	}
	return 0;
}

/* The findings, as a person reads them, beside the rejected request. */
static int
reject_report(const char *dir, const char *name, const char *why,
    const struct findings *f)
{
	char	 path[4096], *buf = NULL;
	size_t	 len = 0;
	FILE	*m;
	int	 rc;

	if ((m = open_memstream(&buf, &len)) == NULL)
		return 1;
	fprintf(m, "request %s rejected: %s\n", name, why);
	if (f != NULL)
		findings_print(m, f);
	fclose(m);
	if ((size_t)snprintf(path, sizeof(path), "%s/%s.findings", dir,
	    name) >= sizeof(path)) {
		err_set("path too long: %s/%s.findings", dir, name);
		rc = 1;
	} else
		rc = atomic_write(path, buf, len, 0644, 0);
	free(buf);
	return rc;
}

/* A rejected request: its report into dir (rejected/), then it beside. */
static int
reject_move(const char *dir, const char *path, const char *name,
    const char *why, const struct findings *f)
{
	char	to[8192];

	if (reject_report(dir, name, why, f) != 0)
		return 1;
	snprintf(to, sizeof(to), "%s/%s", dir, name);
	if (rename(path, to) == -1) {
		err_set("cannot move %s to %s: %s", path, to, strerror(errno));
		return 1;
	}
	return 0;
}

/* done/ and rejected/ in the inbox, before anything is moved there. */
static int
batch_dirs(struct batch *b)
{
	return mkdir_in(b->inbox, "done", b->done, sizeof(b->done)) != 0 ||
	    mkdir_in(b->inbox, "rejected", b->rej, sizeof(b->rej)) != 0;
}

/*
 * Move each request to done/ or rejected/ once its fate is recorded; one
 * that a failed write left undecided stays in the inbox.
 */
static int
batch_file(const struct batch *b, struct batch_item **items, size_t n)
{
	char	 to[8192];
	size_t	 i, moved[2] = { 0, 0 };
	int	 ok;

	for (i = 0; i < n; i++) {
		if (batch_left(b, items[i]))
			continue;
		ok = batch_issued(items[i]);
		moved[ok]++;
		if (!ok) {
			if (reject_move(b->rej, items[i]->path, items[i]->name,
			    batch_why(b, items[i]), &items[i]->f) != 0)
				return 1;
			continue;
		}
		snprintf(to, sizeof(to), "%s/%s", b->done, items[i]->name);
		if (rename(items[i]->path, to) == -1) {
			err_set("cannot move %s to %s: %s", items[i]->path, to,
			    strerror(errno));
			return 1;
		}
	}
	/* Each directory a name left or entered, synced once. */
	return (moved[0] + moved[1] > 0 && fsync_dir(b->inbox)) ||
	    (moved[1] > 0 && fsync_dir(b->done)) ||
	    (moved[0] > 0 && fsync_dir(b->rej));
}

/*
 * One request of the inbox rejected by the officer (the TUI's x), as
 * sign --inbox rejects one: the audit record first (op sign, not ok,
 * "NAME WHY"), then NAME.findings in requests/rejected/ and the request
 * beside it.  A record that cannot be written leaves the request in the
 * inbox: the rejection and its record stand or fall together.  c (NULL:
 * unreadable) gives the findings.
 */
int
inbox_reject(struct session *s, const struct tmpl *t, const struct policy *p,
    const char *path, const struct vetted *c, const char *why)
{
	struct audit_entry	 e;
	char			 rej[4096], detail[4096 + 512], *inbox = NULL;
	const char		*name;
	int			 rc = 1;

	name = strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path;
	if ((inbox = db_path(s->db, "requests")) == NULL ||
	    mkdir_in(inbox, "rejected", rej, sizeof(rej)) != 0)
		goto out;
	memset(&e, 0, sizeof(e));
	e.op = "sign";
	e.ok = 0;
	snprintf(detail, sizeof(detail), "%s %s", name, why);
	e.detail = detail;
	sign_audit_items(&e, t, p, c);
	e.operator = s->operator;
	if (db_audit(s->db, &e) != 0) {
		err_context("%s stays in the inbox, since its rejection could "
		    "not be audited (fix the audit log, then reject it again)",
		    name);
		goto out;
	}
	if (reject_move(rej, path, name, why, c != NULL ? &c->f : NULL) != 0 ||
	    fsync_dir(inbox) || fsync_dir(rej))
		goto out;
	err_clear();
	rc = 0;
out:
	free(inbox);
	return rc;
}

/* What became of each request, for the front end to show. */
static int
batch_summary(const struct batch *b, struct inbox_result *r)
{
	const struct batch_item	*it;
	struct inbox_row	*row;
	size_t			 i;

	if ((r->v = calloc(b->n ? b->n : 1, sizeof(*r->v))) == NULL) {
		err_set("out of memory");
		return 1;
	}
	for (i = 0; i < b->n; i++, r->n++) {
		it = &b->v[i];
		row = &r->v[i];
		if (batch_issued(it)) {
			row->verdict = "signed";
			r->signedn++;
		} else
			row->verdict = batch_left(b, it) ? "left" : "rejected";
		row->name = strdup(it->name);
		row->text = strdup(batch_issued(it) ? it->job.serial :
		    batch_why(b, it));
		if (row->name == NULL || row->text == NULL) {
			err_set("out of memory");
			return 1;
		}
	}
	return 0;
}

void
inbox_result_free(struct inbox_result *r)
{
	size_t	i;

	for (i = 0; i < r->n; i++) {
		free(r->v[i].name);
		free(r->v[i].text);
	}
	free(r->v);
	memset(r, 0, sizeof(*r));
}

/* The chain beside the certificates the pipeline exported. */
static int
batch_export_chain(struct session *s, const struct signer *sg)
{
	char	dir[4096];

	if (atomic_group_begin() != 0)
		return 1;
	if (sign_export_chain(s, sg, dir, sizeof(dir)) != 0) {
		atomic_group_abort();
		return 1;
	}
	return atomic_group_commit();
}

/*
 * One audit record per request, signed or refused, in one append.  A
 * signed one's is written once its certificate file is durable and before
 * its index line (pipe_record), so that no certificate is valid in the
 * index without the record of its signing.
 */
int
batch_audit(struct batch *b, struct batch_item **items, size_t n)
{
	struct audit_entry	*e;
	char			**detail;
	size_t			 i, k = 0;
	int			 rc = 1;

	e = calloc(n ? n : 1, sizeof(*e));
	detail = calloc(n ? n : 1, sizeof(*detail));
	if (e == NULL || detail == NULL) {
		err_set("out of memory");
		goto out;
	}
	/* One recorded already (before its index line) is not again. */
	for (i = 0; i < n; i++) {
		struct batch_item *it = items[i];

		if (it->job.audited)
			continue;
		e[k].operator = b->s->operator;
		e[k].op = "sign";
		e[k].ok = it->job.state == ISSUE_SIGNED ||
		    it->job.state == ISSUE_RECORDED;
		if (asprintf(&detail[k], "%s %s", it->name, e[k].ok ?
		    it->job.serial : batch_why(b, it)) == -1) {
			detail[k] = NULL;
			goto out;
		}
		e[k].detail = detail[k];
		sign_audit_items(&e[k], b->t, b->p, it->csr);
		/* The bytes that were verified and recorded. */
		if (e[k].ok)
			audit_add_out(&e[k], "cert", it->job.der,
			    it->job.derlen);
		k++;
	}
	if (k > 0 && (rc = db_audit_many(b->s->db, e, k)) != 0)
		goto out;
	for (i = k = 0; i < n; i++)
		if (!items[i]->job.audited)
			items[i]->job.audited = e[k++].ok;
	rc = 0;
out:
	for (i = 0; i < k && detail != NULL; i++)
		free(detail[i]);
	free(detail);
	free(e);
	return rc;
}

/*
 * The requests' audit records (but for the signed ones, recorded
 * already), then their moves out of the inbox.  The pipeline settles the
 * signed ones a chunk at a time; the rest are settled at the end.
 */
int
batch_settle(struct batch *b, struct batch_item **items, size_t n)
{
	size_t	i;

	if (n == 0)
		return 0;
	if (batch_audit(b, items, n) != 0 || batch_file(b, items, n) != 0)
		return 1;
	for (i = 0; i < n; i++)
		items[i]->settled = 1;
	return 0;
}

/* Every request the pipeline did not settle, in the inbox's order. */
static int
batch_settle_rest(struct batch *b)
{
	struct batch_item	**rest;
	size_t			  i, n = 0;
	int			  rc;

	if ((rest = calloc(b->n ? b->n : 1, sizeof(*rest))) == NULL) {
		err_set("out of memory");
		return 1;
	}
	for (i = 0; i < b->n; i++)
		if (!b->v[i].settled)
			rest[n++] = &b->v[i];
	rc = batch_settle(b, rest, n);
	free(rest);
	return rc;
}

static void
batch_free(struct batch *b)
{
	size_t	i;

	for (i = 0; i < b->n; i++) {
		free(b->v[i].path);
		vetted_free(b->v[i].csr);
		intake_req_clear(&b->v[i].req);
		findings_free(&b->v[i].f);
		issue_job_clear(&b->v[i].job);
	}
	free(b->v);
	free(b->jobs);
	free(b->job_items);
	free(b->serials);
	free(b->inbox);
}

/*
 * How many token sessions sign at once: as asked, else one per core, as
 * far as the token and the key allow (hsm_sign_sessions).  Only a count
 * asked for and cut is worth a note.
 */
static int
batch_sessions(struct batch *b, const struct signer *sg)
{
	const char	*why;
	unsigned long	 want = b->o->sessions;
	long		 cores;

	if (want == 0)
		want = (cores = sysconf(_SC_NPROCESSORS_ONLN)) > 0 ?
		    (unsigned long)cores : 1;
	if (hsm_sign_sessions(b->s->hsm, sg->key, want, &b->sessions,
	    &why) != 0)
		return 1;
	if (b->o->sessions != 0 && b->sessions < b->o->sessions)
		note("ceremony: signing on %lu session%s, not %lu: %s",
		    b->sessions, b->sessions == 1 ? "" : "s", b->o->sessions,
		    why != NULL ? why : "libp11 keeps no more");
	return 0;
}

/*
 * Sign what is acceptable.  The requests before the first acceptable one
 * are checked here, so that the PIN is asked only when something will be
 * signed; the pipeline checks the rest while the token signs.
 */
static int
batch_sign(struct batch *b, struct signer *sg)
{
	for (b->first = 0; b->first < b->n; b->first++) {
		batch_check(b->s, &b->v[b->first], b->p);
		if (b->v[b->first].why[0] == '\0')
			break;
	}
	if (b->first == b->n)
		return 0;
	if (batch_dirs(b) != 0 || session_login(b->s) != 0 ||
	    signer_open(b->s, sg, b->t->md) != 0 ||
	    batch_sessions(b, sg) != 0 ||
	    issue_serials(b->s, b->serials, b->n - b->first) != 0)
		return 1;
	batch_pipeline(b);
	issue_abandon(b->s, b->jobs, b->njobs);
	return 0;
}

int
sign_inbox(struct session *s, const struct tmpl *t, const struct policy *p,
    const struct sign_opts *o, struct inbox_result *r)
{
	struct batch	 b;
	struct signer	 sg;
	int		 rc = 1;

	memset(r, 0, sizeof(*r));
	memset(&b, 0, sizeof(b));
	memset(&sg, 0, sizeof(sg));
	b.s = s;
	b.sg = &sg;
	b.t = t;
	b.p = p;
	b.o = o;
	if (batch_load(s, &b) != 0 || batch_sign(&b, &sg) != 0)
		goto out;
	/* What was decided is audited and filed even after a failure. */
	if ((sg.chain != NULL && !b.stopped &&
	    batch_export_chain(s, &sg) != 0) || (b.done[0] == '\0' &&
	    batch_dirs(&b) != 0) || batch_settle_rest(&b) != 0 ||
	    batch_summary(&b, r) != 0)
		goto out;
	r->sessions = b.sessions;
	if (b.stopped) {
		err_set("%s", b.error);
		if (batch_unindexed(&b) > 0)
			err_context("%zu signed and in the audit log are not in "
			    "index.txt: free some space, then run ceremony db "
			    "recover", batch_unindexed(&b));
		goto out;
	}
	rc = 0;
	if (r->signedn < b.n) {
		err_set("%zu of %zu requests rejected: see %s/rejected/",
		    b.n - r->signedn, b.n, b.inbox);
		rc = 1;
	}
out:
	batch_free(&b);
	signer_close(&sg);
	return rc;
}
