/* SPDX-License-Identifier: ISC */
/*
 * ceremony rollover prepare|status|switch|cancel|export: the command line
 * of rollover.c.  Arguments and the template are checked before the token
 * is touched; every change is audited, a refusal too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ceremony/cli/cli.h"
#include "ceremony/issue/issue.h"
#include "ceremony/policy/policy.h"
#include "ceremony/rollover/rollover.h"
#include "ceremony/session/session.h"

#define DAY			86400

static void
print_when(const char *what, time_t t)
{
	char	buf[UTC_TEXT_MAX];

	printf("  %-12s %s\n", what, utc_text(t, buf));
}

static int
rollover_finish(struct session *s, int rc)
{
	if (rc != 0) {
		fflush(stdout);
		fprintf(stderr, "ceremony: %s\n", err_get());
	}
	session_close(s);
	return rc;
}

static void
print_prepared(const struct rollover_result *r, struct session *s)
{
	struct db_gen	 g;
	const char	*home = s->home;
	char		 fp[96];

	/* What it is now, as rollover status says: a root that starts now
	 * is active at once, not pending. */
	if (db_gen_status(s->db, r->gen, time(NULL), &g) != 0)
		g = r->state;
	printf("rollover prepared: generation %d (%s)\n", r->gen,
	    rollover_gen_text(&g));
	printf("  %-12s \"%s\", generated on the token\n", "key", r->state.key);
	print_time("not before", X509_get0_notBefore(r->root));
	print_time("not after", X509_get0_notAfter(r->root));
	printf("  %-12s %s\n", "switch-over", r->state.auto_switch ?
	    "automatic when its validity begins" :
	    "manual (ceremony rollover switch)");
	printf("  %-12s %s\n", "SHA-256", r->fingerprint);
	print_fingerprint(r->fingerprint);
	cert_fingerprint(r->newwithold, fp, sizeof(fp));
	printf("  %-12s generation %d's key certified by generation %d's\n"
	    "  %-12s %s\n", "NewWithOld", r->gen, r->oldgen, "", fp);
	if (r->oldwithnew != NULL) {
		cert_fingerprint(r->oldwithnew, fp, sizeof(fp));
		printf("  %-12s generation %d's key certified by generation "
		    "%d's\n  %-12s %s\n", "OldWithNew", r->oldgen, r->gen, "",
		    fp);
	} else
		printf("  %-12s none: the new root begins as the old one ends, "
		    "so nothing of generation %d outlives it\n", "OldWithNew",
		    r->oldgen);
	printf("  %-12s %s/ca/gen-%d.pem, gen-%d-newwithold.pem",
	    "recorded", home, r->gen, r->gen);
	if (r->oldwithnew != NULL)
		printf(", gen-%d-oldwithnew.pem", r->gen);
	printf("\n");
	printf("  %-12s ceremony rollover export (the next CA certificate "
	    "and the links)\n", "publish");
}

int
cmd_rollover_prepare(int argc, char **argv)
{
	struct session		 s;
	struct rollover_req	 q;
	struct rollover_result	 r;
	struct findings		 f;
	struct tmpl		*t = NULL;
	const char		*tpath = TMPL_DEFAULT_ROOT, *start = NULL;
	const char		*manual = NULL;
	const struct cmd_opt	 local[] = {
		{ "template", 1, &tpath },
		{ "label", 1, &q.label },
		{ "type", 1, &q.type },
		{ "start", 1, &start },
		{ "manual-switch", 0, &manual },
		{ NULL, 0, NULL }
	};
	int			 rc = 1, ok;

	memset(&q, 0, sizeof(q));
	memset(&r, 0, sizeof(r));
	memset(&f, 0, sizeof(f));
	session_init(&s);
	if ((ok = cmd_options(&s, "rollover prepare", argc, argv, local)) != 0)
		return ok < 0 ? 0 : cmd_fail(&s);
	q.manual = manual != NULL;
	if (opt_no_args("rollover prepare", argc, argv) != 0 ||
	    rollover_start_parse(start, &q) != 0 || tmpl_load(tpath, &t) != 0)
		return cmd_fail(&s);
	if (session_open_db(&s) != 0)
		goto out;
	ok = rollover_prepare_run(&s, t, &q, &f, &r) == 0;
	if (ok)
		print_prepared(&r, &s);
	if (!ok)
		goto out;
	rc = 0;
out:
	if (f.n > 0) {
		printf("lint findings:\n");
		findings_print(stdout, &f);
	}
	findings_free(&f);
	rollover_result_clear(&r);
	tmpl_free(t);
	return rollover_finish(&s, rc);
}

static void
print_gen(const struct rollover_gen_info *g, time_t now)
{
	long long	days;

	printf("generation %d  %s\n", g->g.gen, rollover_gen_text(&g->g));
	printf("  %-12s %s\n", "SHA-256", g->fingerprint);
	print_when("not before", g->not_before);
	print_when("not after", g->not_after);
	if (g->g.recorded)
		printf("  %-12s \"%s\"\n", "key", g->g.key);
	if (g->g.state == DB_GEN_PENDING) {
		days = ((long long)g->g.start - now + DAY - 1) / DAY;
		printf("  %-12s %s, in %lld day%s\n", "switch-over",
		    g->g.auto_switch ? "automatic" : "manual, from", days,
		    days == 1 ? "" : "s");
	}
	if (g->newwithold != NULL)
		printf("  %-12s NewWithOld%s\n", "links", g->oldwithnew != NULL ?
		    ", OldWithNew" : "");
}

int
cmd_rollover_status(int argc, char **argv)
{
	struct session		 s;
	struct rollover_status	 st;
	struct tmpl		*t = NULL;
	const char		*tpath = TMPL_DEFAULT_ROOT;
	const struct cmd_opt	 local[] = {
		{ "template", 1, &tpath },
		{ NULL, 0, NULL }
	};
	char			 when[UTC_TEXT_MAX], state[ROLLOVER_STATE_MAX];
	size_t			 i;
	int			 rc = 1, ok;

	memset(&st, 0, sizeof(st));
	session_init(&s);
	if ((ok = cmd_options(&s, "rollover status", argc, argv, local)) != 0)
		return ok < 0 ? 0 : cmd_fail(&s);
	if (opt_no_args("rollover status", argc, argv) != 0 ||
	    tmpl_load(tpath, &t) != 0)
		return cmd_fail(&s);
	if (session_open_db_readonly(&s) != 0 ||
	    rollover_status_read(s.db, time(NULL), t->overlap_days, &st) != 0)
		goto out;
	rollover_state_text(&st, state, sizeof(state));
	printf("state: %s\n", state);
	for (i = 0; i < st.n; i++)
		print_gen(&st.v[i], st.now);
	printf("overlap period: %ld days before generation %d's end, from "
	    "%s%s\n", st.overlap_days, st.active,
	    utc_text(st.overlap_from, when), st.overlap_begun ?
	    " (begun)" : "");
	if (st.warn)
		printf("WARNING: the overlap period has begun and no rollover "
		    "is prepared: run ceremony rollover prepare\n");
	rc = 0;
out:
	rollover_status_free(&st);
	tmpl_free(t);
	return rollover_finish(&s, rc);
}

int
cmd_rollover_switch(int argc, char **argv)
{
	struct session	s;
	struct db_gen	g;
	int		rc = 1, ok;

	memset(&g, 0, sizeof(g));
	session_init(&s);
	if ((ok = cmd_options(&s, "rollover switch", argc, argv, NULL)) != 0)
		return ok < 0 ? 0 : cmd_fail(&s);
	if (opt_no_args("rollover switch", argc, argv) != 0)
		return cmd_fail(&s);
	if (session_open_db(&s) != 0)
		goto out;
	ok = rollover_switch_run(&s, time(NULL), &g) == 0;
	if (ok)
		printf("generation %d is active: new certificates and its CRLs "
		    "are signed with key \"%s\"; the older generation signs "
		    "only its own CRLs\n", g.gen, g.key);
	if (!ok)
		goto out;
	rc = 0;
out:
	return rollover_finish(&s, rc);
}

int
cmd_rollover_cancel(int argc, char **argv)
{
	struct session		s;
	struct rollover_cancel	r;
	const char		*force = NULL;
	const struct cmd_opt	local[] = {
		{ "force", 0, &force },
		{ NULL, 0, NULL }
	};
	int			rc = 1, ok;

	memset(&r, 0, sizeof(r));
	session_init(&s);
	if ((ok = cmd_options(&s, "rollover cancel", argc, argv, local)) != 0)
		return ok < 0 ? 0 : cmd_fail(&s);
	if (opt_no_args("rollover cancel", argc, argv) != 0)
		return cmd_fail(&s);
	if (session_open_db(&s) != 0)
		goto out;
	ok = rollover_cancel_run(&s, force != NULL, &r) == 0;
	if (ok) {
		printf("generation %d cancelled\n", r.gen);
		printf("  %-12s \"%s\" destroyed on the token\n", "key",
		    r.key[0] != '\0' ? r.key : "(not on the token)");
		printf("  %-12s its root and links are marked revoked "
		    "(cessationOfOperation)\n", "certificates");
		if (r.used > 0)
			printf("WARNING: %zu certificate%s signed by generation "
			    "%d must be re-issued: their holders must "
			    "re-enrol\n", r.used, r.used == 1 ? "" : "s", r.gen);
		if (r.note[0] != '\0')
			printf("note: %s\n", r.note);
	}
	if (!ok)
		goto out;
	rc = 0;
out:
	return rollover_finish(&s, rc);
}

int
cmd_rollover_export(int argc, char **argv)
{
	struct session	 s;
	char		*exp = NULL;
	const char	*dir;
	int		 rc = 1, ok, gen = 0;

	session_init(&s);
	if ((ok = cmd_options(&s, "rollover export", argc, argv, NULL)) != 0)
		return ok < 0 ? 0 : cmd_fail(&s);
	if (opt_no_args("rollover export", argc, argv) != 0)
		return cmd_fail(&s);
	if (session_open_db(&s) != 0)
		goto out;
	if ((dir = s.export_dir) == NULL && (dir = exp = db_path(s.db,
	    "export")) == NULL)
		goto out;
	if ((ok = rollover_export_run(&s, dir, &gen) == 0)) {
		if (gen > db_ca_current(s.db))
			printf("next CA certificate (generation %d, pending): "
			    "%s/next-ca.pem and next-ca.der\n", gen, dir);
		else
			printf("no generation is pending: no next CA "
			    "certificate\n");
		printf("every CA certificate and link: %s/ca-certs.pem and "
		    "ca-certs.p7b\n", dir);
	}
	if (!ok)
		goto out;
	rc = 0;
out:
	free(exp);
	return rollover_finish(&s, rc);
}
