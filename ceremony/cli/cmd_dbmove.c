/* SPDX-License-Identifier: ISC */
/*
 * ceremony db import-openssl / db export-openssl: moving a CA between
 * `openssl ca` (or easy-rsa) and ceremony (ossl_import.c, ossl_export.c).
 * Both are audited with the hash of the index they read or wrote.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ceremony/cli/cli.h"
#include "ceremony/migrate/migrate.h"
#include "ceremony/session/session.h"

static int
import_audit(struct session *s, const struct ossl_import *im, int ok)
{
	struct audit_entry	 e;
	char			 detail[256];

	memset(&e, 0, sizeof(e));
	e.op = "db.import-openssl";
	e.ok = ok;
	snprintf(detail, sizeof(detail), "%zu valid, %zu revoked, latest CRL "
	    "number %llu", im->valid, im->revoked, im->crl_number);
	e.detail = ok ? detail : err_get();
	if (im->sha256[0] != '\0')
		audit_add_in_hash(&e, "index", im->sha256);
	return session_audit(s, &e);
}

int
cmd_db_import_openssl(int argc, char **argv)
{
	struct session		 s;
	struct ossl_import	 im;
	const struct cmd_opt	 local[] = {
		{ "ca", 1, &im.ca_path },
		{ "crl", 1, &im.crl_path },
		{ NULL, 0, NULL }
	};
	int			 r, ok, rc = 1;

	memset(&im, 0, sizeof(im));
	session_init(&s);
	if ((r = cmd_options(&s, "db import-openssl", argc, argv, local)) != 0)
		return r < 0 ? 0 : cmd_fail(&s);
	if (argc - optind < 2 || im.ca_path == NULL) {
		err_set("db import-openssl takes INDEX, at least one DIR and "
		    "--ca CA.pem: see ceremony db import-openssl --help");
		return cmd_fail(&s);
	}
	/* How many threads verify: CEREMONY_THREADS, else one per core. */
	if (getenv("CEREMONY_THREADS") != NULL)
		im.threads = atoi(getenv("CEREMONY_THREADS"));
	im.index = argv[optind];
	im.dirs = argv + optind + 1;
	im.ndirs = (size_t)(argc - optind - 1);
	if (session_open_db(&s) != 0)
		goto out;
	ok = ossl_import(&s, &im) == 0;
	if (import_audit(&s, &im, ok) == 0 && ok) {
		printf("imported %s into %s\n  %zu valid, %zu revoked\n"
		    "  CA certificate as generation 1\n", im.index, s.home,
		    im.valid, im.revoked);
		if (im.crl_number != 0)
			printf("  latest CRL: number %llu; the next is %llu\n",
			    im.crl_number, im.crl_number + 1);
		rc = 0;
	}
out:
	ossl_import_clear(&im);
	if (rc != 0)
		return cmd_fail(&s);
	session_close(&s);
	return 0;
}

int
cmd_db_export_openssl(int argc, char **argv)
{
	struct session		 s;
	struct audit_entry	 e;
	unsigned char		*idx = NULL;
	char			 detail[4200], path[4200];
	size_t			 n = 0, len = 0;
	int			 r, ok, rc = 1;

	session_init(&s);
	if ((r = cmd_options(&s, "db export-openssl", argc, argv, NULL)) != 0)
		return r < 0 ? 0 : cmd_fail(&s);
	if (optind != argc - 1) {
		err_set("db export-openssl takes one DIR: see ceremony db "
		    "export-openssl --help");
		return cmd_fail(&s);
	}
	if (session_open_db(&s) != 0)
		goto out;
	ok = ossl_export(&s, argv[optind], &n) == 0;
	snprintf(path, sizeof(path), "%s/index.txt", argv[optind]);
	if (ok && file_read_small("index", path, 1UL << 30, &idx, &len) != 0)
		ok = 0;
	memset(&e, 0, sizeof(e));
	e.op = "db.export-openssl";
	e.ok = ok;
	snprintf(detail, sizeof(detail), "%s: %zu certificates", argv[optind],
	    n);
	e.detail = ok ? detail : err_get();
	if (ok)
		audit_add_out(&e, "index", idx, len);
	if (session_audit(&s, &e) == 0 && ok) {
		printf("openssl ca database written to %s: %zu certificates\n",
		    argv[optind], n);
		rc = 0;
	}
out:
	free(idx);
	if (rc != 0)
		return cmd_fail(&s);
	session_close(&s);
	return 0;
}
