/* SPDX-License-Identifier: ISC */
/*
 * ceremony db verify: every problem of the data directory, one per line,
 * and a non-zero exit when there is any (see dbverify.c for what is
 * checked).  The check itself is audited.
 */
#include <stdio.h>
#include <string.h>

#include "ceremony/ceremony.h"

int
cmd_db_verify(int argc, char **argv)
{
	struct session		 s;
	struct findings		 f;
	struct audit_entry	 e;
	char			 detail[128];
	int			 r, rc = 1;

	memset(&f, 0, sizeof(f));
	session_init(&s);
	if ((r = cmd_options(&s, "db verify", argc, argv, NULL)) != 0)
		return r < 0 ? 0 : cmd_fail(&s);
	if (opt_no_args("db verify", argc, argv) != 0)
		return cmd_fail(&s);
	/* The index is read by the check, which goes on past a bad line. */
	if (db_open_flags(s.home, DB_OPEN_NOINDEX, &s.db) != 0 ||
	    db_verify(s.db, &f) != 0)
		goto out;
	findings_print(stdout, &f);
	snprintf(detail, sizeof(detail), "%zu problem%s found", f.errors,
	    f.errors == 1 ? "" : "s");
	memset(&e, 0, sizeof(e));
	e.op = "db.verify";
	e.ok = 1;
	e.detail = detail;
	if (session_audit(&s, &e) != 0)
		goto out;
	if (f.errors > 0) {
		err_set("%s: %s", s.home, detail);
		goto out;
	}
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
