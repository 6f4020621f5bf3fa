/* SPDX-License-Identifier: ISC */
/*
 * ceremony audit show: the audit log as a table a witness can read, and
 * the verdict on its hash chain.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ceremony/ceremony.h"

static int
audit_print(const char *path)
{
	FILE	*f;
	char	*line = NULL, a[32], b[32], c[64], d[48], e[16], g[160];
	size_t	 cap = 0;

	if ((f = fopen(path, "r")) == NULL) {
		err_set("cannot open %s", path);
		return 1;
	}
	printf("%-5s %-20s %-12s %-16s %-6s %s\n", "seq", "time (UTC)",
	    "operator", "operation", "result", "detail");
	while (getline(&line, &cap, f) != -1) {
		if (line[0] == '#' || line[0] == '\n')
			continue;
		printf("%-5s %-20s %-12s %-16s %-6s %s\n",
		    db_audit_field(line, "seq", a, sizeof(a)),
		    db_audit_field(line, "time", b, sizeof(b)),
		    db_audit_field(line, "operator", c, sizeof(c)),
		    db_audit_field(line, "op", d, sizeof(d)),
		    db_audit_field(line, "result", e, sizeof(e)),
		    db_audit_field(line, "detail", g, sizeof(g)));
	}
	free(line);
	fclose(f);
	return 0;
}

int
cmd_audit_show(int argc, char **argv)
{
	struct session	 s;
	char		*path = NULL;
	long		 bad = 0;
	int		 r, rc = 1;

	session_init(&s);
	if ((r = cmd_options(&s, "audit show", argc, argv, NULL)) != 0)
		return r < 0 ? 0 : cmd_fail(&s);
	if (opt_no_args("audit show", argc, argv) != 0 ||
	    session_open_db(&s) != 0)
		return cmd_fail(&s);
	if ((path = db_path(s.db, "audit.log")) == NULL ||
	    audit_print(path) != 0)
		goto out;
	if (db_audit_verify(path, &bad) != 0)
		goto out;
	printf("hash chain intact\n");
	rc = 0;
out:
	free(path);
	if (rc != 0)
		fprintf(stderr, "ceremony: %s\n", err_get());
	session_close(&s);
	return rc;
}
