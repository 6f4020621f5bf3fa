/* SPDX-License-Identifier: ISC */
/*
 * The sign screen: the inbox (HOME/requests) checked against the policy
 * of the chosen signing template, each request with its verdict; Enter
 * opens the inspector (the decoded request and every finding, errors
 * first by severity).  A request with an error finding cannot be signed
 * from here; for a good one, s shows the preview (the to-be-signed
 * certificate sign_prepare() built, decoded by sign_preview_text(), as
 * sign --preview does), and once the officer types SIGN the very
 * certificate previewed is signed (sign_prepared(), as sign_csr() does),
 * its whole fingerprint shown, and the request moved to requests/done/.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NCURSES_WIDECHAR 1
#include <curses.h>

#include "tui/tui.h"

#define TMPL_MAX	16

struct item {
	char		*path;
	const char	*name;
	struct vetted	*c;		/* NULL: unreadable, why says */
	char		 why[1024];
};

static struct {
	struct tmpl	*tm[TMPL_MAX];
	size_t		 ntm, cur;
	struct policy	*pol;		/* the current template's */
	struct item	*v;
	size_t		 n, sel, first;
	int		 inspect;	/* the inspector is open */
	char		**lines;	/* its text */
	size_t		 nlines, top;
	long		 days;		/* 0: the template's */
	int		 preview;	/* the preview is open (st.out built) */
	char		**pv;		/* its text */
	size_t		 npv, pvtop;
	/* the worker's */
	struct tui		*t;
	struct sign_opts	 o;
	struct sign_outcome	 out;
	char			 result[512];
	char			 fp[96];	/* the last one's SHA-256 */
} st;

/* The preview closed: its text freed, the certificate built dropped
 * (its serial was never reserved). */
static void
preview_close(void)
{
	lines_free(st.pv, st.npv);
	st.pv = NULL;
	st.npv = st.pvtop = 0;
	st.preview = 0;
	sign_outcome_clear(&st.out);
}

static void
items_free(void)
{
	size_t	i;

	for (i = 0; i < st.n; i++) {
		free(st.v[i].path);
		vetted_free(st.v[i].c);
	}
	free(st.v);
	st.v = NULL;
	st.n = 0;
	lines_free(st.lines, st.nlines);
	st.lines = NULL;
	st.nlines = 0;
	st.inspect = 0;
}

static int
tmpl_cmp(const void *a, const void *b)
{
	return strcmp((*(struct tmpl *const *)a)->name,
	    (*(struct tmpl *const *)b)->name);
}

/* The signing templates of the folder: every .cnf that loads as one. */
static void
sign_templates(struct tui *t)
{
	DIR		*d;
	struct dirent	*e;
	struct tmpl	*tm;
	char		 path[4096];
	size_t		 len;

	if ((d = opendir(t->templates)) == NULL)
		return;
	while ((e = readdir(d)) != NULL && st.ntm < TMPL_MAX) {
		len = strlen(e->d_name);
		if (len < 5 || strcmp(e->d_name + len - 4, ".cnf") != 0 ||
		    strncmp(e->d_name, "policy-", 7) == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", t->templates, e->d_name);
		if (tmpl_load(path, &tm) != 0) {
			err_clear();	/* a CRL template, say: not ours */
			continue;
		}
		if (tm->kindv == TMPL_ROOT || tm->kindv == TMPL_REQUEST ||
		    tm->policy_path == NULL)
			tmpl_free(tm);
		else
			st.tm[st.ntm++] = tm;
	}
	closedir(d);
	qsort(st.tm, st.ntm, sizeof(st.tm[0]), tmpl_cmp);
	/* The subordinate CA's first: a root signs intermediates. */
	for (len = 0; len < st.ntm; len++)
		if (st.tm[len]->kindv == TMPL_SUBCA)
			st.cur = len;
}

static void
sign_load_inbox(struct tui *t)
{
	char	**paths = NULL, *dir;
	size_t	  n = 0, i;

	items_free();
	if ((dir = db_path(t->s.db, "requests")) == NULL ||
	    csr_inbox_list(dir, &paths, &n) != 0) {
		free(dir);
		tui_err(t, "inbox");
		return;
	}
	free(dir);
	if ((st.v = calloc(n + 1, sizeof(*st.v))) == NULL) {
		csr_inbox_free(paths, n);
		tui_msg(t, 1, "out of memory");
		return;
	}
	for (i = 0; i < n; i++, st.n++) {
		st.v[i].path = paths[i];
		paths[i] = NULL;
		st.v[i].name = strrchr(st.v[i].path, '/') != NULL ?
		    strrchr(st.v[i].path, '/') + 1 : st.v[i].path;
		/* Parsed, checked and put in words by the intake. */
		if (intake_vet(&t->s, st.v[i].path, st.pol, VET_TEXT,
		    &st.v[i].c) != 0) {
			snprintf(st.v[i].why, sizeof(st.v[i].why), "%s",
			    err_get());
			err_clear();
		}
	}
	csr_inbox_free(paths, n);
	if (st.sel >= st.n)
		st.sel = st.n > 0 ? st.n - 1 : 0;
}

static void
sign_policy(struct tui *t)
{
	policy_free(st.pol);
	st.pol = NULL;
	if (st.ntm > 0 && policy_load(st.tm[st.cur]->policy_path,
	    &st.pol) != 0)
		tui_err(t, "policy");
}

static void
sign_init(struct tui *t)
{
	st.t = t;
	/* Back on the screen, the inbox is read again: a preview left open
	 * may no longer be of the request chosen (nothing was reserved). */
	preview_close();
	if (st.ntm == 0) {
		sign_templates(t);
		if (st.ntm == 0) {
			tui_msg(t, 1, "no signing template in %s: give "
			    "--templates DIR", t->templates);
			return;
		}
	}
	sign_policy(t);
	sign_load_inbox(t);
}

static void
sign_fini(void)
{
	size_t	i;

	items_free();
	for (i = 0; i < st.ntm; i++)
		tmpl_free(st.tm[i]);
	policy_free(st.pol);
	preview_close();
	memset(&st, 0, sizeof(st));
}

static void
verdict(const struct item *it, char *buf, size_t len, int *sev)
{
	if (it->c == NULL) {
		snprintf(buf, len, "UNREADABLE");
		*sev = SEV_ERROR;
	} else if (it->c->f.errors > 0) {
		snprintf(buf, len, "REJECT %zu error%s", it->c->f.errors,
		    it->c->f.errors == 1 ? "" : "s");
		*sev = SEV_ERROR;
	} else if (it->c->f.n > 0) {
		snprintf(buf, len, "accept, %zu warning%s", it->c->f.n,
		    it->c->f.n == 1 ? "" : "s");
		*sev = SEV_WARN;
	} else {
		snprintf(buf, len, "accept");
		*sev = SEV_OK;
	}
}

/* A request's row: its file name whole (escaped when read, inbox.c),
 * the verdict, the subject or why there is none; wrapped, never cut. */
static void
inbox_row(void *arg, size_t i, char *buf, size_t len)
{
	char	 v[64], *subj;
	int	 sev;

	(void)arg;
	verdict(&st.v[i], v, sizeof(v), &sev);
	subj = st.v[i].c != NULL ? name_text(st.v[i].c->subject) : NULL;
	snprintf(buf, len, "%-24s %-20s %s", st.v[i].name, v,
	    subj != NULL ? subj : st.v[i].why);
	free(subj);
}

/* The verdict in its colour, where a name of 24 or fewer leaves it. */
static void
inbox_paint(void *arg, size_t i, int y)
{
	char	 v[64];
	int	 sev;

	(void)arg;
	verdict(&st.v[i], v, sizeof(v), &sev);
	if (text_width(st.v[i].name) <= 24)
		put_attr(y, 26, 20, attr_of(sev), v);
}

static void
sign_draw_list(struct tui *t, int top, int rows)
{
	struct wrap_list	 l = { st.n, &st.sel, &st.first, NULL, inbox_row,
	    inbox_paint, 2 };
	char			 head[1024];
	int			 y = top;

	snprintf(head, sizeof(head), "Template %s (policy %s), validity %ld "
	    "days%s", st.ntm ? st.tm[st.cur]->name : "-", st.pol != NULL ?
	    st.pol->name : "-", st.days ? st.days : st.ntm ?
	    st.tm[st.cur]->days : 0, st.days ? "" : " (the template's)");
	y += put_hang(y, 1, COLS - 2, 2, 2, 0, head);
	snprintf(head, sizeof(head), "Inbox %s/requests", t->s.home);
	y += put_hang(y, 1, COLS - 2, 2, 2, 0, head);
	put_attr(y++, 1, COLS - 2, A_UNDERLINE, "request                  "
	    "verdict              subject");
	if (st.n == 0)
		put(y++, 3, COLS - 4, "the inbox is empty: requests arrive as "
		    "files in requests/");
	wrap_list_draw(y, 1, COLS - 2, top + rows - (st.result[0] ? 5 : 2) - y,
	    &l);
	/* The whole fingerprint, on two lines: 95 characters fit no row. */
	if (st.result[0] != '\0') {
		put_wrap(top + rows - 4, 1, COLS - 2, 2, A_BOLD, st.result);
		putf(top + rows - 2, 1, COLS - 2, "SHA-256 %.47s", st.fp);
		putf(top + rows - 1, 1, COLS - 2, "        %s",
		    strlen(st.fp) > 48 ? st.fp + 48 : "");
	}
	tui_keys(t, " Enter inspect  s sign  x reject  t template  d days  "
	    "r reload  q quit");
}

/* The inspector's text: the decoded request, then every finding. */
static int
sign_inspect_text(const struct item *it)
{
	char	*buf = NULL;
	size_t	 len = 0, i;
	FILE	*m;
	int	 rc;

	if ((m = open_memstream(&buf, &len)) == NULL) {
		err_set("out of memory");
		return 1;
	}
	/* The verdict first: it decides what the officer may do. */
	fprintf(m, "policy %s: %s\n", st.pol != NULL ? st.pol->name : "-",
	    it->c == NULL ? "UNREADABLE" : it->c->f.errors ? "REJECT" :
	    "accept");
	for (i = 0; it->c != NULL && i < it->c->f.n; i++)
		fprintf(m, "%s %s%s%s\n        %s\n", it->c->f.v[i].error ?
		    "ERROR  " : "warning", it->c->f.v[i].code,
		    it->c->f.v[i].value[0] ? ": " : "", it->c->f.v[i].value,
		    it->c->f.v[i].text);
	if (it->c != NULL && it->c->f.n == 0)
		fprintf(m, "no findings\n");
	fprintf(m, "\n");
	if (it->c == NULL)
		fprintf(m, "cannot be read: %s\n", it->why);
	else
		fputs(it->c->text != NULL ? it->c->text : "", m);
	fclose(m);
	rc = lines_of(buf, &st.lines, &st.nlines);
	free(buf);
	return rc;
}

/* A report line's colour: findings stand out. */
static int
inspect_attr(const char *line)
{
	return strncmp(line, "ERROR", 5) == 0 ? attr_of(SEV_ERROR) :
	    strncmp(line, "warning", 7) == 0 ? attr_of(SEV_WARN) : 0;
}

static void
sign_draw_inspect(struct tui *t, int top, int rows)
{
	putf(top, 1, COLS - 2, "Request %s", st.v[st.sel].name);
	pager_draw(top + 1, 1, COLS - 2, rows - 1, st.lines, st.nlines,
	    &st.top, inspect_attr);
	tui_keys(t, " Up/Down scroll  s sign  x reject  Esc back to the inbox  "
	    "q quit");
}

static int
preview_attr(const char *line)
{
	return strncmp(line, "ERROR", 5) == 0 ? attr_of(SEV_ERROR) :
	    strstr(line, "NOT inside") != NULL ? attr_of(SEV_WARN) : 0;
}

/* The to-be-signed certificate, scrolled as the inspector is. */
static void
sign_draw_preview(struct tui *t, int top, int rows)
{
	putf(top, 1, COLS - 2, "Preview: the certificate for %s",
	    st.v[st.sel].name);
	pager_draw(top + 1, 1, COLS - 2, rows - 1, st.pv, st.npv, &st.pvtop,
	    preview_attr);
	tui_keys(t, " Up/Down/PgUp/PgDn scroll  s or Enter: type SIGN  "
	    "Esc cancel");
}

static void
sign_draw(struct tui *t, int top, int rows)
{
	if (st.preview && st.sel < st.n)
		sign_draw_preview(t, top, rows);
	else if (st.inspect && st.sel < st.n)
		sign_draw_inspect(t, top, rows);
	else
		sign_draw_list(t, top, rows);
}

static void *
sign_arg(void)
{
	return &st;
}

static int
sign_work(void *arg)
{
	struct item	*it = &st.v[st.sel];

	(void)arg;
	/* The certificate previewed, reserved and signed as it was shown. */
	if (sign_prepared(&st.t->s, &st.out) != 0)
		return 1;
	if (csr_inbox_move(it->path, "done") != 0) {
		err_context("signed as %s, but still in the inbox",
		    st.out.j.serial);
		return 1;
	}
	return 0;
}

static void
sign_done(struct tui *t, int rc)
{
	char	subj[1024];

	st.result[0] = st.fp[0] = '\0';
	if (rc != 0)
		tui_err(t, "not signed");
	else {
		cert_fingerprint(st.out.j.cert, st.fp, sizeof(st.fp));
		snprintf(st.result, sizeof(st.result), "signed %s serial %s",
		    esc_text(subj, sizeof(subj), st.out.j.subject_text,
		    ESC_TERMINAL), st.out.j.serial);
		tui_msg(t, 0, "certificate issued: serial %s, exported to %s",
		    st.out.j.serial, st.out.dir);
	}
	preview_close();
	sign_load_inbox(t);
}

static void
sign_confirmed(struct tui *t)
{
	if (!t->s.logged_in) {
		tui_msg(t, 1, "log in first (screen 1, then l)");
		return;
	}
	tui_run(t, "the token signs the certificate", sign_work, sign_arg(),
	    sign_done);
}

/* The preview's text: the certificate decoded, then every finding. */
static int
sign_preview_lines(void)
{
	char	*text = NULL, *buf = NULL;
	size_t	 len = 0, i;
	FILE	*m;
	int	 rc;

	if (st.out.j.cert != NULL && sign_preview_text(&st.out, &text) != 0)
		return 1;
	if ((m = open_memstream(&buf, &len)) == NULL) {
		free(text);
		err_set("out of memory");
		return 1;
	}
	for (i = 0; i < st.out.f.n; i++)
		fprintf(m, "%s %s%s%s\n        %s\n", st.out.f.v[i].error ?
		    "ERROR  " : "warning", st.out.f.v[i].code,
		    st.out.f.v[i].value[0] ? ": " : "", st.out.f.v[i].value,
		    st.out.f.v[i].text);
	fputs(text != NULL ? text : "", m);
	fclose(m);
	free(text);
	rc = lines_of(buf, &st.pv, &st.npv);
	free(buf);
	return rc;
}

/*
 * s: the certificate built by the core (sign_prepare, on the token's key,
 * with the serial that signing reserves), shown before anything is asked.
 * A build the lint refuses is shown with its findings and audited as a
 * signing that failed, as sign_csr() does.
 */
static void
sign_start(struct tui *t)
{
	struct item	*it;
	int		 rc;

	if (st.sel >= st.n || st.ntm == 0 || st.pol == NULL)
		return;
	it = &st.v[st.sel];
	if (it->c == NULL || it->c->f.errors > 0) {
		tui_msg(t, 1, "%s fails policy %s (%zu error%s): it cannot be "
		    "signed; Enter shows why", it->name, st.pol->name,
		    it->c->f.errors, it->c->f.errors == 1 ? "" : "s");
		return;
	}
	if (!t->s.logged_in) {
		tui_msg(t, 1, "log in first (screen 1, then l)");
		return;
	}
	preview_close();
	memset(&st.o, 0, sizeof(st.o));
	st.o.days = st.days;
	if ((rc = sign_prepare(&t->s, st.tm[st.cur], st.pol, it->c, &st.o, 1,
	    &st.out)) != 0) {
		(void)sign_unprepared(&t->s, &st.out, 0);
		tui_err(t, "not signed");
		/* Nothing built, nothing found: the message says it all. */
		if (st.out.j.cert == NULL && st.out.f.n == 0) {
			preview_close();
			return;
		}
	}
	if (sign_preview_lines() != 0) {
		tui_err(t, "preview");
		preview_close();
		return;
	}
	st.preview = rc == 0 ? 1 : -1;	/* -1: shown, cannot be signed */
}

/* s or Enter in the preview: the typed confirmation. */
static void
sign_ask(struct tui *t)
{
	struct item	*it = &st.v[st.sel];
	char		 q[512], subj[256];

	if (st.preview < 0) {
		tui_msg(t, 1, "this certificate cannot be signed: its findings "
		    "are at the top of the preview; Esc goes back");
		return;
	}
	snprintf(q, sizeof(q), "Type SIGN to have the token sign %s as %s, "
	    "serial %s (Esc cancels):", esc_text(subj, sizeof(subj),
	    st.out.j.subject_text != NULL ? st.out.j.subject_text : it->name,
	    ESC_TERMINAL), st.tm[st.cur]->name, st.out.j.serial);
	tui_confirm(t, q, "SIGN", sign_confirmed);
}

static void
sign_preview_key(struct tui *t, int ch)
{
	switch (ch) {
	case TUI_ESC: case KEY_LEFT: case KEY_BACKSPACE:
		preview_close();
		tui_msg(t, 0, "cancelled: nothing was signed, no serial "
		    "reserved");
		break;
	case 's': case TUI_ENTER: case '\r': case KEY_ENTER:
		sign_ask(t);
		break;
	default:
		list_move(ch, st.npv, &st.pvtop, t->rows - 1);
	}
}

/* REJECT typed: the core's inbox_reject, as sign --inbox rejects one. */
static void
sign_rejected(struct tui *t)
{
	struct item	*it;
	char		 why[1100], name[1024];

	if (st.sel >= st.n || st.ntm == 0 || st.pol == NULL)
		return;
	it = &st.v[st.sel];
	if (it->c == NULL)
		snprintf(why, sizeof(why), "rejected by the officer: %s",
		    it->why);
	else if (it->c->f.errors > 0)
		snprintf(why, sizeof(why), "rejected by the officer: fails "
		    "policy %s", st.pol->name);
	else
		snprintf(why, sizeof(why), "rejected by the officer");
	esc_text(name, sizeof(name), it->name, ESC_TERMINAL);
	if (inbox_reject(&t->s, st.tm[st.cur], st.pol, it->path, it->c,
	    why) != 0)
		tui_err(t, "not rejected");
	else
		tui_msg(t, 0, "%s rejected: moved to requests/rejected/ with "
		    "%s.findings, and audited", name, name);
	st.inspect = 0;
	sign_load_inbox(t);
}

/* x: reject the chosen request, once REJECT is typed. */
static void
sign_reject(struct tui *t)
{
	char	q[512], name[256];

	if (st.sel >= st.n || st.ntm == 0 || st.pol == NULL)
		return;
	snprintf(q, sizeof(q), "Type REJECT to move %s to requests/rejected/ "
	    "with its findings (Esc cancels):", esc_text(name, sizeof(name),
	    st.v[st.sel].name, ESC_TERMINAL));
	tui_confirm(t, q, "REJECT", sign_rejected);
}

static void
sign_days(struct tui *t, const char *text)
{
	long	v;

	if (*text == '\0') {
		st.days = 0;
		return;
	}
	if (parse_long("days", text, 1, st.tm[st.cur]->max_days, &v) != 0) {
		tui_err(t, "validity");
		return;
	}
	st.days = v;
}

static void
sign_key(struct tui *t, int ch)
{
	if (st.preview) {
		sign_preview_key(t, ch);
		return;
	}
	if (st.inspect) {
		if (ch == TUI_ESC || ch == KEY_LEFT || ch == KEY_BACKSPACE) {
			st.inspect = 0;
			return;
		}
		if (ch == 's')
			sign_start(t);
		else if (ch == 'x')
			sign_reject(t);
		else if (!list_move(ch, st.nlines, &st.top, t->rows - 1))
			return;
		return;
	}
	list_move(ch, st.n, &st.sel, t->rows - 5);
	switch (ch) {
	case TUI_ENTER: case '\r': case KEY_ENTER: case KEY_RIGHT:
		if (st.sel >= st.n)
			break;
		lines_free(st.lines, st.nlines);
		st.lines = NULL;
		st.nlines = st.top = 0;
		if (sign_inspect_text(&st.v[st.sel]) != 0)
			tui_err(t, "inspector");
		else
			st.inspect = 1;
		break;
	case 's':
		sign_start(t);
		break;
	case 'x':
		sign_reject(t);
		break;
	case 't':
		if (st.ntm == 0)
			break;
		st.cur = (st.cur + 1) % st.ntm;
		st.days = 0;
		sign_policy(t);
		sign_load_inbox(t);
		break;
	case 'd':
		if (st.ntm > 0)
			tui_prompt(t, "Validity in days (empty: the "
			    "template's; Enter sets it):", "", sign_days);
		break;
	case 'r':
		sign_load_inbox(t);
		break;
	}
}

/* The help overlay's lines for this screen (? or F1); the keys of the
 * foot, each with what it does. */
static const struct key_help sign_help[] = {
	{ "Up/Down", "choose a request in the inbox; in the inspector, scroll" },
	{ "Enter", "inspect the request: its findings first, then the decoded "
	    "request; in the preview, as s: type SIGN" },
	{ "s", "preview the certificate the chosen request would get, then "
	    "(s or Enter again) type SIGN to sign it" },
	{ "PgUp/PgDn", "scroll the preview or the inspector a page" },
	{ "x", "reject the chosen request: type REJECT; it moves to "
	    "requests/rejected/ with its findings, and is audited" },
	{ "t", "the next template (and its policy) to check the inbox against" },
	{ "d", "the validity in days, within the template's and the issuer's" },
	{ "r", "read the inbox again" },
	{ "Esc", "from the preview or the inspector back: nothing signed" },
	{ NULL, NULL }
};

const struct screen screen_sign = {
	"Sign", '3', sign_init, sign_draw, sign_key, sign_fini,
	sign_help
};
