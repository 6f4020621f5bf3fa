/* SPDX-License-Identifier: ISC */
/*
 * ceremony root create: the root key ceremony's last step.  Arguments and
 * the template are checked before the token is touched; the result is
 * printed for the witnesses, fingerprint in groups to read aloud.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/x509v3.h>

#include "ceremony/cli/cli.h"
#include "ceremony/issue/issue.h"
#include "ceremony/session/session.h"

static void
print_findings(const struct findings *f)
{
	size_t	i;

	for (i = 0; i < f->n; i++)
		printf("  %-7s %-22s %s\n", f->v[i].error ? "error" : "warning",
		    f->v[i].code, f->v[i].text);
}

void
print_time(const char *what, const ASN1_TIME *t)
{
	char	buf[UTC_TEXT_MAX];
	time_t	tt;

	if ((tt = cert_time(t)) == 0)
		return;
	printf("  %-12s %s\n", what, utc_text(tt, buf));
}

/*
 * The fingerprint as witnesses read it aloud: eight groups of eight hex
 * digits per line, two lines.
 */
void
print_fingerprint(const char *colons)
{
	char	g[FP_GROUPS][9];
	int	i;

	fingerprint_groups(colons, g);
	for (i = 0; i < FP_GROUPS; i++)
		printf("%s%s%s", i % 4 == 0 ? "               " : " ", g[i],
		    i % 4 == 3 ? "\n" : "");
}

static void
print_root(const struct session *s, const struct root_result *r,
    const char *keyref)
{
	char	*subj;

	subj = X509_NAME_oneline(X509_get_subject_name(r->cert), NULL, 0);
	printf("root certificate created\n");
	printf("  %-12s %s\n", "subject", subj != NULL ? subj : "?");
	printf("  %-12s %s\n", "serial", r->serial);
	print_time("not before", X509_get0_notBefore(r->cert));
	print_time("not after", X509_get0_notAfter(r->cert));
	printf("  %-12s %s \"%s\" (id %s) on token \"%s\"\n", "key",
	    r->spec.name, keyref, r->key_id, hsm_token(s->hsm)->label);
	printf("  %-12s %s\n", "SHA-256", r->fingerprint);
	print_fingerprint(r->fingerprint);
	printf("  %-12s %s/certs/%s.pem, %s/ca/gen-1.pem\n", "recorded",
	    s->home, r->serial, s->home);
	printf("  %-12s %s/root-gen1.pem and root-gen1.der\n", "exported",
	    r->export_dir);
	OPENSSL_free(subj);
}

int
cmd_root_create(int argc, char **argv)
{
	struct session		 s;
	struct tmpl		*t = NULL;
	struct findings		 f;
	struct root_result	 r;
	const char		*tpath = TMPL_DEFAULT_ROOT, *keyref = NULL;
	const struct cmd_opt	 local[] = {
		{ "template", 1, &tpath },
		{ "key", 1, &keyref },
		{ NULL, 0, NULL }
	};
	int			 rc = 1, ok;

	session_init(&s);
	memset(&f, 0, sizeof(f));
	memset(&r, 0, sizeof(r));
	if ((ok = cmd_options(&s, "root create", argc, argv, local)) != 0)
		return ok < 0 ? 0 : cmd_fail(&s);
	if (opt_no_args("root create", argc, argv) != 0)
		return cmd_fail(&s);
	if (keyref == NULL) {
		err_set("root create needs --key KEY: the token key of the "
		    "root (ceremony key list)");
		return cmd_fail(&s);
	}
	if (tmpl_load(tpath, &t) != 0)
		return cmd_fail(&s);
	if (session_open_db(&s) != 0)
		goto out;
	/* A refused login is part of the record too. */
	ok = session_login(&s) == 0 && root_create(&s, t, keyref, &f, &r) == 0;
	if (ok)
		print_root(&s, &r, keyref);
	if (root_audit(&s, t, keyref, &r, ok) != 0 || !ok)
		goto out;
	rc = 0;
out:
	if (f.n > 0) {
		printf("lint findings:\n");
		print_findings(&f);
	}
	if (rc != 0)
		fprintf(stderr, "ceremony: %s\n", err_get());
	findings_free(&f);
	X509_free(r.cert);
	tmpl_free(t);
	session_close(&s);
	return rc;
}
