/* SPDX-License-Identifier: ISC */
/*
 * Text that does not fit the width wraps instead of being cut: a pager
 * (lines scrolled by a top line, each wrapped at spaces) and a list whose
 * rows wrap (a long subject takes a second line, the selection covers
 * every line of its row).  At 80x24 a serial and a subject do not fit
 * side by side; the officer must still read both whole.
 */
#include <stdlib.h>

#define NCURSES_WIDECHAR 1
#include <curses.h>

#include "tui/tui.h"

#define ROW_LINES_MAX	8	/* the most one row or line takes */

/* A line's further lines: under its own text, two columns in. */
static int
line_hang(const char *s)
{
	int	n = 0;

	while (s[n] == ' ')
		n++;
	return n + 2;
}

/* The screen lines v[from..n) take at width columns. */
static int
lines_height(char **v, size_t n, size_t from, int width)
{
	int	h = 0;

	for (; from < n; from++)
		h += hang_lines(width, line_hang(v[from]), ROW_LINES_MAX,
		    v[from]);
	return h;
}

/*
 * v[*top..n) from (y, x), each line wrapped at width, within rows lines;
 * scrolled past the end, the last page stays full.  attr (may be NULL)
 * gives a line's attribute (a finding's severity).  The index of the
 * first line not shown whole.
 */
size_t
pager_draw(int y, int x, int width, int rows, char **v, size_t n,
    size_t *top, int (*attr)(const char *))
{
	int	end = y + rows, h, drawn;
	size_t	i;

	if (*top >= n)
		*top = n > 0 ? n - 1 : 0;
	while (*top > 0 && lines_height(v, n, *top - 1, width) <= rows)
		(*top)--;
	for (i = *top; i < n && y < end; i++) {
		h = hang_lines(width, line_hang(v[i]), ROW_LINES_MAX, v[i]);
		drawn = put_hang(y, x, width, line_hang(v[i]), end - y,
		    attr != NULL ? attr(v[i]) : 0, v[i]);
		y += drawn;
		if (drawn < h)
			break;
	}
	return i;
}

/* How many lines row i takes. */
static int
row_height(const struct wrap_list *l, size_t i, int width)
{
	char	buf[1024];
	int	h;

	l->text(l->arg, i, buf, sizeof(buf));
	h = hang_lines(width, l->hang, ROW_LINES_MAX, buf);
	return h < 1 ? 1 : h;
}

/* The first row shown: the selected row in view, the lines from first to
 * the selection within rows (a list_scroll for rows of many lines). */
static void
wrap_scroll(const struct wrap_list *l, int width, int rows)
{
	size_t	i;
	int	h;

	if (l->n == 0 || *l->sel >= l->n) {
		*l->first = 0;
		return;
	}
	if (*l->sel < *l->first)
		*l->first = *l->sel;
	for (;;) {
		for (h = 0, i = *l->first; i <= *l->sel; i++)
			h += row_height(l, i, width);
		if (h <= rows || *l->first == *l->sel)
			break;
		(*l->first)++;
	}
}

/* The list's rows from (y, x) within rows lines, each wrapped; the
 * selected one reversed on all its lines. */
void
wrap_list_draw(int y, int x, int width, int rows,
    const struct wrap_list *l)
{
	char	buf[1024];
	size_t	i;
	int	end = y + rows, h, k;

	wrap_scroll(l, width, rows);
	for (i = *l->first; i < l->n && y < end; i++) {
		l->text(l->arg, i, buf, sizeof(buf));
		h = put_hang(y, x, width, l->hang, end - y, 0, buf);
		if (h < 1)
			h = 1;
		if (l->paint != NULL)
			l->paint(l->arg, i, y);
		if (i == *l->sel)
			for (k = 0; k < h; k++)
				mvchgat(y + k, 0, COLS, A_REVERSE, 0, NULL);
		y += h;
	}
}
