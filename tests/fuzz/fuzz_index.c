/* SPDX-License-Identifier: ISC */
/*
 * index.txt (db/index.c, index_file.c, index_check.c, scan.c): the input
 * is a data directory's index.  Each line is parsed alone and, when it
 * reads and has nine fields, must format back byte for byte (the parser
 * is the exact inverse of the writer); then the whole file is checked
 * (db verify's reader), loaded (db_open's), and one serial looked up and
 * its history read from the file (the reader of a database opened
 * without its index).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/db_int.h"
#include "util/util.h"
#include "tests/fuzz/fuzz.h"

/* One line alone: parse, and the round trip through the writer. */
static void
line_roundtrip(const char *p, size_t len)
{
	struct db_record	 r;
	char			 why[256], *buf;
	size_t			 size, tabs = 0, i;
	int			 n;

	if (index_parse(p, len, &r, why, sizeof(why)) != 0)
		return;
	for (i = 0; i < len; i++)
		tabs += p[i] == '\t';
	size = index_line_max(&r) + 1;
	if ((buf = malloc(size)) == NULL)
		abort();
	n = index_format_line(&r, buf, size);
	if (tabs == 8 && (n < 0 || (size_t)n != len + 1 ||
	    memcmp(buf, p, len) != 0)) {
		fprintf(stderr, "index line does not write back as read: "
		    "%.*s\n", (int)len, p);
		abort();
	}
	free(buf);
	db_record_clear(&r);
}

static void
problem(void *arg, size_t line, const char *why)
{
	(void)line;
	(void)why;
	(*(size_t *)arg)++;
}

/* The file as db verify, db_open and a NOINDEX database read it. */
static void
index_file(const uint8_t *data, size_t size)
{
	struct db		 db;
	struct db_record	*recs = NULL, *hist = NULL, r;
	size_t			 n = 0, nhist = 0, problems = 0;
	char			 serial[DB_SERIAL_MAX] = "01";
	int			 found;

	memset(&db, 0, sizeof(db));
	db.home = (char *)fuzz_dir();
	db.lockfd = db.indexfd = -1;
	fuzz_file("index.txt", data, size);
	if (db_index_check(&db, problem, &problems, &recs, &n) == 0 && n > 0)
		snprintf(serial, sizeof(serial), "%s", recs[n - 1].serial);
	db_records_free(recs, n);
	/* db_index_load cuts a torn last line, as db_open does. */
	if (db_index_load(&db) == 0) {
		db.idx_loaded = 0;
		if (db_index_find(&db, serial, &r, &found) == 0)
			db_record_clear(&r);
		if (db_index_history(&db, serial, &hist, &nhist) == 0)
			db_records_free(hist, nhist);
	}
	db_index_free(&db.idx);
	if (db.indexfd != -1)
		close(db.indexfd);
	err_clear();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*p = (const char *)data, *end = p + size, *nl;

	for (; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		line_roundtrip(p, (size_t)(nl - p));
	}
	index_file(data, size);
	return 0;
}
