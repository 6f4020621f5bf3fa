/* SPDX-License-Identifier: ISC */
/*
 * ceremony db verify: every problem of the data directory, one per line,
 * and a non-zero exit when there is any (see dbverify.c for what is
 * checked).  The check itself is audited.
 */
#include <stdio.h>
#include <string.h>

#include "ceremony/cli/cli.h"
#include "ceremony/migrate/migrate.h"
#include "ceremony/policy/policy.h"
#include "ceremony/session/session.h"

int
cmd_db_verify(int argc, char **argv)
{
	struct session		 s;
	struct findings		 f;
	int			 r, rc = 1;

	memset(&f, 0, sizeof(f));
	session_init(&s);
	if ((r = cmd_options(&s, "db verify", argc, argv, NULL)) != 0)
		return r < 0 ? 0 : cmd_fail(&s);
	if (opt_no_args("db verify", argc, argv) != 0)
		return cmd_fail(&s);
	/*
	 * The index is read by the check, which goes on past a bad line.
	 * It repairs nothing (ceremony db recover does); only its own audit
	 * record is written.
	 */
	if (db_open_flags(s.home, DB_OPEN_NOINDEX | DB_OPEN_READONLY,
	    &s.db) != 0)
		goto out;
	r = db_verify_run(&s, &f);
	findings_print(stdout, &f);
	if (r != 0)
		goto out;
	printf("%s is consistent: index, certificates, CA generations, CRLs "
	    "and audit log\n", s.home);
	rc = 0;
out:
	findings_free(&f);
	if (rc != 0)
		return cmd_fail(&s);
	session_close(&s);
	return 0;
}
