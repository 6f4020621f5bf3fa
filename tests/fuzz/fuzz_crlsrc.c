/* SPDX-License-Identifier: ISC */
/*
 * The CRL's source (db/crlsrc.c): the input is index.txt, read in the
 * streaming pass crl issue makes for generation 1, with and without the
 * entries of expired certificates; every entry read must then be found
 * again by its serial.
 */
#include <stdio.h>
#include <stdlib.h>

#include "db/db.h"
#include "util/util.h"
#include "tests/fuzz/fuzz.h"

#define NOW	((time_t)1798761600)	/* 2027-01-01, not the clock's */

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct crlsrc	 c;
	const char	*path;
	size_t		 i;
	int		 keep;

	path = fuzz_file("index.txt", data, size);
	for (keep = 0; keep <= 1; keep++) {
		if (crlsrc_read(path, 1, NOW, keep, &c) != 0)
			continue;
		for (i = 0; i < c.n; i++)
			if (crlsrc_find(&c, c.v[i].serial,
			    c.v[i].seriallen) == NULL) {
				fprintf(stderr, "a CRL entry read is not found "
				    "by its serial\n");
				abort();
			}
		crlsrc_free(&c);
	}
	err_clear();
	return 0;
}
