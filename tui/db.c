/* SPDX-License-Identifier: ISC */
/*
 * The database browser: every certificate's current state from the
 * index, filtered by status (f) and by subject text and serial prefix (/);
 * Enter shows one certificate: its state, every line of its history in
 * the index, and the certificate itself.  Read only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/bio.h>
#include <openssl/err.h>

#define NCURSES_WIDECHAR 1
#include <curses.h>

#include "tui/tui.h"

static const char *const filters[] = { "", "V", "R", "P", "X" };
#define NFILTERS	(sizeof(filters) / sizeof(filters[0]))

static struct {
	size_t	  filter;
	char	  search[256];
	size_t	 *v;
	size_t	  n, sel, first;
	char	**lines;	/* the details, when open */
	size_t	  nlines, top;
} st;

static void
db_details_close(void)
{
	lines_free(st.lines, st.nlines);
	st.lines = NULL;
	st.nlines = st.top = 0;
}

static void
db_init(struct tui *t)
{
	db_details_close();
	if (index_select(t->s.db, filters[st.filter], st.search, &st.v,
	    &st.n) != 0)
		tui_err(t, "search");
	if (st.sel >= st.n)
		st.sel = st.n > 0 ? st.n - 1 : 0;
}

static void
db_fini(void)
{
	db_details_close();
	free(st.v);
	memset(&st, 0, sizeof(st));
}

/* The certificate as openssl x509 shows its names and dates. */
static void
db_cert_text(BIO *b, X509 *x)
{
	char	fp[96] = "", g[FP_GROUPS][9];

	BIO_printf(b, "\ncertificate\n  subject    ");
	X509_NAME_print_ex(b, X509_get_subject_name(x), 0, XN_FLAG_RFC2253);
	BIO_printf(b, "\n  issuer     ");
	X509_NAME_print_ex(b, X509_get_issuer_name(x), 0, XN_FLAG_RFC2253);
	BIO_printf(b, "\n  notBefore  ");
	ASN1_TIME_print(b, X509_get0_notBefore(x));
	BIO_printf(b, "\n  notAfter   ");
	ASN1_TIME_print(b, X509_get0_notAfter(x));
	cert_fingerprint(x, fp, sizeof(fp));
	fingerprint_groups(fp, g);
	BIO_printf(b, "\n  SHA-256    %s %s %s %s\n             %s %s %s %s\n",
	    g[0], g[1], g[2], g[3], g[4], g[5], g[6], g[7]);
}

static int
db_details(struct tui *t, const char *serial)
{
	struct db_record	*h = NULL;
	size_t			 n = 0, i;
	char			 line[4096], *text, *p;
	BIO			*b;
	X509			*x;
	long			 len;
	int			 rc = 1;

	if ((b = BIO_new(BIO_s_mem())) == NULL ||
	    db_index_history(t->s.db, serial, &h, &n) != 0)
		goto out;
	BIO_printf(b, "serial %s\nhistory (index.txt, oldest first)\n",
	    serial);
	for (i = 0; i < n; i++)
		if (index_format_line(&h[i], line, sizeof(line)) >= 0) {
			/* Tabs would paint as '?': two spaces a field. */
			for (p = line; (p = strchr(p, '\t')) != NULL; p++)
				*p = ' ';
			BIO_printf(b, "  %s", line);
		}
	if ((x = db_cert_get(t->s.db, serial)) != NULL) {
		db_cert_text(b, x);
		X509_free(x);
	} else {
		BIO_printf(b, "\ncertificate: %s\n", err_get());
		err_clear();
	}
	BIO_write(b, "", 1);
	if ((len = BIO_get_mem_data(b, &text)) > 0)
		rc = lines_of(text, &st.lines, &st.nlines);
out:
	for (i = 0; i < n; i++)
		db_record_clear(&h[i]);
	free(h);
	BIO_free(b);
	ERR_clear_error();
	return rc;
}

/* One certificate's row: the subject wraps under the rest where the
 * terminal is narrow (wrap_list_draw), never cut. */
static void
db_row(void *arg, size_t i, char *buf, size_t len)
{
	struct tui		*t = arg;
	const struct db_record	*r = db_index_at(t->s.db, st.v[i]);
	char			 na[32];

	when_utc(r->not_after, na, sizeof(na));
	na[10] = '\0';
	snprintf(buf, len, "%c %-40s %-10s %3d %-11s %s", r->status,
	    r->serial, na, r->generation, r->profile,
	    r->subject != NULL ? r->subject : "");
}

static void
db_draw(struct tui *t, int top, int rows)
{
	struct wrap_list	 l = { st.n, &st.sel, &st.first, t, db_row, NULL,
	    2 };
	int			 y = top;

	if (st.lines != NULL) {
		pager_draw(y, 1, COLS - 2, rows, st.lines, st.nlines, &st.top,
		    NULL);
		tui_keys(t, " Up/Down scroll   Esc back to the list   q quit");
		return;
	}
	putf(y++, 1, COLS - 2, "%zu of %zu certificates   status %s   "
	    "search %s", st.n, db_index_count(t->s.db), st.filter ?
	    filters[st.filter] : "all", st.search[0] ? st.search : "-");
	put_attr(y++, 1, COLS - 2, A_UNDERLINE, "S serial                  "
	    "               not after  gen profile     subject");
	wrap_list_draw(y, 1, COLS - 2, rows - 2, &l);
	tui_keys(t, " Enter details  f status filter  / search  Up/Down  "
	    "1-9 screens  q quit");
}

static void
db_search(struct tui *t, const char *text)
{
	snprintf(st.search, sizeof(st.search), "%s", text);
	st.sel = st.first = 0;
	db_init(t);
}

static void
db_key(struct tui *t, int ch)
{
	if (st.lines != NULL) {
		if (ch == TUI_ESC || ch == KEY_LEFT || ch == KEY_BACKSPACE)
			db_details_close();
		else
			list_move(ch, st.nlines, &st.top, t->rows);
		return;
	}
	list_move(ch, st.n, &st.sel, t->rows - 2);
	switch (ch) {
	case 'f':
		st.filter = (st.filter + 1) % NFILTERS;
		st.sel = st.first = 0;
		db_init(t);
		break;
	case '/':
		tui_prompt(t, "Search: subject text, serial=PREFIX or both "
		    "(Enter searches, empty shows all):", st.search, db_search);
		break;
	case TUI_ENTER: case '\r': case KEY_ENTER: case KEY_RIGHT:
		if (st.sel < st.n && db_details(t, db_index_at(t->s.db,
		    st.v[st.sel])->serial) != 0)
			tui_err(t, "details");
		break;
	}
}

/* The help overlay's lines for this screen (? or F1); the keys of the
 * foot, each with what it does. */
static const struct key_help db_help[] = {
	{ "Up/Down", "choose a certificate; in its details, scroll" },
	{ "Enter", "the certificate's history in the index and its decoded "
	    "text" },
	{ "f", "the status filter: all, V valid, R revoked, P reserved, X "
	    "void" },
	{ "/", "search: subject text, serial=PREFIX or both, as db list" },
	{ "Esc", "from the details back to the list" },
	{ NULL, NULL }
};

const struct screen screen_db = {
	"DB", '6', db_init, db_draw, db_key, db_fini,
	db_help
};
