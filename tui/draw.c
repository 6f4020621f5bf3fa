/* SPDX-License-Identifier: ISC */
/*
 * Painting text for the screens: UTF-8 turned into wide characters and cut
 * at a width in columns (a CJK name takes two columns a character), with
 * control characters shown escaped (\x1B) so a request cannot move the
 * cursor.
 * Also the list and field helpers every screen uses.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <wchar.h>
#include <wctype.h>

#define NCURSES_WIDECHAR 1
#include <curses.h>

#include "tui/tui.h"

/* A character of four bytes, each shown as \xHH. */
#define GLYPH_MAX	(4 * ESC_BYTE_MAX)

/*
 * The wide characters that stand for the next character of s: itself, or
 * for a control character (C1 too) and each byte that is not UTF-8 its
 * escape (util/escape.c), so that a request can neither move the cursor
 * nor pass unseen.  *cols: the columns they take; returns the bytes of s.
 */
static size_t
glyph(const char *s, mbstate_t *st, wchar_t out[GLYPH_MAX], size_t *nout,
    int *cols)
{
	char	e[ESC_BYTE_MAX];
	wchar_t	wc;
	size_t	n, i, k;
	int	w;

	n = mbrtowc(&wc, s, strlen(s), st);
	if (n == (size_t)-1 || n == (size_t)-2) {
		memset(st, 0, sizeof(*st));
		n = 1;
	} else if (!iswcntrl((wint_t)wc) && (w = wcwidth(wc)) >= 0) {
		out[0] = wc;
		*nout = 1;
		*cols = w;
		return n;
	}
	for (i = *nout = 0; i < n; i++)
		for (k = 0; k < esc_byte((unsigned char)s[i], e); k++)
			out[(*nout)++] = (wchar_t)(unsigned char)e[k];
	*cols = (int)*nout;
	return n;
}

/*
 * How much of s fits in width columns, as the wide characters to paint:
 * the bytes of s it takes.
 */
static size_t
fit(const char *s, int width, wchar_t *out, size_t nout, size_t *nwc)
{
	const char	*start = s;
	mbstate_t	 st;
	wchar_t		 g[GLYPH_MAX];
	size_t		 n, ng, i = 0;
	int		 cols = 0, w;

	memset(&st, 0, sizeof(st));
	while (*s != '\0') {
		n = glyph(s, &st, g, &ng, &w);
		if (cols + w > width || i + ng >= nout)
			break;
		memcpy(out + i, g, ng * sizeof(*g));
		i += ng;
		cols += w;
		s += n;
	}
	out[i] = L'\0';
	*nwc = i;
	return (size_t)(s - start);
}

/*
 * s at (y, x), at most width columns, in attribute attr; returns how many
 * bytes of s were painted, so a caller can wrap the rest.
 */
size_t
put_attr(int y, int x, int width, int attr, const char *s)
{
	wchar_t		 out[512];
	size_t		 n, nwc;

	if (width <= 0 || y < 0 || y >= LINES)
		return 0;
	n = fit(s, width, out, sizeof(out) / sizeof(out[0]), &nwc);
	if (attr != 0)
		attron(attr);
	mvaddnwstr(y, x, out, (int)nwc);
	if (attr != 0)
		attroff(attr);
	return n;
}

/* Where the first line of s ends when it is wrapped at width columns:
 * at the last space that fits, else (one word longer than the line, a
 * path) at the width.  *next: where the following line starts.  A word
 * is never split where it would fit on the next line: a path or a serial
 * cut in two reads as two things. */
static size_t
wrap_cut(const char *s, int width, size_t *next)
{
	wchar_t	out[512];
	size_t	n, nwc, cut;

	n = fit(s, width, out, sizeof(out) / sizeof(out[0]), &nwc);
	*next = n;
	if (s[n] == '\0' || n == 0)
		return n;
	for (cut = n; cut > 0 && s[cut] != ' '; cut--)
		;
	if (s[cut] != ' ')
		return n;
	*next = cut + 1;
	return cut;
}

/* s over at most nlines lines from (y, x), cut at spaces where it can;
 * the lines it took. */
int
put_wrap(int y, int x, int width, int nlines, int attr, const char *s)
{
	return put_hang(y, x, width, 0, nlines, attr, s);
}

/* As put_wrap, the lines after the first hang columns further in: a row
 * of a table that wraps reads as one row, its first column clear. */
int
put_hang(int y, int x, int width, int hang, int nlines, int attr,
    const char *s)
{
	size_t	cut, next;
	char	line[1024];
	int	i, in;

	for (i = 0; i < nlines && *s != '\0'; i++) {
		in = i > 0 ? hang : 0;
		cut = wrap_cut(s, width - in, &next);
		if (cut == 0)
			break;
		snprintf(line, sizeof(line), "%.*s", (int)cut, s);
		/* The last line shows as much as fits. */
		put_attr(y + i, x + in, width - in, attr, i + 1 < nlines ?
		    line : s);
		s += next;
	}
	return i;
}

/* Where s goes on after its first n lines wrapped at width columns. */
static const char *
wrap_skip(const char *s, int width, int n)
{
	size_t	next;

	for (; n > 0 && *s != '\0'; n--) {
		if (wrap_cut(s, width, &next) == 0)
			break;
		s += next;
	}
	return s;
}

/*
 * s over at most nlines lines, as put_wrap; when it needs more, the last
 * line is cut at a space and ends with more ("m: all messages") on the
 * right, so nothing reads as if it were whole when it is not: never an
 * ellipsis, never a word cut off.  The lines it took.
 */
int
put_wrap_more(int y, int x, int width, int nlines, int attr, const char *s,
    const char *more)
{
	char		 line[1024];
	const char	*rest;
	size_t		 cut, next;
	int		 mw = text_width(more) + 1;

	if (nlines <= 0 || wrap_lines(width, nlines + 1, s) <= nlines ||
	    width <= mw + 8)
		return put_wrap(y, x, width, nlines, attr, s);
	put_wrap(y, x, width, nlines - 1, attr, s);
	rest = wrap_skip(s, width, nlines - 1);
	cut = wrap_cut(rest, width - mw, &next);
	snprintf(line, sizeof(line), "%.*s", (int)cut, rest);
	put_attr(y + nlines - 1, x, width - mw, attr, line);
	put_attr(y + nlines - 1, x + width - mw + 1, mw - 1, A_REVERSE, more);
	return nlines;
}

/* How many lines put_wrap takes for s at width columns, at most max. */
int
wrap_lines(int width, int max, const char *s)
{
	return hang_lines(width, 0, max, s);
}

/* How many lines put_hang takes. */
int
hang_lines(int width, int hang, int max, const char *s)
{
	size_t	next;
	int	i;

	for (i = 0; i < max && *s != '\0'; i++) {
		if (wrap_cut(s, width - (i > 0 ? hang : 0), &next) == 0)
			break;
		s += next;
	}
	return i;
}

/* How many columns s takes (a CJK character two), as put_attr paints it. */
int
text_width(const char *s)
{
	mbstate_t	st;
	wchar_t		g[GLYPH_MAX];
	size_t		ng;
	int		cols = 0, w;

	memset(&st, 0, sizeof(st));
	while (*s != '\0') {
		s += glyph(s, &st, g, &ng, &w);
		cols += w;
	}
	return cols;
}

void
put(int y, int x, int width, const char *s)
{
	(void)put_attr(y, x, width, 0, s);
}

void
putf(int y, int x, int width, const char *fmt, ...)
{
	char	buf[1024];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	put(y, x, width, buf);
}

/* Keep the selected row of a list in view. */
void
list_scroll(size_t n, size_t sel, int rows, size_t *first)
{
	if (rows <= 0 || n == 0) {
		*first = 0;
		return;
	}
	if (sel < *first)
		*first = sel;
	if (sel >= *first + (size_t)rows)
		*first = sel - (size_t)rows + 1;
	if (*first + (size_t)rows > n)
		*first = n > (size_t)rows ? n - (size_t)rows : 0;
}

/* Up, down, page up, page down, home, end; 1 if ch moved the selection. */
int
list_move(int ch, size_t n, size_t *sel, int rows)
{
	size_t	page = rows > 1 ? (size_t)rows - 1 : 1;

	if (n == 0)
		return 0;
	switch (ch) {
	case KEY_UP:
		if (*sel > 0)
			(*sel)--;
		return 1;
	case KEY_DOWN:
		if (*sel + 1 < n)
			(*sel)++;
		return 1;
	case KEY_PPAGE:
		*sel = *sel > page ? *sel - page : 0;
		return 1;
	case KEY_NPAGE:
		*sel = *sel + page < n ? *sel + page : n - 1;
		return 1;
	case KEY_HOME:
		*sel = 0;
		return 1;
	case KEY_END:
		*sel = n - 1;
		return 1;
	}
	return 0;
}

void
when_utc(time_t t, char *buf, size_t len)
{
	char	u[UTC_TEXT_MAX];

	snprintf(buf, len, "%s", t != 0 ? utc_format(t, UTC_MINUTE, u) : "-");
}

/*
 * A key for a text field: printable characters are added (as UTF-8),
 * backspace removes the last character.  1 on Enter, -1 on Escape.
 */
int
field_key(struct field *f, int ch)
{
	char		 mb[MB_LEN_MAX];
	mbstate_t	 st;
	size_t		 n;

	if (ch == TUI_ENTER || ch == KEY_ENTER || ch == '\r')
		return 1;
	if (ch == TUI_ESC)
		return -1;
	if (ch == KEY_BACKSPACE || ch == 127 || ch == 8) {
		/* Back over continuation bytes to the character's start. */
		while (f->len > 0 && ((unsigned char)f->buf[--f->len] & 0xc0) ==
		    0x80)
			;
		f->buf[f->len] = '\0';
		return 0;
	}
	if (ch == TUI_CTRL_U) {
		/* As a shell's line: a prefilled answer goes at once. */
		f->len = 0;
		f->buf[0] = '\0';
		return 0;
	}
	if (ch < 32 || (ch >= KEY_MIN && ch <= KEY_MAX))
		return 0;
	ch &= ~TUI_WCHAR_HIGH;
	if (iswcntrl((wint_t)ch))
		return 0;
	memset(&st, 0, sizeof(st));
	if ((n = wcrtomb(mb, (wchar_t)ch, &st)) == (size_t)-1 ||
	    f->len + n >= sizeof(f->buf))
		return 0;
	memcpy(f->buf + f->len, mb, n);
	f->len += n;
	f->buf[f->len] = '\0';
	return 0;
}

/* Append a copy of line to the array v of n lines. */
int
lines_add(char ***v, size_t *n, const char *line, size_t len)
{
	char	**nv;

	if ((nv = reallocarray(*v, *n + 1, sizeof(*nv))) == NULL) {
		err_set("out of memory");
		return 1;
	}
	*v = nv;
	if ((nv[*n] = strndup(line, len)) == NULL) {
		err_set("out of memory");
		return 1;
	}
	(*n)++;
	return 0;
}

/* A text split into lines (csr_print's output, say); malloc'd. */
int
lines_of(const char *text, char ***out, size_t *nout)
{
	char		**v = NULL;
	const char	 *p = text, *e;
	size_t		  n = 0;

	while (*p != '\0') {
		if ((e = strchr(p, '\n')) == NULL)
			e = p + strlen(p);
		if (lines_add(&v, &n, p, (size_t)(e - p)) != 0) {
			lines_free(v, n);
			return 1;
		}
		p = *e == '\n' ? e + 1 : e;
	}
	*out = v;
	*nout = n;
	return 0;
}

void
lines_free(char **v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* How a severity looks: bold always, coloured where the terminal can. */
int
attr_of(int severity)
{
	int	pair = severity == SEV_ERROR ? 1 : severity == SEV_WARN ? 2 : 3;

	return (severity == SEV_ERROR ? A_BOLD : 0) |
	    (has_colors() ? COLOR_PAIR(pair) : 0);
}

/*
 * The positions in the loaded index of the certificates whose status is
 * one of statuses ("" any) and that match search, "[serial=PREFIX]
 * [subject text]": all that is given must match, as in ceremony db list
 * (db_select); the revoke screen and the browser.
 */
int
index_select(struct db *db, const char *statuses, const char *search,
    size_t **out, size_t *nout)
{
	struct db_query	 q = { statuses, NULL, NULL };
	char		 text[256], *p = text;

	snprintf(text, sizeof(text), "%s", search);
	p += strspn(p, " ");
	if (strncmp(p, "serial=", 7) == 0) {
		q.serial = p + 7;
		p += strcspn(p, " ");
		if (*p != '\0')
			*p++ = '\0';
		p += strspn(p, " ");
	}
	q.subject = p;
	return db_select(db, &q, out, nout);
}
