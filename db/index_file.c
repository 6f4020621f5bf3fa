/* SPDX-License-Identifier: ISC */
/*
 * index.txt as a whole: loaded once when the database opens (one read,
 * one pass, memory sized from the line count up front), then only ever
 * appended to.  An append is checked completely, written with one
 * durable write, and only then applied in memory, so a failure changes
 * nothing on disk or in memory.  A database opened without loading the
 * index (DB_OPEN_NOINDEX) appends one change at a time (db_index_set),
 * checked against the serial's last line found in the file (scan.c).
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/db_int.h"
#include "util/util.h"

#define INDEX_FILE	"index.txt"

/*
 * An upper bound of the number of serials: every serial starts with a P
 * line, so there are no more serials than lines that start with P.
 */
static size_t
count_reserved(const char *buf, size_t len)
{
	const char	*p = buf, *end = buf + len;
	size_t		 n = 0;

	while (p < end) {
		n += *p == DB_RESERVED;
		if ((p = memchr(p, '\n', (size_t)(end - p))) == NULL)
			break;
		p++;
	}
	return n;
}

/*
 * The new subject of a serial is almost always the one it had: keep that
 * string instead of making another.  Only when the line holds it exactly
 * as written (nothing escaped), so that what is accepted stays the same.
 */
static char *
subject_take(struct db_record *cur, const char *subj, size_t slen)
{
	char	*s;

	if (cur == NULL || strlen(cur->subject) != slen ||
	    memcmp(cur->subject, subj, slen) != 0 ||
	    text_escape_len(cur->subject) != slen)
		return NULL;
	s = cur->subject;
	cur->subject = NULL;
	return s;
}

/* One line (no newline) into db->idx; 0 if it went in, else why not. */
static int
index_line(struct db_index *idx, const char *p, size_t len, char *why,
    size_t whysz)
{
	struct db_record	 rec, *cur;
	const char		*subj, *uwhy;
	size_t			 slen, slot;

	if (len == 0) {
		snprintf(why, whysz, "empty line");
		return 1;
	}
	if (index_parse_raw(p, len, &rec, &subj, &slen, why, whysz))
		return 1;
	if (table_reserve(idx, 1)) {
		snprintf(why, whysz, "%s", err_get());
		return 1;
	}
	slot = table_slot(idx, rec.serial);
	cur = table_at(idx, slot);
	if (index_transition(cur, &rec, why, whysz))
		return 1;
	if ((rec.subject = subject_take(cur, subj, slen)) == NULL &&
	    (rec.subject = text_unescape(subj, slen, &uwhy)) == NULL) {
		snprintf(why, whysz, "subject: %s", uwhy);
		return 1;
	}
	table_put_at(idx, slot, &rec);
	return 0;
}

/* Every line of buf into db->idx (the last may lack its newline). */
static int
index_fill(struct db *db, const char *path, const char *buf, size_t len)
{
	const char	*p, *end, *nl;
	char		 why[512];
	size_t		 lineno = 0;

	/* An empty index maps to NULL, and NULL + 0 is undefined. */
	if (len == 0)
		return 0;
	p = buf;
	end = buf + len;
	if (table_reserve(&db->idx, count_reserved(buf, len)))
		return 1;
	for (; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		lineno++;
		if (*p == '#')
			continue;
		if (index_line(&db->idx, p, (size_t)(nl - p), why,
		    sizeof(why))) {
			err_set("%s line %zu is corrupt (%s): restore it from "
			    "the backup or run ceremony db verify", path,
			    lineno, why);
			return 1;
		}
	}
	return 0;
}

/* The file behind fd, mapped read-only; NULL and *len 0 if empty. */
int
index_map(int fd, const char *path, char **buf, size_t *len)
{
	struct stat	st;
	void		*m;

	*buf = NULL;
	*len = 0;
	if (fstat(fd, &st) == -1) {
		err_set("cannot read %s (%s)", path, strerror(errno));
		return 1;
	}
	if (st.st_size == 0)
		return 0;
	if ((m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd,
	    0)) == MAP_FAILED) {
		err_set("cannot read %s (%s)", path, strerror(errno));
		return 1;
	}
	madvise(m, (size_t)st.st_size, MADV_SEQUENTIAL);
	*buf = m;
	*len = (size_t)st.st_size;
	return 0;
}

static int
index_fd(const char *path)
{
	int	fd;

	if ((fd = open(path, O_RDWR | O_APPEND | O_CLOEXEC | O_NOFOLLOW)) ==
	    -1) {
		if (errno == ENOENT)
			err_set("%s is missing: restore it from the backup",
			    path);
		else
			err_set("cannot open %s (%s)", path, strerror(errno));
	}
	return fd;
}

/* Whether the line at p (no newline) is a whole index record. */
int
index_line_whole(const char *p, size_t len)
{
	struct db_record	 r;
	char			 why[128];

	if (len > 0 && *p == '#')
		return 1;
	if (index_parse(p, len, &r, why, sizeof(why)))
		return 0;
	db_record_clear(&r);
	return 1;
}

/* The index opened for appending: loaded whole, or (load 0) only opened. */
int
index_open_file(struct db *db, int load)
{
	char	*path;
	int	 fd = -1, rc = 0;

	if (load)
		return db_index_load(db);
	if ((path = db_path(db, INDEX_FILE)) == NULL ||
	    (fd = index_fd(path)) == -1)
		goto out;
	db_index_free(&db->idx);
	db->idx_loaded = 0;
	if (db->indexfd != -1)
		close(db->indexfd);
	db->indexfd = fd;
	fd = -1;
	rc = 1;
out:
	if (fd != -1)
		close(fd);
	free(path);
	return !rc;
}

int
db_index_load(struct db *db)
{
	char	*path = NULL, *buf = NULL;
	size_t	 len = 0, maplen = 0;
	int	 fd = -1, rc = 0;

	db_index_free(&db->idx);
	db->idx_loaded = 0;
	if ((path = db_path(db, INDEX_FILE)) == NULL ||
	    (fd = index_fd(path)) == -1)
		goto out;
	if (index_map(fd, path, &buf, &len))
		goto out;
	maplen = len;
	len = tail_usable(path, buf, len, index_line_whole);
	if (index_fill(db, path, buf, len))
		goto out;
	if (db->indexfd != -1)
		close(db->indexfd);
	db->indexfd = fd;
	db->idx_loaded = 1;
	fd = -1;
	rc = 1;
out:
	if (!rc)
		db_index_free(&db->idx);
	if (fd != -1)
		close(fd);
	if (buf != NULL)
		munmap(buf, maplen);
	free(path);
	return !rc;
}

/*
 * Check that recs[0..n) may follow each other and what is in the index,
 * using a scratch table of the states the batch itself sets.
 */
static int
batch_check(const struct db *db, const struct db_record *recs, size_t n)
{
	struct db_index		 seen = { 0 };
	struct db_record	 r, *cur;
	char			 why[512];
	size_t			 i;
	int			 rc = 0;

	if (table_reserve(&seen, n))
		goto out;
	for (i = 0; i < n; i++) {
		if ((cur = table_get(&seen, recs[i].serial)) == NULL)
			cur = table_get(&db->idx, recs[i].serial);
		if (index_transition(cur, &recs[i], why, sizeof(why))) {
			err_set("%s", why);
			goto out;
		}
		r = recs[i];
		r.subject = NULL;
		table_put(&seen, &r);
	}
	rc = 1;
out:
	db_index_free(&seen);
	return !rc;
}

/* All n lines, formatted into one buffer. */
static char *
batch_format(const struct db_record *recs, size_t n, size_t *len)
{
	char	*buf;
	size_t	 i, size = 1, off = 0;
	int	 w;

	for (i = 0; i < n; i++)
		size += index_line_max(&recs[i]);
	if ((buf = malloc(size)) == NULL) {
		err_set("out of memory");
		return NULL;
	}
	for (i = 0; i < n; i++) {
		if ((w = index_format_line(&recs[i], buf + off, size - off))
		    < 0) {
			free(buf);
			return NULL;
		}
		off += (size_t)w;
	}
	*len = off;
	return buf;
}

/* Copies of recs that own their subjects, to go into the table. */
static struct db_record *
batch_copy(const struct db_record *recs, size_t n)
{
	struct db_record	*c;
	size_t			 i;

	if ((c = calloc(n, sizeof(*c))) == NULL)
		goto fail;
	for (i = 0; i < n; i++) {
		c[i] = recs[i];
		if ((c[i].subject = strdup(recs[i].subject)) == NULL) {
			while (i-- > 0)
				db_record_clear(&c[i]);
			free(c);
			goto fail;
		}
	}
	return c;
fail:
	err_set("out of memory");
	return NULL;
}

int
db_index_append(struct db *db, const struct db_record *recs, size_t n)
{
	struct db_record	*copies = NULL;
	char			*buf = NULL;
	size_t			 len, i, fresh = 0;
	int			 rc = 0;

	if (n == 0)
		return 0;
	if (db->indexfd == -1 || !db->idx_loaded) {
		err_set("the index is not loaded (this is a bug)");
		goto out;
	}
	/* Only a P record can bring a new serial (batch_check). */
	for (i = 0; i < n; i++)
		fresh += recs[i].status == DB_RESERVED;
	if ((buf = batch_format(recs, n, &len)) == NULL ||
	    batch_check(db, recs, n) ||
	    (copies = batch_copy(recs, n)) == NULL ||
	    table_reserve(&db->idx, fresh))
		goto out;
	if (append_durable(db->indexfd, buf, len)) {
		if (n > 1)
			err_context("cannot record serial %s and %zu more in "
			    "%s/%s", recs[0].serial, n - 1, db->home,
			    INDEX_FILE);
		else
			err_context("cannot record serial %s in %s/%s",
			    recs[0].serial, db->home, INDEX_FILE);
		goto out;
	}
	for (i = 0; i < n; i++)
		table_put(&db->idx, &copies[i]);
	rc = 1;
out:
	if (copies != NULL && !rc)
		for (i = 0; i < n; i++)
			db_record_clear(&copies[i]);
	free(copies);
	free(buf);
	return !rc;
}

/*
 * Append a new state of serial that keeps its other fields: V on issue,
 * R (at when, for reason) on revocation, V again when a hold is lifted,
 * X for a reservation that is given up.
 */
int
db_index_mark(struct db *db, const char *serial, int status, time_t when,
    int reason)
{
	const struct db_record	*cur;
	struct db_record	 r;

	if ((cur = db_index_get(db, serial)) == NULL) {
		err_set("serial %s is not in the index: check the serial "
		    "(ceremony list shows them)", serial);
		return 1;
	}
	r = *cur;
	r.status = (char)status;
	r.revoked_at = status == DB_REVOKED ? when : 0;
	r.reason = status == DB_REVOKED ? reason : -1;
	r.invalidity = 0;
	return db_index_append(db, &r, 1);
}

/*
 * Append next, a new state of cur's serial, where cur is its current
 * state (db_index_find under the same lock).  With the index loaded this
 * is db_index_append; otherwise the rules are checked against cur and the
 * line appended with one durable write.
 */
int
db_index_set(struct db *db, const struct db_record *cur,
    const struct db_record *next)
{
	char	*buf = NULL, why[512];
	size_t	 size;
	int	 len, rc = 0;

	if (db->idx_loaded)
		return db_index_append(db, next, 1);
	if (db->indexfd == -1) {
		err_set("the index is not open (this is a bug)");
		goto out;
	}
	if (cur != NULL && strcmp(cur->serial, next->serial) != 0) {
		err_set("serial %s is not %s (this is a bug)", cur->serial,
		    next->serial);
		goto out;
	}
	if (index_transition(cur, next, why, sizeof(why))) {
		err_set("%s", why);
		goto out;
	}
	size = index_line_max(next) + 1;
	if ((buf = malloc(size)) == NULL) {
		err_set("out of memory");
		goto out;
	}
	if ((len = index_format_line(next, buf, size)) < 0)
		goto out;
	if (append_durable(db->indexfd, buf, (size_t)len)) {
		err_context("cannot record serial %s in %s/%s", next->serial,
		    db->home, INDEX_FILE);
		goto out;
	}
	rc = 1;
out:
	free(buf);
	return !rc;
}

/* Pointers stay valid until the next append or load. */
const struct db_record *
db_index_get(const struct db *db, const char *serial)
{
	return table_get(&db->idx, serial);
}

size_t
db_index_count(const struct db *db)
{
	return db->idx.count;
}

const struct db_record *
db_index_at(const struct db *db, size_t i)
{
	return i < db->idx.count ? &db->idx.recs[i] : NULL;
}
