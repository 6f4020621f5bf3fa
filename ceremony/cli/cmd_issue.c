/* SPDX-License-Identifier: ISC */
/*
 * ceremony issue --generate-key: a certificate and a key made here, for a
 * subject that cannot make its own (genkey.c).  Template, policy, key type
 * and password are checked and read before the key is made or the token
 * touched.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ceremony/cli/cli.h"
#include "ceremony/export/export.h"
#include "ceremony/issue/issue.h"
#include "ceremony/policy/policy.h"
#include "ceremony/session/session.h"

struct issue_args {
	const char	*tmpl;
	const char	*subject;
	const char	*san;
	const char	*key_type;
	const char	*generate;
	const char	*legacy;
	const char	*password_fd;
};

static int
issue_load(const struct issue_args *a, struct tmpl **t, struct policy **p,
    struct genkey_req *g)
{
	X509_NAME	*name = NULL;

	memset(g, 0, sizeof(*g));
	if (a->generate == NULL || a->tmpl == NULL || a->subject == NULL) {
		err_set("issue needs --generate-key, --template T and --subject "
		    "/TYPE=VALUE/...: see ceremony issue --help");
		return 1;
	}
	if (genkey_subject(a->subject, &name) != 0 ||
	    hsm_keyspec_parse(a->key_type != NULL ? a->key_type : "ec:P-256",
	    &g->spec) != 0 || tmpl_load(a->tmpl, t) != 0)
		goto fail;
	X509_NAME_free(name);
	g->t = *t;
	g->subject = a->subject;
	g->san = a->san;
	g->legacy = a->legacy != NULL;
	if (genkey_template_ok(*t) != 0 ||
	    policy_load((*t)->policy_path, p) != 0)
		return 1;
	g->p = *p;
	return 0;
fail:
	X509_NAME_free(name);
	return 1;
}

static void
issue_print(const struct issue_job *j, const struct p12_job *pj,
    const struct genkey_req *g, const char *dir)
{
	printf("certificate issued with a generated key\n");
	printf("  %-10s ", "subject");
	esc_fputs(stdout, j->subject_text, ESC_TERMINAL);
	printf("\n");
	printf("  %-10s %s\n", "serial", j->serial);
	printf("  %-10s %s (generated in software, now wiped from memory)\n",
	    "key", g->spec.name);
	printf("  %-10s %s\n", "profile", j->t->name);
	printf("  %-10s %s (%s, %ld iterations)\n", "archived", pj->archive,
	    pj->legacy ? "3DES, SHA-1 MAC (legacy)" :
	    "AES-256-CBC, PBKDF2-HMAC-SHA256, SHA-256 MAC", pj->iterations);
	printf("  %-10s %s; %s/%s.pem and .der\n", "exported", pj->exported,
	    dir, j->serial);
}

int
cmd_issue(int argc, char **argv)
{
	struct session		 s;
	struct issue_args	 a = { 0 };
	struct genkey_req	 g = { 0 };
	struct signer		 sg = { 0 };
	struct issue_job	 j = { 0 };
	struct p12_job		 pj = { 0 };
	struct findings		 f = { 0 };
	struct tmpl		*t = NULL;
	struct policy		*p = NULL;
	struct vetted		*c = NULL;
	struct secret		*pw = NULL;
	const struct cmd_opt	 local[] = {
		{ "template", 1, &a.tmpl }, { "subject", 1, &a.subject },
		{ "san", 1, &a.san }, { "key-type", 1, &a.key_type },
		{ "generate-key", 0, &a.generate }, { "legacy", 0, &a.legacy },
		{ "password-fd", 1, &a.password_fd }, { NULL, 0, NULL }
	};
	char			 dir[4096] = "";
	int			 r, ok = 0, rc = 1;

	session_init(&s);
	if ((r = cmd_options(&s, "issue", argc, argv, local)) != 0)
		return r < 0 ? 0 : cmd_fail(&s);
	if (opt_no_args("issue", argc, argv) != 0 ||
	    issue_load(&a, &t, &p, &g) != 0 || session_open_db(&s) != 0 ||
	    genkey_check(&s, &g) != 0)
		goto out;
	if (g.legacy)
		p12_legacy_warning();
	/* Issued means recorded: the record is written before the index
	 * line (genkey_issue); any other outcome gets its record here. */
	ok = password_read(a.password_fd, t->p12_min_password, &pw) == 0 &&
	    genkey_issue(&s, &g, pw, &sg, &f, &j, &c, &pj) == 0;
	if (ok && sign_export(&s, &j, dir, sizeof(dir)) != 0)
		sign_audit_export(&s, &j, "issue.export");
	else if (ok) {
		issue_print(&j, &pj, &g, dir);
		rc = 0;
	} else if (!j.audited)
		(void)genkey_audit(&s, &g, c, &j, &pj, 0);
out:
	if (f.n > 0)
		findings_print(stdout, &f);
	findings_free(&f);
	secret_free(pw);
	p12_job_clear(&pj);	/* the key, freed and wiped */
	issue_job_clear(&j);
	signer_close(&sg);
	vetted_free(c);
	policy_free(p);
	tmpl_free(t);
	if (rc != 0)
		return cmd_fail(&s);
	session_close(&s);
	return 0;
}
