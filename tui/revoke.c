/* SPDX-License-Identifier: ISC */
/*
 * The revoke screen: search the database (subject text, serial prefix),
 * choose a certificate, choose the RFC 5280 reason, type REVOKE; or lift a
 * certificateHold after typing RELEASE.  The change goes through
 * revoke_record(), the core the command line's revoke calls, which checks
 * it against the serial's current state and audits it.  No token: the
 * next CRL (screen 5) carries the change.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define NCURSES_WIDECHAR 1
#include <curses.h>

#include "tui/tui.h"

static const int reasons[] = { 1, 4, 5, 3, 9, 6, 2, 10, 0 };
#define NREASONS	(sizeof(reasons) / sizeof(reasons[0]))

static struct {
	char	 search[256];
	size_t	*v;			/* index positions shown */
	size_t	 n, sel, first;
	int	 choosing;		/* the reason list is open */
	size_t	 reason;
	time_t	 invalidity;		/* RFC 5280 invalidityDate, 0 none */
	char	 serial[DB_SERIAL_MAX];
	struct revoke_ca *ca;		/* the CA generations' own */
	size_t	 nca;
} st;

/* The rows the revoke refuses anyway are not offered: the CA
 * generations' own certificates (revoke_check's rule, from the core). */
static void
revoke_drop_ca(struct tui *t)
{
	size_t	i, k = 0;

	for (i = 0; i < st.n; i++)
		if (revoke_ca_of(st.ca, st.nca,
		    db_index_at(t->s.db, st.v[i])->serial) == 0)
			st.v[k++] = st.v[i];
	st.n = k;
}

static void
revoke_init(struct tui *t)
{
	/* What a revocation can change: valid or revoked. */
	revoke_ca_free(st.ca, st.nca);
	st.ca = NULL;
	st.nca = 0;
	if (revoke_ca_certs(t->s.db, &st.ca, &st.nca) != 0 ||
	    index_select(t->s.db, "VR", st.search, &st.v, &st.n) != 0)
		tui_err(t, "search");
	revoke_drop_ca(t);
	if (st.sel >= st.n)
		st.sel = st.n > 0 ? st.n - 1 : 0;
	st.choosing = 0;
}

static void
revoke_fini(void)
{
	free(st.v);
	revoke_ca_free(st.ca, st.nca);
	memset(&st, 0, sizeof(st));
}

/* Every reason, two lines of them, the chosen one in reverse. */
static void
revoke_draw_reasons(int y)
{
	const char	*name;
	size_t		 i;
	int		 x = 3, w;

	for (i = 0; i < NREASONS; i++) {
		name = db_reason_name(reasons[i]);
		w = (int)strlen(name) + 2;
		if (x + w > COLS - 1) {
			y++;
			x = 3;
		}
		if (i == st.reason) {
			put(y, x - 1, 1, "[");
			put_attr(y, x, w - 2, A_REVERSE | A_BOLD, name);
			put(y, x + w - 2, 1, "]");
		} else
			put(y, x, w, name);
		x += w;
	}
}

/* The issuer of r as the officer knows it: its CA generation and name. */
static const char *
revoke_issuer(const struct db_record *r)
{
	size_t	i;

	for (i = 0; i < st.nca; i++)
		if (st.ca[i].gen == r->generation)
			return st.ca[i].subject;
	return "(its certificate cannot be read)";
}

/*
 * The chosen certificate whole, at the foot of the list: what REVOKE will
 * change is named by subject, serial and issuer, however long, while the
 * reason and the confirmation are asked.  panel_text gives its lines,
 * revoke_draw_panel paints them; the list keeps what is left (3 rows at
 * the least).
 */
static void
panel_text(struct tui *t, char *iss, char *sub, size_t len)
{
	const struct db_record	*r = db_index_at(t->s.db, st.v[st.sel]);

	snprintf(iss, len, "Issuer  CA generation %d: %s", r->generation,
	    revoke_issuer(r));
	snprintf(sub, len, "Subject %s", r->subject);
}

static int
panel_lines(struct tui *t, int rows)
{
	char	iss[1024], sub[1024];
	int	n;

	if (st.n == 0)
		return 0;
	panel_text(t, iss, sub, sizeof(iss));
	n = 2 + wrap_lines(COLS - 2, 4, iss);
	n += wrap_lines(COLS - 2, rows, sub);
	return n;
}

static void
revoke_draw_panel(struct tui *t, int y, int nlines)
{
	const struct db_record	*r = db_index_at(t->s.db, st.v[st.sel]);
	char			 iss[1024], sub[1024];

	panel_text(t, iss, sub, sizeof(iss));
	mvhline(y++, 1, ACS_HLINE, COLS - 2);
	putf(y++, 1, COLS - 2, "Serial  %s (%s)", r->serial,
	    r->status == DB_REVOKED ? db_reason_name(r->reason) : "valid");
	nlines -= 2;
	y += put_wrap(y, 1, COLS - 2, 4, 0, iss);
	nlines -= wrap_lines(COLS - 2, 4, iss);
	put_wrap(y, 1, COLS - 2, nlines, A_BOLD, sub);
}

/* A certificate's row, its subject and reason whole (wrapped). */
static void
revoke_row(void *arg, size_t i, char *buf, size_t len)
{
	struct tui		*t = arg;
	const struct db_record	*r = db_index_at(t->s.db, st.v[i]);
	char			 na[32];

	when_utc(r->not_after, na, sizeof(na));
	na[10] = '\0';
	snprintf(buf, len, "%c %-40s %-10s %s%s%s%s", r->status, r->serial,
	    na, r->subject, r->status == DB_REVOKED ? "  [revoked: " : "",
	    r->status == DB_REVOKED ? db_reason_name(r->reason) : "",
	    r->status == DB_REVOKED ? "]" : "");
}

static void
revoke_draw(struct tui *t, int top, int rows)
{
	struct wrap_list	 l = { st.n, &st.sel, &st.first, t, revoke_row,
	    NULL, 2 };
	int			 y = top, foot, panel;

	putf(y++, 1, COLS - 2, "Search: %s", st.search[0] ? st.search :
	    "(all valid and revoked certificates; / to search)");
	put_attr(y++, 1, COLS - 2, A_UNDERLINE, "S serial                  "
	    "               not after   subject");
	if (st.n == 0)
		put(y++, 3, COLS - 4, "nothing matches");
	panel = panel_lines(t, rows);
	foot = panel + (st.choosing ? 3 : 0);
	wrap_list_draw(y, 1, COLS - 2, top + rows - foot - y, &l);
	if (st.n > 0)
		revoke_draw_panel(t, top + rows - foot, panel);
	if (st.choosing) {
		y = top + rows - 3;
		put(y++, 1, COLS - 2, "Reason for the certificate above "
		    "(Left/Right, Enter chooses, Esc cancels):");
		revoke_draw_reasons(y);
		tui_keys(t, " Left/Right reason   Enter choose   Esc cancel");
		return;
	}
	tui_keys(t, " / search  Enter revoke  u release hold  Up/Down  "
	    "1-9 screens  q quit");
}

static void
revoke_do(struct tui *t, int release)
{
	struct revoke_req	q;
	struct revoke_result	res;

	memset(&q, 0, sizeof(q));
	q.serial = st.serial;
	q.reason = release ? -1 : reasons[st.reason];
	q.release = release;
	q.invalidity = release ? 0 : st.invalidity;
	q.now = time(NULL);
	if (revoke_record(&t->s, &q, &res) != 0)
		tui_err(t, release ? "not released" : "not revoked");
	else if (release)
		tui_msg(t, 0, "released %s: valid again (it leaves the next "
		    "CRL)", st.serial);
	else
		tui_msg(t, 0, "%s %s: %s (the next CRL carries it: screen 5)",
		    res.prev.status == DB_REVOKED ? "reason changed for" :
		    "revoked", st.serial, db_reason_name(q.reason));
	revoke_result_clear(&res);
	revoke_init(t);
}

static void
revoke_confirmed(struct tui *t)
{
	revoke_do(t, 0);
}

static void
release_confirmed(struct tui *t)
{
	revoke_do(t, 1);
}

static void
revoke_search(struct tui *t, const char *text)
{
	snprintf(st.search, sizeof(st.search), "%s", text);
	st.sel = st.first = 0;
	revoke_init(t);
}

/* REVOKE typed; the panel right above names the certificate whole
 * (subject, serial, issuer): the question fits its two lines. */
static void
revoke_ask(struct tui *t, const char *since)
{
	char	q[512];

	snprintf(q, sizeof(q), "Type REVOKE to revoke serial %s for %s%s%s%s "
	    "(Esc cancels):", st.serial, db_reason_name(reasons[st.reason]),
	    *since != '\0' ? " (invalid since " : "", since,
	    *since != '\0' ? ")" : "");
	tui_confirm(t, q, "REVOKE", revoke_confirmed);
}

/* The date (checked as the command line checks it), then REVOKE typed. */
static void
revoke_invalidity(struct tui *t, const char *text)
{
	st.invalidity = 0;
	if (*text != '\0' && utc_parse(text, &st.invalidity) != 0) {
		tui_err(t, "invalidity date");
		return;
	}
	revoke_ask(t, text);
}

static void
revoke_choose(struct tui *t, int ch)
{
	if (ch == TUI_ESC) {
		st.choosing = 0;
		tui_msg(t, 0, "cancelled: nothing was done");
	} else if (ch == KEY_RIGHT || ch == KEY_DOWN)
		st.reason = (st.reason + 1) % NREASONS;
	else if (ch == KEY_LEFT || ch == KEY_UP)
		st.reason = (st.reason + NREASONS - 1) % NREASONS;
	else if (ch == TUI_ENTER || ch == '\r' || ch == KEY_ENTER) {
		st.choosing = 0;
		st.invalidity = 0;
		/* Only a compromise has a date worth asking (the core's rule). */
		if (revoke_reason_dated(reasons[st.reason]))
			tui_prompt(t, "Invalidity date, when the key was known "
			    "to be compromised (YYYY-MM-DD, UTC; empty: none):",
			    "", revoke_invalidity);
		else
			revoke_ask(t, "");
	}
}

static void
revoke_key(struct tui *t, int ch)
{
	const struct db_record	*r;
	char			 q[256];

	if (st.choosing) {
		revoke_choose(t, ch);
		return;
	}
	list_move(ch, st.n, &st.sel, t->rows - 3);
	if (ch == '/') {
		tui_prompt(t, "Search: subject text, serial=PREFIX or both "
		    "(Enter searches, empty shows all):", st.search, revoke_search);
		return;
	}
	if (st.sel >= st.n)
		return;
	r = db_index_at(t->s.db, st.v[st.sel]);
	snprintf(st.serial, sizeof(st.serial), "%s", r->serial);
	if (ch == TUI_ENTER || ch == '\r' || ch == KEY_ENTER) {
		st.choosing = 1;
		st.reason = 0;
	} else if (ch == 'u') {
		snprintf(q, sizeof(q), "Type RELEASE to lift the hold on %s "
		    "(Esc cancels):", st.serial);
		tui_confirm(t, q, "RELEASE", release_confirmed);
	}
}

/* The help overlay's lines for this screen (? or F1); the keys of the
 * foot, each with what it does. */
static const struct key_help revoke_help[] = {
	{ "Up/Down", "choose a certificate; in the reasons, Left/Right" },
	{ "/", "search: subject text, serial=PREFIX or both" },
	{ "Enter", "revoke the chosen certificate: a reason, for a "
	    "compromise an optional invalidity date, then type REVOKE "
	    "(the CA generations' own certificates are not listed: "
	    "retiring a CA is a rollover)" },
	{ "u", "release a certificate on hold: type RELEASE" },
	{ "Esc", "cancel the reason or the search" },
	{ NULL, NULL }
};

const struct screen screen_revoke = {
	"Revoke", '4', revoke_init, revoke_draw, revoke_key, revoke_fini,
	revoke_help
};
