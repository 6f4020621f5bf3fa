/* SPDX-License-Identifier: ISC */
/*
 * index.txt read for checking (ceremony db verify), not for use: where
 * opening the database stops at the first bad line, this reads on and
 * reports every line that does not parse or breaks a serial's history (a
 * serial reserved twice is the duplicate a broken RNG or a hand edit
 * makes), and hands back the last good state of every serial.
 */
#include <sys/mman.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/db_int.h"
#include "util/util.h"

static void
check_line(struct db_index *idx, const char *p, size_t len, size_t lineno,
    db_problem_fn problem, db_line_fn step, void *arg)
{
	struct db_record	 rec;
	char			 why[512];
	size_t			 slot;

	if (len == 0) {
		problem(arg, lineno, "empty line");
		return;
	}
	if (index_parse(p, len, &rec, why, sizeof(why))) {
		problem(arg, lineno, why);
		return;
	}
	slot = table_slot(idx, rec.serial);
	if (index_transition(table_at(idx, slot), &rec, why, sizeof(why))) {
		problem(arg, lineno, why);
		db_record_clear(&rec);
		return;
	}
	if (step != NULL)
		step(arg, table_at(idx, slot), &rec);
	table_put_at(idx, slot, &rec);
}

/*
 * Every problem of index.txt through problem(); the last state of each
 * serial into *out (n of them, the caller frees with db_records_free).
 * Returns 1 only when the file cannot be read at all.
 */
int
db_index_check(const struct db *db, db_problem_fn problem, void *arg,
    struct db_record **out, size_t *n)
{
	return db_index_walk(db, problem, NULL, arg, out, n);
}

/* The same, handing step each good line with the state it follows. */
int
db_index_walk(const struct db *db, db_problem_fn problem, db_line_fn step,
    void *arg, struct db_record **out, size_t *n)
{
	struct db_index	 idx = { 0 };
	char		*path, *buf = NULL;
	const char	*p, *end, *nl;
	size_t		 len = 0, lineno = 0;
	int		 fd = -1, rc = 1;

	*out = NULL;
	*n = 0;
	if ((path = db_path(db, "index.txt")) == NULL)
		return 1;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1) {
		err_set("cannot open %s (%s)", path, strerror(errno));
		goto out;
	}
	if (index_map(fd, path, &buf, &len))
		goto out;
	/* An empty index maps to NULL, and NULL + 0 is undefined. */
	for (p = buf, end = len > 0 ? buf + len : buf; p < end; p = nl + 1) {
		lineno++;
		/* A whole record without its newline is still a record. */
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL &&
		    !index_line_whole(p, (size_t)(end - p))) {
			problem(arg, lineno, "the last line is incomplete (an "
			    "interrupted write): the next writing command, such "
			    "as ceremony db recover, moves it to quarantine/");
			break;
		}
		if (nl == NULL)
			nl = end;
		if (*p == '#')
			continue;
		/* Room for one more serial, made before the line is read. */
		if (table_reserve(&idx, 1))
			goto out;
		check_line(&idx, p, (size_t)(nl - p), lineno, problem, step,
		    arg);
	}
	*out = idx.recs;
	*n = idx.count;
	idx.recs = NULL;
	idx.count = 0;
	rc = 0;
out:
	db_index_free(&idx);
	if (buf != NULL)
		munmap(buf, len);
	if (fd != -1)
		close(fd);
	free(path);
	return rc;
}

void
db_records_free(struct db_record *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		db_record_clear(&v[i]);
	free(v);
}
