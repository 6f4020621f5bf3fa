/* SPDX-License-Identifier: ISC */
/*
 * An operation and its audit record stand or fall together.  A revoke
 * (or release) writes its audit record first, durably, and only then the
 * index line: a revocation never stands without its record.  If the
 * index line is not written (a full disk, a crash), the record is an
 * intent without its result.  It can only be the last record of the
 * audit log but for db verify's own records (the one record a read-only
 * command writes), since every writing command settles it here when it
 * opens the data directory, under the lock, before it writes anything: the
 * index is asked whether the change is there, and when it is not, a
 * revoke.rollback record says that nothing was changed.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/db_int.h"
#include "util/util.h"

#define AUDIT_FILE	"audit.log"
#define TAIL_BYTES	(256 * 1024)	/* where the last intent is looked for */

/* What the record asked for: "serial S reason R invalidity I" or "serial S". */
struct intent {
	unsigned long long	 seq;
	int			 release;
	char			 serial[DB_SERIAL_MAX];
	int			 reason;
};

/* The intent of the audit log's last record, if it is a revoke or release. */
static int
intent_read(const char *line, struct intent *in)
{
	char	op[32], result[16], seq[32], detail[256], reason[48];
	int	n;

	memset(in, 0, sizeof(*in));
	if (db_audit_field(line, "op", op, sizeof(op)) == NULL ||
	    db_audit_field(line, "result", result, sizeof(result)) == NULL ||
	    db_audit_field(line, "seq", seq, sizeof(seq)) == NULL ||
	    db_audit_field(line, "detail", detail, sizeof(detail)) == NULL ||
	    strcmp(result, "ok") != 0)
		return 0;
	if (strcmp(op, "release") == 0)
		in->release = 1;
	else if (strcmp(op, "revoke") != 0)
		return 0;
	in->seq = strtoull(seq, NULL, 10);
	reason[0] = '\0';
	n = sscanf(detail, "serial %40s reason %47s", in->serial, reason);
	if (n < 1 || !serial_valid(in->serial, strlen(in->serial)))
		return 0;
	in->reason = in->release ? -1 : db_reason_parse(reason);
	return in->release || n == 2;
}

/* Whether the index holds what the intent asked for. */
static int
intent_done(struct db *db, const struct intent *in, int *done)
{
	struct db_record	r;
	int			found;

	if (db_index_find(db, in->serial, &r, &found))
		return 1;
	*done = found && (in->release ? r.status == DB_VALID :
	    r.status == DB_REVOKED && r.reason == in->reason);
	db_record_clear(&r);
	return 0;
}

static int
intent_rollback(struct db *db, const struct intent *in, int announce)
{
	struct audit_entry	e;
	char			detail[256];

	snprintf(detail, sizeof(detail), "record %llu (%s of serial %s) has "
	    "no index line: nothing was changed", in->seq,
	    in->release ? "release" : "revoke", in->serial);
	memset(&e, 0, sizeof(e));
	e.op = "revoke.rollback";
	e.ok = 1;
	e.detail = detail;
	if (db_audit(db, &e)) {
		err_context("the %s of serial %s (audit record %llu) was not "
		    "written to index.txt, and its rollback cannot be recorded",
		    in->release ? "release" : "revocation", in->serial,
		    in->seq);
		return 1;
	}
	if (announce)
		note("the %s of serial %s (audit record %llu) was "
		    "interrupted before index.txt recorded it: rolled back "
		    "(audit record %llu); run it again", in->release ?
		    "release" : "revocation", in->serial, in->seq,
		    db->audit_seq);
	return 0;
}

/*
 * The last record of the log behind fd that is not db verify's (which
 * a read-only command writes without settling anything), malloc'd;
 * NULL when there is none in its last TAIL_BYTES.
 */
static char *
last_record(int fd)
{
	struct stat	 st;
	char		*buf, *line = NULL, op[32];
	size_t		 n, end, b;
	off_t		 start;

	if (fstat(fd, &st) == -1 || st.st_size == 0)
		return NULL;
	start = st.st_size > TAIL_BYTES ? st.st_size - TAIL_BYTES : 0;
	n = (size_t)(st.st_size - start);
	if ((buf = malloc(n + 1)) == NULL)
		return NULL;
	if (pread(fd, buf, n, start) != (ssize_t)n || buf[n - 1] != '\n')
		goto out;
	for (end = n - 1; end > 0; end = b - 1) {
		for (b = end; b > 0 && buf[b - 1] != '\n'; b--)
			;
		if (b == 0 && start > 0)
			break;		/* the line began before the chunk */
		buf[end] = '\0';
		if (db_audit_field(buf + b, "op", op, sizeof(op)) == NULL ||
		    strcmp(op, "db.verify") != 0) {
			line = strdup(buf + b);
			break;
		}
		if (b == 0)
			break;
	}
out:
	free(buf);
	return line;
}

/*
 * Settle the audit log's last intent if it has no result; announce: say
 * so on stderr (at an open; the command that failed says it itself).
 */
int
db_intent_settle(struct db *db, int announce)
{
	struct intent	 in;
	char		*path, *line;
	int		 fd, done = 0, rc = 0;

	if ((path = db_path(db, AUDIT_FILE)) == NULL)
		return 1;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1) {
		/* A missing log refuses the first record, with its words. */
		free(path);
		return 0;
	}
	if ((line = last_record(fd)) != NULL && intent_read(line, &in) &&
	    (rc = intent_done(db, &in, &done)) == 0 && !done)
		rc = intent_rollback(db, &in, announce);
	free(line);
	close(fd);
	free(path);
	return rc;
}
