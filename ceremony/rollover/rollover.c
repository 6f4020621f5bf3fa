/* SPDX-License-Identifier: ISC */
/*
 * Root CA rollover (docs/rollover.md): the IOS PKI server's rollover with
 * RFC 4210 4.4's link certificates.  Prepare makes generation N+1: a key
 * on the token, the rollover root (same subject, new key, validity from a
 * chosen start) and the links NewWithOld (the new key certified by the old
 * one) and OldWithNew (the old key certified by the new one, when their
 * validities overlap).  The new generation stays pending until the switch
 * (explicit, or by itself when its validity begins); cancel takes it back.
 * The state lives in ca/gen-N.rollover (db/generations.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509v3.h>

#include "ceremony/crl/crl.h"
#include "ceremony/issue/issue.h"
#include "ceremony/rollover/rollover.h"
#include "ceremony/session/session.h"

/* Everything a prepare holds; freed by rollover_ctx_free. */
struct rollover_ctx {
	const struct tmpl	*t;
	struct tmpl		 root_t, link_t;	/* views of t */
	struct db_gen		 g;			/* the new generation */
	X509			*old, *root;
	struct hsm_key		*oldkey, *newkey;
	EVP_PKEY		*oldsig, *newsig;
	struct verifier		 oldv, newv;
	int			 oldgen;
	time_t			 now, end;		/* end: old notAfter */
	char			 serials[3][DB_SERIAL_MAX];
	size_t			 nserials;
	int			 claimed, generated;
};

static void
rollover_ctx_free(struct rollover_ctx *c)
{
	verifier_free(&c->oldv);
	verifier_free(&c->newv);
	EVP_PKEY_free(c->oldsig);
	EVP_PKEY_free(c->newsig);
	hsm_key_free(c->oldkey);
	hsm_key_free(c->newkey);
	X509_free(c->old);
	X509_free(c->root);
}

void
rollover_result_clear(struct rollover_result *r)
{
	X509_free(r->root);
	X509_free(r->newwithold);
	X509_free(r->oldwithnew);
	memset(r, 0, sizeof(*r));
}

/* A generation made by a rollover that is not cancelled, newest first. */
static int
rollover_latest(struct session *s, struct db_gen *g)
{
	int	gen;

	if ((gen = db_ca_highest(s->db)) < 0)
		return -1;
	for (; gen >= 1; gen--) {
		if (db_gen_read(s->db, gen, g) != 0)
			return -1;
		if (g->recorded && g->state != DB_GEN_CANCELLED)
			return gen;
	}
	return 0;
}

/* A claim a crashed rollover left (pending, no certificate) is settled by
 * db recover before another is made: it would stay pending for ever. */
static int
claims_settled(struct session *s, int next)
{
	struct db_gen	g;
	int		gen, u;

	for (gen = 1; gen < next; gen++) {
		if ((u = db_gen_unfinished(s->db, gen, &g)) < 0)
			return 1;
		if (u) {
			err_set("generation %d was claimed by a rollover that "
			    "never finished (no ca/gen-%d.pem): run ceremony db "
			    "recover, which cancels it, then prepare again",
			    gen, gen);
			return 1;
		}
	}
	return 0;
}

/* "rk" -> "rk-gen2", "rk-gen2" -> "rk-gen3": the label shows its generation. */
static void
rollover_label(const char *old, int gen, char *out, size_t len)
{
	const char	*dash = strrchr(old, '-');
	int		 stem = (int)strlen(old);

	if (dash != NULL && strncmp(dash, "-gen", 4) == 0 && dash[4] != '\0' &&
	    strspn(dash + 4, "0123456789") == strlen(dash + 4))
		stem = (int)(dash - old);
	snprintf(out, len, "%.*s-gen%d", stem, old, gen);
}

/* The current root and its key: what the rollover starts from. */
static int
rollover_old(struct session *s, struct rollover_ctx *c)
{
	struct db_gen	p;
	int		due, latest;

	if ((c->oldgen = db_ca_active(s->db, c->now, &due)) <= 0) {
		if (c->oldgen == 0)
			err_set("this data directory has no root yet: run "
			    "ceremony root create first");
		return 1;
	}
	if ((latest = rollover_latest(s, &p)) < 0)
		return 1;
	if (latest > 0 && (p.state == DB_GEN_PENDING || due)) {
		err_set("generation %d is already prepared (%s): cancel it "
		    "(ceremony rollover cancel) before preparing another",
		    latest, due ? "its switch-over is due" : "pending");
		return 1;
	}
	if ((c->old = db_ca_get(s->db, c->oldgen)) == NULL)
		return 1;
	if (X509_check_issued(c->old, c->old) != X509_V_OK) {
		err_set("CA generation %d is not a root: an issuing CA rolls "
		    "over by a new request to its root (ceremony csr create)",
		    c->oldgen);
		return 1;
	}
	c->end = cert_time(X509_get0_notAfter(c->old));
	if (c->end <= c->now) {
		err_set("the root of generation %d has expired: a rollover "
		    "needs a valid root to certify the new key; this is a new "
		    "root ceremony now", c->oldgen);
		return 1;
	}
	if (hsm_key_find_pubkey(s->hsm, X509_get0_pubkey(c->old),
	    &c->oldkey) != 0) {
		err_context("CA generation %d", c->oldgen);
		return 1;
	}
	return 0;
}

/* The new root's start: the old one's end, now, or a date in between. */
static int
rollover_start(struct rollover_ctx *c, const struct rollover_req *q)
{
	char	when[UTC_TEXT_MAX];

	c->g.start = q->start_now ? c->now : q->start != 0 ? q->start : c->end;
	if (c->g.start < c->now - 60 || c->g.start > c->end) {
		err_set("--start must be between now and the current root's "
		    "end (%s): a gap would leave no valid root",
		    utc_text(c->end, when));
		return 1;
	}
	return 0;
}

/* The template as the rollover root and as the link certificates use it. */
static int
rollover_templates(struct rollover_ctx *c)
{
	const struct tmpl	*t = c->t;

	if (t->kindv != TMPL_ROOT || t->link_section == NULL) {
		err_set("template %s is not a root template with "
		    "link_extensions: use templates/root-ca.cnf (see "
		    "docs/rollover.md)", t->path);
		return 1;
	}
	/* Same subject as the root it follows (IOS, RFC 4210). */
	c->root_t = *t;
	c->root_t.subject = X509_get_subject_name(c->old);
	c->link_t = c->root_t;
	c->link_t.ext_section = t->link_section;
	return 0;
}

/* Claim the generation number, then generate the key on the token. */
static int
rollover_key(struct session *s, struct rollover_ctx *c,
    const struct rollover_req *q)
{
	struct hsm_keyspec	spec = c->oldkey->spec;
	char			label[64];

	if (q->type != NULL && hsm_keyspec_parse(q->type, &spec) != 0)
		return 1;
	if (!tmpl_key_allowed(c->t, &spec)) {
		err_set("key type %s is not in template %s's key_types",
		    spec.name, c->t->path);
		return 1;
	}
	if ((c->g.gen = db_ca_next(s->db)) <= 0 ||
	    claims_settled(s, c->g.gen) != 0)
		return 1;
	if (q->label != NULL)
		snprintf(label, sizeof(label), "%s", q->label);
	else
		rollover_label(c->oldkey->label, c->g.gen, label,
		    sizeof(label));
	c->g.state = DB_GEN_PENDING;
	c->g.auto_switch = !q->manual;
	c->g.prepared = c->now;
	snprintf(c->g.key, sizeof(c->g.key), "%s", label);
	if (db_space_check(s->db, DB_SPACE_MIN) != 0 ||
	    db_gen_write(s->db, &c->g) != 0)
		return 1;
	c->claimed = 1;
	if (hsm_key_generate(s->hsm, &spec, label, &c->newkey) != 0)
		return 1;
	c->generated = 1;
	return hsm_key_signer(s->hsm, c->newkey, &c->newsig) != 0 ||
	    hsm_key_signer(s->hsm, c->oldkey, &c->oldsig) != 0 ||
	    verifier_init(&c->newv, c->newkey->pubkey, c->t->md) != 0 ||
	    verifier_init(&c->oldv, c->oldkey->pubkey, c->t->md) != 0;
}

/* One certificate of the rollover, issued and recorded like any other. */
static int
rollover_issue(struct session *s, struct rollover_ctx *c,
    struct issue_job *j, struct findings *f)
{
	if (issue_one(s, j, f) != 0)
		return 1;
	snprintf(c->serials[c->nserials++], DB_SERIAL_MAX, "%s", j->serial);
	return 0;
}

/*
 * issue_one's hook: each certificate of a rollover has a record of its own
 * (op rollover.cert) before its index line says valid, as every other
 * certificate has; the rollover.prepare record then names all of them.
 */
static int
rollover_cert_audit(struct session *s, const struct issue_job *j, void *arg)
{
	const struct rollover_ctx	*c = arg;
	struct audit_entry		 e;
	char				 detail[160];

	memset(&e, 0, sizeof(e));
	e.op = "rollover.cert";
	e.ok = 1;
	snprintf(detail, sizeof(detail), "generation %d %s serial %s",
	    c->g.gen, j->t->name, j->serial);
	e.detail = detail;
	audit_add_in(&e, "template", c->t->raw, c->t->rawlen);
	audit_add_out(&e, "cert", j->der, j->derlen);
	return session_audit(s, &e);
}

/* Sign with the new key (self, OldWithNew) or the old one (NewWithOld). */
static void
rollover_job(struct issue_job *j, struct rollover_ctx *c, int by_new,
    const struct tmpl *t, X509 *issuer, EVP_PKEY *subject_key)
{
	memset(j, 0, sizeof(*j));
	j->t = t;
	j->issuer = issuer;
	j->key = by_new ? c->newkey : c->oldkey;
	j->signer = by_new ? c->newsig : c->oldsig;
	j->verifier = by_new ? &c->newv : &c->oldv;
	j->pubkey = subject_key;
	j->generation = by_new ? c->g.gen : c->oldgen;
	j->audit = rollover_cert_audit;
	j->audit_arg = c;
}

static int
rollover_root(struct session *s, struct rollover_ctx *c, struct findings *f,
    struct rollover_result *r)
{
	struct issue_job	j;
	int			rc = 1;

	rollover_job(&j, c, 1, &c->root_t, NULL, c->newkey->pubkey);
	j.not_before = c->g.start;
	if (rollover_issue(s, c, &j, f) != 0 ||
	    db_ca_put(s->db, c->g.gen, j.cert) != 0)
		goto out;
	if (hsm_cert_store(s->hsm, c->newkey, j.cert) != 0)
		goto out;
	if ((c->root = X509_dup(j.cert)) == NULL) {
		err_set("out of memory");
		goto out;
	}
	r->root = j.cert;
	j.cert = NULL;
	rc = 0;
out:
	issue_job_clear(&j);
	return rc;
}

/*
 * NewWithOld from now to the old root's end; OldWithNew for the part of
 * that time in which the new root is valid too (none when the new root
 * starts as the old one ends: nothing of the old generation outlives it).
 */
static int
rollover_links(struct session *s, struct rollover_ctx *c, struct findings *f,
    struct rollover_result *r)
{
	struct issue_job	j;
	time_t			nb = c->g.start > c->now ? c->g.start : c->now;
	int			rc = 1;

	rollover_job(&j, c, 0, &c->link_t, c->old, c->newkey->pubkey);
	c->link_t.name = "link-newwithold";
	j.not_before = c->now;
	j.not_after = c->end;
	if (rollover_issue(s, c, &j, f) != 0 ||
	    db_ca_link_put(s->db, c->g.gen, "newwithold", j.cert) != 0)
		goto out;
	r->newwithold = j.cert;
	j.cert = NULL;
	issue_job_clear(&j);
	if (nb >= c->end)
		return 0;
	rollover_job(&j, c, 1, &c->link_t, c->root, c->oldkey->pubkey);
	c->link_t.name = "link-oldwithnew";
	j.not_before = nb;
	j.not_after = c->end;
	if (rollover_issue(s, c, &j, f) != 0 ||
	    db_ca_link_put(s->db, c->g.gen, "oldwithnew", j.cert) != 0)
		goto out;
	r->oldwithnew = j.cert;
	j.cert = NULL;
	rc = 0;
out:
	issue_job_clear(&j);
	return rc;
}

/*
 * A prepare that failed half-way leaves nothing usable: the certificates
 * it made are marked revoked (cessationOfOperation), the key destroyed
 * and the generation number stays spent (cancelled).
 */
static void
rollover_undo(struct session *s, struct rollover_ctx *c)
{
	char	saved[1024];
	size_t	i;

	snprintf(saved, sizeof(saved), "%s", err_get());
	for (i = 0; i < c->nserials; i++)
		(void)db_index_mark(s->db, c->serials[i], DB_REVOKED, c->now,
		    5);
	if (c->generated)
		(void)hsm_key_destroy(s->hsm, c->newkey);
	if (c->claimed) {
		c->g.state = DB_GEN_CANCELLED;
		c->g.changed = c->now;
		(void)db_gen_write(s->db, &c->g);
	}
	err_set("%s", saved);
	if (c->claimed)
		err_context("generation %d is cancelled and nothing of it is "
		    "in use", c->g.gen);
}

int
rollover_prepare(struct session *s, const struct tmpl *t,
    const struct rollover_req *q, struct findings *f,
    struct rollover_result *r)
{
	struct rollover_ctx	c;
	int			rc = 1;

	memset(&c, 0, sizeof(c));
	memset(r, 0, sizeof(*r));
	c.t = t;
	c.now = time(NULL);
	if (rollover_old(s, &c) != 0 || rollover_start(&c, q) != 0 ||
	    rollover_templates(&c) != 0)
		goto out;
	if (rollover_key(s, &c, q) != 0 || rollover_root(s, &c, f, r) != 0 ||
	    rollover_links(s, &c, f, r) != 0) {
		rollover_undo(s, &c);
		rollover_result_clear(r);
		goto out;
	}
	r->gen = c.g.gen;
	r->oldgen = c.oldgen;
	r->state = c.g;
	cert_fingerprint(r->root, r->fingerprint, sizeof(r->fingerprint));
	rc = 0;
out:
	rollover_ctx_free(&c);
	return rc;
}

/* The pending generation's switch-over, explicit or automatic. */
int
rollover_switch(struct session *s, time_t now, struct db_gen *g)
{
	char	when[UTC_TEXT_MAX];
	int	gen;

	if ((gen = rollover_latest(s, g)) < 0)
		return 1;
	if (gen == 0 || g->state != DB_GEN_PENDING) {
		err_set("no rollover is pending: ceremony rollover prepare "
		    "makes one");
		return 1;
	}
	if (now < g->start) {
		err_set("generation %d's root is valid from %s and cannot "
		    "sign before then: %s", gen, utc_text(g->start, when),
		    g->auto_switch ?
		    "it switches over by itself at that time" :
		    "run ceremony rollover switch then");
		return 1;
	}
	g->state = DB_GEN_ACTIVE;
	g->changed = now;
	return db_gen_write(s->db, g);
}

/*
 * Called where a generation is about to sign: a pending generation whose
 * automatic switch-over time has come is recorded active, and audited.
 */
int
rollover_switch_due(struct session *s, time_t now)
{
	struct audit_entry	e;
	struct db_gen		g;
	char			detail[96];
	int			due, ok;

	if (db_ca_active(s->db, now, &due) < 0)
		return 1;
	if (!due)
		return 0;
	ok = rollover_switch(s, now, &g) == 0;
	memset(&e, 0, sizeof(e));
	e.op = "rollover.switch";
	e.ok = ok;
	snprintf(detail, sizeof(detail), "generation %d active (automatic, "
	    "at its start)", g.gen);
	e.detail = ok ? detail : err_get();
	return session_audit(s, &e) != 0 || !ok;
}

/* Certificates generation gen signed, beside its own root and link. */
static size_t
rollover_used(struct session *s, int gen, const char *own[], size_t nown)
{
	const struct db_record	*rec;
	size_t			 i, k, n = 0;

	for (i = 0; i < db_index_count(s->db); i++) {
		rec = db_index_at(s->db, i);
		if (rec->generation != gen || rec->status == DB_VOID)
			continue;
		for (k = 0; k < nown; k++)
			if (own[k] != NULL && strcmp(own[k], rec->serial) == 0)
				break;
		n += k == nown;
	}
	return n;
}

/* A certificate's serial as the index writes it; "" without one. */
static void
rollover_serial(X509 *x, char out[DB_SERIAL_MAX])
{
	out[0] = '\0';
	if (x != NULL && db_cert_serial(x, out) != 0)
		out[0] = '\0';
}

/* The rollover's own certificates: root, NewWithOld, OldWithNew. */
static void
rollover_own(struct session *s, int gen, X509 *root,
    char serials[3][DB_SERIAL_MAX])
{
	X509	*x;

	rollover_serial(root, serials[0]);
	x = db_ca_link_get(s->db, gen, "newwithold");
	rollover_serial(x, serials[1]);
	X509_free(x);
	x = db_ca_link_get(s->db, gen, "oldwithnew");
	rollover_serial(x, serials[2]);
	X509_free(x);
	err_clear();
}

/* The generation before gen must still be valid to take over again. */
static int
cancel_fallback(struct session *s, int gen, time_t now)
{
	X509	*prev;
	int	 p, ok;

	for (p = gen - 1; p >= 1; p--) {
		struct db_gen	g;

		if (db_gen_read(s->db, p, &g) != 0)
			return 1;
		if (g.state != DB_GEN_CANCELLED)
			break;
	}
	if (p < 1 || (prev = db_ca_get(s->db, p)) == NULL)
		return 1;
	ok = cert_time(X509_get0_notAfter(prev)) > now;
	X509_free(prev);
	if (!ok)
		err_set("generation %d has expired: generation %d is the only "
		    "valid root and cannot be cancelled", p, gen);
	return !ok;
}

int
rollover_cancel(struct session *s, int force, struct rollover_cancel *r)
{
	struct hsm_key	*key = NULL;
	X509		*root = NULL;
	char		 own[3][DB_SERIAL_MAX];
	const char	*ownp[3];
	time_t		 now = time(NULL);
	int		 i, rc = 1;

	memset(r, 0, sizeof(*r));
	if ((r->gen = rollover_latest(s, &r->state)) <= 0) {
		if (r->gen == 0)
			err_set("no rollover to cancel: no generation was made "
			    "by ceremony rollover prepare");
		goto out;
	}
	if (r->state.state == DB_GEN_ACTIVE && cancel_fallback(s, r->gen,
	    now) != 0)
		goto out;
	if ((root = db_ca_get(s->db, r->gen)) == NULL)
		goto out;
	rollover_own(s, r->gen, root, own);
	for (i = 0; i < 3; i++)
		ownp[i] = own[i][0] != '\0' ? own[i] : NULL;
	r->used = rollover_used(s, r->gen, ownp, 3);
	if (r->used > 0 && !force) {
		err_set("generation %d has signed %zu certificate%s: cancelling "
		    "would strand them and their holders must re-enrol; "
		    "repeat with --force to cancel anyway", r->gen, r->used,
		    r->used == 1 ? "" : "s");
		goto out;
	}
	if (hsm_key_find_pubkey(s->hsm, X509_get0_pubkey(root), &key) == 0) {
		snprintf(r->key, sizeof(r->key), "%s", key->label);
		if (hsm_key_destroy(s->hsm, key) != 0)
			goto out;
	} else {
		err_context("generation %d's key is not on the token: "
		    "cancelling the generation's records only", r->gen);
		snprintf(r->note, sizeof(r->note), "%s", err_get());
		err_clear();
	}
	r->state.state = DB_GEN_CANCELLED;
	r->state.changed = now;
	if (db_gen_write(s->db, &r->state) != 0)
		goto out;
	for (i = 0; i < 3; i++)
		if (ownp[i] != NULL && db_index_mark(s->db, ownp[i],
		    DB_REVOKED, now, 5) != 0)
			goto out;
	rc = 0;
out:
	hsm_key_free(key);
	X509_free(root);
	return rc;
}

/* --start (a script's start =): "expiry" (default), "now" or a UTC date. */
int
rollover_start_parse(const char *v, struct rollover_req *q)
{
	if (v == NULL || strcmp(v, "expiry") == 0)
		return 0;
	if (strcmp(v, "now") == 0) {
		q->start_now = 1;
		return 0;
	}
	if (utc_parse(v, &q->start) != 0) {
		err_set("--start is expiry, now or a UTC date "
		    "(YYYY-MM-DD or YYYYMMDDHHMMSSZ), not '%.40s'", v);
		return 1;
	}
	return 0;
}
