/* SPDX-License-Identifier: ISC */
/*
 * ceremony crl issue, crl status, crl session.  The template is read and
 * checked before the token is touched; issue and session log in, sign the
 * next CRL of the current CA generation (crl.c), copy it to the export
 * directory and write one audit record, whether it worked or not.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ceremony/cli/cli.h"
#include "ceremony/crl/crl.h"
#include "ceremony/export/export.h"
#include "ceremony/issue/issue.h"
#include "ceremony/rollover/rollover.h"
#include "ceremony/session/session.h"

#define DAY			86400

struct crl_args {
	const char	*tmpl;
	const char	*generation;	/* --generation N */
	long		 gen;		/* 0: the active generation */
};

static void
crl_print(const struct crl_job *j, const char *dir)
{
	char	a[32], b[32], *issuer;

	issuer = name_text(X509_get_subject_name(j->sg->issuer));
	utc_text(j->this_update, a);
	utc_text(j->next_update, b);
	printf("CRL issued\n");
	printf("  %-12s %s (generation %d%s)\n", "issuer",
	    issuer != NULL ? issuer : "?", j->sg->generation,
	    j->root ? ", root" : "");
	printf("  %-12s %llu\n", "number", j->number);
	printf("  %-12s %zu\n", "entries", j->entries);
	printf("  %-12s %s\n", "thisUpdate", a);
	printf("  %-12s %s%s\n", "nextUpdate", b, j->clamped ?
	    " (cut to the CA certificate's notAfter)" : "");
	printf("  %-12s %s\n", "SHA-256", j->sha256);
	printf("  %-12s %s and .pem\n", "file", j->der_path);
	printf("  %-12s %s/crl-gen%d.crl and .pem\n", "exported", dir,
	    j->sg->generation);
	free(issuer);
}

/* Options (each crl command takes --template), template, database. */
static int
crl_start(struct session *s, const char *name, int argc, char **argv,
    struct crl_args *a, struct crl_tmpl **t)
{
	const struct cmd_opt	local[] = {
		{ "template", 1, &a->tmpl },
		{ "generation", 1, &a->generation },
		{ NULL, 0, NULL }
	};
	int			r;

	session_init(s);
	if ((r = cmd_options(s, name, argc, argv, local)) != 0)
		return r < 0 ? -1 : 1;
	if (a->generation != NULL && parse_long("--generation", a->generation,
	    1, 1000000, &a->gen) != 0)
		return 1;
	if (opt_no_args(name, argc, argv) != 0 ||
	    crl_tmpl_load(a->tmpl != NULL ? a->tmpl : TMPL_DEFAULT_CRL, t) != 0)
		return 1;
	/* The index stays on disk: crlsrc streams it.  crl status only
	 * reads, and changes no file; none of them writes a certificate,
	 * so certs/ (a file each) is not read for temporary files. */
	if (db_open_flags(s->home, DB_OPEN_NOINDEX | DB_OPEN_NOCERTS |
	    (strcmp(name, "crl status") == 0 ? DB_OPEN_READONLY : 0),
	    &s->db) != 0)
		return 1;
	return 0;
}

static int
crl_finish(struct session *s, struct crl_tmpl *t, int rc)
{
	if (rc > 0) {
		fflush(stdout);
		fprintf(stderr, "ceremony: %s\n", err_get());
	}
	crl_tmpl_free(t);
	session_close(s);
	return rc < 0 ? 0 : rc;
}

int
cmd_crl_issue(int argc, char **argv)
{
	struct session		 s;
	struct crl_args		 a = { NULL, NULL, 0 };
	struct crl_tmpl		*t = NULL;
	struct signer		 sg;
	struct crl_job		 j;
	char			 dir[4096] = "";
	int			 rc;

	memset(&sg, 0, sizeof(sg));
	memset(&j, 0, sizeof(j));
	if ((rc = crl_start(&s, "crl issue", argc, argv, &a, &t)) == 0 &&
	    (rc = crl_run(&s, t, (int)a.gen, &sg, &j, dir,
	    sizeof(dir))) == 0)
		crl_print(&j, dir);
	crl_job_clear(&j);
	signer_close(&sg);
	return crl_finish(&s, t, rc);
}

/* The witness report: printed, and kept next to the exported CRL. */
static int
crl_report(struct session *s, const struct crl_job *j, const char *dir)
{
	char	a[32], b[32], now[32], path[4200], *issuer, *text = NULL;
	size_t	len = 0;
	FILE	*f;
	int	rc;

	if ((f = open_memstream(&text, &len)) == NULL) {
		err_set("out of memory");
		return 1;
	}
	issuer = name_text(X509_get_subject_name(j->sg->issuer));
	utc_text(j->now, now);
	utc_text(j->this_update, a);
	utc_text(j->next_update, b);
	fprintf(f, "CRL SESSION REPORT\n\n");
	fprintf(f, "  %-12s %s\n", "date", now);
	fprintf(f, "  %-12s %s\n", "CA", db_config(s->db)->ca_name != NULL ?
	    db_config(s->db)->ca_name : "-");
	fprintf(f, "  %-12s %s (generation %d)\n", "issuer",
	    issuer != NULL ? issuer : "?", j->sg->generation);
	fprintf(f, "  %-12s %llu\n", "CRL number", j->number);
	fprintf(f, "  %-12s %zu\n", "entries", j->entries);
	fprintf(f, "  %-12s %s\n", "thisUpdate", a);
	fprintf(f, "  %-12s %s%s\n", "nextUpdate", b, j->clamped ?
	    " (cut to the CA certificate's notAfter)" : "");
	fprintf(f, "  %-12s %s\n", "SHA-256", j->sha256);
	fprintf(f, "  %-12s %s/crl-gen%d.crl, .pem, ca-gen%d.pem\n",
	    "exported", dir, j->sg->generation, j->sg->generation);
	fprintf(f, "\n  The CRL was signed on the token, verified with the "
	    "CA's public key\n  and checked against the previous CRL.\n\n");
	fprintf(f, "  operator  %-20s signature ____________________\n",
	    s->operator != NULL ? s->operator : "");
	fprintf(f, "  witness   %-20s signature ____________________\n",
	    "____________________");
	fclose(f);
	free(issuer);
	fputs(text, stdout);
	snprintf(path, sizeof(path), "%s/crl-gen%d-%llu-report.txt", dir,
	    j->sg->generation, j->number);
	rc = atomic_write(path, text, len, 0644, 0);
	free(text);
	return rc;
}

/* One generation's CRL in a session: issue, export with its CA, report. */
static int
crl_session_gen(struct session *s, const struct crl_tmpl *t, int gen)
{
	struct signer	sg;
	struct crl_job	j;
	char		dir[4096] = "", base[32];
	int		rc;

	memset(&sg, 0, sizeof(sg));
	memset(&j, 0, sizeof(j));
	if ((rc = crl_run(s, t, gen, &sg, &j, dir, sizeof(dir))) != 0)
		goto out;
	snprintf(base, sizeof(base), "ca-gen%d", sg.generation);
	if ((rc = export_cert(dir, base, sg.issuer)) == 0)
		rc = crl_report(s, &j, dir);
out:
	crl_job_clear(&j);
	signer_close(&sg);
	return rc;
}

/*
 * The periodic session: a CRL from every generation that still signs
 * them (after a rollover the retired one too, until it expires), or the
 * one named by --generation.
 */
int
cmd_crl_session(int argc, char **argv)
{
	struct session		 s;
	struct crl_args		 a = { NULL, NULL, 0 };
	struct crl_tmpl		*t = NULL;
	int			 gens[64];
	size_t			 i, n = 0;
	int			 rc;

	if ((rc = crl_start(&s, "crl session", argc, argv, &a,
	    &t)) != 0)
		goto out;
	if (s.export_dir == NULL) {
		err_set("crl session needs --export DIR (the medium the CRL "
		    "leaves the room on)");
		rc = 1;
		goto out;
	}
	/* An automatic switch-over that is due is recorded first. */
	if (a.gen == 0 && (session_login(&s) != 0 ||
	    rollover_switch_due(&s, time(NULL)) != 0 ||
	    db_ca_live(s.db, time(NULL), gens, 64, &n) != 0)) {
		rc = 1;
		goto out;
	}
	if (a.gen != 0)
		gens[n++] = (int)a.gen;
	for (i = 0; i < n && rc == 0; i++)
		rc = crl_session_gen(&s, t, gens[i]);
	/* The token's part is over. */
	if (s.logged_in && hsm_logout(s.hsm) == 0)
		s.logged_in = 0;
out:
	return crl_finish(&s, t, rc);
}

/* One generation's lines: latest CRL, dates, when the next one is due. */
static int
crl_status_gen(struct session *s, const struct crl_tmpl *t, int gen,
    time_t now, int current)
{
	struct crl_state	st;
	char			a[32], b[32], c[32];

	if (crl_state_of(s->db, t, gen, now, !current, &st) != 0)
		return 1;
	if (st.state == CRL_CA_EXPIRED)
		return 0;	/* expired: its certificates are too */
	printf("generation %d%s\n", gen, current ? " (current)" : "");
	if (st.state == CRL_NONE) {
		printf("  no CRL issued yet: run ceremony crl session\n");
		return 2;
	}
	utc_text(st.this_update, a);
	utc_text(st.next_update, b);
	utc_text(st.due, c);
	printf("  %-12s %llu (%zu entries) %s\n", "number", st.number,
	    st.entries, st.path);
	printf("  %-12s %s\n", "thisUpdate", a);
	printf("  %-12s %s\n", "nextUpdate", b);
	if (st.state == CRL_EXPIRED) {
		printf("  %-12s EXPIRED %lld days %lld hours ago: relying "
		    "parties reject every certificate of this CA; run ceremony "
		    "crl session now\n", "status",
		    (long long)(now - st.next_update) / DAY,
		    (long long)(now - st.next_update) % DAY / 3600);
		return 2;
	}
	printf("  %-12s %lld days %lld hours\n", "time left",
	    (long long)(st.next_update - now) / DAY,
	    (long long)(st.next_update - now) % DAY / 3600);
	printf("  %-12s %s%s\n", "next session", c, st.state == CRL_DUE ?
	    "  WARNING: due now (reissue_days before nextUpdate)" : "");
	return 0;
}

int
cmd_crl_status(int argc, char **argv)
{
	struct session		 s;
	struct crl_args		 a = { NULL, NULL, 0 };
	struct crl_tmpl		*t = NULL;
	time_t			 now = time(NULL);
	int			 gens[64], gen, r, rc;
	size_t			 i, n = 0;

	if ((rc = crl_start(&s, "crl status", argc, argv, &a, &t)) != 0)
		goto out;
	if (db_ca_live(s.db, now, gens, 64, &n) != 0 || n == 0) {
		if (n == 0)
			err_set("this data directory has no CA certificate yet");
		rc = 1;
		goto out;
	}
	for (i = 0; i < n && rc != 1; i++) {
		gen = gens[i];
		if ((r = crl_status_gen(&s, t, gen, now, i == 0)) == 1)
			rc = 1;
		else if (r == 2)
			rc = rc == 0 ? 3 : rc;
	}
	if (rc == 3) {
		fflush(stdout);
		fprintf(stderr, "ceremony: a CRL has expired or was never "
		    "issued: run ceremony crl session\n");
		rc = 2;
		crl_tmpl_free(t);
		session_close(&s);
		return rc;
	}
out:
	return crl_finish(&s, t, rc);
}
