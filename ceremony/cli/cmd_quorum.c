/* SPDX-License-Identifier: ISC */
/*
 * ceremony quorum split: the user PIN (or, with --fresh, a new random PIN
 * from the token's RNG) split into N shares, one per custodian, M needed.
 * ceremony quorum reshare: logged in with M shares of the current quorum,
 * a new random PIN and new shares; the old shares are dead.  Each writes
 * one file per custodian (--out DIR) or prints the shares, and records
 * the quorum (id, M, N, custodians; never a share) in the audit log.
 */
#include <stdio.h>
#include <string.h>

#include "ceremony/cli/cli.h"
#include "ceremony/session/session.h"

static void
quorum_print(const struct quorum_req *q, const struct quorum_result *r)
{
	int	i;

	printf("quorum %s: %d of %d shares open the token%s\n", r->qid, q->m,
	    q->n, r->pin_changed ? " (a new random PIN was set; no one "
	    "knows it)" : "");
	for (i = 0; i < q->n; i++) {
		if (r->paths[i] != NULL)
			printf("  share %d  %-16s %s\n", i + 1,
			    q->custodians[i], r->paths[i]);
		else
			printf("\n%s", r->texts[i]);
	}
}

static int
quorum_cmd(int argc, char **argv, const char *name, int reshare)
{
	struct session		 s;
	struct quorum_req	 q;
	struct quorum_result	 r;
	const char		*m = NULL, *n = NULL, *fresh = NULL;
	long			 mv = 0, nv = 0;
	const char		*names[CMD_OPT_LIST_MAX + 1] = { NULL };
	struct cmd_opt		 local[] = {
		{ "m", 1, &m },
		{ "n", 1, &n },
		{ "custodian", CMD_OPT_LIST, names },
		{ "out", 1, &q.out_dir },
		{ reshare ? NULL : "fresh", 0, &fresh },
		{ NULL, 0, NULL }
	};
	int			 ok, rc = 1;

	session_init(&s);
	memset(&q, 0, sizeof(q));
	memset(&r, 0, sizeof(r));
	if ((ok = cmd_options(&s, name, argc, argv, local)) != 0)
		return ok < 0 ? 0 : cmd_fail(&s);
	if (opt_no_args(name, argc, argv) != 0)
		return cmd_fail(&s);
	if (m == NULL || n == NULL) {
		err_set("%s needs --m M, --n N and N times --custodian NAME",
		    name);
		return cmd_fail(&s);
	}
	if (parse_long("m", m, 2, SHARE_N_MAX, &mv) != 0 ||
	    parse_long("n", n, 2, SHARE_N_MAX, &nv) != 0)
		return cmd_fail(&s);
	for (; names[q.ncustodians] != NULL; q.ncustodians++)
		q.custodians[q.ncustodians] = names[q.ncustodians];
	q.m = (int)mv;
	q.n = (int)nv;
	q.fresh = reshare || fresh != NULL;
	if (quorum_source_check(&s.pin, reshare, q.fresh) != 0 ||
	    quorum_req_check(&q) != 0 || session_open_db(&s) != 0)
		return cmd_fail(&s);
	ok = quorum_split(&s, &q, &r) == 0;
	if (ok)
		quorum_print(&q, &r);
	if (quorum_audit(&s, reshare ? "quorum.reshare" : "quorum.split", &q,
	    &r, ok) != 0 || !ok)
		goto out;
	rc = 0;
out:
	if (rc != 0)
		fprintf(stderr, "ceremony: %s\n", err_get());
	quorum_result_clear(&r);
	session_close(&s);
	return rc;
}

int
cmd_quorum_split(int argc, char **argv)
{
	return quorum_cmd(argc, argv, "quorum split", 0);
}

int
cmd_quorum_reshare(int argc, char **argv)
{
	return quorum_cmd(argc, argv, "quorum reshare", 1);
}
