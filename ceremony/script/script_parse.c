/* SPDX-License-Identifier: ISC */
/*
 * Reading a ceremony script (docs/scripts.md) with OpenSSL's config
 * reader: a [script] section (title, operator, witnesses, steps) and one
 * section per step naming its action and the action's values.  Every
 * structural problem is a finding, all of them reported: an unknown
 * action or key (a typo must not silently drop a value), a missing one,
 * a step listed twice or not at all.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ceremony/script/script.h"
#include "ceremony/session/session.h"

#define DOC	"docs/scripts.md"

/* The keys a step may carry: bit i is keys[i]. */
enum {
	K_LABEL = 1 << 0, K_TYPE = 1 << 1, K_TMPL = 1 << 2, K_KEY = 1 << 3,
	K_CSR = 1 << 4, K_DAYS = 1 << 5, K_CLAMP = 1 << 6, K_SERIAL = 1 << 7,
	K_REASON = 1 << 8, K_INVAL = 1 << 9, K_DIR = 1 << 10,
	K_START = 1 << 11, K_MANUAL = 1 << 12, K_GEN = 1 << 13,
	K_M = 1 << 14, K_N = 1 << 15, K_CUST = 1 << 16, K_OUT = 1 << 17,
	K_FRESH = 1 << 18
};

/*
 * A path (V_PATH) is relative to the script's folder, as a template's
 * policy is to the template's: a script and its requests travel
 * together.  A flag (V_FLAG) is yes or no, checked here for every step.
 */
enum { V_TEXT, V_PATH, V_FLAG };
static const struct {
	const char	*name;
	size_t		 off;
	int		 kind;
} keys[] = {
	{ "label", offsetof(struct script_step, label), V_TEXT },
	{ "type", offsetof(struct script_step, type), V_TEXT },
	{ "template", offsetof(struct script_step, tmpl), V_PATH },
	{ "key", offsetof(struct script_step, key), V_TEXT },
	{ "csr", offsetof(struct script_step, csr), V_PATH },
	{ "days", offsetof(struct script_step, days), V_TEXT },
	{ "clamp", offsetof(struct script_step, clamp), V_FLAG },
	{ "serial", offsetof(struct script_step, serial), V_TEXT },
	{ "reason", offsetof(struct script_step, reason), V_TEXT },
	{ "invalidity_date", offsetof(struct script_step, invalidity), V_TEXT },
	{ "dir", offsetof(struct script_step, dir), V_PATH },
	{ "start", offsetof(struct script_step, start), V_TEXT },
	{ "manual_switch", offsetof(struct script_step, manual), V_FLAG },
	{ "generation", offsetof(struct script_step, generation), V_TEXT },
	{ "m", offsetof(struct script_step, m), V_TEXT },
	{ "n", offsetof(struct script_step, n), V_TEXT },
	{ "custodians", offsetof(struct script_step, custodians), V_TEXT },
	{ "out", offsetof(struct script_step, out), V_PATH },
	{ "fresh", offsetof(struct script_step, fresh), V_FLAG },
};
#define NKEYS	(sizeof(keys) / sizeof(keys[0]))

static const struct {
	const char		*name;
	enum script_action	 action;
	unsigned		 required, allowed;
	int			 token;		/* logs in */
} actions[] = {
	{ "key generate", SA_KEY_GENERATE, K_LABEL | K_TYPE, 0, 1 },
	{ "root create", SA_ROOT_CREATE, K_TMPL | K_KEY, 0, 1 },
	{ "sign", SA_SIGN, K_TMPL | K_CSR, K_DAYS | K_CLAMP, 1 },
	{ "revoke", SA_REVOKE, K_SERIAL | K_REASON, K_INVAL, 0 },
	{ "crl issue", SA_CRL_ISSUE, 0, K_TMPL | K_GEN, 1 },
	{ "export publish", SA_EXPORT_PUBLISH, K_DIR, 0, 1 },
	{ "rollover prepare", SA_ROLLOVER_PREPARE, 0,
	    K_TMPL | K_START | K_LABEL | K_TYPE | K_MANUAL, 1 },
	{ "rollover switch", SA_ROLLOVER_SWITCH, 0, 0, 1 },
	{ "rollover export", SA_ROLLOVER_EXPORT, 0, K_DIR, 0 },
	{ "db verify", SA_DB_VERIFY, 0, 0, 0 },
	{ "quorum split", SA_QUORUM_SPLIT, K_M | K_N | K_CUST | K_OUT, K_FRESH,
	    1 },
	{ "quorum reshare", SA_QUORUM_RESHARE, K_M | K_N | K_CUST | K_OUT, 0,
	    1 },
};
#define NACTIONS	(sizeof(actions) / sizeof(actions[0]))

static char **
step_field(struct script_step *st, size_t k)
{
	return (char **)((char *)st + keys[k].off);
}

static int
action_of(enum script_action a)
{
	size_t	i;

	for (i = 0; i < NACTIONS; i++)
		if (actions[i].action == a)
			return (int)i;
	return 0;
}

/* A flag's value (yes or no, checked when read): absent is no. */
int
script_flag(const char *v)
{
	int	on = 0;

	return v != NULL && conf_bool(v, &on) == 0 && on;
}

int
script_needs_token(const struct script_step *st)
{
	return actions[action_of(st->action)].token;
}

/* The value of name in section itself (not the default section's). */
static const char *
sect_value(const STACK_OF(CONF_VALUE) *sk, const char *name)
{
	const CONF_VALUE	*v;
	const char		*found = NULL;
	int			 i;

	for (i = 0; i < sk_CONF_VALUE_num(sk); i++) {
		v = sk_CONF_VALUE_value(sk, i);
		if (strcmp(v->name, name) == 0)
			found = v->value;
	}
	return found;
}

static int
dupstr(char **to, const char *v)
{
	if (v == NULL)
		return 0;
	return (*to = strdup(v)) == NULL;
}

/* v, or the script's folder joined with v when v is a relative path. */
static int
duppath(char **to, const char *script, const char *v)
{
	const char	*slash = strrchr(script, '/');

	if (v[0] == '/' || v[0] == '\0' || slash == NULL)
		return dupstr(to, v);
	if (asprintf(to, "%.*s/%s", (int)(slash - script), script, v) == -1) {
		*to = NULL;
		return 1;
	}
	return 0;
}

/*
 * A step's path, next to the script; a template's bare name that is not
 * there is looked up in the template search path instead (tmpl_path.c),
 * so a shipped script can name the CA's own copies ("root-ca").
 */
static int
step_path(char **to, const char *script, const char *v, int tmpl)
{
	if (duppath(to, script, v) != 0)
		return 1;
	if (tmpl && strchr(v, '/') == NULL && access(*to, F_OK) != 0) {
		free(*to);
		return dupstr(to, v);
	}
	return 0;
}

/* "a, b ,c" split at commas, each trimmed; empty items skipped. */
static size_t
split_list(char *s, char **out, size_t max, int *over)
{
	char	*p, *e;
	size_t	 n = 0;

	*over = 0;
	for (p = strtok(s, ","); p != NULL; p = strtok(NULL, ",")) {
		while (*p == ' ' || *p == '\t')
			p++;
		for (e = p + strlen(p); e > p && (e[-1] == ' ' ||
		    e[-1] == '\t'); e--)
			e[-1] = '\0';
		if (*p == '\0')
			continue;
		if (n == max) {
			*over = 1;
			break;
		}
		out[n++] = p;
	}
	return n;
}

/* A step's section: the action, then every key, each one known. */
static void
step_parse(struct script_step *st, const char *script,
    const STACK_OF(CONF_VALUE) *sk, struct findings *f)
{
	const CONF_VALUE	*cv;
	const char		*a = sect_value(sk, "action");
	size_t			 i, k;
	int			 ai = -1, on;

	for (i = 0; a != NULL && i < NACTIONS; i++)
		if (strcmp(a, actions[i].name) == 0)
			ai = (int)i;
	if (ai < 0) {
		findings_add_rule(f, 1, a == NULL ? "step-no-action" :
		    "step-action-unknown", st->name, a != NULL ? a : "",
		    "step [%s] %s: give action = one of key generate, root "
		    "create, sign, revoke, crl issue, export publish, rollover "
		    "prepare, rollover switch, rollover export, db verify, "
		    "quorum split, quorum reshare",
		    st->name, a == NULL ? "names no action" :
		    "names an unknown action");
		return;
	}
	st->action = actions[ai].action;
	st->action_name = actions[ai].name;
	for (i = 0; i < (size_t)sk_CONF_VALUE_num(sk); i++) {
		cv = sk_CONF_VALUE_value(sk, (int)i);
		if (strcmp(cv->name, "action") == 0 ||
		    strcmp(cv->name, "title") == 0)
			continue;
		for (k = 0; k < NKEYS; k++)
			if (strcmp(cv->name, keys[k].name) == 0)
				break;
		if (k == NKEYS || !((actions[ai].required |
		    actions[ai].allowed) & (1u << k))) {
			findings_add_rule(f, 1, "step-key-unknown", st->name,
			    cv->name, "step [%s]: %s takes no '%s' (a typo? "
			    "see %s)", st->name, actions[ai].name, cv->name,
			    DOC);
			continue;
		}
		if (keys[k].kind == V_FLAG && conf_bool(cv->value, &on) != 0)
			findings_add_rule(f, 1, "step-value", st->name,
			    cv->value, "step [%s]: %s is yes or no", st->name,
			    cv->name);
		free(*step_field(st, k));
		if ((keys[k].kind == V_PATH ? step_path(step_field(st, k),
		    script, cv->value, keys[k].off == offsetof(struct
		    script_step, tmpl)) : dupstr(step_field(st, k),
		    cv->value)) != 0)
			findings_add(f, 1, "out-of-memory", "out of memory");
	}
	for (k = 0; k < NKEYS; k++)
		if ((actions[ai].required & (1u << k)) &&
		    *step_field(st, k) == NULL) {
			findings_add_rule(f, 1, "step-key-missing", st->name,
			    keys[k].name, "step [%s]: %s needs %s = ...",
			    st->name, actions[ai].name, keys[k].name);
			st->incomplete = 1;
		}
}

static void
script_steps(struct script *sc, CONF *conf, char *list, struct findings *f)
{
	char			*names[SCRIPT_STEPS_MAX];
	STACK_OF(CONF_VALUE)	*sk;
	size_t			 i, j, n;
	int			 over;

	n = split_list(list, names, SCRIPT_STEPS_MAX, &over);
	if (over)
		findings_add_rule(f, 1, "script-too-long", "steps", "",
		    "more than %d steps: split the ceremony into two scripts",
		    SCRIPT_STEPS_MAX);
	if (n == 0)
		findings_add_rule(f, 1, "script-no-steps", "steps", "",
		    "[script] steps = lists no step");
	for (i = 0; i < n; i++) {
		for (j = 0; j < i; j++)
			if (strcmp(names[i], names[j]) == 0)
				break;
		if (j < i) {
			findings_add_rule(f, 1, "step-repeated", "steps",
			    names[i], "step [%s] is listed twice: give each "
			    "step a section of its own", names[i]);
			continue;
		}
		if (strcmp(names[i], "script") == 0 ||
		    (sk = NCONF_get_section(conf, names[i])) == NULL) {
			findings_add_rule(f, 1, "step-no-section", "steps",
			    names[i], "step %s has no [%s] section", names[i],
			    names[i]);
			continue;
		}
		if ((sc->v[sc->n].name = strdup(names[i])) == NULL ||
		    dupstr(&sc->v[sc->n].title, sect_value(sk, "title"))) {
			findings_add(f, 1, "out-of-memory", "out of memory");
			return;
		}
		step_parse(&sc->v[sc->n++], sc->path, sk, f);
	}
}

/* [script]: its keys, the witnesses, then the steps in their order. */
static void
script_head(struct script *sc, CONF *conf, struct findings *f)
{
	STACK_OF(CONF_VALUE)	*sk = NCONF_get_section(conf, "script");
	const CONF_VALUE	*cv;
	char			*list = NULL, *w = NULL;
	char			*names[SCRIPT_WITNESS_MAX];
	size_t			 i;
	int			 over;

	if (sk == NULL) {
		findings_add_rule(f, 1, "script-no-section", "script", "",
		    "no [script] section: a script starts with its title and "
		    "steps (see %s)", DOC);
		return;
	}
	for (i = 0; i < (size_t)sk_CONF_VALUE_num(sk); i++) {
		cv = sk_CONF_VALUE_value(sk, (int)i);
		if (strcmp(cv->name, "title") != 0 &&
		    strcmp(cv->name, "operator") != 0 &&
		    strcmp(cv->name, "witnesses") != 0 &&
		    strcmp(cv->name, "steps") != 0)
			findings_add_rule(f, 1, "script-key-unknown", "script",
			    cv->name, "[script] takes title, operator, "
			    "witnesses and steps, not '%s'", cv->name);
	}
	if (dupstr(&sc->title, sect_value(sk, "title")) ||
	    dupstr(&sc->operator, sect_value(sk, "operator")) ||
	    dupstr(&list, sect_value(sk, "steps")) ||
	    dupstr(&w, sect_value(sk, "witnesses"))) {
		findings_add(f, 1, "out-of-memory", "out of memory");
		goto out;
	}
	if (sc->title == NULL || sc->title[0] == '\0')
		findings_add_rule(f, 1, "script-no-title", "title", "",
		    "[script] needs title = ... (it heads the transcript)");
	if (w != NULL) {
		sc->nwitness = split_list(w, names, SCRIPT_WITNESS_MAX, &over);
		for (i = 0; i < sc->nwitness; i++)
			if ((sc->witness[i] = strdup(names[i])) == NULL)
				sc->nwitness = i;
		if (over)
			findings_add_rule(f, 1, "script-witnesses", "witnesses",
			    "", "more than %d witnesses", SCRIPT_WITNESS_MAX);
	}
	if (list == NULL)
		findings_add_rule(f, 1, "script-no-steps", "steps", "",
		    "[script] needs steps = a, b, ... (the step sections, in "
		    "order)");
	else
		script_steps(sc, conf, list, f);
out:
	free(list);
	free(w);
}

/*
 * A quorum step's request: m and n checked as the command line checks
 * them, the custodians (a comma list) split into *names, which the
 * caller frees; the request points into it.
 */
int
script_quorum_req(const struct script_step *st, struct quorum_req *q,
    char **names)
{
	char	*v[SHARE_N_MAX];
	long	 m, n;
	size_t	 i;
	int	 over;

	memset(q, 0, sizeof(*q));
	if ((*names = strdup(st->custodians)) == NULL) {
		err_set("out of memory");
		return 1;
	}
	if (parse_long("m", st->m, 2, SHARE_N_MAX, &m) != 0 ||
	    parse_long("n", st->n, 2, SHARE_N_MAX, &n) != 0)
		return 1;
	q->ncustodians = split_list(*names, v, SHARE_N_MAX, &over);
	for (i = 0; i < q->ncustodians; i++)
		q->custodians[i] = v[i];
	q->m = (int)m;
	q->n = (int)n;
	q->out_dir = st->out;
	q->fresh = st->action == SA_QUORUM_RESHARE || script_flag(st->fresh);
	if (over) {
		err_set("more than %d custodians", SHARE_N_MAX);
		return 1;
	}
	return quorum_req_check(q);
}

/*
 * Read and parse path.  1 when it cannot be read at all (err_get says
 * why); otherwise 0, with every structural problem in f.
 */
int
script_load(const char *path, struct script **out, struct findings *f)
{
	struct script	*sc;
	CONF		*conf = NULL;
	char		*h = NULL;
	int		 rc = 1;

	*out = NULL;
	if ((sc = calloc(1, sizeof(*sc))) == NULL ||
	    (sc->path = strdup(path)) == NULL) {
		err_set("out of memory");
		goto out;
	}
	if (file_read_small("script", path, SCRIPT_MAX_BYTES, &sc->raw,
	    &sc->rawlen) != 0 ||
	    conf_parse("script", path, sc->raw, sc->rawlen, DOC, &conf) != 0)
		goto out;
	if ((h = sha256_hex(sc->raw, sc->rawlen)) == NULL) {
		err_set("out of memory");
		goto out;
	}
	memcpy(sc->sha256, h, sizeof(sc->sha256) - 1);
	script_head(sc, conf, f);
	*out = sc;
	sc = NULL;
	rc = 0;
out:
	free(h);
	NCONF_free(conf);
	script_free(sc);
	return rc;
}

void
script_free(struct script *sc)
{
	size_t	i, k;

	if (sc == NULL)
		return;
	for (i = 0; i < sc->n; i++) {
		free(sc->v[i].name);
		free(sc->v[i].title);
		for (k = 0; k < NKEYS; k++)
			free(*step_field(&sc->v[i], k));
	}
	for (i = 0; i < sc->nwitness; i++)
		free(sc->witness[i]);
	free(sc->title);
	free(sc->operator);
	free(sc->path);
	free(sc->raw);
	free(sc);
}
