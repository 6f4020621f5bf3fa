/* SPDX-License-Identifier: ISC */
/*
 * ceremony db recover: the reserved serials settled (migrate/recover.c),
 * then the generation claims a rollover left (recover_gen.c); how many of
 * each, on stdout.
 */
#include <stdio.h>

#include "ceremony/cli/cli.h"
#include "ceremony/migrate/migrate.h"

int
cmd_db_recover(int argc, char **argv)
{
	struct session	s;
	size_t		n, issued, claims;
	int		r;

	session_init(&s);
	if ((r = cmd_options(&s, "db recover", argc, argv, NULL)) != 0)
		return r < 0 ? 0 : cmd_fail(&s);
	if (opt_no_args("db recover", argc, argv) != 0 ||
	    db_open(s.home, &s.db) != 0 ||
	    recover_reserved(&s, &n, &issued) != 0 ||
	    recover_claims(&s, &claims) != 0)
		return cmd_fail(&s);
	if (n == 0)
		printf("nothing to recover: no serial is left reserved\n");
	else
		printf("%zu reserved serial%s settled: %zu issued (V), %zu void "
		    "(X)\n", n, n == 1 ? "" : "s", issued, n - issued);
	if (claims > 0)
		printf("%zu generation claim%s of an unfinished rollover "
		    "cancelled\n", claims, claims == 1 ? "" : "s");
	session_close(&s);
	return 0;
}
