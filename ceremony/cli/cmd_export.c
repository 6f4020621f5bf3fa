/* SPDX-License-Identifier: ISC */
/*
 * ceremony export p12 | publish | verify: what leaves the room.  Each
 * checks its arguments, reads what it needs (a password, a login), calls
 * one core operation and prints where the result went.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509v3.h>

#include "ceremony/cli/cli.h"
#include "ceremony/export/export.h"
#include "ceremony/issue/issue.h"
#include "ceremony/policy/policy.h"
#include "ceremony/session/session.h"

struct p12_args {
	const char	*tmpl;
	const char	*legacy;
	const char	*password_fd;
};

static void
p12_print(const struct p12_job *j, const char *serial)
{
	printf("PKCS#12 archive written\n");
	printf("  %-10s %s\n", "serial", serial);
	printf("  %-10s %s\n", "name", j->name);
	printf("  %-10s %s\n", "contents", j->key != NULL ?
	    "certificate, chain and private key" : "certificate and chain");
	printf("  %-10s %s, %ld iterations\n", "protection", j->legacy ?
	    "3DES, SHA-1 MAC (legacy)" :
	    "AES-256-CBC, PBKDF2-HMAC-SHA256, SHA-256 MAC", j->iterations);
	if (j->key == NULL && X509_check_ca(j->cert) > 0)
		printf("  %-10s none: a CA key is generated non-extractable on "
		    "its token and can never be exported\n", "key");
	printf("  %-10s %s\n", "archived", j->archive);
	printf("  %-10s %s\n", "exported", j->exported);
}

/* --legacy is for devices that cannot read anything newer: say so. */
void
p12_legacy_warning(void)
{
	note("ceremony: warning: --legacy: 3DES encryption and a SHA-1 MAC, "
	    "for old devices only; move them to the default when they can");
}

int
cmd_export_p12(int argc, char **argv)
{
	struct session		 s;
	struct p12_args		 a = { NULL, NULL, NULL };
	struct p12_job		 j;
	struct tmpl		*t = NULL;
	struct secret		*pw = NULL;
	const struct cmd_opt	 local[] = {
		{ "template", 1, &a.tmpl },
		{ "legacy", 0, &a.legacy },
		{ "password-fd", 1, &a.password_fd },
		{ NULL, 0, NULL }
	};
	int			 r, rc = 1;

	memset(&j, 0, sizeof(j));
	session_init(&s);
	if ((r = cmd_options(&s, "export p12", argc, argv, local)) != 0)
		return r < 0 ? 0 : cmd_fail(&s);
	if (optind != argc - 1) {
		err_set("export p12 takes one SERIAL: see ceremony export p12 "
		    "--help");
		return cmd_fail(&s);
	}
	j.legacy = a.legacy != NULL;
	if ((a.tmpl != NULL && tmpl_load(a.tmpl, &t) != 0) ||
	    db_open_flags(s.home, DB_OPEN_NOINDEX, &s.db) != 0)
		goto out;
	if (j.legacy)
		p12_legacy_warning();
	/* From here on every attempt is audited, a refused password too. */
	if (password_read(a.password_fd, t != NULL ? t->p12_min_password :
	    TMPL_P12_PASS_DEFAULT, &pw) != 0)
		pw = NULL;
	rc = p12_export_run(&s, argv[optind], t, pw, &j);
	if (rc == 0)
		p12_print(&j, argv[optind]);
out:
	secret_free(pw);
	p12_job_clear(&j);
	tmpl_free(t);
	if (rc != 0)
		return cmd_fail(&s);
	session_close(&s);
	return 0;
}

int
cmd_export_publish(int argc, char **argv)
{
	struct session	 s;
	struct signer	 sg;
	struct bundle	 b;
	size_t		 i;
	int		 r, rc = 1;

	memset(&sg, 0, sizeof(sg));
	memset(&b, 0, sizeof(b));
	session_init(&s);
	if ((r = cmd_options(&s, "export publish", argc, argv, NULL)) != 0)
		return r < 0 ? 0 : cmd_fail(&s);
	if (optind != argc - 1) {
		err_set("export publish takes one DIR: see ceremony export "
		    "publish --help");
		return cmd_fail(&s);
	}
	if (session_open_db(&s) != 0)
		goto out;
	if (publish_run(&s, argv[optind], &sg, &b) == 0)
		rc = 0;
	if (rc == 0) {
		printf("publication bundle written to %s\n", argv[optind]);
		for (i = 0; i < b.n; i++)
			printf("  %s\n", b.v[i].name);
		printf("  %s\n  %s (signed by CA generation %d)\n",
		    MANIFEST_NAME, MANIFEST_SIG_NAME, sg.generation);
	}
out:
	bundle_free(&b);
	signer_close(&sg);
	if (rc != 0)
		return cmd_fail(&s);
	session_close(&s);
	return 0;
}

int
cmd_export_verify(int argc, char **argv)
{
	struct session		 s;
	struct findings		 f;
	struct bundle_report	 rep;
	STACK_OF(X509)		*roots = NULL;
	const char		*ca = NULL;
	const struct cmd_opt	 local[] = {
		{ "ca", 1, &ca },
		{ NULL, 0, NULL }
	};
	int			 r, rc = 1;

	memset(&f, 0, sizeof(f));
	memset(&rep, 0, sizeof(rep));
	session_init(&s);
	if ((r = cmd_options(&s, "export verify", argc, argv, local)) != 0)
		return r < 0 ? 0 : cmd_fail(&s);
	if (optind != argc - 1 || ca == NULL) {
		err_set("export verify takes DIR and --ca ROOT.pem: see "
		    "ceremony export verify --help");
		return cmd_fail(&s);
	}
	if (pem_certs_load(ca, &roots) != 0)
		goto out;
	if (sk_X509_num(roots) != 1 || X509_check_issued(sk_X509_value(roots,
	    0), sk_X509_value(roots, 0)) != X509_V_OK) {
		err_set("%s: give one self-signed root certificate", ca);
		goto out;
	}
	if (bundle_verify(argv[optind], sk_X509_value(roots, 0), &f, &rep) != 0)
		goto out;
	if (f.n > 0) {
		findings_print(stdout, &f);
		err_set("%s does not verify: %zu problem%s", argv[optind],
		    f.errors, f.errors == 1 ? "" : "s");
		goto out;
	}
	printf("%s verifies: %zu files as listed in %s, signed by %s\n",
	    argv[optind], rep.files, MANIFEST_NAME, rep.signer);
	rc = 0;
out:
	findings_free(&f);
	sk_X509_pop_free(roots, X509_free);
	if (rc != 0)
		return cmd_fail(&s);
	session_close(&s);
	return 0;
}
