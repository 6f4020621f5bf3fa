/* SPDX-License-Identifier: ISC */
/*
 * ceremony ca install: adopt the CA certificate that a root signed for a
 * key of this token (an offline issuing CA), with the chain above it.
 */
#include <stdio.h>
#include <string.h>

#include "ceremony/cli/cli.h"
#include "ceremony/issue/issue.h"
#include "ceremony/session/session.h"

int
cmd_ca_install(int argc, char **argv)
{
	struct session		 s;
	STACK_OF(X509)		*above = NULL;
	const char		*cert = NULL, *chain = NULL;
	const struct cmd_opt	 local[] = {
		{ "cert", 1, &cert },
		{ "chain", 1, &chain },
		{ NULL, 0, NULL }
	};
	int			 r, rc = 1;

	session_init(&s);
	if ((r = cmd_options(&s, "ca install", argc, argv, local)) != 0)
		return r < 0 ? 0 : cmd_fail(&s);
	if (opt_no_args("ca install", argc, argv) != 0)
		return cmd_fail(&s);
	if (cert == NULL || chain == NULL) {
		err_set("ca install needs --cert F and --chain F");
		return cmd_fail(&s);
	}
	if (session_open_db(&s) != 0 ||
	    ca_install_run(&s, cert, chain, &above) != 0)
		goto out;
	printf("installed %s as CA generation 1 (chain of %d above it)\n",
	    cert, sk_X509_num(above));
	rc = 0;
out:
	if (rc != 0)
		fprintf(stderr, "ceremony: %s\n", err_get());
	sk_X509_pop_free(above, X509_free);
	session_close(&s);
	return rc;
}
