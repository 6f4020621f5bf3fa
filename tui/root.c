/* SPDX-License-Identifier: ISC */
/*
 * The root ceremony screen, guided: 1. a key generated on the token (or
 * one already there chosen), 2. the profile reviewed, 3. the root created
 * after the officer types CREATE; then the certificate with its SHA-256
 * fingerprint in groups for the witnesses to read aloud, and where it was
 * exported.  Key generation and signing run on the worker thread.  An
 * issuing CA whose root is in another room does r (its key signs a
 * request, csr_create_run as csr create) and i (the certificate its root
 * signed installed, ca_install_run as ca install) instead of step 3.
 * Once there is a CA, the active generation is shown with the rollover's
 * state line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/conf.h>

#define NCURSES_WIDECHAR 1
#include <curses.h>

#include "tui/tui.h"

#define ROOT_TMPL	"root-ca.cnf"
#define REQUEST_TMPL	"issuing-ca-request.cnf"

static struct {
	struct tmpl		 *tm;
	struct hsm_key		**keys;
	size_t			  nkeys, sel;
	size_t			  type;		/* into tm->key_types */
	X509			 *ca;		/* the active generation's */
	int			  gen;
	char			  state[ROLLOVER_STATE_MAX];
	char			  fp[96];
	char			  exported[4200];
	/* the worker's */
	struct tui		 *t;
	struct hsm_keyspec	  spec;
	char			  label[64];
	char			  keyref[160];
	struct hsm_key		 *newkey;
	struct findings		  f;
	struct root_result	  r;
	char			  path[4096];	/* r: the request's file */
	char			  chain[4096];	/* i: the chain's file */
} st;

static void
root_keys_free(void)
{
	hsm_keys_free(st.keys, st.nkeys);
	st.keys = NULL;
	st.nkeys = 0;
}

/* The rollover's one state, as the Rollover screen and rollover status
 * say it: after a switch-over this is the new generation. */
static void
root_state(struct tui *t)
{
	struct rollover_status	rs;

	snprintf(st.state, sizeof(st.state), "generation %d active", st.gen);
	if (rollover_status_read(t->s.db, time(NULL), st.tm != NULL ?
	    st.tm->overlap_days : 0, &rs) != 0) {
		tui_err(t, "rollover status");
		return;
	}
	rollover_state_text(&rs, st.state, sizeof(st.state));
	rollover_status_free(&rs);
}

static void
root_init(struct tui *t)
{
	char	*exp;

	st.t = t;
	if (st.tm == NULL) {
		if (tmpl_load(ROOT_TMPL, &st.tm) != 0)
			tui_err(t, "root template");
	}
	X509_free(st.ca);
	st.ca = NULL;
	if ((st.gen = db_ca_current(t->s.db)) > 0 &&
	    (st.ca = db_ca_get(t->s.db, st.gen)) != NULL) {
		cert_fingerprint(st.ca, st.fp, sizeof(st.fp));
		root_state(t);
		if (st.exported[0] == '\0' && (exp = db_path(t->s.db,
		    "export")) != NULL) {
			snprintf(st.exported, sizeof(st.exported), "%s", exp);
			free(exp);
		}
	}
	root_keys_free();
	if (t->s.logged_in && st.ca == NULL &&
	    hsm_keys(t->s.hsm, &st.keys, &st.nkeys) != 0)
		tui_err(t, "cannot list the token's keys");
	if (st.sel >= st.nkeys)
		st.sel = st.nkeys > 0 ? st.nkeys - 1 : 0;
}

static void
root_fini(void)
{
	root_keys_free();
	tmpl_free(st.tm);
	X509_free(st.ca);
	X509_free(st.r.cert);
	findings_free(&st.f);
	hsm_key_free(st.newkey);
	memset(&st, 0, sizeof(st));
}

/* The fingerprint in two lines of four groups, numbered for reading. */
static int
root_draw_fp(int y)
{
	char	g[FP_GROUPS][9];
	int	i;

	fingerprint_groups(st.fp, g);
	put(y++, 1, COLS - 2, "SHA-256 fingerprint, read aloud group by "
	    "group and compare:");
	for (i = 0; i < FP_GROUPS; i++)
		putf(y + i / 4, 4 + (i % 4) * 18, 18, "%d  %s", i + 1, g[i]);
	for (i = 0; i < FP_GROUPS; i++)
		put_attr(y + i / 4, 7 + (i % 4) * 18, 8, A_BOLD, g[i]);
	return y + 3;
}

/* The CA installed, in the lines from y to last. */
static void
root_draw_done(struct tui *t, int y, int last)
{
	char	*subj, a[32], b[32], *serial = NULL, line[4300];
	BIGNUM	*bn;

	subj = name_text(X509_get_subject_name(st.ca));
	if ((bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(st.ca),
	    NULL)) != NULL)
		serial = BN_bn2hex(bn);
	BN_free(bn);
	when_utc(cert_time(X509_get0_notBefore(st.ca)), a, sizeof(a));
	when_utc(cert_time(X509_get0_notAfter(st.ca)), b, sizeof(b));
	/* An issuing CA installed with i (or ca install) is no root. */
	putf(y, 1, COLS - 2, "%s certificate (CA generation %d, active)",
	    X509_check_issued(st.ca, st.ca) == X509_V_OK ? "Root" : "CA",
	    st.gen);
	mvchgat(y++, 0, COLS, A_BOLD, 0, NULL);
	snprintf(line, sizeof(line), "rollover   %s", st.state);
	y += put_wrap(y, 3, COLS - 4, last - y - 9 < 3 ? last - y - 9 : 3, 0,
	    line);
	putf(y++, 3, COLS - 4, "subject    %s", subj != NULL ? subj : "?");
	putf(y++, 3, COLS - 4, "serial     %s", serial != NULL ? serial : "?");
	putf(y++, 3, COLS - 4, "valid      %s to %s", a, b);
	y++;
	y = root_draw_fp(y);
	/* Wrapped, not cut: the officers copy this path.  A later
	 * generation's root is exported from screen 8 (e, n). */
	if (st.gen == 1)
		snprintf(line, sizeof(line), "exported   %s/root-gen1.pem and "
		    ".der", st.exported);
	else
		snprintf(line, sizeof(line), "recorded   ca/gen-%d.pem; export "
		    "it on screen 8 (e, or n with the links)", st.gen);
	put_wrap(y, 3, COLS - 4, last - y < 4 ? last - y : 4, 0, line);
	free(subj);
	OPENSSL_free(serial);
	tui_keys(t, " this data directory has its root   1-9 screens   "
	    "q quit");
}

static int
root_draw_profile(int y, int last)
{
	STACK_OF(CONF_VALUE)	*sk;
	CONF_VALUE		*v;
	char			*subj, types[128] = "";
	size_t			 i, len;

	subj = name_text(st.tm->subject);
	for (i = 0; i < st.tm->nkey_types; i++) {
		len = strlen(types);
		snprintf(types + len, sizeof(types) - len, "%s%s",
		    i ? ", " : "", st.tm->key_types[i].name);
	}
	putf(y++, 3, COLS - 4, "subject     %s", subj != NULL ? subj : "?");
	putf(y++, 3, COLS - 4, "validity    %ld days (at most %ld)   digest "
	    "%s", st.tm->days, st.tm->max_days, st.tm->digest);
	putf(y++, 3, COLS - 4, "key types   %s", types);
	free(subj);
	if ((sk = NCONF_get_section(st.tm->conf, st.tm->ext_section)) == NULL)
		return y;
	for (i = 0; i < (size_t)sk_CONF_VALUE_num(sk) && y < last; i++) {
		v = sk_CONF_VALUE_value(sk, (int)i);
		putf(y++, 3, COLS - 4, "%-11s %s = %s", i == 0 ? "extensions" :
		    "", v->name, v->value);
	}
	return y;
}

static void
root_draw(struct tui *t, int top, int rows)
{
	size_t	i;
	int	y = top, last = top + rows;
	char	*id;

	if (st.ca != NULL) {
		root_draw_done(t, y, last);
		return;
	}
	tui_keys(t, " t key type  g generate  Up/Down key  c create root  "
	    "r request  i install");
	if (st.tm == NULL) {
		put(y, 1, COLS - 2, "The root template could not be read "
		    "(see the message below).");
		return;
	}
	putf(y++, 1, COLS - 2, "Root ceremony, template %s", st.tm->path);
	putf(y++, 1, COLS - 2, "Step 1  the key, on the token.  New key: "
	    "type %s (t), label %s (g generates)",
	    st.tm->nkey_types ? st.tm->key_types[st.type].name : "?",
	    "root-gen1");
	if (!t->s.logged_in)
		put_attr(y++, 3, COLS - 4, A_BOLD, "log in first: screen 1, "
		    "then l");
	else if (st.nkeys == 0)
		put(y++, 3, COLS - 4, "no key on the token yet: press g");
	for (i = 0; i < st.nkeys && y < top + 5; i++) {
		id = hex_encode(st.keys[i]->id, st.keys[i]->id_len, 0);
		putf(y, 3, COLS - 4, "%s %-20s %-9s id %.16s", i == st.sel ?
		    ">" : " ", st.keys[i]->label, st.keys[i]->spec.name,
		    id != NULL ? id : "?");
		if (i == st.sel)
			mvchgat(y, 3, COLS - 4, A_REVERSE, 0, NULL);
		free(id);
		y++;
	}
	put(y++, 1, COLS - 2, "Step 2  the profile, for the witnesses to "
	    "review");
	y = root_draw_profile(y, last - 2);
	put(y++, 1, COLS - 2, "Step 3  create: press c and type CREATE; the "
	    "token signs the root");
	put(y, 1, COLS - 2, "An issuing CA, its root elsewhere: r writes a "
	    "request, i installs its CA");
}

static void *
root_arg(void)
{
	return &st;
}

static int
root_keygen_work(void *arg)
{
	(void)arg;
	return key_generate(&st.t->s, &st.spec, st.label, &st.newkey);
}

static void
root_keygen_done(struct tui *t, int rc)
{
	if (rc != 0)
		tui_err(t, "key generation failed");
	else
		tui_msg(t, 0, "generated %s key \"%s\" on the token",
		    st.newkey->spec.name, st.newkey->label);
	hsm_key_free(st.newkey);
	st.newkey = NULL;
	root_init(t);
	st.sel = st.nkeys > 0 ? st.nkeys - 1 : 0;
}

static void
root_generate(struct tui *t, const char *label)
{
	if (*label == '\0') {
		tui_msg(t, 1, "a key needs a label: press g again");
		return;
	}
	st.spec = st.tm->key_types[st.type];
	snprintf(st.label, sizeof(st.label), "%s", label);
	tui_run(t, "the token generates the key", root_keygen_work, root_arg(),
	    root_keygen_done);
}

static int
root_create_work(void *arg)
{
	int	ok;

	(void)arg;
	findings_free(&st.f);
	memset(&st.f, 0, sizeof(st.f));
	ok = root_create(&st.t->s, st.tm, st.keyref, &st.f, &st.r) == 0;
	return root_audit(&st.t->s, st.tm, st.keyref, &st.r, ok) != 0 || !ok;
}

static void
root_create_done(struct tui *t, int rc)
{
	if (rc != 0) {
		if (st.f.n > 0)
			tui_msg(t, 1, "root not created: %s (%s); nothing was "
			    "recorded but the audit", st.f.v[0].text,
			    st.f.v[0].code);
		else
			tui_err(t, "root not created");
		return;
	}
	snprintf(st.exported, sizeof(st.exported), "%s", st.r.export_dir);
	tui_msg(t, 0, "root certificate created, serial %s", st.r.serial);
	X509_free(st.r.cert);
	st.r.cert = NULL;
	root_init(t);
}

static void
root_create_confirmed(struct tui *t)
{
	tui_run(t, "the token signs the root certificate", root_create_work,
	    root_arg(), root_create_done);
}

/* The chosen key as id:HEX, for the core; 1 when there is none. */
static int
root_keyref(struct tui *t)
{
	char	*id;

	if (st.nkeys == 0) {
		tui_msg(t, 1, "choose a key first (step 1)");
		return 1;
	}
	if ((id = hex_encode(st.keys[st.sel]->id, st.keys[st.sel]->id_len,
	    0)) == NULL)
		return 1;
	snprintf(st.keyref, sizeof(st.keyref), "id:%s", id);
	free(id);
	return 0;
}

static int
request_work(void *arg)
{
	struct tmpl	*tm = NULL;
	X509_REQ	*req = NULL;
	int		 rc;

	(void)arg;
	if (tmpl_load(REQUEST_TMPL, &tm) != 0)
		return 1;
	rc = csr_create_run(&st.t->s, tm, st.keyref, st.path, &req);
	X509_REQ_free(req);
	tmpl_free(tm);
	return rc;
}

static void
request_done(struct tui *t, int rc)
{
	if (rc != 0)
		tui_err(t, "no request");
	else
		tui_msg(t, 0, "request for key \"%s\" written to %s: carry it "
		    "to the root, then i installs what it signed",
		    st.keys[st.sel]->label, st.path);
}

static void
request_to(struct tui *t, const char *path)
{
	if (*path == '\0') {
		tui_msg(t, 1, "the request needs a file: press r again");
		return;
	}
	snprintf(st.path, sizeof(st.path), "%s", path);
	tui_run(t, "the token signs the request", request_work, root_arg(),
	    request_done);
}

static int
install_work(void *arg)
{
	STACK_OF(X509)	*above = NULL;
	int		 rc;

	(void)arg;
	rc = ca_install_run(&st.t->s, st.path, st.chain, &above);
	sk_X509_pop_free(above, X509_free);
	return rc;
}

static void
install_done(struct tui *t, int rc)
{
	if (rc != 0)
		tui_err(t, "not installed");
	else
		tui_msg(t, 0, "installed %s as CA generation 1, the chain above "
		    "it from %s", st.path, st.chain);
	root_init(t);
}

static void
install_chain(struct tui *t, const char *chain)
{
	snprintf(st.chain, sizeof(st.chain), "%s", chain);
	tui_run(t, "the certificate is checked against the token's key and "
	    "its chain", install_work, root_arg(), install_done);
}

static void
install_cert(struct tui *t, const char *cert)
{
	snprintf(st.path, sizeof(st.path), "%s", cert);
	tui_prompt(t, "The chain above it, up to the root (a PEM file; Enter "
	    "installs, Esc cancels):", "", install_chain);
}

/* r and i: this CA's certificate comes from a root in another room. */
static void
root_issuing_key(struct tui *t, int ch)
{
	char	initial[4200];

	if (!t->s.logged_in) {
		tui_msg(t, 1, "log in first (screen 1, then l)");
		return;
	}
	if (ch == 'i') {
		tui_prompt(t, "The CA certificate its root signed (a PEM file; "
		    "Esc cancels):", "", install_cert);
		return;
	}
	if (root_keyref(t) != 0)
		return;
	export_dir_of(&t->s, initial, sizeof(initial));
	snprintf(initial + strlen(initial), sizeof(initial) - strlen(initial),
	    "/%s.csr", st.keys[st.sel]->label);
	tui_prompt(t, "File for the request, signed by the chosen key (Enter "
	    "writes it, Esc cancels):", initial, request_to);
}

static void
root_key(struct tui *t, int ch)
{
	char	q[256];

	if (st.ca != NULL || st.tm == NULL)
		return;
	list_move(ch, st.nkeys, &st.sel, 1);
	switch (ch) {
	case 't':
		if (st.tm->nkey_types > 0)
			st.type = (st.type + 1) % st.tm->nkey_types;
		break;
	case 'g':
		if (!t->s.logged_in) {
			tui_msg(t, 1, "log in first (screen 1, then l)");
			break;
		}
		if (st.tm->nkey_types == 0) {
			tui_msg(t, 1, "%s names no key_types: add one to "
			    "generate a key here", st.tm->path);
			break;
		}
		snprintf(q, sizeof(q), "Label of the new %s key (Enter "
		    "generates it on the token, Esc cancels):",
		    st.tm->key_types[st.type].name);
		tui_prompt(t, q, "root-gen1", root_generate);
		break;
	case 'r':
	case 'i':
		root_issuing_key(t, ch);
		break;
	case 'c':
		if (root_keyref(t) != 0)
			break;
		snprintf(q, sizeof(q), "Type CREATE to have the token sign the "
		    "root certificate with key \"%s\" (Esc cancels):",
		    st.keys[st.sel]->label);
		tui_confirm(t, q, "CREATE", root_create_confirmed);
		break;
	}
}

/* The help overlay's lines for this screen (? or F1); the keys of the
 * foot, each with what it does. */
static const struct key_help root_help[] = {
	{ "t", "the new key's type: the next of the template's key_types" },
	{ "g", "generate a key of that type on the token (a label is asked)" },
	{ "Up/Down", "choose the key the root is made with" },
	{ "c", "create the root: the token signs it (type CREATE)" },
	{ "r", "an issuing CA: the chosen key signs a request for its root" },
	{ "i", "an issuing CA: install the certificate its root signed, with "
	    "the chain" },
	{ NULL, NULL }
};

const struct screen screen_root = {
	"Root", '2', root_init, root_draw, root_key, root_fini,
	root_help
};
