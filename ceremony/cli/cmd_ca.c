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

static int
ca_install_audit(struct session *s, X509 *x, int ok)
{
	struct audit_entry	 e;
	unsigned char		*der = NULL;
	int			 len, rc;

	memset(&e, 0, sizeof(e));
	e.op = "ca.install";
	e.ok = ok;
	e.detail = ok ? "generation 1" : err_get();
	if (x != NULL && (len = i2d_X509(x, &der)) > 0)
		audit_add_in(&e, "cert", der, (size_t)len);
	rc = session_audit(s, &e);
	OPENSSL_free(der);
	return rc;
}

int
cmd_ca_install(int argc, char **argv)
{
	struct session		 s;
	STACK_OF(X509)		*certs = NULL, *above = NULL;
	X509			*x = NULL;
	const char		*cert = NULL, *chain = NULL;
	const struct cmd_opt	 local[] = {
		{ "cert", 1, &cert },
		{ "chain", 1, &chain },
		{ NULL, 0, NULL }
	};
	int			 r, ok, rc = 1;

	session_init(&s);
	if ((r = cmd_options(&s, "ca install", argc, argv, local)) != 0)
		return r < 0 ? 0 : cmd_fail(&s);
	if (opt_no_args("ca install", argc, argv) != 0)
		return cmd_fail(&s);
	if (cert == NULL || chain == NULL) {
		err_set("ca install needs --cert F and --chain F");
		return cmd_fail(&s);
	}
	if (pem_certs_load(cert, &certs) != 0 ||
	    pem_certs_load(chain, &above) != 0)
		goto out;
	x = sk_X509_value(certs, 0);
	if (session_open_db(&s) != 0)
		goto out;
	ok = session_login(&s) == 0 && ca_install(&s, x, above) == 0;
	if (ca_install_audit(&s, x, ok) != 0 || !ok)
		goto out;
	printf("installed %s as CA generation 1 (chain of %d above it)\n",
	    cert, sk_X509_num(above));
	rc = 0;
out:
	if (rc != 0)
		fprintf(stderr, "ceremony: %s\n", err_get());
	sk_X509_pop_free(certs, X509_free);
	sk_X509_pop_free(above, X509_free);
	session_close(&s);
	return rc;
}
