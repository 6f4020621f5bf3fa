/* SPDX-License-Identifier: ISC */
/*
 * The audit log viewer: every record as a row (sequence, time, operator,
 * operation, result, detail), newest at the bottom and in view, and the
 * verdict on the hash chain (db_audit_verify) above it.  Read only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NCURSES_WIDECHAR 1
#include <curses.h>

#include "tui/tui.h"

static struct {
	char	**rows;
	size_t	  n, sel, first;
	char	  verdict[1100];
	int	  intact;
} st;

static void
audit_init(struct tui *t)
{
	struct audit_row	 r;
	FILE			*f = NULL;
	char			*path, *line = NULL, row[700];
	size_t			 cap = 0;
	long			 bad = 0;

	lines_free(st.rows, st.n);
	st.rows = NULL;
	st.n = 0;
	if ((path = db_path(t->s.db, "audit.log")) == NULL)
		return;
	st.intact = db_audit_verify(path, &bad) == 0;
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
		if (lines_add(&st.rows, &st.n, row, strlen(row)) != 0)
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
	lines_free(st.rows, st.n);
	memset(&st, 0, sizeof(st));
}

static void
audit_draw(struct tui *t, int top, int rows)
{
	size_t	i;
	int	y = top;

	putf(y, 1, COLS - 2, "Audit log, %zu records: ", st.n);
	put_attr(y++, 26, COLS - 27, attr_of(st.intact ? SEV_OK : SEV_ERROR),
	    st.verdict);
	put_attr(y++, 1, COLS - 2, A_UNDERLINE, "seq  time (UTC)           "
	    "operator   operation     res  detail");
	list_scroll(st.n, st.sel, rows - 2, &st.first);
	for (i = st.first; i < st.n && y < top + rows; i++, y++) {
		put(y, 1, COLS - 2, st.rows[i]);
		if (i == st.sel)
			mvchgat(y, 0, COLS, A_REVERSE, 0, NULL);
	}
	tui_keys(t, " Up/Down scroll   r reread and verify   1-9 screens   "
	    "q quit");
}

static void
audit_key(struct tui *t, int ch)
{
	list_move(ch, st.n, &st.sel, t->rows - 2);
	if (ch == 'r')
		audit_init(t);
}

/* The help overlay's lines for this screen (? or F1); the keys of the
 * foot, each with what it does. */
static const struct key_help audit_help[] = {
	{ "Up/Down", "scroll the records, newest at the bottom" },
	{ "r", "read the log again and verify its hash chain" },
	{ NULL, NULL }
};

const struct screen screen_audit = {
	"Audit", '7', audit_init, audit_draw, audit_key, audit_fini,
	audit_help
};
