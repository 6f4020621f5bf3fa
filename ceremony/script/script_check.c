/* SPDX-License-Identifier: ISC */
/*
 * ceremony script check: everything about a script that can be known
 * without the token, found before the ceremony starts.  Each step's
 * templates are read as its command would read them, each request is
 * checked against its template's policy, each value is parsed, and the
 * steps are played in order against what the data directory holds (is
 * there a CA yet, a pending rollover, the serial to revoke) and against
 * what the steps before will have made (keys, roots).  Every problem is a
 * finding naming its step; nothing here touches a token or writes.
 */
#include <sys/stat.h>

#include <errno.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ceremony/crl/crl.h"
#include "ceremony/issue/issue.h"
#include "ceremony/policy/policy.h"
#include "ceremony/rollover/rollover.h"
#include "ceremony/script/script.h"
#include "ceremony/session/session.h"

/* What the data directory and the steps so far make of the world. */
struct world {
	struct db	*db;		/* NULL: none yet */
	int		 ca;		/* a CA certificate exists */
	int		 pending;	/* a rollover is prepared */
	struct {
		const char		*label;
		struct hsm_keyspec	 spec;
		const char		*step;
	} keys[SCRIPT_STEPS_MAX];
	size_t		 nkeys;
	const char	*dirs[SCRIPT_STEPS_MAX];	/* export publish's */
	size_t		 ndirs;
};

/* The error the last core call set, as a finding of step st. */
static void
step_err(struct findings *f, const struct script_step *st, const char *code,
    const char *value)
{
	findings_add_rule(f, 1, code, st->name, value != NULL ? value : "",
	    "step [%s]: %s", st->name, err_get());
}

/* A policy's findings for a request, each one named by its step. */
static void
step_merge(struct findings *f, const struct script_step *st,
    const struct findings *from)
{
	const struct finding	*g;
	size_t			 i;

	for (i = 0; i < from->n; i++) {
		g = &from->v[i];
		findings_add_rule(f, g->error, g->code, g->rule, g->value,
		    "step [%s] %s: %s", st->name, st->csr, g->text);
	}
}

/* A label a person can read back from the token's listing. */
static void
check_label(struct findings *f, const struct script_step *st,
    struct world *w, const char *label, const struct hsm_keyspec *spec)
{
	const unsigned char	*p;
	size_t			 i;

	for (p = (const unsigned char *)label; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f)
			break;
	if (*label == '\0' || *p != '\0' || strlen(label) > 64) {
		findings_add_rule(f, 1, "key-label", st->name, label,
		    "step [%s]: a key label is 1-64 printable characters",
		    st->name);
		return;
	}
	for (i = 0; i < w->nkeys; i++)
		if (strcmp(w->keys[i].label, label) == 0) {
			findings_add_rule(f, 1, "key-label-twice", st->name,
			    label, "step [%s]: step [%s] already makes a key "
			    "labelled \"%s\": two keys with one label cannot "
			    "be told apart", st->name, w->keys[i].step, label);
			return;
		}
	if (w->nkeys < SCRIPT_STEPS_MAX) {
		w->keys[w->nkeys].label = label;
		w->keys[w->nkeys].spec = *spec;
		w->keys[w->nkeys++].step = st->name;
	}
}

static void
check_key_generate(struct findings *f, const struct script_step *st,
    struct world *w)
{
	struct hsm_keyspec	spec;

	if (hsm_keyspec_parse(st->type, &spec) != 0) {
		step_err(f, st, "key-type", st->type);
		return;
	}
	check_label(f, st, w, st->label, &spec);
}

static int
need_ca(struct findings *f, const struct script_step *st, struct world *w)
{
	if (w->ca || w->db == NULL)
		return 1;
	findings_add_rule(f, 1, "no-ca", st->name, "", "step [%s]: %s needs a "
	    "CA, and the data directory has none and no step before makes "
	    "one (root create)", st->name, st->action_name);
	return 0;
}

static void
check_root_create(struct findings *f, const struct script_step *st,
    struct world *w)
{
	struct tmpl	*t = NULL;
	size_t		 i;

	if (tmpl_load(st->tmpl, &t) != 0)
		step_err(f, st, "template", st->tmpl);
	else if (t->kindv != TMPL_ROOT)
		findings_add_rule(f, 1, "template-kind", st->name, st->tmpl,
		    "step [%s]: template %s makes a %s certificate, not a "
		    "root", st->name, st->tmpl, t->kind);
	if (w->ca)
		findings_add_rule(f, 1, "root-exists", st->name, "",
		    "step [%s]: there is a root already (in the data "
		    "directory or made by a step before): a new root key is a "
		    "rollover (action = rollover prepare)", st->name);
	w->ca = 1;
	for (i = 0; i < w->nkeys; i++)
		if (strcmp(w->keys[i].label, st->key) == 0)
			break;
	if (i == w->nkeys)
		findings_add_rule(f, 0, "key-not-made", st->name, st->key,
		    "step [%s]: no step before generates key \"%s\": it must "
		    "already be on the token", st->name, st->key);
	else if (t != NULL && t->kindv == TMPL_ROOT &&
	    !tmpl_key_allowed(t, &w->keys[i].spec))
		findings_add_rule(f, 1, "key-type", st->name,
		    w->keys[i].spec.name, "step [%s]: key \"%s\" is %s, which "
		    "template %s does not allow (key_types)", st->name,
		    st->key, w->keys[i].spec.name, st->tmpl);
	tmpl_free(t);
}

/* The request read, then checked against the template's policy. */
static void
check_request(struct findings *f, const struct script_step *st,
    const struct tmpl *t)
{
	struct session	 s;	/* only for its request intake */
	struct policy	*p = NULL;
	struct vetted	*c = NULL;

	session_init(&s);
	if (policy_load(t->policy_path, &p) != 0) {
		step_err(f, st, "policy", t->policy_path);
		return;
	}
	if (intake_vet(&s, st->csr, p, 0, &c) != 0)
		step_err(f, st, "csr-unreadable", st->csr);
	else
		step_merge(f, st, &c->f);
	intake_stop(&s);
	vetted_free(c);
	policy_free(p);
}

static void
check_sign(struct findings *f, const struct script_step *st, struct world *w)
{
	struct tmpl	*t = NULL;
	long		 days;

	need_ca(f, st, w);
	if (tmpl_load(st->tmpl, &t) != 0) {
		step_err(f, st, "template", st->tmpl);
		return;
	}
	if (t->kindv == TMPL_ROOT || t->kindv == TMPL_REQUEST)
		findings_add_rule(f, 1, "template-kind", st->name, st->tmpl,
		    "step [%s]: template %s makes a %s, which sign does not "
		    "issue", st->name, st->tmpl, t->kindv == TMPL_ROOT ?
		    "root (root create)" : "request (csr create)");
	else {
		if (st->days != NULL && parse_long("days", st->days, 1,
		    t->max_days, &days) != 0)
			step_err(f, st, "days", st->days);
		check_request(f, st, t);
	}
	tmpl_free(t);
}

static void
check_revoke(struct findings *f, const struct script_step *st,
    struct world *w)
{
	struct revoke_req	q;
	struct db_record	r;
	int			found = 0;

	if (revoke_req_make(&q, st->serial, st->reason, st->invalidity,
	    0) != 0) {
		step_err(f, st, "revoke", st->reason);
		return;
	}
	if (w->db == NULL)
		return;
	memset(&r, 0, sizeof(r));
	if (db_index_find(w->db, st->serial, &r, &found) != 0)
		step_err(f, st, "index", st->serial);
	else if (!found)
		findings_add_rule(f, 1, "serial-unknown", st->name, st->serial,
		    "step [%s]: the index has no certificate with serial %s",
		    st->name, st->serial);
	else if (r.status != DB_VALID && r.status != DB_REVOKED)
		findings_add_rule(f, 1, "serial-not-issued", st->name,
		    st->serial, "step [%s]: serial %s is %s, not an issued "
		    "certificate", st->name, st->serial,
		    db_status_name(r.status));
	db_record_clear(&r);
}

static void
check_crl(struct findings *f, const struct script_step *st, struct world *w)
{
	struct crl_tmpl	*t = NULL;
	long		 gen;

	need_ca(f, st, w);
	if (crl_tmpl_load(st->tmpl != NULL ? st->tmpl : TMPL_DEFAULT_CRL,
	    &t) != 0)
		step_err(f, st, "template", st->tmpl);
	if (st->generation != NULL && parse_long("generation", st->generation, 1,
	    1000000, &gen) != 0)
		step_err(f, st, "generation", st->generation);
	crl_tmpl_free(t);
}

/* A new folder on a medium that is there: publish never overwrites. */
static void
check_publish(struct findings *f, const struct script_step *st,
    struct world *w)
{
	struct stat	 sb;
	char		*copy, *parent;
	size_t		 i;

	need_ca(f, st, w);
	for (i = 0; i < w->ndirs; i++)
		if (strcmp(w->dirs[i], st->dir) == 0)
			findings_add_rule(f, 1, "dir-twice", st->name, st->dir,
			    "step [%s]: a step before publishes into %s "
			    "already", st->name, st->dir);
	if (w->ndirs < SCRIPT_STEPS_MAX)
		w->dirs[w->ndirs++] = st->dir;
	if (lstat(st->dir, &sb) == 0)
		findings_add_rule(f, 1, "dir-exists", st->name, st->dir,
		    "step [%s]: %s exists: a bundle goes into a new folder",
		    st->name, st->dir);
	if ((copy = strdup(st->dir)) == NULL)
		return;
	parent = dirname(copy);
	if (stat(parent, &sb) != 0 || !S_ISDIR(sb.st_mode))
		findings_add_rule(f, 1, "dir-parent", st->name, parent,
		    "step [%s]: %s is not a folder (is the medium mounted?)",
		    st->name, parent);
	free(copy);
}

static void
check_rollover_prepare(struct findings *f, const struct script_step *st,
    struct world *w)
{
	struct rollover_req	 q;
	struct hsm_keyspec	 spec;
	struct tmpl		*t = NULL;
	const char		*path = st->tmpl != NULL ? st->tmpl :
				    TMPL_DEFAULT_ROOT;

	memset(&q, 0, sizeof(q));
	memset(&spec, 0, sizeof(spec));
	need_ca(f, st, w);
	if (w->pending)
		findings_add_rule(f, 1, "rollover-pending", st->name, "",
		    "step [%s]: a rollover is prepared already (in the data "
		    "directory or by a step before): switch or cancel it "
		    "first", st->name);
	w->pending = 1;
	if (rollover_start_parse(st->start, &q) != 0)
		step_err(f, st, "start", st->start);
	if (tmpl_load(path, &t) != 0)
		step_err(f, st, "template", path);
	else if (t->kindv != TMPL_ROOT)
		findings_add_rule(f, 1, "template-kind", st->name, path,
		    "step [%s]: template %s is not a root template", st->name,
		    path);
	if (st->type != NULL && hsm_keyspec_parse(st->type, &spec) != 0)
		step_err(f, st, "key-type", st->type);
	else if (st->type != NULL && t != NULL && !tmpl_key_allowed(t, &spec))
		findings_add_rule(f, 1, "key-type", st->name, st->type,
		    "step [%s]: template %s does not allow %s keys", st->name,
		    path, st->type);
	if (st->label != NULL)
		check_label(f, st, w, st->label, &spec);
	tmpl_free(t);
}

static void
check_rollover_switch(struct findings *f, const struct script_step *st,
    struct world *w)
{
	if (w->pending || w->db == NULL) {
		w->pending = 0;
		return;
	}
	findings_add_rule(f, 1, "rollover-none", st->name, "", "step [%s]: no "
	    "rollover is prepared (in the data directory or by a step "
	    "before): nothing to switch to", st->name);
}

/* m of n, one custodian per share, a folder for the share files. */
static void
check_quorum(struct findings *f, const struct script_step *st)
{
	struct quorum_req	 q;
	char			*names = NULL;

	if (script_quorum_req(st, &q, &names) != 0)
		step_err(f, st, "quorum", st->custodians);
	free(names);
}

static void
check_step(struct findings *f, const struct script_step *st, struct world *w)
{
	switch (st->action) {
	case SA_KEY_GENERATE:
		check_key_generate(f, st, w);
		break;
	case SA_ROOT_CREATE:
		check_root_create(f, st, w);
		break;
	case SA_SIGN:
		check_sign(f, st, w);
		break;
	case SA_REVOKE:
		check_revoke(f, st, w);
		break;
	case SA_CRL_ISSUE:
		check_crl(f, st, w);
		break;
	case SA_EXPORT_PUBLISH:
		check_publish(f, st, w);
		break;
	case SA_ROLLOVER_PREPARE:
		check_rollover_prepare(f, st, w);
		break;
	case SA_ROLLOVER_SWITCH:
		check_rollover_switch(f, st, w);
		break;
	case SA_ROLLOVER_EXPORT:
		need_ca(f, st, w);
		break;
	case SA_DB_VERIFY:
		break;
	case SA_QUORUM_SPLIT:
	case SA_QUORUM_RESHARE:
		check_quorum(f, st);
		break;
	}
}

/* The data directory's side of the world: a CA, a pending rollover. */
static void
world_of(struct db *db, struct world *w)
{
	struct db_gen	g;
	int		top;

	memset(w, 0, sizeof(*w));
	w->db = db;
	if (db == NULL || (top = db_ca_highest(db)) == 0)
		return;
	w->ca = 1;
	if (db_gen_status(db, top, time(NULL), &g) == 0 &&
	    g.state == DB_GEN_PENDING)
		w->pending = 1;
}

/*
 * A step a run has done already: what it made is in the data directory
 * now, and only what the world model keeps beside it is noted.
 */
static void
note_done(const struct script_step *st, struct world *w)
{
	struct hsm_keyspec	spec;

	memset(&spec, 0, sizeof(spec));
	if (st->label == NULL || w->nkeys == SCRIPT_STEPS_MAX ||
	    (st->action != SA_KEY_GENERATE &&
	    st->action != SA_ROLLOVER_PREPARE))
		return;
	if (st->type != NULL)
		(void)hsm_keyspec_parse(st->type, &spec);
	w->keys[w->nkeys].label = st->label;
	w->keys[w->nkeys].spec = spec;
	w->keys[w->nkeys++].step = st->name;
}

/*
 * Every step from step from (the steps before it are done: a resumed
 * run) in order; db is the data directory the script will run in, or
 * NULL when it does not exist yet (the checks that need it are left out,
 * and a warning says so).  Everything it finds goes to f: a check has
 * no other outcome.
 */
void
script_check(const struct script *sc, struct db *db, size_t from,
    struct findings *f)
{
	struct world	w;
	size_t		i;

	world_of(db, &w);
	for (i = 0; i < from && i < sc->n; i++)
		note_done(&sc->v[i], &w);
	if (db == NULL)
		findings_add(f, 0, "no-data-directory", "no data directory "
		    "yet (ceremony init makes it): the checks against it (a "
		    "CA, serials, a pending rollover) were not made");
	for (i = from; i < sc->n; i++)
		if (sc->v[i].action != 0 && !sc->v[i].incomplete)
			check_step(f, &sc->v[i], &w);
}
