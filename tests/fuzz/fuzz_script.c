/* SPDX-License-Identifier: ISC */
/*
 * Ceremony scripts (ceremony/script/script_parse.c, script_check.c): the input is
 * a script, read and checked as script check does without a data
 * directory.  It sits where docs/scripts/ does, beside a link to the
 * checkout's templates/, so that the templates and policies its steps
 * name (../../templates/X.cnf) are read and checked too.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "ceremony/script/script.h"
#include "tests/fuzz/fuzz.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char	real[PATH_MAX], link[4096 + 32];

	(void)argc;
	(void)argv;
	snprintf(link, sizeof(link), "%s/templates", fuzz_dir());
	if (realpath(fuzz_template("."), real) == NULL ||
	    symlink(real, link) != 0) {
		perror("fuzz: the templates folder");
		abort();
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct findings	 f = { 0 };
	struct script	*sc = NULL;
	const char	*path;

	path = fuzz_file("docs/scripts/fuzz.cnf", data, size);
	if (script_load(path, &sc, &f) == 0) {
		script_check(sc, NULL, 0, &f);
		script_free(sc);
	}
	findings_free(&f);
	err_clear();
	return 0;
}
