/* SPDX-License-Identifier: ISC */
/*
 * The script screen: a ceremony script (docs/scripts.md) walked one step
 * at a time, the TUI's script run.  It shows the script's hash in groups
 * for the witnesses to compare with the printed copy, the people it
 * names, the check's findings and every step with its state from the
 * progress file.  r runs the next step after the officer types RUN and
 * the step's number (RETRY and the number for a step that began and
 * never finished), on the worker thread, through script_step_run as
 * script run does; the result stays on screen until the officer moves
 * on.  A failed step stops the script there: r runs it again once the
 * cause is fixed, in this TUI or the next (the progress file).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NCURSES_WIDECHAR 1
#include <curses.h>

#include "ceremony/script/script.h"
#include "tui/tui.h"

#define HOW		"each step confirmed in the TUI"
#define PANEL_MIN	5
#define LIST_MIN	3

enum panel { PANEL_STEP, PANEL_RESULT, PANEL_FINDINGS };

static struct {
	struct tui		*t;
	struct script		*sc;		/* NULL: none loaded */
	struct findings		 f;		/* its load's and check's */
	struct script_progress	 p;
	int			 have_p;
	size_t			 sel, first;
	enum panel		 panel;
	size_t			 ftop;		/* the first finding shown */
	/* script_begin's record is in this audit session; 0: not yet */
	int			 begun;
	unsigned long long	 begun_session;
	unsigned long long	 last_session;	/* of the last step run */
	/* the worker's: its own progress, as draw reads st.p meanwhile */
	size_t			 run;		/* the step it runs */
	int			 run_rc;
	struct script_progress	 wp;
	struct script_out	 o;
} st;

/* The progress file; a failure to read it is said, the rest still shows. */
static void
progress_load(struct tui *t)
{
	st.have_p = 0;
	if (script_progress_read(t->s.db, st.sc, &st.p) != 0) {
		tui_err(t, "script progress");
		return;
	}
	st.have_p = 1;
	if (st.sel >= st.sc->n)
		st.sel = st.p.next < st.sc->n ? st.p.next : 0;
}

/*
 * Read and check a script against the open data directory, from its
 * first step not done, as script run does.  Non-zero only when it cannot
 * be read at all (err_get says why): findings, even errors, are shown.
 */
static int
script_read(struct tui *t, const char *path, struct script **sc,
    struct findings *f)
{
	struct script_progress	p;

	memset(f, 0, sizeof(*f));
	if (script_load(path, sc, f) != 0 ||
	    script_progress_read(t->s.db, *sc, &p) != 0) {
		findings_free(f);
		script_free(*sc);
		*sc = NULL;
		return 1;
	}
	script_check(*sc, t->s.db, p.next, f);
	return 0;
}

static void
script_set(struct script *sc, struct findings *f)
{
	script_free(st.sc);
	findings_free(&st.f);
	st.sc = sc;
	st.f = *f;
	st.panel = f->errors > 0 ? PANEL_FINDINGS : PANEL_STEP;
	st.ftop = 0;
}

int
script_screen_open(struct tui *t, const char *path)
{
	struct script	*sc;
	struct findings	 f;

	if (script_read(t, path, &sc, &f) != 0)
		return 1;
	script_set(sc, &f);
	script_out_clear(&st.o);
	st.t = t;
	st.begun = 0;
	st.first = 0;
	st.sel = SCRIPT_STEPS_MAX;
	progress_load(t);
	return 0;
}

/*
 * Before a run begins (again): the check once more, for what changed
 * since (a cause fixed, a folder now there), on the very bytes whose
 * hash the witnesses compared.
 */
static int
script_recheck(struct tui *t)
{
	struct script	*sc;
	struct findings	 f;

	if (script_read(t, st.sc->path, &sc, &f) != 0) {
		tui_err(t, "script not checked");
		return 1;
	}
	if (strcmp(sc->sha256, st.sc->sha256) != 0) {
		tui_msg(t, 1, "script %s changed since it was opened: o opens "
		    "it again, and the witnesses compare its new SHA-256",
		    sc->path);
		findings_free(&f);
		script_free(sc);
		return 1;
	}
	script_set(sc, &f);
	return 0;
}

static void
script_init(struct tui *t)
{
	st.t = t;
	if (st.sc != NULL)
		progress_load(t);
}

static void
script_fini(void)
{
	script_free(st.sc);
	findings_free(&st.f);
	script_out_clear(&st.o);
	memset(&st, 0, sizeof(st));
}

static int
all_done(void)
{
	return st.have_p && st.p.next == st.sc->n;
}

/* The step values a witness checks before the confirmation. */
static void
step_values(const struct script_step *s, char *buf, size_t len)
{
	const struct {
		const char	*name, *v;
	} kv[] = {
		{ "label", s->label }, { "type", s->type },
		{ "template", s->tmpl }, { "key", s->key }, { "csr", s->csr },
		{ "days", s->days }, { "clamp", s->clamp },
		{ "serial", s->serial }, { "reason", s->reason },
		{ "invalidity_date", s->invalidity }, { "dir", s->dir },
		{ "start", s->start }, { "manual_switch", s->manual },
		{ "generation", s->generation },
	};
	size_t	i, n = 0;

	snprintf(buf, len, "values:");
	for (i = 0; i < sizeof(kv) / sizeof(kv[0]); i++) {
		if (kv[i].v == NULL)
			continue;
		n = strlen(buf);
		snprintf(buf + n, len - n, "%s %s %s", n > 7 ? "," : "",
		    kv[i].name, kv[i].v);
	}
	if (strcmp(buf, "values:") == 0)
		snprintf(buf, len, "values: none (the action takes none)");
}

static const char *
people_of(const struct session *s, char *buf, size_t len)
{
	size_t	i, n;

	snprintf(buf, len, "%s", s->operator != NULL ? s->operator : "-");
	for (i = 0; i < s->nwitness; i++) {
		n = strlen(buf);
		snprintf(buf + n, len - n, "%s%s", i == 0 ? "; " : ", ",
		    s->witness[i]);
	}
	return buf;
}

/* The head's lines: title, file and people wrapped, not cut (a witness
 * compares them); the rows they take. */
static int
draw_head(struct tui *t, int y)
{
	const struct script	*sc = st.sc;
	const char		*missing;
	char			 w[256] = "", here[320], line[4600];
	size_t			 i, n;
	int			 y0 = y;

	putf(y, 1, COLS - 2, "Script  %s", sc->title != NULL ? sc->title :
	    "(no title)");
	mvchgat(y++, 9, COLS - 10, A_BOLD, 0, NULL);
	snprintf(line, sizeof(line), "file    %s", sc->path);
	y += put_wrap(y, 1, COLS - 2, 2, 0, line);
	/* Eight groups of eight, as a witness reads them off paper. */
	putf(y++, 1, COLS - 1, "SHA-256 %.8s %.8s %.8s %.8s %.8s %.8s %.8s "
	    "%.8s", sc->sha256, sc->sha256 + 8, sc->sha256 + 16,
	    sc->sha256 + 24, sc->sha256 + 32, sc->sha256 + 40,
	    sc->sha256 + 48, sc->sha256 + 56);
	for (i = 0; i < sc->nwitness; i++) {
		n = strlen(w);
		snprintf(w + n, sizeof(w) - n, "%s%s", i == 0 ? "" : ", ",
		    sc->witness[i]);
	}
	missing = script_witness_missing(&t->s, sc);
	snprintf(line, sizeof(line), "people  operator %s, witnesses %s | "
	    "here: %s%s%s%s", sc->operator != NULL ? sc->operator : "anyone",
	    sc->nwitness > 0 ? w : "none named", people_of(&t->s, here,
	    sizeof(here)), missing != NULL ? " | " : "", missing != NULL ?
	    missing : "", missing != NULL ? " is not here: add each witness "
	    "on screen 1, w" : "");
	y += put_wrap(y, 1, COLS - 2, 3, 0, line);
	return y - y0;
}

/* One line: what the script's state allows now, the words said. */
static void
draw_verdict(int y)
{
	const struct script_step	*s;
	char				 line[512];
	int				 sev = SEV_OK;

	if (st.f.errors > 0) {
		snprintf(line, sizeof(line), "CHECK FAILED: %zu error%s "
		    "(f shows them): this script cannot be started", st.f.errors,
		    st.f.errors == 1 ? "" : "s");
		sev = SEV_ERROR;
	} else if (!st.have_p) {
		snprintf(line, sizeof(line), "the progress file cannot be "
		    "read: nothing can run");
		sev = SEV_ERROR;
	} else if (all_done()) {
		if (st.last_session != 0)
			snprintf(line, sizeof(line), "ALL %zu STEPS DONE: print "
			    "the record: ceremony audit transcript %llu",
			    st.sc->n, st.last_session);
		else
			snprintf(line, sizeof(line), "ALL %zu STEPS DONE "
			    "(earlier): ceremony audit sessions lists the "
			    "transcripts", st.sc->n);
	} else {
		s = &st.sc->v[st.p.next];
		switch (st.p.state[st.p.next]) {
		case SS_FAILED:
			snprintf(line, sizeof(line), "STOPPED: step %zu [%s] "
			    "FAILED; fix the cause, then r runs it again",
			    st.p.next + 1, s->name);
			sev = SEV_ERROR;
			break;
		case SS_STARTED:
			snprintf(line, sizeof(line), "step %zu [%s] began and "
			    "never ended: see the audit log (7), then r, RETRY "
			    "%zu", st.p.next + 1, s->name, st.p.next + 1);
			sev = SEV_WARN;
			break;
		default:
			snprintf(line, sizeof(line), "next: step %zu of %zu "
			    "[%s]: r, then type RUN %zu", st.p.next + 1,
			    st.sc->n, s->name, st.p.next + 1);
		}
	}
	put_attr(y, 1, COLS - 2, attr_of(sev) | A_BOLD, line);
}

static const char *
state_word(size_t i)
{
	if (!st.have_p)
		return "?";
	return st.p.state[i] == SS_FAILED ? "FAILED" :
	    script_state_name(st.p.state[i]);
}

static void
draw_steps(int y, int rows)
{
	const struct script_step	*s;
	char				 row[512];
	size_t				 i;
	int				 attr, len;

	list_scroll(st.sc->n, st.sel, rows, &st.first);
	for (i = st.first; i < st.sc->n && rows-- > 0; i++, y++) {
		s = &st.sc->v[i];
		len = snprintf(row, sizeof(row), "%c%2zu %-12s %-15s %-7s ",
		    i == st.sel ? '>' : ' ', i + 1, s->name, s->action_name,
		    state_word(i));
		/* A title that does not fit is left out, never cut: the
		 * step's panel below has it whole (Up/Down chooses). */
		if (s->title != NULL && len > 0 && (size_t)len < sizeof(row) &&
		    len + text_width(s->title) <= COLS - 2)
			snprintf(row + len, sizeof(row) - (size_t)len, "%s",
			    s->title);
		put(y, 1, COLS - 2, row);
		attr = 0;
		if (st.have_p && st.p.state[i] == SS_FAILED)
			attr = attr_of(SEV_ERROR);
		if (st.have_p && i == st.p.next)
			attr |= A_REVERSE;
		if (attr != 0)
			mvchgat(y, 2, COLS - 3, attr, PAIR_NUMBER(attr), NULL);
	}
}

static void
draw_step(int y, int rows)
{
	const struct script_step	*s = &st.sc->v[st.sel];
	char				 line[1400];
	int				 end = y + rows;

	snprintf(line, sizeof(line), "step %zu/%zu [%s] %s: %s", st.sel + 1,
	    st.sc->n, s->name, s->action_name, s->title != NULL ? s->title :
	    "");
	y += put_hang(y, 1, COLS - 2, 2, end - y > 2 ? 2 : 1, A_BOLD, line);
	step_values(s, line, sizeof(line));
	y += put_wrap(y, 3, COLS - 4, end - y > 3 ? 2 : 1, 0, line);
	if (y >= end || !st.have_p)
		return;
	if (st.p.state[st.sel] == SS_PENDING)
		snprintf(line, sizeof(line), "pending: not run yet%s",
		    script_needs_token(s) ? " (the token works: log in first)" :
		    "");
	else
		snprintf(line, sizeof(line), "%s %s: %s",
		    state_word(st.sel), st.p.when[st.sel], st.p.detail[st.sel]);
	put_wrap(y, 3, COLS - 4, end - y, 0, line);
}

/*
 * The findings from the ftop'th, each whole (a path in it wraps), as many
 * as fit; PgUp/PgDn scroll them.  The line above says where the view is,
 * so a finding below is never taken for none.
 */
static void
draw_findings(const struct findings *f, size_t *top, int y, int rows,
    const char *head)
{
	char	**v, line[256];
	size_t	  i, n = 0, shown;

	if (rows < 1 || (v = calloc(f->n + 1, sizeof(*v))) == NULL)
		return;
	for (i = 0; i < f->n; i++)
		if (asprintf(&v[n], "%s %s (%s)", f->v[i].error ? "ERROR" :
		    "warning", f->v[i].text, f->v[i].code) >= 0)
			n++;
	shown = pager_draw(y + 1, 3, COLS - 4, rows - 1, v, n, top, NULL);
	if (*top > 0 || shown < n)
		snprintf(line, sizeof(line), "%s: %zu to %zu of %zu shown "
		    "(PgUp/PgDn)", head, *top + 1, shown, n);
	else
		snprintf(line, sizeof(line), "%s", head);
	put_wrap(y, 1, COLS - 2, 1, 0, line);
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void
draw_result(int y, int rows)
{
	const struct script_step	*s = &st.sc->v[st.run];
	size_t				 i;
	int				 end = y + rows;

	putf(y, 1, COLS - 2, "step %zu [%s] %s: %s", st.run + 1, s->name,
	    s->action_name, st.run_rc == 0 ? "done" : "FAILED (the script "
	    "stopped here)");
	mvchgat(y++, 1, COLS - 2, st.run_rc == 0 ? A_BOLD :
	    attr_of(SEV_ERROR) | A_BOLD, st.run_rc == 0 ? 0 :
	    PAIR_NUMBER(attr_of(SEV_ERROR)), NULL);
	/* Serials and fingerprints whole: a witness compares them. */
	for (i = 0; i < st.o.n && y < end; i++)
		y += put_wrap(y, 3, COLS - 4, end - y, 0, st.o.line[i]);
	if (st.run_rc != 0 && st.have_p && y < end)
		y += put_wrap(y, 3, COLS - 4, end - y, 0, st.p.detail[st.run]);
	if (st.o.f.n > 0)
		draw_findings(&st.o.f, &st.ftop, y, end - y, "its findings");
}

static void
draw_panel(int y, int rows)
{
	char	head[128];

	if (st.panel == PANEL_RESULT && st.run < st.sc->n)
		draw_result(y, rows);
	else if (st.panel == PANEL_FINDINGS || st.sc->n == 0) {
		snprintf(head, sizeof(head), "check: %zu error%s, %zu "
		    "warning%s%s", st.f.errors, st.f.errors == 1 ? "" : "s",
		    st.f.n - st.f.errors, st.f.n - st.f.errors == 1 ? "" : "s",
		    st.f.n == 0 ? ": everything the steps use was read" : "");
		draw_findings(&st.f, &st.ftop, y, rows, head);
	} else
		draw_step(y, rows);
}

static void
script_draw(struct tui *t, int top, int rows)
{
	int	list, head, y = top;

	if (st.sc == NULL) {
		put_attr(y++, 1, COLS - 2, A_BOLD, "No ceremony script is open.");
		y += put_wrap(y, 1, COLS - 2, 4, 0, "Start the TUI with "
		    "ceremony tui --script FILE, or press o and type the "
		    "script's path; ceremony script check FILE checks one "
		    "before the ceremony (docs/scripts.md).");
		tui_keys(t, " o open a script   0-9 screens   q quit");
		return;
	}
	head = draw_head(t, y);
	draw_verdict(y + head);
	y += head + 1;
	list = rows - head - 1 - PANEL_MIN;
	/* The findings are what must be read now: the steps give way. */
	if (st.panel == PANEL_FINDINGS && list > LIST_MIN)
		list = LIST_MIN;
	if (list > (int)st.sc->n)
		list = (int)st.sc->n;
	if (list < LIST_MIN)
		list = LIST_MIN;
	/* The fewest rows (a 3-line banner, a prompt open): the steps keep
	 * what is left and scroll in it. */
	if (list > rows - head - 1)
		list = rows - head - 1 > 0 ? rows - head - 1 : 0;
	draw_steps(y, list);
	y += list;
	if (top + rows - y > 0)
		draw_panel(y, top + rows - y);
	tui_keys(t, " r run the next step  Up/Down steps  f findings  "
	    "l log in  o open  0-9 screens");
}

static void *
script_arg(void)
{
	return &st;
}

static int
step_work(void *arg)
{
	(void)arg;
	script_out_clear(&st.o);
	return script_step_run(&st.t->s, st.sc, &st.wp, st.run, &st.o);
}

static void
step_done(struct tui *t, int rc)
{
	char	what[160];

	st.run_rc = rc;
	st.p = st.wp;
	st.panel = PANEL_RESULT;
	st.last_session = t->s.audit_session;
	if (rc != 0) {
		/* A resume is a new run: its own script.run record. */
		st.begun = 0;
		snprintf(what, sizeof(what), "step %zu [%s] failed, the script "
		    "stopped", st.run + 1, st.sc->v[st.run].name);
		tui_err(t, what);
	} else if (st.p.next == st.sc->n)
		tui_msg(t, 0, "all %zu steps done: print the transcript with "
		    "ceremony audit transcript %llu --home %s", st.sc->n,
		    st.last_session, t->s.home);
	else
		tui_msg(t, 0, "step %zu [%s] done; Enter shows the next one",
		    st.run + 1, st.sc->v[st.run].name);
	progress_load(t);
	st.sel = st.run;
}

/*
 * The run's script.run record (the people, the state, the login) once
 * per audit session and after a failure, then the step on the worker.
 */
static void
step_start(struct tui *t, int retry)
{
	char	what[160];

	if (!st.begun || st.begun_session != t->s.audit_session) {
		if (script_begin(&t->s, st.sc, &st.p, retry, HOW) != 0) {
			tui_err(t, "script not started");
			progress_load(t);
			return;
		}
		st.begun = 1;
		st.begun_session = t->s.audit_session;
	}
	st.run = st.p.next;
	st.wp = st.p;
	st.panel = PANEL_STEP;	/* st.o is the worker's until it is done */
	snprintf(what, sizeof(what), "step %zu [%s] %s", st.run + 1,
	    st.sc->v[st.run].name, st.sc->v[st.run].action_name);
	tui_run(t, what, step_work, script_arg(), step_done);
}

static void
run_confirmed(struct tui *t)
{
	step_start(t, 0);
}

static void
retry_confirmed(struct tui *t)
{
	/* script_begin takes the word only with a fresh record. */
	st.begun = 0;
	step_start(t, 1);
}

static int
needs_login(void)
{
	size_t	i;

	for (i = st.p.next; i < st.sc->n; i++)
		if (script_needs_token(&st.sc->v[i]))
			return 1;
	return 0;
}

static void
run_ask(struct tui *t)
{
	const char	*w;
	char		 q[256], word[32];
	size_t		 i;

	if (!st.begun || st.begun_session != t->s.audit_session) {
		if (script_recheck(t) != 0)
			return;
	}
	if (st.f.errors > 0) {
		tui_msg(t, 1, "script %s has %zu check error%s (f shows them): "
		    "it cannot be started; fix them, then r checks it again (o "
		    "opens an edited script)", st.sc->path, st.f.errors,
		    st.f.errors == 1 ? "" : "s");
		return;
	}
	progress_load(t);
	if (!st.have_p)
		return;
	if (all_done()) {
		tui_msg(t, 0, "every step of the script is done: nothing to "
		    "run");
		return;
	}
	if ((w = script_witness_missing(&t->s, st.sc)) != NULL) {
		tui_msg(t, 1, "the script names witness %s, who is not recorded "
		    "for this session: add each witness on the Token screen "
		    "(1, then w), then r again", w);
		return;
	}
	if (needs_login() && !t->s.logged_in) {
		tui_msg(t, 1, "a step ahead needs the token: log in first (l "
		    "here, or screen 1)");
		return;
	}
	i = st.sel = st.p.next;
	st.panel = PANEL_STEP;
	if (st.p.state[i] == SS_STARTED) {
		snprintf(word, sizeof(word), "RETRY %zu", i + 1);
		snprintf(q, sizeof(q), "Step %zu [%s] began at %s and never "
		    "finished. If the audit log (7) shows it did not end, type "
		    "%s to run it again (Esc cancels):", i + 1,
		    st.sc->v[i].name, st.p.when[i], word);
		tui_confirm(t, q, word, retry_confirmed);
		return;
	}
	snprintf(word, sizeof(word), "RUN %zu", i + 1);
	snprintf(q, sizeof(q), "Type %s to run step %zu [%s] %s, as shown "
	    "above (Esc cancels):", word, i + 1, st.sc->v[i].name,
	    st.sc->v[i].action_name);
	tui_confirm(t, q, word, run_confirmed);
}

static void
open_done(struct tui *t, const char *path)
{
	if (path[0] == '\0' || script_screen_open(t, path) != 0) {
		tui_err(t, "script not opened");
		return;
	}
	tui_msg(t, st.f.errors > 0, "script %s: %zu steps, %zu error%s, %zu "
	    "warning%s", path, st.sc->n, st.f.errors, st.f.errors == 1 ? "" :
	    "s", st.f.n - st.f.errors, st.f.n - st.f.errors == 1 ? "" : "s");
}

static void
script_key(struct tui *t, int ch)
{
	if (ch == 'o') {
		tui_prompt(t, "Path of the ceremony script to open (Esc "
		    "cancels):", st.sc != NULL ? st.sc->path : "", open_done);
		return;
	}
	if (st.sc == NULL)
		return;
	if (ch == KEY_NPAGE || ch == KEY_PPAGE) {
		/* The findings scroll (pager_draw keeps the last page full). */
		if (ch == KEY_NPAGE)
			st.ftop++;
		else if (st.ftop > 0)
			st.ftop--;
		return;
	}
	if (list_move(ch, st.sc->n, &st.sel, 1)) {
		st.panel = PANEL_STEP;
		return;
	}
	switch (ch) {
	case 'r':
		run_ask(t);
		break;
	case 'l':
		/* The token screen's own PIN prompt (shares: screen 1, s). */
		screen_token.key(t, 'l');
		break;
	case 'f':
		st.ftop = 0;
		st.panel = st.panel == PANEL_FINDINGS ? PANEL_STEP :
		    PANEL_FINDINGS;
		break;
	case TUI_ENTER:
	case KEY_ENTER:
	case '\r':
		if (st.have_p && st.p.next < st.sc->n)
			st.sel = st.p.next;
		st.panel = PANEL_STEP;
		break;
	}
}

/* The help overlay's lines for this screen (? or F1); the keys of the
 * foot, each with what it does. */
static const struct key_help script_help[] = {
	{ "o", "open a ceremony script: its path is asked" },
	{ "r", "run the next step, after its word (RUN N) is typed" },
	{ "Up/Down", "choose a step to read its values" },
	{ "f", "the script's check findings, or back to the step" },
	{ "PgUp/PgDn", "scroll the findings where they do not all fit" },
	{ "l", "log in to the token (as on screen 1)" },
	{ "Enter", "back to the next step to run" },
	{ NULL, NULL }
};

const struct screen screen_script = {
	"Script", '0', script_init, script_draw, script_key, script_fini,
	script_help
};
