/* SPDX-License-Identifier: ISC */
/*
 * ceremony export p12 | publish | verify: what leaves the room.  Each
 * checks its arguments, reads what it needs (a password, a login), calls
 * one core operation and prints where the result went.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ceremony/ceremony.h"

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
	int			 r, ok = 0, rc = 1;

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
	j.iterations = TMPL_P12_ITER_DEFAULT;
	if ((a.tmpl != NULL && tmpl_load(a.tmpl, &t) != 0) ||
	    db_open_flags(s.home, DB_OPEN_NOINDEX, &s.db) != 0)
		goto out;
	if (j.legacy)
		p12_legacy_warning();
	/* From here on every attempt is audited, a refused password too. */
	ok = password_read(a.password_fd, t != NULL ? t->p12_min_password :
	    TMPL_P12_PASS_DEFAULT, &pw) == 0 &&
	    p12_export(&s, argv[optind], t, pw, &j) == 0;
	if (p12_audit(&s, "export.p12", &j, ok) == 0 && ok)
		rc = 0;
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
