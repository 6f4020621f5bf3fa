/* SPDX-License-Identifier: ISC */
/*
 * CA generations' state files (db/generations.c): the input is
 * ca/gen-1.rollover, and after each line "%%" the next generation's.  Each
 * is read, the active generation found and each one's status worked out
 * as every command does at start; a state that reads is written again
 * (db_gen_write) and must read back the same.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/db_int.h"
#include "util/util.h"
#include "tests/fuzz/fuzz.h"

#define NOW	((time_t)1798761600)	/* 2027-01-01, not the clock's */
#define SPARE	(FUZZ_PARTS_MAX + 1)	/* the round trip's: no part's */

static void
gen_name(char *buf, size_t len, int gen)
{
	snprintf(buf, len, "ca/gen-%d.rollover", gen);
}

/* Written and read back: the same state (labels as key generate makes). */
static void
roundtrip(struct db *db, const struct db_gen *g)
{
	struct db_gen	w = *g, r;
	char		name[64];

	if (strspn(g->key, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789._:-") != strlen(g->key) || g->key[0] == '\0')
		return;
	w.gen = SPARE;
	if (db_gen_write(db, &w) != 0)
		return;
	if (db_gen_read(db, SPARE, &r) != 0 || r.state != w.state ||
	    r.auto_switch != w.auto_switch || r.start != w.start ||
	    r.prepared != w.prepared || r.changed != w.changed ||
	    strcmp(r.key, w.key) != 0) {
		fprintf(stderr, "generation state does not read back as "
		    "written: %s\n", err_get());
		abort();
	}
	gen_name(name, sizeof(name), SPARE);
	fuzz_unlink(name);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_parts	 fp;
	struct db		 db;
	struct db_gen		 g;
	char			 name[64];
	size_t			 i;
	int			 due;

	fuzz_split(data, size, &fp);
	memset(&db, 0, sizeof(db));
	db.home = (char *)fuzz_dir();
	db.lockfd = db.indexfd = -1;
	for (i = 0; i < FUZZ_PARTS_MAX; i++) {
		gen_name(name, sizeof(name), (int)i + 1);
		if (i < fp.n)
			fuzz_file(name, fp.p[i], fp.len[i]);
		else
			fuzz_unlink(name);
	}
	for (i = 0; i < fp.n; i++)
		if (db_gen_read(&db, (int)i + 1, &g) == 0 && g.recorded)
			roundtrip(&db, &g);
	(void)db_ca_active(&db, NOW, &due);
	for (i = 0; i < fp.n; i++)
		(void)db_gen_status(&db, (int)i + 1, NOW, &g);
	err_clear();
	return 0;
}
