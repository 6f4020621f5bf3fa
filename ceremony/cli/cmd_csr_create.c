/* SPDX-License-Identifier: ISC */
/*
 * ceremony csr create: a request for a key on the token, to be carried to
 * the root (an offline issuing CA asking for its certificate).
 */
#include <stdio.h>
#include <string.h>

#include <openssl/pem.h>

#include "ceremony/cli/cli.h"
#include "ceremony/issue/issue.h"
#include "ceremony/session/session.h"

static int
request_write(const char *path, X509_REQ *req)
{
	BIO	*b;
	char	*pem;
	long	 len;
	int	 rc = 1;

	if ((b = BIO_new(BIO_s_mem())) == NULL)
		return 1;
	if (!PEM_write_bio_X509_REQ(b, req) ||
	    (len = BIO_get_mem_data(b, &pem)) <= 0)
		err_ossl("cannot encode the request");
	else
		rc = atomic_write(path, pem, (size_t)len, 0644, 1);
	BIO_free(b);
	return rc;
}

static int
request_audit(struct session *s, const struct tmpl *t, X509_REQ *req, int ok)
{
	struct audit_entry	 e;
	unsigned char		*der = NULL;
	int			 len, rc;

	memset(&e, 0, sizeof(e));
	e.op = "csr.create";
	e.ok = ok;
	e.detail = ok ? t->name : err_get();
	audit_add_in(&e, "template", t->raw, t->rawlen);
	if (ok && (len = i2d_X509_REQ(req, &der)) > 0)
		audit_add_out(&e, "csr", der, (size_t)len);
	rc = session_audit(s, &e);
	OPENSSL_free(der);
	return rc;
}

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
	int			 r, ok, rc = 1;

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
	if (t->kindv != TMPL_REQUEST) {
		err_set("template %s is not a request template (kind = "
		    "request)", tpath);
		goto out;
	}
	if (session_open_db(&s) != 0)
		goto out;
	ok = session_login(&s) == 0 && request_create(&s, t, keyref, &req) == 0
	    && request_write(out, req) == 0;
	if (request_audit(&s, t, req, ok) != 0 || !ok)
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
