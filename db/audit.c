/* SPDX-License-Identifier: ISC */
/*
 * audit.log: one line per operation, tab-separated key=value fields,
 *
 *   seq time operator op result in out detail prev
 *
 * where in and out list role:sha256 of what the operation read and wrote,
 * and prev is the SHA-256 of the previous line (without its newline), 64
 * zeros for the first.  Changing, removing or inserting a line breaks the
 * chain at that place; db_audit_verify finds the first break.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "db/db_int.h"
#include "util/util.h"

#define AUDIT_FILE	"audit.log"

static void
add_item(struct audit_item *items, size_t *n, const char *role,
    const void *data, size_t len)
{
	/* One too many is kept as a count, so db_audit refuses the entry. */
	if (*n < AUDIT_ITEMS_MAX) {
		items[*n].role = role;
		items[*n].data = data;
		items[*n].len = len;
		items[*n].sha256 = NULL;
	}
	if (*n <= AUDIT_ITEMS_MAX)
		(*n)++;
}

void
audit_add_in(struct audit_entry *e, const char *role, const void *data,
    size_t len)
{
	add_item(e->in, &e->nin, role, data, len);
}

void
audit_add_out(struct audit_entry *e, const char *role, const void *data,
    size_t len)
{
	add_item(e->out, &e->nout, role, data, len);
}

/* An input hashed as it was read (a large index): its SHA-256 in hex. */
void
audit_add_in_hash(struct audit_entry *e, const char *role,
    const char *sha256)
{
	add_item(e->in, &e->nin, role, NULL, 0);
	if (e->nin <= AUDIT_ITEMS_MAX)
		e->in[e->nin - 1].sha256 = sha256;
}

/* An output hashed as it was written (a large CRL): its SHA-256 in hex. */
void
audit_add_out_hash(struct audit_entry *e, const char *role,
    const char *sha256)
{
	add_item(e->out, &e->nout, role, NULL, 0);
	if (e->nout <= AUDIT_ITEMS_MAX)
		e->out[e->nout - 1].sha256 = sha256;
}

/* The escaped form of s (NULL: empty), malloc'd. */
static char *
escaped(const char *s)
{
	char	*out;

	if (s == NULL)
		s = "";
	if ((out = malloc(text_escape_len(s) + 1)) == NULL)
		return NULL;
	out[text_escape(out, s)] = '\0';
	return out;
}

static int
items_check(const struct audit_item *items, size_t n, const char *what)
{
	size_t	i;

	if (n > AUDIT_ITEMS_MAX) {
		err_set("audit record with more than %d %s items (this is a "
		    "bug)", AUDIT_ITEMS_MAX, what);
		return 1;
	}
	for (i = 0; i < n; i++)
		if (items[i].role == NULL || items[i].role[0] == '\0' ||
		    strspn(items[i].role, AUDIT_NAME_CHARS) != strlen(items[i].role)) {
			err_set("audit %s role '%s' is not lower-case letters, "
			    "digits, '.', '_' or '-' (this is a bug)", what,
			    items[i].role != NULL ? items[i].role : "");
			return 1;
		}
	return 0;
}

/*
 * The hashes already computed for this batch of records: a batch names
 * the same template and policy bytes in every record, hashed once.
 */
struct hash_memo {
	const void	*data;
	size_t		 len;
	char		*hex;
};
#define HASH_MEMO	4

static void
memo_free(struct hash_memo *m)
{
	size_t	i;

	for (i = 0; m != NULL && i < HASH_MEMO; i++)
		free(m[i].hex);
}

/* The SHA-256 of data, from the memo when it is there; not to be freed. */
static const char *
memo_hash(struct hash_memo *m, const void *data, size_t len, char **own)
{
	size_t	i;

	*own = NULL;
	for (i = 0; m != NULL && i < HASH_MEMO && m[i].hex != NULL; i++)
		if (m[i].data == data && m[i].len == len)
			return m[i].hex;
	if ((*own = sha256_hex(data, len)) == NULL || m == NULL ||
	    i == HASH_MEMO)
		return *own;
	m[i].data = data;
	m[i].len = len;
	m[i].hex = *own;
	*own = NULL;
	return m[i].hex;
}

/* "role:sha256,role:sha256" */
static int
put_items(FILE *f, const struct audit_item *items, size_t n,
    struct hash_memo *memo)
{
	const char	*h;
	char		*own;
	size_t		 i;

	for (i = 0; i < n; i++) {
		if (items[i].sha256 != NULL) {
			if (strlen(items[i].sha256) != 64 ||
			    strspn(items[i].sha256, "0123456789abcdef") != 64)
				return 1;
			fprintf(f, "%s%s:%s", i > 0 ? "," : "", items[i].role,
			    items[i].sha256);
			continue;
		}
		if ((h = memo_hash(memo, items[i].data, items[i].len, &own)) ==
		    NULL)
			return 1;
		fprintf(f, "%s%s:%s", i > 0 ? "," : "", items[i].role, h);
		free(own);
	}
	return 0;
}

/* The record as one line, newline included, malloc'd. */
static char *
audit_line(const struct audit_entry *e, unsigned long long seq,
    const char *prev, struct hash_memo *memo, size_t *len)
{
	FILE		*f;
	time_t		 now = time(NULL);
	char		*buf = NULL, *op, *det, when[32];
	int		 bad;

	op = escaped(e->operator);
	det = escaped(e->detail);
	utc_format(now, UTC_ISO, when);
	if (op == NULL || det == NULL ||
	    (f = open_memstream(&buf, len)) == NULL) {
		free(op);
		free(det);
		return NULL;
	}
	fprintf(f, "seq=%llu\ttime=%s\toperator=%s\top=%s\tresult=%s\tin=",
	    seq, when, op, e->op, e->ok ? "ok" : "failed");
	bad = put_items(f, e->in, e->nin, memo);
	fprintf(f, "\tout=");
	bad |= put_items(f, e->out, e->nout, memo);
	fprintf(f, "\tdetail=%s\tprev=%s\n", det, prev);
	bad |= ferror(f);
	bad |= fclose(f) != 0;
	free(op);
	free(det);
	if (bad) {
		free(buf);
		return NULL;
	}
	return buf;
}

static int
entry_check(const struct audit_entry *e)
{
	if (e->op == NULL || e->op[0] == '\0' ||
	    strspn(e->op, AUDIT_NAME_CHARS) != strlen(e->op)) {
		err_set("audit operation name '%s' is not lower-case letters, "
		    "digits, '.', '_' or '-' (this is a bug)",
		    e->op != NULL ? e->op : "");
		return 1;
	}
	return items_check(e->in, e->nin, "input") ||
	    items_check(e->out, e->nout, "output");
}

/* Learn the sequence number and hash of the last record. */
static int
audit_head_read(struct db *db, int fd, const char *path)
{
	struct tail		 t;
	char			*line, *h = NULL, *end;
	size_t			 len;
	unsigned long long	 seq;
	int			 rc = 0;

	if (tail_line(fd, path, &t))
		return 1;
	line = t.line;
	len = t.len;
	if (t.open) {
		/* Appending now would glue a record to it. */
		err_set("the last line of %s has no end of line (an interrupted "
		    "write): a writing command (ceremony db recover) repairs "
		    "it first", path);
		goto out;
	}
	if (line == NULL) {
		db->audit_seq = 0;
		audit_first_prev(db->audit_prev);
	} else {
		errno = 0;
		if (strncmp(line, "seq=", 4) != 0 || line[4] < '1' ||
		    line[4] > '9' ||
		    (seq = strtoull(line + 4, &end, 10), *end != '\t') ||
		    errno != 0) {
			err_set("the last line of %s is corrupt: run ceremony "
			    "db verify, and restore the file from the backup",
			    path);
			goto out;
		}
		if ((h = sha256_hex(line, len)) == NULL) {
			err_set("out of memory");
			goto out;
		}
		db->audit_seq = seq;
		memcpy(db->audit_prev, h, sizeof(db->audit_prev));
	}
	db->audit_known = 1;
	rc = 1;
out:
	free(line);
	free(h);
	return !rc;
}

static int
audit_open(struct db *db, const char *path)
{
	int	fd;

	if ((fd = open(path, O_RDWR | O_APPEND | O_CLOEXEC | O_NOFOLLOW)) ==
	    -1) {
		if (errno == ENOENT)
			err_set("%s is missing: restore it from the backup; no "
			    "operation is done without its record", path);
		else
			err_set("cannot open %s (%s)", path, strerror(errno));
		return -1;
	}
	if (!db->audit_known && audit_head_read(db, fd, path)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Append the record of one operation, durably, to the hash chain. */
int
db_audit(struct db *db, const struct audit_entry *e)
{
	char	*path = NULL, *line = NULL, *h = NULL;
	size_t	 len;
	int	 fd = -1, rc = 0;

	if (entry_check(e) || (path = db_path(db, AUDIT_FILE)) == NULL ||
	    (fd = audit_open(db, path)) == -1)
		goto out;
	if ((line = audit_line(e, db->audit_seq + 1, db->audit_prev, NULL,
	    &len))
	    == NULL || (h = sha256_hex(line, len - 1)) == NULL) {
		err_set("out of memory writing the audit record");
		goto out;
	}
	if (append_durable(fd, line, len)) {
		err_context("cannot record %s in %s", e->op, path);
		goto out;
	}
	db->audit_seq++;
	memcpy(db->audit_prev, h, sizeof(db->audit_prev));
	rc = 1;
out:
	if (fd != -1)
		close(fd);
	free(h);
	free(line);
	free(path);
	return !rc;
}

/*
 * The records of a batch, chained in order, in one durable append: all of
 * them are recorded or none.
 */
int
db_audit_many(struct db *db, const struct audit_entry *e, size_t n)
{
	struct hash_memo	 memo[HASH_MEMO];
	char			*path = NULL, *buf = NULL, *line = NULL, *h = NULL;
	char			*nb, prev[sizeof(db->audit_prev)];
	size_t			 len, total = 0, i;
	int			 fd = -1, rc = 0;

	if (n == 0)
		return 0;
	memset(memo, 0, sizeof(memo));
	if ((path = db_path(db, AUDIT_FILE)) == NULL ||
	    (fd = audit_open(db, path)) == -1)
		goto out;
	memcpy(prev, db->audit_prev, sizeof(prev));
	for (i = 0; i < n; i++) {
		if (entry_check(&e[i]))
			goto out;
		free(line);
		free(h);
		h = NULL;
		if ((line = audit_line(&e[i], db->audit_seq + 1 + i, prev,
		    memo, &len)) == NULL || (h = sha256_hex(line, len - 1)) == NULL ||
		    (nb = realloc(buf, total + len)) == NULL) {
			err_set("out of memory writing the audit records");
			goto out;
		}
		buf = nb;
		memcpy(buf + total, line, len);
		total += len;
		memcpy(prev, h, sizeof(prev));
	}
	if (append_durable(fd, buf, total)) {
		err_context("cannot record %zu operations in %s", n, path);
		goto out;
	}
	db->audit_seq += n;
	memcpy(db->audit_prev, prev, sizeof(prev));
	rc = 1;
out:
	if (fd != -1)
		close(fd);
	free(h);
	free(line);
	free(buf);
	memo_free(memo);
	free(path);
	return !rc;
}

/* The number and hash of the last record, for the ceremony transcript. */
int
db_audit_head(struct db *db, unsigned long long *seq, char hash[65])
{
	char	*path;
	int	 fd;

	if ((path = db_path(db, AUDIT_FILE)) == NULL)
		return 1;
	fd = audit_open(db, path);
	free(path);
	if (fd == -1)
		return 1;
	close(fd);
	*seq = db->audit_seq;
	memcpy(hash, db->audit_prev, 65);
	return 0;
}
