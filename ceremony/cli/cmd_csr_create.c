/* SPDX-License-Identifier: ISC */
/*
 * ceremony csr create: a request for a key on the token, to be carried to
 * the root (an offline issuing CA asking for its certificate).
 */
#include <stdio.h>
#include <string.h>

#include "ceremony/cli/cli.h"
#include "ceremony/issue/issue.h"
#include "ceremony/session/session.h"

int
cmd_csr_create(int argc, char **argv)
{
	struct session		 s;
	struct tmpl		*t = NULL;
	X509_REQ		*req = NULL;
	const char		*tpath = NULL, *keyref = NULL, *out = NULL;
	const struct cmd_opt	 local[] = {
		{ "template", 1, &tpath },
		{ "key", 1, &keyref },
		{ "out", 1, &out },
		{ NULL, 0, NULL }
	};
	int			 r, rc = 1;

	session_init(&s);
	if ((r = cmd_options(&s, "csr create", argc, argv, local)) != 0)
		return r < 0 ? 0 : cmd_fail(&s);
	if (opt_no_args("csr create", argc, argv) != 0)
		return cmd_fail(&s);
	if (tpath == NULL || keyref == NULL || out == NULL) {
		err_set("csr create needs --template T, --key KEY and --out F");
		return cmd_fail(&s);
	}
	if (tmpl_load(tpath, &t) != 0)
		return cmd_fail(&s);
	if (session_open_db(&s) != 0)
		goto out;
	if (csr_create_run(&s, t, keyref, out, &req) != 0)
		goto out;
	printf("request for key \"%s\" written to %s\n", keyref, out);
	rc = 0;
out:
	if (rc != 0)
		fprintf(stderr, "ceremony: %s\n", err_get());
	X509_REQ_free(req);
	tmpl_free(t);
	session_close(&s);
	return rc;
}
