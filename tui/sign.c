/* SPDX-License-Identifier: ISC */
/*
 * The sign screen: the inbox (HOME/requests) checked against the policy
 * of the chosen signing template, each request with its verdict; Enter
 * opens the inspector (the decoded request and every finding, errors
 * first by severity).  A request with an error finding cannot be signed
 * from here; a good one is signed after the officer types SIGN, by the
 * same sign_csr() the command line calls, then moved to requests/done/.
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
	/* the worker's */
	struct tui		*t;
	struct sign_opts	 o;
	struct sign_outcome	 out;
	char			 result[512];
} st;

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
	sign_outcome_clear(&st.out);
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

static void
sign_draw_list(struct tui *t, int top, int rows)
{
	char	 v[64], *subj;
	size_t	 i;
	int	 y = top, sev;

	putf(y++, 1, COLS - 2, "Template %s (policy %s), validity %ld days%s",
	    st.ntm ? st.tm[st.cur]->name : "-", st.pol != NULL ?
	    st.pol->name : "-", st.days ? st.days : st.ntm ?
	    st.tm[st.cur]->days : 0, st.days ? "" : " (the template's)");
	putf(y++, 1, COLS - 2, "Inbox %s/requests", t->s.home);
	put_attr(y++, 1, COLS - 2, A_UNDERLINE, "request                  "
	    "verdict              subject");
	if (st.n == 0)
		put(y++, 3, COLS - 4, "the inbox is empty: requests arrive as "
		    "files in requests/");
	list_scroll(st.n, st.sel, rows - 4, &st.first);
	for (i = st.first; i < st.n && y < top + rows - 2; i++, y++) {
		verdict(&st.v[i], v, sizeof(v), &sev);
		subj = st.v[i].c != NULL ? name_text(
		    st.v[i].c->subject) : NULL;
		putf(y, 1, COLS - 2, "%-24.24s %-20s %s", st.v[i].name, v,
		    subj != NULL ? subj : st.v[i].why);
		put_attr(y, 26, 20, attr_of(sev), v);
		if (i == st.sel)
			mvchgat(y, 0, COLS, A_REVERSE, 0, NULL);
		free(subj);
	}
	if (st.result[0] != '\0')
		put_attr(top + rows - 1, 1, COLS - 2, A_BOLD, st.result);
	tui_keys(t, " Enter inspect  s sign  t template  d days  r reload  "
	    "1-9 screens  q quit");
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

static void
sign_draw_inspect(struct tui *t, int top, int rows)
{
	size_t	i;
	int	y = top, sev;

	putf(y++, 1, COLS - 2, "Request %s", st.v[st.sel].name);
	/* Scrolled to the end, the last page stays full. */
	i = st.top;
	if (st.nlines > (size_t)rows - 1 && i > st.nlines - ((size_t)rows - 1))
		i = st.nlines - ((size_t)rows - 1);
	for (; i < st.nlines && y < top + rows; i++, y++) {
		sev = strncmp(st.lines[i], "ERROR", 5) == 0 ? SEV_ERROR :
		    strncmp(st.lines[i], "warning", 7) == 0 ? SEV_WARN : -1;
		if (sev >= 0)
			put_attr(y, 1, COLS - 2, attr_of(sev), st.lines[i]);
		else
			put(y, 1, COLS - 2, st.lines[i]);
	}
	tui_keys(t, " Up/Down scroll   s sign   Esc back to the inbox   "
	    "q quit");
}

static void
sign_draw(struct tui *t, int top, int rows)
{
	if (st.inspect && st.sel < st.n)
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
	sign_outcome_clear(&st.out);
	if (sign_csr(&st.t->s, st.tm[st.cur], st.pol, it->c, &st.o,
	    &st.out) != 0)
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
	char	fp[96] = "";

	if (rc != 0) {
		tui_err(t, "not signed");
		st.result[0] = '\0';
	} else {
		cert_fingerprint(st.out.j.cert, fp, sizeof(fp));
		snprintf(st.result, sizeof(st.result), "signed %s serial %s",
		    st.out.j.subject_text, st.out.j.serial);
		tui_msg(t, 0, "certificate issued: serial %s, exported to %s "
		    "(SHA-256 %.23s...)", st.out.j.serial, st.out.dir, fp);
	}
	sign_outcome_clear(&st.out);
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

static void
sign_start(struct tui *t)
{
	struct item	*it;
	char		 q[512], *subj;

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
	memset(&st.o, 0, sizeof(st.o));
	st.o.days = st.days;
	subj = name_text(it->c->subject);
	snprintf(q, sizeof(q), "Type SIGN to have the token sign %s as %s for "
	    "%ld days (Esc cancels):", subj != NULL ? subj : it->name,
	    st.tm[st.cur]->name, st.days ? st.days : st.tm[st.cur]->days);
	free(subj);
	tui_confirm(t, q, "SIGN", sign_confirmed);
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
	if (st.inspect) {
		if (ch == TUI_ESC || ch == KEY_LEFT || ch == KEY_BACKSPACE) {
			st.inspect = 0;
			return;
		}
		if (ch == 's')
			sign_start(t);
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
	    "request" },
	{ "s", "sign the chosen request under the template: type SIGN" },
	{ "t", "the next template (and its policy) to check the inbox against" },
	{ "d", "the validity in days, within the template's and the issuer's" },
	{ "r", "read the inbox again" },
	{ "Esc", "from the inspector back to the inbox" },
	{ NULL, NULL }
};

const struct screen screen_sign = {
	"Sign", '3', sign_init, sign_draw, sign_key, sign_fini,
	sign_help
};
