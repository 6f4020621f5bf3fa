/* SPDX-License-Identifier: ISC */
/*
 * The rollover screen: a timeline of the root's generations (each one's
 * validity drawn to scale, today marked), their states and fingerprints,
 * and the three steps of a rollover, each after a typed word: prepare
 * (a new key and root with link certificates, on the worker thread),
 * switch over to the pending generation, cancel the newest rollover.
 * All through rollover_run.c, as the rollover subcommands do.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NCURSES_WIDECHAR 1
#include <curses.h>

#include "tui/tui.h"

#define ROOT_TMPL	"root-ca.cnf"
#define DAY		86400

static struct {
	struct tmpl		*tm;
	struct rollover_status	 rs;
	int			 loaded;
	int			 start_now;	/* prepare: from now, not expiry */
	size_t			 first;		/* first generation shown,
						 * 0 the newest (Up/Down) */
	/* the worker's */
	struct tui		*t;
	struct rollover_req	 q;
	struct rollover_result	 r;
	struct rollover_cancel	 c;
	struct findings		 f;
} st;

static void
rollover_init(struct tui *t)
{

	st.t = t;
	if (st.tm == NULL) {
		if (tmpl_load(ROOT_TMPL, &st.tm) != 0) {
			tui_err(t, "root template");
			return;
		}
	}
	if (st.loaded)
		rollover_status_free(&st.rs);
	st.loaded = 0;
	if (db_ca_current(t->s.db) == 0)
		return;
	if (rollover_status_read(t->s.db, time(NULL), st.tm->overlap_days,
	    &st.rs) != 0) {
		tui_err(t, "rollover status");
		return;
	}
	st.loaded = 1;
	if (st.first >= st.rs.n)
		st.first = 0;
}

static void
rollover_fini(void)
{
	if (st.loaded)
		rollover_status_free(&st.rs);
	tmpl_free(st.tm);
	rollover_result_clear(&st.r);
	findings_free(&st.f);
	memset(&st, 0, sizeof(st));
}

/* One generation's validity to scale in width columns from x; now is '|'. */
static void
timeline_bar(int y, int x, int width, time_t lo, time_t hi,
    const struct rollover_gen_info *g, time_t now)
{
	double	span = (double)(hi - lo);
	int	a, b, n, i;

	a = (int)((double)(g->not_before - lo) / span * (width - 1));
	b = (int)((double)(g->not_after - lo) / span * (width - 1));
	n = (int)((double)(now - lo) / span * (width - 1));
	for (i = 0; i < width; i++)
		mvaddch(y, x + i, i == n ? '|' : i >= a && i <= b ?
		    (g->g.state == DB_GEN_CANCELLED ? 'x' : '=') : '.');
	if (g->g.state == DB_GEN_ACTIVE)
		mvchgat(y, x + a, b - a + 1, A_BOLD, 0, NULL);
}

/* The timeline, its newest rows generations where not all fit. */
static int
rollover_draw_timeline(int y, int rows)
{
	const struct rollover_gen_info	*g;
	time_t				 lo = 0, hi = 0;
	char				 a[32], b[32];
	size_t				 i;

	for (i = 0; i < st.rs.n; i++) {
		g = &st.rs.v[i];
		if (lo == 0 || g->not_before < lo)
			lo = g->not_before;
		if (g->not_after > hi)
			hi = g->not_after;
	}
	if (hi <= lo)
		return y;
	when_utc(lo, a, sizeof(a));
	when_utc(hi, b, sizeof(b));
	if (rows <= 0)
		return y;
	putf(y++, 1, COLS - 2, "timeline %.10s %*s%.10s   (| is today)",
	    a, COLS - 48, "", b);
	for (i = st.rs.n > (size_t)rows ? st.rs.n - (size_t)rows : 0;
	    i < st.rs.n; i++, y++) {
		g = &st.rs.v[i];
		putf(y, 1, 18, "gen %-2d %-10s", g->g.gen,
		    db_gen_state_name(g->g.state));
		timeline_bar(y, 19, COLS - 21, lo, hi, g, st.rs.now);
	}
	return y;
}

/* A generation's first line(s): state, dates, key, links. */
static void
gen_line(const struct rollover_gen_info *g, char *line, size_t len)
{
	char	a[32], b[32];

	when_utc(g->not_before, a, sizeof(a));
	when_utc(g->not_after, b, sizeof(b));
	snprintf(line, len, "gen %d %s%s, %.10s to %.10s, key %s%s",
	    g->g.gen, db_gen_state_name(g->g.state), g->g.due ?
	    ", switch-over due" : "", a, b, g->g.recorded ? g->g.key : "-",
	    g->newwithold == NULL ? "" : g->oldwithnew != NULL ?
	    ", 2 links" : ", 1 link");
}

/* The k-th generation, newest first. */
static const struct rollover_gen_info *
gen_newest(size_t k)
{
	return &st.rs.v[st.rs.n - 1 - k];
}

/* How many generations from st.first fit in rows. */
static size_t
gens_fit(int rows)
{
	char	line[256];
	size_t	k;

	for (k = st.first; k < st.rs.n; k++) {
		gen_line(gen_newest(k), line, sizeof(line));
		if ((rows -= wrap_lines(COLS - 2, 2, line) + 1) < 0)
			break;
	}
	return k - st.first;
}

/* One generation: gen_line (wrapped), then its SHA-256. */
static int
rollover_draw_gen(int y, const struct rollover_gen_info *g)
{
	char	fp[FP_GROUPS][9], line[256];

	gen_line(g, line, sizeof(line));
	fingerprint_groups(g->fingerprint, fp);
	y += put_wrap(y, 1, COLS - 2, 2, 0, line);
	/* "SHA-256" before the groups only where it fits (84 columns). */
	putf(y++, 3, COLS - 4, "%s%s %s %s %s %s %s %s %s", COLS < 84 ? "" :
	    "SHA-256 ", fp[0], fp[1], fp[2], fp[3], fp[4], fp[5], fp[6],
	    fp[7]);
	return y;
}

/* The lines from y to end, at most max (0 when none are left). */
static int
room(int y, int end, int max)
{
	return end - y < max ? (end - y > 0 ? end - y : 0) : max;
}

/*
 * The generations, newest first (what is active or pending is never the
 * one that has no room), from st.first on, in the lines from y to last;
 * where not all fit, the last line says which are shown: Up/Down scroll.
 */
static void
rollover_draw_gens(int y, int last)
{
	size_t	k, n = gens_fit(last - y);

	if (st.first > 0 || st.first + n < st.rs.n)
		n = gens_fit(last - y - 1);
	for (k = st.first; k < st.first + n; k++)
		y = rollover_draw_gen(y, gen_newest(k));
	if (st.first > 0 || st.first + n < st.rs.n)
		putf(last - 1, 1, COLS - 2, "generations %zu to %zu of %zu, "
		    "newest first (Up/Down scroll)", st.first + 1,
		    st.first + n, st.rs.n);
}

static void
rollover_draw(struct tui *t, int top, int rows)
{
	char	a[32], line[4400], state[ROLLOVER_STATE_MAX];
	int	y = top, last = top + rows - 1;	/* the overlap line */

	tui_keys(t, " p prepare  n start now/at expiry  s switch  c cancel  "
	    "Up/Down gens");
	if (!st.loaded) {
		put(y, 1, COLS - 2, "no root yet: run the root ceremony "
		    "(screen 2) first");
		return;
	}
	/* The one state, as rollover status and the Root screen say it. */
	rollover_state_text(&st.rs, state, sizeof(state));
	snprintf(line, sizeof(line), "Now: %s", state);
	y += put_wrap(y, 1, COLS - 2, room(y, last, 3), A_BOLD, line);
	snprintf(line, sizeof(line), "Template %s, overlap %ld days. A new "
	    "root (p) starts %s", st.tm->path, st.tm->overlap_days,
	    st.start_now ? "NOW: it signs at once (n: at the active one's "
	    "end)" : "when the active one ends (n: now)");
	y += put_wrap(y, 1, COLS - 2, room(y, last - 4, 4), 0, line);
	y = rollover_draw_timeline(y, room(y, last - 3, rows / 3));
	rollover_draw_gens(y, last);
	when_utc(st.rs.overlap_from, a, sizeof(a));
	putf(top + rows - 1, 1, COLS - 2, "overlap from %s: %s", a,
	    st.rs.warn ? "BEGUN, and no rollover is prepared: press p" :
	    st.rs.overlap_begun ? "begun" : "not begun");
	if (st.rs.warn)
		mvchgat(top + rows - 1, 0, COLS, attr_of(SEV_ERROR), 0, NULL);
}

static void *
rollover_arg(void)
{
	return &st;
}

static int
prepare_work(void *arg)
{
	(void)arg;
	rollover_result_clear(&st.r);
	findings_free(&st.f);
	memset(&st.r, 0, sizeof(st.r));
	memset(&st.f, 0, sizeof(st.f));
	return rollover_prepare_run(&st.t->s, st.tm, &st.q, &st.f, &st.r);
}

static void
prepare_done(struct tui *t, int rc)
{
	const struct rollover_gen_info	*g;

	if (rc != 0 && st.f.n > 0)
		tui_msg(t, 1, "not prepared: %s (%s)", st.f.v[0].text,
		    st.f.v[0].code);
	else if (rc != 0)
		tui_err(t, "not prepared");
	rollover_init(t);
	/* In the words of the state read again, so the message and the
	 * list can never disagree (a root that starts now is active). */
	if (rc == 0)
		tui_msg(t, 0, "generation %d prepared, now %s; key \"%s\": "
		    "read its fingerprint aloud and publish it (screen 8, "
		    "n)", st.r.gen, st.loaded && (g = rollover_gen_find(&st.rs,
		    st.r.gen)) != NULL ? rollover_gen_text(&g->g) : "?",
		    st.r.state.key);
}

static void
prepare_confirmed(struct tui *t)
{
	memset(&st.q, 0, sizeof(st.q));
	st.q.start_now = st.start_now;
	tui_run(t, "the token generates the next root key and signs the "
	    "new root and its links", prepare_work, rollover_arg(),
	    prepare_done);
}

static int
cancel_work(void *arg)
{
	(void)arg;
	memset(&st.c, 0, sizeof(st.c));
	return rollover_cancel_run(&st.t->s, 0, &st.c);
}

static void
cancel_done(struct tui *t, int rc)
{
	if (rc != 0)
		tui_err(t, "not cancelled");
	else
		tui_msg(t, 0, "generation %d cancelled: key \"%s\" destroyed on "
		    "the token, its root and links revoked%s", st.c.gen,
		    st.c.key[0] ? st.c.key : "(absent)", st.c.note[0] ?
		    " (see the audit log)" : "");
	rollover_init(t);
}

static void
cancel_confirmed(struct tui *t)
{
	tui_run(t, "the token destroys the pending key", cancel_work,
	    rollover_arg(), cancel_done);
}

static void
switch_confirmed(struct tui *t)
{
	struct db_gen	g;

	memset(&g, 0, sizeof(g));
	if (rollover_switch_run(&t->s, time(NULL), &g) != 0)
		tui_err(t, "no switch-over");
	else
		tui_msg(t, 0, "generation %d is active: it signs from now on; "
		    "the older one signs only its own CRLs", g.gen);
	rollover_init(t);
}

static void
rollover_key(struct tui *t, int ch)
{
	if (!st.loaded)
		return;
	switch (ch) {
	case KEY_DOWN:
		st.first += st.first + 1 < st.rs.n;
		break;
	case KEY_UP:
		st.first -= st.first > 0;
		break;
	case 'n':
		st.start_now = !st.start_now;
		break;
	case 'p':
		if (!t->s.logged_in) {
			tui_msg(t, 1, "log in first (screen 1, then l)");
			break;
		}
		tui_confirm(t, st.start_now ? "Type PREPARE to generate the "
		    "next root key and a root valid from NOW (Esc cancels):" :
		    "Type PREPARE to generate the next root key and a root "
		    "valid when the active one ends (Esc cancels):", "PREPARE",
		    prepare_confirmed);
		break;
	case 's':
		tui_confirm(t, "Type SWITCH to make the pending generation the "
		    "one that signs (Esc cancels):", "SWITCH",
		    switch_confirmed);
		break;
	case 'c':
		if (!t->s.logged_in) {
			tui_msg(t, 1, "log in first (screen 1, then l)");
			break;
		}
		tui_confirm(t, "Type CANCEL to take back the newest rollover: "
		    "its key is destroyed on the token (Esc cancels):",
		    "CANCEL", cancel_confirmed);
		break;
	}
}

/* The help overlay's lines for this screen (? or F1); the keys of the
 * foot, each with what it does. */
static const struct key_help rollover_help[] = {
	{ "p", "prepare a rollover: the next root key and root, with links "
	    "(type PREPARE)" },
	{ "n", "the next root starts now, or when the active one ends" },
	{ "s", "switch over: the pending generation signs from now on "
	    "(type SWITCH)" },
	{ "c", "cancel the newest rollover: its key is destroyed (type "
	    "CANCEL)" },
	{ "Up/Down", "scroll the generations, newest first, where not all "
	    "fit" },
	{ NULL, NULL }
};

const struct screen screen_rollover = {
	"Rollover", '9', rollover_init, rollover_draw, rollover_key,
	rollover_fini,
	rollover_help
};
