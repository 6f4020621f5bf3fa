/* SPDX-License-Identifier: ISC */
/*
 * The audit log viewer: every record as a row (sequence, time, operator,
 * operation, result, detail), newest at the bottom and in view, and the
 * verdict on the hash chain (db_audit_verify) above it.  Enter opens a
 * record: every field of it on a line of its own, wrapped, never cut.
 * Read only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NCURSES_WIDECHAR 1
#include <curses.h>

#include "tui/tui.h"

static struct {
	char	**rows;
	char	**raw;			/* the records as the log has them */
	size_t	  n, nraw, sel, first;
	char	  verdict[1100];
	int	  intact;
	long	  bad;			/* where the chain breaks, 0 none */
	int	  open;			/* a record is open */
	char	**fields;		/* its lines */
	size_t	  nfields, top;
} st;

static void
audit_close(void)
{
	lines_free(st.fields, st.nfields);
	st.fields = NULL;
	st.nfields = st.top = 0;
	st.open = 0;
}

static void
audit_init(struct tui *t)
{
	struct audit_row	 r;
	FILE			*f = NULL;
	char			*path, *line = NULL, row[700];
	size_t			 cap = 0;
	long			 bad = 0;

	audit_close();
	lines_free(st.rows, st.n);
	lines_free(st.raw, st.nraw);
	st.rows = st.raw = NULL;
	st.n = st.nraw = 0;
	if ((path = db_path(t->s.db, "audit.log")) == NULL)
		return;
	st.intact = db_audit_verify(path, &bad) == 0;
	st.bad = st.intact ? 0 : bad;
	snprintf(st.verdict, sizeof(st.verdict), "%s", st.intact ?
	    "hash chain intact" : err_get());
	err_clear();
	if ((f = fopen(path, "r")) == NULL) {
		tui_msg(t, 1, "cannot open %s", path);
		free(path);
		return;
	}
	while (getline(&line, &cap, f) != -1) {
		if (line[0] == '#' || line[0] == '\n')
			continue;
		db_audit_row(line, &r);
		snprintf(row, sizeof(row), "%-4s %-20s %-10.10s %-13s %-4s %s",
		    r.seq, r.time, r.operator, r.op, r.result, r.detail);
		if (lines_add(&st.rows, &st.n, row, strlen(row)) != 0 ||
		    lines_add(&st.raw, &st.nraw, line, strcspn(line, "\n")) != 0)
			break;
	}
	free(line);
	fclose(f);
	free(path);
	st.sel = st.n > 0 ? st.n - 1 : 0;
}

static void
audit_fini(void)
{
	audit_close();
	lines_free(st.rows, st.n);
	lines_free(st.raw, st.nraw);
	memset(&st, 0, sizeof(st));
}

/*
 * The chosen record's lines: each tab-separated field as "name: value",
 * then what the hash chain says of it.
 */
static void
audit_open(void)
{
	char	*text = NULL, *p, *eq, chain[160];
	size_t	 len, i;
	FILE	*m;
	long	 seq;

	if (st.sel >= st.nraw || (m = open_memstream(&text, &len)) == NULL)
		return;
	for (p = st.raw[st.sel]; *p != '\0'; p += i + (p[i] != '\0')) {
		i = strcspn(p, "\t");
		if ((eq = memchr(p, '=', i)) != NULL)
			fprintf(m, "%.*s: %.*s\n", (int)(eq - p), p,
			    (int)(i - (size_t)(eq - p) - 1), eq + 1);
		else
			fprintf(m, "%.*s\n", (int)i, p);
	}
	seq = strtol(st.rows[st.sel], NULL, 10);
	if (st.bad == 0)
		snprintf(chain, sizeof(chain), "chain: verified (the whole "
		    "log's hash chain is intact)");
	else
		snprintf(chain, sizeof(chain), "chain: %s (the log's hash "
		    "chain breaks at record %ld)", seq < st.bad ? "verified up "
		    "to here" : "NOT VERIFIED", st.bad);
	fprintf(m, "%s\n", chain);
	fclose(m);
	if (lines_of(text, &st.fields, &st.nfields) == 0)
		st.open = 1;
	free(text);
}

static void
audit_draw_open(struct tui *t, int top, int rows)
{
	putf(top, 1, COLS - 2, "Audit record %zu of %zu (Up/Down scroll, "
	    "Esc closes)", st.sel + 1, st.n);
	pager_draw(top + 1, 2, COLS - 3, rows - 1, st.fields, st.nfields,
	    &st.top, NULL);
	tui_keys(t, " Up/Down scroll   Esc close   1-9 screens   q quit");
}

/* A record's row as the list shows it, wrapped where it is long. */
static void
audit_row(void *arg, size_t i, char *buf, size_t len)
{
	(void)arg;
	snprintf(buf, len, "%s", st.rows[i]);
}

static void
audit_draw(struct tui *t, int top, int rows)
{
	struct wrap_list	 l = { st.n, &st.sel, &st.first, NULL, audit_row,
	    NULL, 5 };
	int			 y = top;

	if (st.open) {
		audit_draw_open(t, top, rows);
		return;
	}
	putf(y, 1, COLS - 2, "Audit log, %zu records: ", st.n);
	put_attr(y++, 26, COLS - 27, attr_of(st.intact ? SEV_OK : SEV_ERROR),
	    st.verdict);
	put_attr(y++, 1, COLS - 2, A_UNDERLINE, "seq  time (UTC)           "
	    "operator   operation     res  detail");
	wrap_list_draw(y, 1, COLS - 2, rows - 2, &l);
	tui_keys(t, " Up/Down scroll   Enter open   r reread and verify   "
	    "1-9 screens   q quit");
}

static void
audit_key(struct tui *t, int ch)
{
	if (st.open) {
		if (ch == KEY_UP && st.top > 0)
			st.top--;
		else if (ch == KEY_DOWN && st.top + 1 < st.nfields)
			st.top++;
		else if (ch == TUI_ESC || ch == TUI_ENTER || ch == '\r' ||
		    ch == KEY_ENTER)
			audit_close();
		return;
	}
	list_move(ch, st.n, &st.sel, t->rows - 2);
	if (ch == 'r')
		audit_init(t);
	else if (ch == TUI_ENTER || ch == '\r' || ch == KEY_ENTER)
		audit_open();
}

/* The help overlay's lines for this screen (? or F1); the keys of the
 * foot, each with what it does. */
static const struct key_help audit_help[] = {
	{ "Up/Down", "scroll the records, newest at the bottom" },
	{ "Enter", "open the chosen record: every field whole, and what the "
	    "hash chain says of it; Esc closes" },
	{ "r", "read the log again and verify its hash chain" },
	{ NULL, NULL }
};

const struct screen screen_audit = {
	"Audit", '7', audit_init, audit_draw, audit_key, audit_fini,
	audit_help
};
