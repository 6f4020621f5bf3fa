/* SPDX-License-Identifier: ISC */
/*
 * A certificate request signed by a key on the token: how an offline
 * issuing CA asks the root for its certificate.  The subject and requested
 * extensions come from a request template; the request's signature is
 * verified with the token key's public key before it is returned.
 */
#include <string.h>

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "ceremony/issue/issue.h"
#include "ceremony/session/session.h"

static int
request_build(const struct tmpl *t, const struct hsm_key *key, X509_REQ **out)
{
	X509V3_CTX	 ctx;
	X509_REQ	*req = NULL;
	int		 rc = 1;

	*out = NULL;
	if ((req = X509_REQ_new()) == NULL || !X509_REQ_set_version(req, 0) ||
	    !X509_REQ_set_subject_name(req, t->subject) ||
	    !X509_REQ_set_pubkey(req, key->pubkey)) {
		err_ossl("cannot build the request");
		goto out;
	}
	if (t->ext_section != NULL) {
		X509V3_set_ctx(&ctx, NULL, NULL, req, NULL, 0);
		X509V3_set_nconf(&ctx, t->conf);
		if (!X509V3_EXT_REQ_add_nconf(t->conf, &ctx, t->ext_section,
		    req)) {
			err_ossl("template %s: cannot add the extensions of "
			    "[%s]", t->path, t->ext_section);
			goto out;
		}
	}
	*out = req;
	req = NULL;
	rc = 0;
out:
	X509_REQ_free(req);
	return rc;
}

int
request_create(struct session *s, const struct tmpl *t, const char *keyref,
    X509_REQ **out)
{
	struct hsm_key	*key = NULL;
	EVP_PKEY	*signer = NULL;
	X509_REQ	*req = NULL;
	int		 rc = 1;

	*out = NULL;
	if (session_key(s, t, keyref, &key) != 0)
		goto out;
	if (request_build(t, key, &req) != 0 ||
	    hsm_key_signer(s->hsm, key, &signer) != 0)
		goto out;
	if (X509_REQ_sign(req, signer, t->md) <= 0) {
		err_ossl("the token did not sign the request");
		goto out;
	}
	if (X509_REQ_verify(req, key->pubkey) != 1) {
		err_ossl("the request's signature does not verify with key "
		    "\"%s\": nothing was written", key->label);
		goto out;
	}
	*out = req;
	req = NULL;
	rc = 0;
out:
	EVP_PKEY_free(signer);
	X509_REQ_free(req);
	hsm_key_free(key);
	return rc;
}

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

/*
 * csr create from either front end: log in, the token signs the request,
 * it is written to out (never over a file), and one audit record.
 */
int
csr_create_run(struct session *s, const struct tmpl *t, const char *keyref,
    const char *out, X509_REQ **req)
{
	int	ok;

	*req = NULL;
	if (t->kindv != TMPL_REQUEST) {
		err_set("template %s is not a request template (kind = "
		    "request)", t->path);
		return 1;
	}
	ok = session_login(s) == 0 && request_create(s, t, keyref, req) == 0 &&
	    request_write(out, *req) == 0;
	return request_audit(s, t, *req, ok) != 0 || !ok;
}
