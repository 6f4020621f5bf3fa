/* SPDX-License-Identifier: ISC */
/*
 * audit.log and audit.seals (db/audit_verify.c, audit.c, seals.c, and the
 * session list of ceremony/session/transcript.c): the input is a log, and after a
 * line "%%" its seals.  The chain is walked as audit verify walks it,
 * each line's fields read as audit show and the TUI read them, the
 * seals read, the sessions listed, and the head read as the next append
 * reads it (which cuts a torn last line, so it runs last).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ceremony/session/session.h"
#include "db/db_int.h"
#include "tests/fuzz/fuzz.h"

static FILE	*devnull;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if ((devnull = fopen("/dev/null", "w")) == NULL)
		abort();
	return 0;
}

/* Every field a walker may look at, touched. */
static int
walk_rec(void *arg, const struct audit_rec *r)
{
	const char	*const f[] = { r->time, r->operator, r->op, r->result,
			    r->in, r->out, r->detail, r->prev, r->hash };
	size_t		 i;

	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (f[i] != NULL)
			*(size_t *)arg += strlen(f[i]);
	return 0;
}

static void
rows(const uint8_t *data, size_t size)
{
	struct audit_row	 row;
	char			*text = fuzz_text(data, size), *line, *nl;
	char			 buf[64];

	for (line = text; line != NULL; line = nl) {
		if ((nl = strchr(line, '\n')) != NULL)
			*nl++ = '\0';
		db_audit_row(line, &row);
		db_audit_field(line, "prev", buf, sizeof(buf));
	}
	free(text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_parts	 fp;
	struct db		 db;
	struct db_seal		*seals = NULL;
	size_t			 nseals = 0, sum = 0;
	unsigned long long	 seq;
	char			 hash[65];
	const char		*log;
	long			 bad;

	fuzz_split(data, size, &fp);
	memset(&db, 0, sizeof(db));
	db.home = (char *)fuzz_dir();
	db.lockfd = db.indexfd = -1;
	log = fuzz_file("audit.log", fp.p[0], fp.len[0]);
	if (fp.n > 1)
		fuzz_file("audit.seals", fp.p[1], fp.len[1]);
	else
		fuzz_unlink("audit.seals");
	(void)db_audit_walk(log, walk_rec, &sum, &bad);
	rows(fp.p[0], fp.len[0]);
	if (db_seals_read(&db, &seals, &nseals) == 0)
		db_seals_free(seals, nseals);
	(void)audit_sessions(&db, devnull);
	(void)db_audit_head(&db, &seq, hash);
	err_clear();
	return 0;
}
