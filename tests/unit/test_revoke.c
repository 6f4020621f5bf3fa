/* SPDX-License-Identifier: ISC */
/*
 * The times ceremony revoke accepts for --invalidity-date, table-driven:
 * the three forms, and dates that do not exist or are written wrong.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ceremony/crl/crl.h"
#include "tests/unit/tap.h"

static const struct {
	const char	*in;
	time_t		 t;	/* -1: refused */
} times[] = {
	{ "20260301000000Z", 1772323200 },
	{ "2026-03-01", 1772323200 },
	{ "2026-03-01T00:00:00Z", 1772323200 },
	{ "20260315120000Z", 1773576000 },
	{ "2026-03-15T12:00:00Z", 1773576000 },
	{ "2024-02-29", 1709164800 },
	{ "19700101000001Z", 1 },
	{ "2023-02-29", -1 },
	{ "2026-02-30", -1 },
	{ "2026-13-01", -1 },
	{ "2026-00-10", -1 },
	{ "20260101240000Z", -1 },
	{ "20260101006000Z", -1 },
	{ "20260101000060Z", -1 },
	{ "20260101000000", -1 },
	{ "2026010100000Z", -1 },
	{ "2026-03-01T00:00:00", -1 },
	{ "2026-03-01 00:00:00Z", -1 },
	{ "2026-03-01T00:00Z", -1 },
	{ "2026/03/01", -1 },
	{ "2026-3-1", -1 },
	{ "19691231235959Z", -1 },
	{ "+026-03-01", -1 },
	{ "2026-03-01x", -1 },
	{ "", -1 },
	{ "yesterday", -1 },
};

int
main(void)
{
	size_t	i;
	time_t	t;
	int	rc;

	for (i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
		err_clear();
		t = 0;
		rc = utc_parse(times[i].in, &t);
		if (times[i].t < 0)
			ok(rc != 0 && strstr(err_get(), "is not a UTC time") !=
			    NULL, "'%s' is refused", times[i].in);
		else
			ok(rc == 0 && t == times[i].t, "'%s' is %lld",
			    times[i].in, (long long)times[i].t);
	}
	return done_testing();
}
