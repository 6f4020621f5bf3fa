/* SPDX-License-Identifier: ISC */
/*
 * Running a checked script, one step at a time, for both front ends
 * (script run on the command line, the TUI's script screen).  Each step
 * calls the core function its own command calls, so it writes the same
 * files and the same audit record; around it the state file says the
 * step started and then how it ended, and a script.step audit record
 * ties the step to the script's hash.  A failed step stops the script:
 * the core left nothing half-written, so running the script again
 * repeats that step and goes on.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ceremony/crl/crl.h"
#include "ceremony/export/export.h"
#include "ceremony/issue/issue.h"
#include "ceremony/migrate/migrate.h"
#include "ceremony/policy/policy.h"
#include "ceremony/rollover/rollover.h"
#include "ceremony/script/script.h"
#include "ceremony/session/session.h"

#define SCRIPT_STEP_DONE_STOP	2	/* its work is done, yet stop here */

static void
out_add(struct script_out *o, const char *fmt, ...)
{
	va_list	ap;

	if (o->n == SCRIPT_OUT_LINES)
		return;
	va_start(ap, fmt);
	vsnprintf(o->line[o->n++], sizeof(o->line[0]), fmt, ap);
	va_end(ap);
}

void
script_out_clear(struct script_out *o)
{
	findings_free(&o->f);
	memset(o, 0, sizeof(*o));
}

static int
run_key_generate(struct session *s, const struct script_step *st,
    struct script_out *o)
{
	struct hsm_keyspec	 spec;
	struct hsm_key		*k = NULL;
	char			*id = NULL;
	int			 rc;

	if (hsm_keyspec_parse(st->type, &spec) != 0 ||
	    session_login(s) != 0)
		return 1;
	if ((rc = key_generate(s, &spec, st->label, &k)) == 0) {
		id = hex_encode(k->id, k->id_len, 0);
		out_add(o, "%s key \"%s\" generated on the token", spec.name,
		    st->label);
		out_add(o, "  id %s", id != NULL ? id : "?");
	}
	free(id);
	hsm_key_free(k);
	return rc;
}

static int
run_root_create(struct session *s, const struct script_step *st,
    struct script_out *o)
{
	struct root_result	 r;
	struct tmpl		*t = NULL;
	char			*subj;
	int			 ok;

	memset(&r, 0, sizeof(r));
	if (tmpl_load(st->tmpl, &t) != 0)
		return 1;
	ok = session_login(s) == 0 &&
	    root_create(s, t, st->key, &o->f, &r) == 0;
	if (ok) {
		subj = name_text(X509_get_subject_name(r.cert));
		out_add(o, "root certificate %s, serial %s", subj != NULL ?
		    subj : "?", r.serial);
		out_add(o, "  SHA-256 %s", r.fingerprint);
		out_add(o, "  exported %s/root-gen1.pem and .der",
		    r.export_dir);
		free(subj);
	}
	ok = root_audit(s, t, st->key, &r, ok) == 0 && ok;
	X509_free(r.cert);
	tmpl_free(t);
	return !ok;
}

static int
run_sign(struct session *s, const struct script_step *st,
    struct script_out *o)
{
	struct sign_outcome	 out;
	struct sign_opts	 so;
	struct tmpl		*t = NULL;
	struct policy		*p = NULL;
	struct vetted		*c = NULL;
	char			 fp[96] = "";
	int			 rc = 1;

	memset(&out, 0, sizeof(out));
	memset(&so, 0, sizeof(so));
	so.clamp = script_flag(st->clamp);
	if (tmpl_load(st->tmpl, &t) != 0 || (st->days != NULL &&
	    parse_long("days", st->days, 1, t->max_days, &so.days) != 0) ||
	    policy_load(t->policy_path, &p) != 0 ||
	    intake_vet(s, st->csr, p, 0, &c) != 0)
		goto out;
	rc = sign_csr(s, t, p, c, &so, &out);
	if (rc != 0 && out.j.state == ISSUE_RECORDED) {
		/*
		 * Issued and recorded, then the export failed: the step's
		 * work is done and must not be repeated by a resume (that
		 * would issue a second certificate), but the officers must
		 * see it before anything else happens.
		 */
		err_context("certificate %s is issued and recorded, but not "
		    "all of it was exported (ceremony db show %s has it)",
		    out.j.serial, out.j.serial);
		rc = SCRIPT_STEP_DONE_STOP;
	}
	if (rc == 0) {
		cert_fingerprint(out.j.cert, fp, sizeof(fp));
		out_add(o, "certificate %s issued to %s", out.j.serial,
		    out.j.subject_text);
		out_add(o, "  by CA generation %d, profile %s%s",
		    out.sg.generation, t->name, out.j.clamped ?
		    ", notAfter clamped to the issuer's" : "");
		out_add(o, "  SHA-256 %s", fp);
		out_add(o, "  exported %s/%s.pem and .der", out.dir,
		    out.j.serial);
	}
	o->f = out.f;
	memset(&out.f, 0, sizeof(out.f));
out:
	sign_outcome_clear(&out);
	vetted_free(c);
	policy_free(p);
	tmpl_free(t);
	return rc;
}

static int
run_revoke(struct session *s, const struct script_step *st,
    struct script_out *o)
{
	struct revoke_req	q;
	struct revoke_result	res;
	int			rc;

	memset(&res, 0, sizeof(res));
	if (revoke_req_make(&q, st->serial, st->reason, st->invalidity,
	    0) != 0)
		return 1;
	if ((rc = revoke_record(s, &q, &res)) == 0)
		out_add(o, "certificate %s revoked: %s (the next CRL carries "
		    "it)", st->serial, db_reason_name(res.next.reason));
	revoke_result_clear(&res);
	return rc;
}

static int
run_crl_issue(struct session *s, const struct script_step *st,
    struct script_out *o)
{
	struct crl_tmpl	*t = NULL;
	struct signer	 sg;
	struct crl_job	 j;
	char		 dir[4096] = "", next[UTC_TEXT_MAX];
	long		 gen = 0;
	int		 rc = 1;

	memset(&sg, 0, sizeof(sg));
	memset(&j, 0, sizeof(j));
	if (crl_tmpl_load(st->tmpl != NULL ? st->tmpl : TMPL_DEFAULT_CRL,
	    &t) != 0 || (st->generation != NULL && parse_long("generation",
	    st->generation, 1, 1000000, &gen) != 0))
		goto out;
	if ((rc = crl_run(s, t, (int)gen, &sg, &j, dir, sizeof(dir))) == 0) {
		out_add(o, "CRL %llu of CA generation %d: %zu entries, "
		    "nextUpdate %s", j.number, sg.generation, j.entries,
		    utc_text(j.next_update, next));
		out_add(o, "  SHA-256 %s", j.sha256);
		out_add(o, "  exported %s/crl-gen%d.crl and .pem", dir,
		    sg.generation);
	}
out:
	crl_job_clear(&j);
	signer_close(&sg);
	crl_tmpl_free(t);
	return rc;
}

static int
run_publish(struct session *s, const struct script_step *st,
    struct script_out *o)
{
	struct signer	sg;
	struct bundle	b;
	int		rc;

	memset(&sg, 0, sizeof(sg));
	memset(&b, 0, sizeof(b));
	if ((rc = publish_run(s, st->dir, &sg, &b)) == 0) {
		out_add(o, "publication bundle in %s: %zu files", st->dir, b.n);
		out_add(o, "  %s signed by CA generation %d", MANIFEST_SIG_NAME,
		    sg.generation);
	}
	bundle_free(&b);
	signer_close(&sg);
	return rc;
}

static int
run_rollover_prepare(struct session *s, const struct script_step *st,
    struct script_out *o)
{
	struct rollover_req	 q;
	struct rollover_result	 r;
	struct tmpl		*t = NULL;
	int			 rc = 1;

	memset(&q, 0, sizeof(q));
	memset(&r, 0, sizeof(r));
	q.label = st->label;
	q.type = st->type;
	q.manual = script_flag(st->manual);
	if (rollover_start_parse(st->start, &q) != 0 ||
	    tmpl_load(st->tmpl != NULL ? st->tmpl : TMPL_DEFAULT_ROOT,
	    &t) != 0)
		goto out;
	if ((rc = rollover_prepare_run(s, t, &q, &o->f, &r)) == 0) {
		out_add(o, "generation %d prepared (pending), key \"%s\"",
		    r.gen, r.state.key);
		out_add(o, "  SHA-256 %s", r.fingerprint);
		out_add(o, "  links: NewWithOld%s", r.oldwithnew != NULL ?
		    " and OldWithNew" : " (no OldWithNew: no overlap)");
	}
out:
	rollover_result_clear(&r);
	tmpl_free(t);
	return rc;
}

static int
run_rollover_switch(struct session *s, struct script_out *o)
{
	struct db_gen	g;

	memset(&g, 0, sizeof(g));
	if (rollover_switch_run(s, time(NULL), &g) != 0)
		return 1;
	out_add(o, "generation %d is active, key \"%s\"", g.gen, g.key);
	return 0;
}

static int
run_rollover_export(struct session *s, const struct script_step *st,
    struct script_out *o)
{
	char	dir[4096];
	int	gen;

	if (st->dir != NULL)
		snprintf(dir, sizeof(dir), "%s", st->dir);
	else
		export_dir_of(s, dir, sizeof(dir));
	if (rollover_export_run(s, dir, &gen) != 0)
		return 1;
	out_add(o, "CA certificates and links in %s/ca-certs.pem and .p7b",
	    dir);
	if (gen > db_ca_current(s->db))
		out_add(o, "  next CA certificate (generation %d): "
		    "next-ca.pem", gen);
	return 0;
}

static int
run_db_verify(struct session *s, struct script_out *o)
{
	if (db_verify_run(s, &o->f) != 0)
		return 1;
	out_add(o, "%s is consistent: index, certificates, CA generations, "
	    "CRLs and audit log", s->home);
	return 0;
}

/*
 * Shares written, one file per custodian (never on screen), and the
 * quorum recorded.  A reshare needs a login by the current quorum's
 * shares, and a split of the current PIN must not follow one: the old
 * shares would still open the token.
 */
static int
run_quorum(struct session *s, const struct script_step *st,
    struct script_out *o)
{
	struct quorum_req	 q;
	struct quorum_result	 r;
	char			*names = NULL;
	int			 reshare = st->action == SA_QUORUM_RESHARE, ok = 0;

	memset(&r, 0, sizeof(r));
	if (script_quorum_req(st, &q, &names) != 0 ||
	    quorum_source_check(&s->pin, reshare, q.fresh) != 0)
		goto out;
	ok = quorum_split(s, &q, &r) == 0;
	if (ok) {
		out_add(o, "quorum %s: %d of %d shares open the token%s",
		    r.qid, q.m, q.n, r.pin_changed ? " (a new random PIN; no "
		    "one knows it)" : "");
		out_add(o, "  share files in %s, one per custodian: %s",
		    q.out_dir, st->custodians);
	}
	ok = quorum_audit(s, reshare ? "quorum.reshare" : "quorum.split", &q,
	    &r, ok) == 0 && ok;
out:
	quorum_result_clear(&r);
	free(names);
	return !ok;
}

static int
step_do(struct session *s, const struct script_step *st,
    struct script_out *o)
{
	switch (st->action) {
	case SA_KEY_GENERATE:
		return run_key_generate(s, st, o);
	case SA_ROOT_CREATE:
		return run_root_create(s, st, o);
	case SA_SIGN:
		return run_sign(s, st, o);
	case SA_REVOKE:
		return run_revoke(s, st, o);
	case SA_CRL_ISSUE:
		return run_crl_issue(s, st, o);
	case SA_EXPORT_PUBLISH:
		return run_publish(s, st, o);
	case SA_ROLLOVER_PREPARE:
		return run_rollover_prepare(s, st, o);
	case SA_ROLLOVER_SWITCH:
		return run_rollover_switch(s, o);
	case SA_ROLLOVER_EXPORT:
		return run_rollover_export(s, st, o);
	case SA_DB_VERIFY:
		return run_db_verify(s, o);
	case SA_QUORUM_SPLIT:
	case SA_QUORUM_RESHARE:
		return run_quorum(s, st, o);
	}
	err_set("step [%s] has no action", st->name);
	return 1;
}

static int
script_audit(struct session *s, const struct script *sc, const char *op,
    const char *detail, int ok)
{
	struct audit_entry	e;

	memset(&e, 0, sizeof(e));
	e.op = op;
	e.ok = ok;
	e.detail = detail;
	audit_add_in(&e, "script", sc->raw, sc->rawlen);
	return session_audit(s, &e);
}

/* The first witness the script names who is not the session's, or NULL:
 * the TUI names where to add one (the Token screen). */
const char *
script_witness_missing(const struct session *s, const struct script *sc)
{
	size_t	i, j;

	for (i = 0; i < sc->nwitness; i++) {
		for (j = 0; j < s->nwitness; j++)
			if (strcmp(sc->witness[i], s->witness[j]) == 0)
				break;
		if (j == s->nwitness)
			return sc->witness[i];
	}
	return NULL;
}

/* The people the script names are the session's. */
static int
script_people(const struct session *s, const struct script *sc)
{
	const char	*w;

	if (sc->operator != NULL && (s->operator == NULL ||
	    strcmp(s->operator, sc->operator) != 0)) {
		err_set("the script names operator %s, and %s is at the "
		    "keyboard: the named operator runs it (--operator)",
		    sc->operator, s->operator != NULL ? s->operator : "nobody");
		return 1;
	}
	if ((w = script_witness_missing(s, sc)) != NULL) {
		err_set("the script names witness %s, who is not recorded for "
		    "this session: name every witness (--witness NAME)", w);
		return 1;
	}
	return 0;
}

static int
script_needs_login(const struct script *sc, const struct script_progress *p)
{
	size_t	i;

	for (i = p->next; i < sc->n; i++)
		if (script_needs_token(&sc->v[i]))
			return 1;
	return 0;
}

/*
 * Before the first step of a run: the people, where the script stands
 * (a step begun and never finished is repeated only when retry says
 * so), the login when a step ahead needs the token, and a script.run
 * record saying how the steps are confirmed.  p says which step is next.
 */
int
script_begin(struct session *s, const struct script *sc,
    struct script_progress *p, int retry, const char *how)
{
	char	detail[640];
	size_t	i;

	if (script_people(s, sc) != 0 ||
	    script_progress_read(s->db, sc, p) != 0)
		return 1;
	if ((i = p->next) == sc->n) {
		err_set("every step of script %s is done (the last at %s): "
		    "nothing to run", sc->path, p->when[sc->n - 1]);
		return 1;
	}
	if (p->state[i] == SS_STARTED && !retry) {
		err_set("step %zu [%s] began at %s and never finished (a crash "
		    "or power loss?): see what it did with ceremony audit "
		    "show, then run it again with --retry", i + 1,
		    sc->v[i].name, p->when[i]);
		return 1;
	}
	if (script_needs_login(sc, p) && session_login(s) != 0)
		return 1;
	snprintf(detail, sizeof(detail), "%.200s: %zu steps, %s step %zu "
	    "[%s], %s%s", sc->title, sc->n, i == 0 && p->state[0] ==
	    SS_PENDING ? "from" : "resumed at", i + 1, sc->v[i].name, how,
	    p->state[i] == SS_STARTED ? " (an unfinished step repeated on "
	    "the operator's word: --retry, or RETRY N in the TUI)" : "");
	return script_audit(s, sc, "script.run", detail, 1);
}

/*
 * Step i: the state file says it started, the step runs, the state file
 * and a script.step record say how it ended.  Non-zero when it failed
 * (err_get says why, o->f may hold findings) or could not be recorded.
 */
int
script_step_run(struct session *s, const struct script *sc,
    struct script_progress *p, size_t i, struct script_out *o)
{
	const struct script_step	*st = &sc->v[i];
	char				 why[1024], detail[1400];
	int				 rc, done;

	memset(o, 0, sizeof(*o));
	if (script_progress_set(s->db, sc, p, i, SS_STARTED, st->action_name))
		return 1;
	rc = step_do(s, st, o);
	/* Done, but stopped for the officers: marked done, run not on. */
	done = rc == 0 || rc == SCRIPT_STEP_DONE_STOP;
	snprintf(why, sizeof(why), "%s", rc == 0 ? (o->n > 0 ? o->line[0] :
	    "done") : err_get());
	snprintf(detail, sizeof(detail), "step %zu/%zu [%s] %s: %s: %s", i + 1,
	    sc->n, st->name, st->action_name, rc == 0 ? "done" : done ?
	    "done, with a problem; the script stopped" : "failed", why);
	if (script_progress_set(s->db, sc, p, i, done ? SS_DONE : SS_FAILED,
	    why) != 0 || script_audit(s, sc, "script.step", detail,
	    rc == 0) != 0) {
		if (rc != 0)
			err_context("%s; and its end was not recorded", why);
		return 1;
	}
	if (rc != 0) {
		err_set("%s", why);
		return 1;
	}
	if (p->next == sc->n)
		rc = script_audit(s, sc, "script.end", sc->title, 1);
	return rc;
}
