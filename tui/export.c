/* SPDX-License-Identifier: ISC */
/*
 * The exports screen: what is in the export directory (the medium that
 * leaves the room), each file with its size and, for the small ones, its
 * SHA-256 to compare on the other side, and what can be written there:
 * e the current CA generation's certificate (export_cert, as crl session
 * does), p a PKCS#12 archive of a valid certificate chosen from a list,
 * its password asked twice in masked fields (p12_export_run, as export
 * p12), b the publication bundle (publish_run, as export publish), n the
 * next CA certificate and the links (rollover_export_run, as rollover
 * export).
 */
#include <sys/stat.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#define NCURSES_WIDECHAR 1
#include <curses.h>

#include "tui/tui.h"

#define HASH_MAX	(1024 * 1024)	/* bigger files: size only */

static struct {
	char		  dir[4096];
	char		**rows;
	size_t		  n, sel, first;
	/* p: the valid certificates, one chosen for a PKCS#12 archive */
	int		  picking;
	size_t		 *v, nv, vsel, vfirst;
	char		  serial[DB_SERIAL_MAX];
	struct secret	 *pw1;		/* the first entry, until the second */
	/* the worker's */
	struct tui	 *t;
	struct secret	 *pw;
	struct p12_job	  j;
	char		  bundle_dir[4096];
	struct signer	  sg;
	struct bundle	  b;
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
	char		 row[512];

	lines_free(st.rows, st.n);
	st.rows = NULL;
	st.n = 0;
	st.t = t;
	snprintf(st.dir, sizeof(st.dir), "?");
	export_dir_of(&t->s, st.dir, sizeof(st.dir));
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
	free(st.v);
	secret_free(st.pw1);
	secret_free(st.pw);
	p12_job_clear(&st.j);
	bundle_free(&st.b);
	signer_close(&st.sg);
	memset(&st, 0, sizeof(st));
}

/* The valid certificates not yet expired: what export p12 exports. */
static void
pick_open(struct tui *t)
{
	const struct db_record	*r;
	size_t			 i, n = 0;
	time_t			 now = time(NULL);

	free(st.v);
	st.v = NULL;
	st.nv = st.vsel = st.vfirst = 0;
	if (index_select(t->s.db, "V", "", &st.v, &n) != 0) {
		tui_err(t, "the index");
		return;
	}
	for (i = 0; i < n; i++) {
		r = db_index_at(t->s.db, st.v[i]);
		if (r->not_after > now)
			st.v[st.nv++] = st.v[i];
	}
	if (st.nv == 0) {
		tui_msg(t, 1, "no valid certificate to export: only one that "
		    "is valid now (status V, not expired) goes into a PKCS#12");
		return;
	}
	st.picking = 1;
}

/* A certificate's rows: serial, end, profile; then its whole subject. */
static int
pick_height(struct tui *t, size_t i)
{
	const struct db_record	*r = db_index_at(t->s.db, st.v[i]);
	int			 h = wrap_lines(COLS - 6, 4, r->subject);

	return 1 + (h > 0 ? h : 1);
}

/* Keep the chosen certificate in view, whatever each one's height. */
static void
pick_scroll(struct tui *t, int rows)
{
	size_t	i;
	int	used;

	if (st.vsel < st.vfirst)
		st.vfirst = st.vsel;
	for (;;) {
		for (used = 0, i = st.vfirst; i <= st.vsel; i++)
			used += pick_height(t, i);
		if (used <= rows || st.vfirst == st.vsel)
			return;
		st.vfirst++;
	}
}

static void
pick_draw(struct tui *t, int top, int rows)
{
	const struct db_record	*r;
	char			 na[32];
	size_t			 i;
	int			 y = top, h;

	put(y++, 1, COLS - 2, "PKCS#12 archive of which certificate? (the "
	    "certificate and its chain, no key)");
	put_attr(y++, 1, COLS - 2, A_UNDERLINE, "serial                     "
	    "              not after  profile");
	pick_scroll(t, top + rows - y);
	for (i = st.vfirst; i < st.nv; i++) {
		r = db_index_at(t->s.db, st.v[i]);
		if (y + (h = pick_height(t, i)) > top + rows)
			break;
		when_utc(r->not_after, na, sizeof(na));
		putf(y, 1, COLS - 2, "%-40s %.10s %s", r->serial, na,
		    r->profile);
		put_wrap(y + 1, 5, COLS - 6, h - 1, 0, r->subject);
		if (i == st.vsel)
			mvchgat(y, 0, COLS, A_REVERSE, 0, NULL);
		y += h;
	}
	tui_keys(t, " Up/Down choose   Enter export it as PKCS#12   Esc back");
}

static void
export_draw(struct tui *t, int top, int rows)
{
	const char	*nl;
	char		 head[4200];
	size_t		 i;
	int		 y = top;

	if (st.picking) {
		pick_draw(t, top, rows);
		return;
	}
	/* Wrapped, not cut: the officers compare this path. */
	snprintf(head, sizeof(head), "Export directory %s (%zu files)", st.dir,
	    st.n);
	y += put_wrap(y, 1, COLS - 2, 3, 0, head);
	put_attr(y++, 1, COLS - 2, A_UNDERLINE, "file                          "
	    "                                   size");
	list_scroll(st.n, st.sel, (top + rows - y) / 2, &st.first);
	for (i = st.first; i < st.n && y + 1 < top + rows; i++, y += 2) {
		nl = strchr(st.rows[i], '\n');
		putf(y, 1, COLS - 2, "%.*s", (int)(nl - st.rows[i]),
		    st.rows[i]);
		put(y + 1, 1, COLS - 2, nl + 1);
		if (i == st.sel)
			mvchgat(y, 0, COLS, A_REVERSE, 0, NULL);
	}
	tui_keys(t, " e CA cert  p PKCS#12  b bundle  n next CA  r reread  "
	    "Up/Down");
}

static void *
export_arg(void)
{
	return &st;
}

static int
p12_work(void *arg)
{
	(void)arg;
	p12_job_clear(&st.j);
	memset(&st.j, 0, sizeof(st.j));
	return p12_export_run(&st.t->s, st.serial, NULL, st.pw, &st.j);
}

static void
p12_done(struct tui *t, int rc)
{
	secret_free(st.pw);
	st.pw = NULL;
	if (rc != 0)
		tui_err(t, "no PKCS#12 archive");
	else
		/* The copy is the list's own line (export_init reads the
		 * directory again): its path once, so the foot holds it. */
		tui_msg(t, 0, "PKCS#12 archive of %s (\"%s\", %s) written: %s; "
		    "a copy is in the export directory, listed above",
		    st.serial, st.j.name, st.j.key != NULL ?
		    "certificate, chain and key" : "certificate and chain, no "
		    "key", st.j.archive);
	p12_job_clear(&st.j);
	export_init(t);
}

/* The second entry: the same as the first, or nothing is made. */
static void
p12_second(struct tui *t, struct secret *pw)
{
	int	same;

	same = st.pw1 != NULL && pw->len == st.pw1->len &&
	    CRYPTO_memcmp(pw->buf, st.pw1->buf, pw->len) == 0;
	secret_free(st.pw1);
	st.pw1 = NULL;
	if (same) {
		st.pw = pw;
		tui_run(t, "the PKCS#12 archive is encrypted and read back",
		    p12_work, export_arg(), p12_done);
		return;
	}
	secret_free(pw);
	/* Refused as the command line refuses it: audited, nothing made. */
	err_set("the two entries of the %s differ: press p to try again",
	    P12_PASSWORD_WHAT);
	p12_done(t, p12_export_run(&t->s, st.serial, NULL, NULL, &st.j));
}

static void
p12_first(struct tui *t, struct secret *pw)
{
	secret_free(st.pw1);
	st.pw1 = pw;
	tui_prompt_pin(t, "The same PKCS#12 password again (Esc cancels):",
	    p12_second);
}

static void
pick_key(struct tui *t, int ch)
{
	char	q[256];

	if (list_move(ch, st.nv, &st.vsel, t->rows / 2))
		return;
	if (ch == TUI_ESC) {
		st.picking = 0;
		return;
	}
	if (ch != TUI_ENTER && ch != KEY_ENTER && ch != '\r')
		return;
	snprintf(st.serial, sizeof(st.serial), "%s",
	    db_index_at(t->s.db, st.v[st.vsel])->serial);
	st.picking = 0;
	snprintf(q, sizeof(q), "PKCS#12 password for %s (at least %d printable "
	    "ASCII characters; Esc cancels):", st.serial,
	    TMPL_P12_PASS_DEFAULT);
	tui_prompt_pin(t, q, p12_first);
}

static int
publish_work(void *arg)
{
	(void)arg;
	bundle_free(&st.b);
	signer_close(&st.sg);
	return publish_run(&st.t->s, st.bundle_dir, &st.sg, &st.b);
}

static void
publish_done(struct tui *t, int rc)
{
	if (rc != 0)
		tui_err(t, "no publication bundle");
	else
		tui_msg(t, 0, "publication bundle written to %s: %zu files, %s "
		    "and %s (signed by CA generation %d); check it with "
		    "ceremony export verify", st.bundle_dir, st.b.n,
		    MANIFEST_NAME, MANIFEST_SIG_NAME, st.sg.generation);
	bundle_free(&st.b);
	signer_close(&st.sg);
	export_init(t);
}

static void
publish_to(struct tui *t, const char *dir)
{
	if (*dir == '\0') {
		tui_msg(t, 1, "the bundle needs a folder: press b again");
		return;
	}
	snprintf(st.bundle_dir, sizeof(st.bundle_dir), "%s", dir);
	tui_run(t, "the token signs the publication bundle", publish_work,
	    export_arg(), publish_done);
}

static void
next_ca(struct tui *t)
{
	int	gen = 0;

	if (rollover_export_run(&t->s, st.dir, &gen) != 0)
		tui_err(t, "next CA not exported");
	else if (gen > db_ca_current(t->s.db))
		tui_msg(t, 0, "next CA certificate (generation %d, pending): "
		    "%s/next-ca.pem and next-ca.der; every CA certificate and "
		    "link: %s/ca-certs.pem and ca-certs.p7b", gen, st.dir,
		    st.dir);
	else
		tui_msg(t, 0, "no generation is pending, so no next CA "
		    "certificate; every CA certificate and link: "
		    "%s/ca-certs.pem and ca-certs.p7b", st.dir);
	export_init(t);
}

static void
ca_cert(struct tui *t)
{
	char	 base[32];
	X509	*x;
	int	 gen;

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

static void
export_key(struct tui *t, int ch)
{
	char	initial[4200];

	/* A first password left behind by Esc at the second prompt. */
	secret_free(st.pw1);
	st.pw1 = NULL;
	if (st.picking) {
		pick_key(t, ch);
		return;
	}
	list_move(ch, st.n, &st.sel, (t->rows - 3) / 2);
	switch (ch) {
	case 'r':
		export_init(t);
		break;
	case 'e':
		ca_cert(t);
		break;
	case 'p':
		pick_open(t);
		break;
	case 'n':
		next_ca(t);
		break;
	case 'b':
		if (!t->s.logged_in) {
			tui_msg(t, 1, "log in first (screen 1, then l): the "
			    "token signs the bundle");
			break;
		}
		snprintf(initial, sizeof(initial), "%s/bundle", st.dir);
		tui_prompt(t, "Folder for the publication bundle, new or empty "
		    "(Enter writes it, Esc cancels):", initial, publish_to);
		break;
	}
}

/* The help overlay's lines for this screen (? or F1); the keys of the
 * foot, each with what it does. */
static const struct key_help export_help[] = {
	{ "e", "export the active CA generation's certificate (.pem, .der)" },
	{ "p", "PKCS#12 archive of a valid certificate: choose it, then the "
	    "password twice" },
	{ "b", "publication bundle into a new folder (the token signs it)" },
	{ "n", "next CA: the pending generation's certificate and every link" },
	{ "r", "read the export directory again" },
	{ "Up/Down", "choose a file; in the list of p, a certificate" },
	{ "Enter", "in the list of p: export the chosen certificate" },
	{ "Esc", "in the list of p: back to the files" },
	{ NULL, NULL }
};

const struct screen screen_export = {
	"Export", '8', export_init, export_draw, export_key, export_fini,
	export_help
};
