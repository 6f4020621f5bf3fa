/* SPDX-License-Identifier: ISC */
/*
 * One serial's lines found in index.txt without loading the index: its
 * current state (the last line that names it, searched from the end) and
 * its whole history.  A line is recognised by its serial field as a whole
 * (a tab on each side; subjects never hold a raw tab) and then parsed, so
 * a profile that happens to read like the serial is not mistaken for it.
 * This is what lets one revoke in a database of a million certificates
 * take milliseconds instead of a full load.
 */
#include <sys/mman.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db_int.h"
#include "util/util.h"

#define INDEX_FILE	"index.txt"
#define SCAN_CHUNK	(4 * 1024 * 1024)

struct scan {
	const char	*path;
	const char	*serial;
	char		 pat[DB_SERIAL_MAX + 2];	/* \tSERIAL\t */
	size_t		 plen;
	char		*map;
	size_t		 len;		/* what is read: whole records */
	size_t		 maplen;
};

static int
scan_open(struct scan *sc, int fd, const char *path, const char *serial)
{
	size_t	slen = strlen(serial);

	memset(sc, 0, sizeof(*sc));
	sc->path = path;
	sc->serial = serial;
	if (!serial_valid(serial, slen)) {
		err_set("serial '%.48s' is not upper-case hex of 1 to 20 "
		    "octets (as openssl x509 -serial prints it)", serial);
		return 1;
	}
	sc->pat[0] = '\t';
	memcpy(sc->pat + 1, serial, slen);
	sc->pat[slen + 1] = '\t';
	sc->plen = slen + 2;
	if (index_map(fd, path, &sc->map, &sc->maplen))
		return 1;
	sc->len = tail_usable(path, sc->map, sc->maplen, index_line_whole);
	return 0;
}

static void
scan_close(struct scan *sc)
{
	if (sc->map != NULL)
		munmap(sc->map, sc->maplen);
	sc->map = NULL;
}

/*
 * The line around the match at m parsed into r: 1 if it is a line of
 * the serial, 0 if the match was in another field or a comment, -1 if
 * the line is corrupt.
 */
static int
scan_line(const struct scan *sc, const char *m, struct db_record *r)
{
	const char	*p = sc->map, *end = sc->map + sc->len, *b, *e;
	char		 why[512];

	b = memrchr(p, '\n', (size_t)(m - p));
	b = b == NULL ? p : b + 1;
	if ((e = memchr(m, '\n', (size_t)(end - m))) == NULL)
		e = end;
	if (*b == '#')
		return 0;
	if (index_parse(b, (size_t)(e - b), r, why, sizeof(why))) {
		err_set("%s at byte %zu is corrupt (%s): restore it from the "
		    "backup or run ceremony db verify", sc->path,
		    (size_t)(b - p), why);
		return -1;
	}
	if (strcmp(r->serial, sc->serial) == 0)
		return 1;
	db_record_clear(r);
	return 0;
}

/* The last match of the pattern that starts in [lo, hi - plen]. */
static const char *
last_match(const struct scan *sc, size_t lo, size_t hi)
{
	const char	*q = sc->map + lo, *found = NULL, *end = sc->map + hi;

	while ((size_t)(end - q) >= sc->plen &&
	    (q = memmem(q, (size_t)(end - q), sc->pat, sc->plen)) != NULL) {
		found = q;
		q++;
	}
	return found;
}

/*
 * The current state of serial (its last line) in the index file behind
 * fd, searched from the end a chunk at a time; *found 0 if none.
 */
int
index_scan_last(int fd, const char *path, const char *serial,
    struct db_record *out, int *found)
{
	struct scan	 sc;
	const char	*m;
	size_t		 end, start, hi;
	int		 r, rc = 0;

	*found = 0;
	memset(out, 0, sizeof(*out));
	out->reason = -1;
	if (scan_open(&sc, fd, path, serial))
		goto out;
	for (end = sc.len; end > 0; end = start) {
		start = end > SCAN_CHUNK ? end - SCAN_CHUNK : 0;
		hi = end + sc.plen - 1 < sc.len ? end + sc.plen - 1 : sc.len;
		while ((m = last_match(&sc, start, hi)) != NULL) {
			if ((r = scan_line(&sc, m, out)) < 0)
				goto out;
			if (r > 0) {
				*found = 1;
				rc = 1;
				goto out;
			}
			hi = (size_t)(m - sc.map) + sc.plen - 1;
		}
	}
	rc = 1;
out:
	scan_close(&sc);
	return !rc;
}

/*
 * The current state of serial, a copy that owns its subject: from memory
 * when the index is loaded, else from the file (DB_OPEN_NOINDEX).
 */
int
db_index_find(struct db *db, const char *serial, struct db_record *out,
    int *found)
{
	const struct db_record	*cur;
	char			*path;
	int			 rc;

	*found = 0;
	memset(out, 0, sizeof(*out));
	out->reason = -1;
	if (db->idx_loaded) {
		if ((cur = db_index_get(db, serial)) == NULL)
			return 0;
		*out = *cur;
		if ((out->subject = strdup(cur->subject)) == NULL) {
			err_set("out of memory");
			return 1;
		}
		*found = 1;
		return 0;
	}
	if (db->indexfd == -1) {
		err_set("the index is not open (this is a bug)");
		return 1;
	}
	if ((path = db_path(db, INDEX_FILE)) == NULL)
		return 1;
	rc = index_scan_last(db->indexfd, path, serial, out, found);
	free(path);
	return rc;
}

/* Every line of serial, oldest first, in a malloc'd array of *n. */
int
db_index_history(struct db *db, const char *serial, struct db_record **recs,
    size_t *n)
{
	struct scan		 sc;
	struct db_record	*v = NULL, *t, r;
	const char		*q, *end;
	char			*path = NULL;
	size_t			 cap = 0;
	int			 k, rc = 0;

	*recs = NULL;
	*n = 0;
	memset(&sc, 0, sizeof(sc));
	if (db->indexfd == -1) {
		err_set("the index is not open (this is a bug)");
		goto out;
	}
	if ((path = db_path(db, INDEX_FILE)) == NULL ||
	    scan_open(&sc, db->indexfd, path, serial))
		goto out;
	/* An empty index maps to NULL, and NULL + 0 is undefined. */
	end = sc.len > 0 ? sc.map + sc.len : sc.map;
	for (q = sc.map; q != NULL && (size_t)(end - q) >= sc.plen; q++) {
		if ((q = memmem(q, (size_t)(end - q), sc.pat, sc.plen)) == NULL)
			break;
		if ((k = scan_line(&sc, q, &r)) < 0)
			goto out;
		if (k == 0)
			continue;
		if (*n == cap) {
			cap = cap == 0 ? 4 : cap * 2;
			if ((t = reallocarray(v, cap, sizeof(*v))) == NULL) {
				db_record_clear(&r);
				err_set("out of memory");
				goto out;
			}
			v = t;
		}
		v[(*n)++] = r;
	}
	*recs = v;
	v = NULL;
	rc = 1;
out:
	if (v != NULL) {
		while (*n > 0)
			db_record_clear(&v[--*n]);
		free(v);
	}
	scan_close(&sc);
	free(path);
	return !rc;
}
