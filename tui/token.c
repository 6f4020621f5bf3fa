/* SPDX-License-Identifier: ISC */
/*
 * The token screen: the module, its slots and tokens, the data directory's
 * token and whether the officer is logged in.  The PIN is typed into a
 * masked field that lives in the secure heap and is wiped right after
 * C_Login (session_login_with).  Where a quorum holds the PIN
 * (docs/assurance.md), M custodians instead type their name and their
 * share's code, masked, one after the other: each code's checksum is
 * checked as it is entered (a mistyped group is named and that custodian
 * asked again), and the PIN they rebuild lives only in the secure heap
 * until the login, then is wiped.
 *
 * The witnesses are named here before the login (w; x strikes a mistaken
 * one off), by the core's rule for --witness (session_witness_add), and
 * the login's session.open record names them, as --witness does.  A
 * refused PIN or share is recorded by the core (login.failed).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#define NCURSES_WIDECHAR 1
#include <curses.h>

#include "tui/tui.h"

static struct {
	struct hsm_token_info	*v;
	size_t			 n;
	size_t			 sel, first;
	/* custodians' shares being entered: secure heap */
	struct share		*sh;
	size_t			 nsh;
	char			 custodian[SHARE_NAME_MAX + 1];
	/* what the shares are for: NULL a login, else a reshare (quorum.c) */
	void			(*then)(struct tui *, const struct share *,
				    size_t);
	/* the names typed here (those of --witness are argv's) */
	char			*named[8];
} st;

static void
shares_drop(void)
{
	if (st.sh != NULL)
		OPENSSL_secure_clear_free(st.sh, sizeof(*st.sh) * SHARE_N_MAX);
	st.sh = NULL;
	st.nsh = 0;
	st.then = NULL;
}

static void
token_init(struct tui *t)
{
	free(st.v);
	st.v = NULL;
	st.n = 0;
	if (session_open_module(&t->s) != 0 ||
	    hsm_tokens(t->s.hsm, &st.v, &st.n) != 0)
		tui_err(t, "cannot list the tokens");
	if (st.sel >= st.n)
		st.sel = 0;
}

static void
token_fini(void)
{
	size_t	i;

	shares_drop();
	for (i = 0; i < sizeof(st.named) / sizeof(st.named[0]); i++)
		free(st.named[i]);
	free(st.v);
	memset(&st, 0, sizeof(st));
}

static const char *
pin_state(const struct hsm_token_info *i)
{
	if (!i->present)
		return "no token";
	if (!i->initialized)
		return "not initialised";
	if (i->user_pin_locked)
		return "user PIN LOCKED";
	if (i->user_pin_final_try)
		return "PIN: final try";
	if (i->user_pin_count_low)
		return "PIN: count low";
	return "ready";
}

/* A no-break space: a number stays with its name where the line wraps. */
#define NBSP	"\xc2\xa0"

/* The witnesses, numbered for x, wrapped: every name whole. */
static int
witnesses_draw(struct tui *t, int y)
{
	const struct session	*s = &t->s;
	char			 line[1024];
	size_t			 i, n = 0;

	put(y, 1, 9, "witness");
	if (s->nwitness == 0)
		return put_wrap(y, 10, COLS - 11, 2, 0, s->logged_in ? "none "
		    "recorded in this session" : "none named yet: w names each "
		    "person watching, before the login records them");
	line[0] = '\0';
	for (i = 0; i < s->nwitness && n < sizeof(line); i++)
		n += (size_t)snprintf(line + n, sizeof(line) - n, "%s%zu%s%s",
		    i > 0 ? ",  " : "", i + 1, NBSP, s->witness[i]);
	if (n < sizeof(line))
		snprintf(line + n, sizeof(line) - n, s->logged_in ?
		    "  (recorded in this session)" : "  (recorded at the login)");
	return put_wrap(y, 10, COLS - 11, 3, 0, line);
}

static void
token_draw(struct tui *t, int top, int rows)
{
	const struct hsm_token_info	*tok = hsm_token(t->s.hsm);
	const struct db_config		*c = db_config(t->s.db);
	size_t				 i;
	int				 y = top;

	putf(y++, 1, COLS - 2, "module   %s", c->module != NULL ? c->module :
	    "(the default SoftHSM2)");
	putf(y++, 1, COLS - 2, "token    %s (named by %s/ceremony.cnf)",
	    c->token != NULL ? c->token : "-", t->s.home);
	put(y, 1, 9, "login");
	put_attr(y++, 10, COLS - 11, A_BOLD, tok == NULL ?
	    "the token is not present: plug it in and press r" :
	    t->s.logged_in ? "LOGGED IN as user: the token signs when you "
	    "confirm" : "logged out: press l and type the user PIN");
	y += witnesses_draw(t, y);
	y++;
	put_attr(y++, 1, COLS - 2, A_UNDERLINE, "slot        label           "
	    "                 serial           state");
	list_scroll(st.n, st.sel, rows - (y - top), &st.first);
	for (i = st.first; i < st.n && y < top + rows; i++, y++)
		putf(y, 1, COLS - 2, "%-11lu %-32s %-16s %s",
		    st.v[i].slot_id, st.v[i].present ? st.v[i].label : "-",
		    st.v[i].serial, pin_state(&st.v[i]));
	tui_keys(t, " l log in  s log in by shares  o log out  w add witness  "
	    "x remove  k quorum");
}

static void
token_login_done(struct tui *t, struct secret *pin)
{
	/* session_login_with wipes the PIN whatever happens. */
	if (session_login_with(&t->s, pin) != 0) {
		tui_err(t, "log in refused");
		token_init(t);
		return;
	}
	tui_msg(t, 0, "logged in to token \"%s\"",
	    hsm_token(t->s.hsm)->label);
	token_init(t);
}

static void	share_ask(struct tui *);

/* M shares entered: the PIN rebuilt, the login, everything wiped. */
static void
shares_login(struct tui *t)
{
	struct secret	*pin = NULL;
	int		 rc;

	if ((rc = pin_source_set_shares(&t->s.pin, st.sh, st.nsh) != 0))
		(void)session_share_refused(&t->s);
	else
		rc = pin_read(&t->s.pin, &pin) != 0;
	shares_drop();
	pin_source_clear(&t->s.pin);
	/* session_login_with wipes the PIN whatever happens. */
	if (rc == 0)
		rc = session_login_with(&t->s, pin);
	if (rc != 0) {
		tui_err(t, "log in refused");
		return;
	}
	tui_msg(t, 0, "logged in to token \"%s\" with %s",
	    hsm_token(t->s.hsm)->label, t->s.pin.quorum);
}

/* A share's code, checked at once against its custodian's checksum. */
static void
share_code_done(struct tui *t, struct secret *code)
{
	struct share	*sh = &st.sh[st.nsh];
	char		 what[96];
	int		 bad;

	snprintf(what, sizeof(what), "the share of %s", st.custodian);
	bad = share_decode(st.custodian, code->buf, what, sh) != 0;
	secret_free(code);
	if (!bad && share_fits(st.sh, st.nsh) != 0) {
		err_context("a share entered already, or of another quorum: "
		    "ask for another custodian's share");
		bad = 1;
	}
	if (bad) {
		OPENSSL_cleanse(sh, sizeof(*sh));
		if (st.then == NULL)	/* a login's: audited as one */
			(void)session_share_refused(&t->s);
		share_ask(t);
		tui_err(t, "share refused");
		return;
	}
	st.nsh++;
	if (st.nsh < (size_t)st.sh[0].m) {
		share_ask(t);
		tui_msg(t, 0, "share %d of %s accepted (checksum good): %zu of "
		    "%d", sh->index, st.custodian, st.nsh, st.sh[0].m);
		return;
	}
	if (st.then != NULL) {
		st.then(t, st.sh, st.nsh);
		shares_drop();
		return;
	}
	shares_login(t);
}

static void
share_name_done(struct tui *t, const char *name)
{
	char	q[160];

	if (!share_name_ok(name)) {
		share_ask(t);
		tui_msg(t, 1, "a custodian's name is letters, digits, '.', "
		    "'_', '-': as on the share");
		return;
	}
	snprintf(st.custodian, sizeof(st.custodian), "%s", name);
	snprintf(q, sizeof(q), "Share code of %s (not shown; groups as "
	    "printed; Enter when done, Esc cancels):", st.custodian);
	tui_prompt_pin(t, q, share_code_done);
}

static void
share_ask(struct tui *t)
{
	char	q[160];

	if (st.nsh == 0)
		snprintf(q, sizeof(q), "Custodian 1: your name as on your "
		    "share (Esc cancels):");
	else
		snprintf(q, sizeof(q), "Custodian %zu of the %d needed: your "
		    "name (Esc cancels):", st.nsh + 1, st.sh[0].m);
	tui_prompt(t, q, "", share_name_done);
}

static void
shares_start(struct tui *t)
{
	shares_drop();
	if ((st.sh = OPENSSL_secure_zalloc(sizeof(*st.sh) *
	    SHARE_N_MAX)) == NULL) {
		tui_msg(t, 1, "no secure memory for the shares");
		return;
	}
	share_ask(t);
}

/* M custodians' shares for something other than the login (a reshare). */
void
token_shares_ask(struct tui *t, void (*then)(struct tui *,
    const struct share *, size_t))
{
	shares_start(t);
	st.then = then;
}

/* A witness typed: the core's rule, then kept in a copy of our own. */
static void
witness_done(struct tui *t, const char *name)
{
	size_t	i;
	char	*copy;

	if ((copy = strdup(name)) == NULL) {
		tui_msg(t, 1, "out of memory");
		return;
	}
	if (session_witness_add(&t->s, copy) != 0) {
		free(copy);
		tui_err(t, "witness not named");
		return;
	}
	/* There are never more names typed here than witnesses. */
	for (i = 0; st.named[i] != NULL; i++)
		;
	st.named[i] = copy;
	tui_msg(t, 0, "witness %zu: %s (recorded when you log in)",
	    t->s.nwitness, copy);
}

/* A witness struck off by number; freed if the name was typed here. */
static void
witness_gone(struct tui *t, const char *text)
{
	const char	*name;
	char		*end;
	unsigned long	 n;
	size_t		 i;

	n = strtoul(text, &end, 10);
	if (*text < '0' || *text > '9' || *end != '\0' || n == 0) {
		tui_msg(t, 1, "give the witness's number, from 1 to %zu, as "
		    "listed", t->s.nwitness);
		return;
	}
	if (session_witness_remove(&t->s, n - 1, &name) != 0) {
		tui_err(t, "witness not removed");
		return;
	}
	tui_msg(t, 0, "witness %lu, %s, removed", n, name);
	for (i = 0; i < sizeof(st.named) / sizeof(st.named[0]); i++)
		if (st.named[i] == name) {
			free(st.named[i]);
			st.named[i] = NULL;
		}
}

/* w and x: refused once the login has recorded the list. */
static void
witness_key(struct tui *t, int ch)
{
	char	q[128];

	if (t->s.logged_in) {
		tui_msg(t, 1, "the witnesses were recorded when this session "
		    "opened: log out (o), change them, and log in again");
		return;
	}
	if (ch == 'w') {
		tui_prompt(t, "Witness's name, as on the transcript (no comma "
		    "or '='; Enter adds, Esc cancels):", "", witness_done);
		return;
	}
	if (t->s.nwitness == 0) {
		tui_msg(t, 1, "no witness is named: w names one");
		return;
	}
	snprintf(q, sizeof(q), "Remove which witness? Its number, 1 to %zu "
	    "(Esc keeps them all):", t->s.nwitness);
	tui_prompt(t, q, "", witness_gone);
}

static void
token_key(struct tui *t, int ch)
{
	char	q[128];

	shares_drop();	/* an entry given up (Esc) leaves nothing behind */
	list_move(ch, st.n, &st.sel, 1);
	switch (ch) {
	case 'l':
		if (t->s.logged_in) {
			tui_msg(t, 0, "already logged in");
			break;
		}
		if (t->s.hsm == NULL || hsm_token(t->s.hsm) == NULL) {
			if (tui_token_open(t) != 0) {
				tui_err(t, "token");
				break;
			}
		}
		snprintf(q, sizeof(q), "User PIN of token \"%s\" (not shown; "
		    "Enter to log in, Esc to cancel):",
		    hsm_token(t->s.hsm)->label);
		tui_prompt_pin(t, q, token_login_done);
		break;
	case 's':
		if (t->s.logged_in) {
			tui_msg(t, 0, "already logged in");
			break;
		}
		if ((t->s.hsm == NULL || hsm_token(t->s.hsm) == NULL) &&
		    tui_token_open(t) != 0) {
			tui_err(t, "token");
			break;
		}
		shares_start(t);
		break;
	case 'o':
		if (!t->s.logged_in) {
			tui_msg(t, 0, "not logged in");
			break;
		}
		if (session_logout(&t->s) != 0)
			tui_err(t, "log out");
		else
			tui_msg(t, 0, "logged out; the audit session is sealed");
		break;
	case 'w':
	case 'x':
		witness_key(t, ch);
		break;
	case 'k':
		token_quorum(t);
		break;
	case 'r':
		token_init(t);
		break;
	}
}

/* The help overlay's lines for this screen (? or F1); the keys of the
 * foot, each with what it does. */
static const struct key_help token_help[] = {
	{ "l", "log in: the user PIN, typed in a masked field" },
	{ "s", "log in with M custodians' shares, each typed masked" },
	{ "o", "log out: the audit session is closed and sealed" },
	{ "w", "add a witness (before the login, which records them)" },
	{ "x", "remove a witness named by mistake, by its number" },
	{ "k", "quorum: split the PIN among custodians, or reshare (logged "
	    "in with shares), the share files written to a folder" },
	{ "r", "read the slots and tokens again" },
	{ "Up Down", "move in the list of slots" },
	{ NULL, NULL }
};

const struct screen screen_token = {
	"Token", '1', token_init, token_draw, token_key, token_fini,
	token_help
};
