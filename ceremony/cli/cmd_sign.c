/* SPDX-License-Identifier: ISC */
/*
 * ceremony sign: a request signed with the current CA generation's key
 * under a signing template, which names the policy it enforces.  The
 * template, its policy and the request are read and checked before the
 * token is touched; a request that fails its policy is refused with every
 * finding, and nothing is written but the audit record of the refusal.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509v3.h>

#include "ceremony/cli/cli.h"
#include "ceremony/issue/issue.h"
#include "ceremony/policy/policy.h"
#include "ceremony/session/session.h"

struct sign_args {
	const char	*csr;
	const char	*tmpl;
	const char	*days;
	const char	*clamp;
	const char	*inbox;
	const char	*resign;
	const char	*sessions;
	const char	*preview;
};

/* Template, policy and options, checked before any token work. */
static int
sign_load(const struct sign_args *a, struct tmpl **t, struct policy **p,
    struct sign_opts *o)
{
	long	n = 0;

	memset(o, 0, sizeof(*o));
	if (a->tmpl == NULL || (a->csr != NULL) + (a->inbox != NULL) +
	    (a->resign != NULL) != 1) {
		err_set("sign needs --template T and one of --csr F, --inbox "
		    "or --resign SERIAL");
		return 1;
	}
	if (tmpl_load(a->tmpl, t) != 0)
		return 1;
	if ((*t)->kindv == TMPL_ROOT) {
		err_set("template %s makes a root: use ceremony root create",
		    a->tmpl);
		return 1;
	}
	if (a->days != NULL && parse_long("days", a->days, 1, (*t)->max_days,
	    &o->days) != 0)
		return 1;
	o->clamp = a->clamp != NULL;
	if (a->sessions != NULL && a->inbox == NULL) {
		err_set("--sessions goes with --inbox: one request is one "
		    "signature");
		return 1;
	}
	if (a->preview != NULL && a->inbox != NULL) {
		err_set("--preview goes with --csr F or --resign SERIAL: a "
		    "batch has no one certificate to show");
		return 1;
	}
	if (a->sessions != NULL && parse_long("sessions", a->sessions, 1,
	    HSM_SIGN_SESSIONS_MAX, &n) != 0)
		return 1;
	o->sessions = a->sessions != NULL ? (unsigned long)n : 0;
	return policy_load((*t)->policy_path, p);
}

static void
sign_print(const struct issue_job *j, const struct signer *sg,
    const char *dir)
{
	char	fp[96] = "", *issuer;

	cert_fingerprint(j->cert, fp, sizeof(fp));
	issuer = name_text(X509_get_subject_name(sg->issuer));
	printf("certificate issued\n");
	/* The subject is the requester's: escaped for the terminal. */
	printf("  %-12s ", "subject");
	esc_fputs(stdout, j->subject_text, ESC_TERMINAL);
	printf("\n");
	printf("  %-12s %s\n", "serial", j->serial);
	printf("  %-12s ", "issuer");
	esc_fputs(stdout, issuer != NULL ? issuer : "?", ESC_TERMINAL);
	printf(" (generation %d)\n", sg->generation);
	free(issuer);
	printf("  %-12s %s\n", "profile", j->t->name);
	printf("  %-12s %s\n", "SHA-256", fp);
	if (j->clamped)
		printf("  %-12s notAfter cut to the issuer's (--clamp)\n", "note");
	printf("  %-12s %s/%s.pem and .der; chain: chain-gen%d.pem, "
	    "chain-gen%d.p7b\n", "exported", dir, j->serial, sg->generation,
	    sg->generation);
}

/* sign --inbox: a line per request, then the counts. */
static int
sign_many(struct session *s, const struct tmpl *t, const struct policy *p,
    const struct sign_opts *o)
{
	struct inbox_result	 r;
	char			 name[4 * NAME_MAX + 1];
	size_t			 i;
	int			 rc;

	rc = sign_inbox(s, t, p, o, &r);
	if (r.n > 0 || rc == 0)
		printf("%-32s  %-8s  %s\n", "request", "verdict",
		    "serial or reason");
	for (i = 0; i < r.n; i++) {
		/* A file name is the requester's: escaped for the terminal. */
		esc_text(name, sizeof(name), r.v[i].name, ESC_TERMINAL);
		printf("%-32s  %-8s  %s\n", name, r.v[i].verdict,
		    r.v[i].text);
	}
	if (r.n > 0 || rc == 0)
		printf("%zu signed, %zu rejected, %zu in all", r.signedn,
		    r.n - r.signedn, r.n);
	if (r.sessions > 0)
		printf(" (on %lu token session%s)", r.sessions,
		    r.sessions == 1 ? "" : "s");
	if (r.n > 0 || rc == 0)
		printf("\n");
	inbox_result_free(&r);
	return rc;
}

/*
 * sign --preview: the certificate that sign would issue, decoded; no PIN,
 * no token, nothing written (not even an audit record).  One that fails
 * its policy or its lint is shown with its findings, and exits 1.
 */
static int
sign_preview(struct session *s, const struct tmpl *t, const struct policy *p,
    const struct vetted *c, const struct sign_opts *o,
    struct sign_outcome *out)
{
	char	*text = NULL;
	int	 rc;

	rc = sign_prepare(s, t, p, c, o, 0, out);
	if (out->j.cert != NULL && sign_preview_text(out, &text) == 0)
		fputs(text, stdout);
	free(text);
	if (rc == 0)
		printf("preview only: nothing was signed or written\n");
	return rc;
}

static int
sign_one(struct session *s, const struct sign_args *a, const struct tmpl *t,
    const struct policy *p, const struct sign_opts *o)
{
	struct sign_outcome	 out;
	struct vetted		*c = NULL;
	int			 rc = 1;

	memset(&out, 0, sizeof(out));
	if ((a->resign != NULL ? resign_request(s, a->resign, p, &c) :
	    intake_vet(s, a->csr, p, 0, &c)) != 0)
		return 1;
	if (a->preview != NULL)
		rc = sign_preview(s, t, p, c, o, &out);
	else if ((rc = sign_csr(s, t, p, c, o, &out)) == 0)
		sign_print(&out.j, &out.sg, out.dir);
	if (out.f.n > 0)
		findings_print(stdout, &out.f);
	sign_outcome_clear(&out);
	vetted_free(c);
	return rc;
}

int
cmd_sign(int argc, char **argv)
{
	struct session		 s;
	struct sign_args	 a = { NULL, NULL, NULL, NULL, NULL, NULL, NULL,
				    NULL };
	struct sign_opts	 o;
	struct tmpl		*t = NULL;
	struct policy		*p = NULL;
	const struct cmd_opt	 local[] = {
		{ "csr", 1, &a.csr },
		{ "template", 1, &a.tmpl },
		{ "days", 1, &a.days },
		{ "clamp", 0, &a.clamp },
		{ "inbox", 0, &a.inbox },
		{ "resign", 1, &a.resign },
		{ "sessions", 1, &a.sessions },
		{ "preview", 0, &a.preview },
		{ NULL, 0, NULL }
	};
	int			 r, rc = 1;

	session_init(&s);
	if ((r = cmd_options(&s, "sign", argc, argv, local)) != 0)
		return r < 0 ? 0 : cmd_fail(&s);
	if (opt_no_args("sign", argc, argv) != 0 ||
	    sign_load(&a, &t, &p, &o) != 0 || (a.preview != NULL ?
	    session_open_db_readonly(&s) : session_open_db(&s)) != 0)
		goto out;
	rc = a.inbox != NULL ? sign_many(&s, t, p, &o) :
	    sign_one(&s, &a, t, p, &o);
out:
	if (rc != 0) {
		fflush(stdout);
		fprintf(stderr, "ceremony: %s\n", err_get());
	}
	policy_free(p);
	tmpl_free(t);
	session_close(&s);
	return rc;
}
