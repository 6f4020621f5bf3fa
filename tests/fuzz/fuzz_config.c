/* SPDX-License-Identifier: ISC */
/*
 * ceremony.cnf (db/config.c): the input is a data directory's settings.
 * What reads is written again (db_config_write, which refuses what it
 * cannot write intact) and must read back the same.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "util/util.h"
#include "tests/fuzz/fuzz.h"

static int
same(const char *a, const char *b)
{
	return (a == NULL && b == NULL) ||
	    (a != NULL && b != NULL && strcmp(a, b) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct db_config	 cfg, back;
	char			 out[4096 + 32];
	const char		*path;

	path = fuzz_file("ceremony.cnf", data, size);
	if (db_config_load(path, &cfg) != 0) {
		err_clear();
		return 0;
	}
	snprintf(out, sizeof(out), "%s/written.cnf", fuzz_dir());
	if (db_config_write(out, &cfg) == 0) {
		if (db_config_load(out, &back) != 0 ||
		    !same(cfg.module, back.module) ||
		    !same(cfg.token, back.token) ||
		    !same(cfg.ca_name, back.ca_name) ||
		    cfg.network != back.network || cfg.clock != back.clock) {
			fprintf(stderr, "ceremony.cnf does not read back as "
			    "written: %s\n", err_get());
			abort();
		}
		db_config_clear(&back);
	}
	db_config_clear(&cfg);
	err_clear();
	return 0;
}
