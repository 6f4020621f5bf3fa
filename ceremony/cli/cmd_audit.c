/* SPDX-License-Identifier: ISC */
/*
 * ceremony audit show: the audit log as a table a witness can read, and
 * the verdict on its hash chain.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ceremony/cli/cli.h"
#include "ceremony/issue/issue.h"
#include "ceremony/session/session.h"

static int
audit_print(const char *path)
{
	struct audit_row	 r;
	FILE			*f;
	char			*line = NULL;
	size_t			 cap = 0;

	if ((f = fopen(path, "r")) == NULL) {
		err_set("cannot open %s", path);
		return 1;
	}
	printf("%-5s %-20s %-12s %-16s %-6s %s\n", "seq", "time (UTC)",
	    "operator", "operation", "result", "detail");
	while (getline(&line, &cap, f) != -1) {
		if (line[0] == '#' || line[0] == '\n')
			continue;
		db_audit_row(line, &r);
		printf("%-5s %-20s %-12s %-16s %-6s %.159s\n", r.seq, r.time,
		    r.operator, r.op, r.result, r.detail);
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
	    session_open_db_readonly(&s) != 0)
		return cmd_fail(&s);
	if ((path = db_path(s.db, "audit.log")) == NULL ||
	    audit_print(path) != 0)
		goto out;
	if (db_audit_verify(path, &bad) != 0)
		goto out;
	printf("hash chain intact\n");
	if (tmpl_copy_verdict(s.db) != 0)
		goto out;
	rc = 0;
out:
	free(path);
	if (rc != 0)
		fprintf(stderr, "ceremony: %s\n", err_get());
	session_close(&s);
	return rc;
}

/* The audit commands read the log and seals, never the index. */
static int
audit_open(struct session *s, const char *cmd, int argc, char **argv,
    int nargs)
{
	int	r;

	session_init(s);
	if ((r = cmd_options(s, cmd, argc, argv, NULL)) != 0)
		return r < 0 ? -1 : 1;
	if (argc - optind != nargs) {
		err_set(nargs == 0 ? "unexpected argument: see ceremony %s "
		    "--help" : "give one session number: see ceremony %s --help",
		    cmd);
		return 1;
	}
	return db_open_flags(s->home, DB_OPEN_NOINDEX | DB_OPEN_READONLY,
	    &s->db);
}

/*
 * ceremony audit verify: the chain, every seal's signature with the CA
 * certificates (no token), and nothing cut off after a seal.  Exit 1 and
 * one line naming the first bad record when anything is wrong.
 */
int
cmd_audit_verify(int argc, char **argv)
{
	struct session		s;
	struct audit_verdict	v;
	int			r;

	if ((r = audit_open(&s, "audit verify", argc, argv, 0)) != 0)
		return r < 0 ? 0 : cmd_fail(&s);
	if (audit_verify(s.db, &v) != 0)
		return cmd_fail(&s);
	if (tmpl_copy_verdict(s.db) != 0) {
		err_context("audit log intact; the CA's templates are not");
		return cmd_fail(&s);
	}
	printf("audit log intact: %llu records, %llu sessions, %zu seals "
	    "verified\n", v.records, v.sessions, v.nseals);
	if (v.nseals > 0)
		printf("last seal: record %llu; records after it: %llu\n",
		    v.sealed, v.records - v.sealed);
	printf("last record's hash: %s\n", v.head);
	session_close(&s);
	return 0;
}

int
cmd_audit_sessions(int argc, char **argv)
{
	struct session	s;
	int		r;

	if ((r = audit_open(&s, "audit sessions", argc, argv, 0)) != 0)
		return r < 0 ? 0 : cmd_fail(&s);
	if (audit_sessions(s.db, stdout) != 0)
		return cmd_fail(&s);
	session_close(&s);
	return 0;
}

int
cmd_audit_transcript(int argc, char **argv)
{
	struct session	s;
	long		id;
	int		r;

	if ((r = audit_open(&s, "audit transcript", argc, argv, 1)) != 0)
		return r < 0 ? 0 : cmd_fail(&s);
	if (parse_long("session", argv[optind], 1, LONG_MAX, &id) != 0 ||
	    audit_transcript(s.db, (unsigned long long)id, stdout) != 0)
		return cmd_fail(&s);
	session_close(&s);
	return 0;
}
