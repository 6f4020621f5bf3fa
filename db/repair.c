/* SPDX-License-Identifier: ISC */
/*
 * What a writing command repairs when it opens the data directory, under
 * the lock, before it changes anything: a last line of audit.log or
 * index.txt that lacks its newline.  A whole record is completed with
 * its newline; one cut short by a crash is moved to quarantine/ (its
 * bytes kept, never thrown away) and cut off.  Each repair gets an audit
 * record, op db.repair.  Read-only commands never come here: they read
 * a whole last line as a record and leave an incomplete one out.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "db/db_int.h"
#include "util/util.h"

#define QUARANTINE	"quarantine"

/* A new file quarantine/NAME.TIME.N holding the len bytes at buf. */
static int
quarantine_put(struct db *db, const char *name, const char *buf, size_t len,
    char *rel, size_t relsize)
{
	time_t		 now = time(NULL);
	char		*dir = NULL, *path = NULL, when[32];
	int		 n, rc = 0;

	if ((dir = db_path(db, QUARANTINE)) == NULL)
		goto out;
	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		err_set("cannot make %s (%s): check the disk, then try again",
		    dir, strerror(errno));
		goto out;
	}
	utc_format(now, UTC_STAMP, when);
	for (n = 1; n < 1000; n++) {
		snprintf(rel, relsize, "%s/%s.%s.%d", QUARANTINE, name, when, n);
		free(path);
		if ((path = db_path(db, rel)) == NULL)
			goto out;
		if (access(path, F_OK) == -1 && errno == ENOENT)
			break;
	}
	if (atomic_write(path, buf, len, 0600, 1))
		goto out;
	rc = 1;
out:
	free(dir);
	free(path);
	return !rc;
}

static int
repair_audit(struct db *db, const char *detail, const char *rel,
    const char *buf, size_t len)
{
	struct audit_entry	e;

	memset(&e, 0, sizeof(e));
	e.op = "db.repair";
	e.ok = 1;
	e.detail = detail;
	if (rel != NULL)
		audit_add_out(&e, "quarantine", buf, len);
	return db_audit(db, &e);
}

/* A whole record without its newline: the newline appended. */
static int
tail_complete(struct db *db, int fd, const char *name, const struct tail *t,
    int is_audit)
{
	char	detail[512];

	snprintf(detail, sizeof(detail), "%s: the last line (byte %lld) had "
	    "no end of line; completed", name, (long long)t->at);
	if ((!is_audit && repair_audit(db, detail, NULL, NULL, 0)) ||
	    append_durable(fd, "\n", 1) ||
	    (is_audit && repair_audit(db, detail, NULL, NULL, 0)))
		return 1;
	note("%s", detail);
	return 0;
}

/* A line cut short: its bytes kept in quarantine/, then cut off. */
static int
tail_quarantine(struct db *db, int fd, const char *name, const char *path,
    const struct tail *t, int is_audit)
{
	char	detail[512], rel[256];

	if (quarantine_put(db, name, t->line, t->len, rel, sizeof(rel)))
		return 1;
	snprintf(detail, sizeof(detail), "%s: an incomplete last line (%zu "
	    "bytes at byte %lld, an interrupted write) moved to %s", name,
	    t->len, (long long)t->at, rel);
	if (!is_audit && repair_audit(db, detail, rel, t->line, t->len))
		return 1;
	if (ftruncate(fd, t->at) == -1 || fsync(fd) == -1) {
		err_set("cannot cut the incomplete last line of %s (%s): check "
		    "the disk, then try again", path, strerror(errno));
		return 1;
	}
	if (is_audit) {
		db->audit_known = 0;	/* its head is read again */
		if (repair_audit(db, detail, rel, t->line, t->len))
			return 1;
	}
	note("%s", detail);
	return 0;
}

/*
 * The last line of NAME, open at fd, when it lacks its newline.  The
 * audit log's own repair is recorded after it (the log must end whole to
 * take a record); the index's before it, as the intent.
 */
static int
repair_tail(struct db *db, int fd, const char *name, const char *path,
    tail_whole_fn whole, int is_audit)
{
	struct tail	t;
	int		rc = 0;

	if (tail_line(fd, path, &t))
		return 1;
	if (t.line != NULL && t.open && (whole(t.line, t.len) ?
	    tail_complete(db, fd, name, &t, is_audit) :
	    tail_quarantine(db, fd, name, path, &t, is_audit))) {
		err_context("cannot repair %s", path);
		rc = 1;
	}
	free(t.line);
	return rc;
}

static int
repair_file(struct db *db, const char *name, tail_whole_fn whole,
    int is_audit)
{
	char	*path;
	int	 fd = -1, rc = 0;

	if ((path = db_path(db, name)) == NULL)
		return 1;
	/* A missing or unreadable file is the opening's own error. */
	if ((fd = open(path, O_RDWR | O_APPEND | O_CLOEXEC | O_NOFOLLOW)) !=
	    -1) {
		rc = repair_tail(db, fd, name, path, whole, is_audit);
		close(fd);
	}
	free(path);
	return rc;
}

/* The audit log first: the index's repair is recorded in it. */
int
db_repair(struct db *db)
{
	return repair_file(db, "audit.log", audit_line_whole, 1) ||
	    repair_file(db, "index.txt", index_line_whole, 0);
}
