/* SPDX-License-Identifier: ISC */
/*
 * The exports screen: what is in the export directory (the medium that
 * leaves the room), each file with its size and, for the small ones, its
 * SHA-256 to compare on the other side; e writes the current CA
 * generation's certificate there (export_cert, as crl session does).
 */
#include <sys/stat.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NCURSES_WIDECHAR 1
#include <curses.h>

#include "tui/tui.h"

#define HASH_MAX	(1024 * 1024)	/* bigger files: size only */

static struct {
	char	  dir[4096];
	char	**rows;
	size_t	  n, sel, first;
} st;

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
export_row(const char *name, char *row, size_t len)
{
	char		 path[8192], *hex = NULL;
	unsigned char	*buf = NULL;
	size_t		 blen = 0;
	struct stat	 sb;

	snprintf(path, sizeof(path), "%s/%s", st.dir, name);
	if (stat(path, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		row[0] = '\0';
		return;
	}
	if (sb.st_size <= HASH_MAX && file_read_small("export", path,
	    HASH_MAX, &buf, &blen) == 0)
		hex = sha256_hex(buf, blen);
	err_clear();
	/* Two lines: the name and size, then the full hash to compare. */
	snprintf(row, len, "%-50s %12lld bytes\n    SHA-256 %s", name,
	    (long long)sb.st_size, hex != NULL ? hex : "- (too large to "
	    "hash here: use sha256sum)");
	free(buf);
	free(hex);
}

static void
export_init(struct tui *t)
{
	DIR		*d;
	struct dirent	*e;
	char		 row[512], *exp;

	lines_free(st.rows, st.n);
	st.rows = NULL;
	st.n = 0;
	exp = t->s.export_dir != NULL ? NULL : db_path(t->s.db, "export");
	snprintf(st.dir, sizeof(st.dir), "%s", t->s.export_dir != NULL ?
	    t->s.export_dir : exp != NULL ? exp : "?");
	free(exp);
	if ((d = opendir(st.dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		export_row(e->d_name, row, sizeof(row));
		if (row[0] != '\0' && lines_add(&st.rows, &st.n, row,
		    strlen(row)) != 0)
			break;
	}
	closedir(d);
	qsort(st.rows, st.n, sizeof(*st.rows), name_cmp);
	if (st.sel >= st.n)
		st.sel = st.n > 0 ? st.n - 1 : 0;
}

static void
export_fini(void)
{
	lines_free(st.rows, st.n);
	memset(&st, 0, sizeof(st));
}

static void
export_draw(struct tui *t, int top, int rows)
{
	const char	*nl;
	size_t		 i;
	int		 y = top;

	putf(y++, 1, COLS - 2, "Export directory %s (%zu files)", st.dir,
	    st.n);
	put_attr(y++, 1, COLS - 2, A_UNDERLINE, "file                          "
	    "                                   size");
	list_scroll(st.n, st.sel, (rows - 2) / 2, &st.first);
	for (i = st.first; i < st.n && y + 1 < top + rows; i++, y += 2) {
		nl = strchr(st.rows[i], '\n');
		putf(y, 1, COLS - 2, "%.*s", (int)(nl - st.rows[i]),
		    st.rows[i]);
		put(y + 1, 1, COLS - 2, nl + 1);
		if (i == st.sel)
			mvchgat(y, 0, COLS, A_REVERSE, 0, NULL);
	}
	tui_keys(t, " e export the CA certificate   r reread   Up/Down   "
	    "1-9 screens   q quit");
}

static void
export_key(struct tui *t, int ch)
{
	char	 base[32];
	X509	*x;
	int	 gen;

	list_move(ch, st.n, &st.sel, LINES - 8);
	if (ch == 'r')
		export_init(t);
	if (ch != 'e')
		return;
	if ((gen = db_ca_current(t->s.db)) == 0) {
		tui_msg(t, 1, "no CA yet: run the root ceremony (screen 2)");
		return;
	}
	snprintf(base, sizeof(base), "ca-gen%d", gen);
	if ((x = db_ca_get(t->s.db, gen)) == NULL ||
	    export_cert(st.dir, base, x) != 0)
		tui_err(t, "not exported");
	else
		tui_msg(t, 0, "exported %s/%s.pem and .der", st.dir, base);
	X509_free(x);
	export_init(t);
}

/* The help overlay's lines for this screen (? or F1); the keys of the
 * foot, each with what it does. */
static const struct key_help export_help[] = {
	{ NULL, NULL }
};

const struct screen screen_export = {
	"Export", '8', export_init, export_draw, export_key, export_fini,
	export_help
};
