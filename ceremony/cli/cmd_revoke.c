/* SPDX-License-Identifier: ISC */
/*
 * ceremony revoke SERIAL --reason R [--invalidity-date T], or
 * ceremony revoke SERIAL --release: a certificate revoked with an RFC 5280
 * reason, its reason raised, or its certificateHold lifted.  Arguments are
 * checked first; then the data directory is opened under its lock without
 * loading the index, the change is checked against the serial's current
 * state and appended, and the audit log records it (or the refusal).  No
 * token login: the next CRL publishes the change.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ceremony/cli/cli.h"
#include "ceremony/crl/crl.h"
#include "ceremony/session/session.h"

struct revoke_args {
	const char	*reason;
	const char	*invalidity;
	const char	*release;
};

/* The request from the command line, checked before the database opens. */
static int
revoke_args(const struct revoke_args *a, int argc, char **argv,
    struct revoke_req *q)
{
	if (optind != argc - 1) {
		err_set("revoke takes one SERIAL: see ceremony revoke --help");
		return 1;
	}
	return revoke_req_make(q, argv[optind], a->reason, a->invalidity,
	    a->release != NULL);
}

static void
revoke_print(const struct revoke_req *q, const struct revoke_result *res)
{
	const struct db_record	*n = &res->next;
	char			 t[UTC_TEXT_MAX], iv[UTC_TEXT_MAX] = "";

	if (q->release) {
		printf("released %s: valid again (it leaves the next CRL)\n",
		    q->serial);
		return;
	}
	utc_text(n->revoked_at, t);
	if (n->invalidity != 0)
		utc_text(n->invalidity, iv);
	printf("%s %s: %s, revoked %s%s%s (the next CRL carries it)\n",
	    res->prev.status == DB_REVOKED ? "reason changed for" : "revoked",
	    q->serial, db_reason_name(n->reason), t,
	    iv[0] != '\0' ? ", invalid since " : "", iv);
}

int
cmd_revoke(int argc, char **argv)
{
	struct session		 s;
	struct revoke_args	 a = { NULL, NULL, NULL };
	struct revoke_req	 q;
	struct revoke_result	 res;
	const struct cmd_opt	 local[] = {
		{ "reason", 1, &a.reason },
		{ "invalidity-date", 1, &a.invalidity },
		{ "release", 0, &a.release },
		{ NULL, 0, NULL }
	};
	int			 r, rc = 1;

	memset(&res, 0, sizeof(res));
	session_init(&s);
	if ((r = cmd_options(&s, "revoke", argc, argv, local)) != 0)
		return r < 0 ? 0 : cmd_fail(&s);
	if (revoke_args(&a, argc, argv, &q) != 0)
		return cmd_fail(&s);
	if (db_open_flags(s.home, DB_OPEN_NOINDEX, &s.db) != 0)
		return cmd_fail(&s);
	if (revoke_record(&s, &q, &res) != 0)
		goto out;
	revoke_print(&q, &res);
	rc = 0;
out:
	revoke_result_clear(&res);
	if (rc != 0)
		return cmd_fail(&s);
	session_close(&s);
	return 0;
}
