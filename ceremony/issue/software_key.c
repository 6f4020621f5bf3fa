/* SPDX-License-Identifier: ISC */
/*
 * ceremony issue --generate-key, the core: for a subject that cannot make
 * its own key pair (an OCSP responder, a device), the key is generated in
 * software, put in a request signed with it (so proof of possession and
 * the policy are checked as for any request), signed through the same
 * path as ceremony sign, archived as PKCS#12 with its chain, and freed
 * (OpenSSL wipes a private key's numbers when it is freed).  A CA key is
 * never made here: it is generated on the token, marked non-extractable,
 * and can never be exported.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "ceremony/export/export.h"
#include "ceremony/issue/issue.h"
#include "ceremony/policy/policy.h"
#include "ceremony/session/session.h"

/* "/C=XX/O=Example/CN=ocsp.example.org", as openssl req -subj takes it. */
int
genkey_subject(const char *text, X509_NAME **out)
{
	char	*copy = NULL, *tok, *save = NULL, *eq;
	int	 rc = 1;

	if ((*out = X509_NAME_new()) == NULL || text[0] != '/' ||
	    (copy = strdup(text + 1)) == NULL) {
		err_set("--subject \"%s\": give /TYPE=VALUE/..., e.g. "
		    "/O=Example/CN=ocsp.example.org", text);
		goto out;
	}
	for (tok = strtok_r(copy, "/", &save); tok != NULL;
	    tok = strtok_r(NULL, "/", &save)) {
		if ((eq = strchr(tok, '=')) == NULL || eq == tok ||
		    eq[1] == '\0') {
			err_set("--subject: \"%s\" is not TYPE=VALUE", tok);
			goto out;
		}
		*eq = '\0';
		if (!X509_NAME_add_entry_by_txt(*out, tok, MBSTRING_UTF8,
		    (unsigned char *)eq + 1, -1, -1, 0)) {
			err_ossl("--subject: unknown attribute type %s", tok);
			goto out;
		}
	}
	if (X509_NAME_entry_count(*out) == 0) {
		err_set("--subject \"%s\" is empty", text);
		goto out;
	}
	rc = 0;
out:
	if (rc != 0) {
		X509_NAME_free(*out);
		*out = NULL;
	}
	free(copy);
	return rc;
}

static EVP_PKEY *
genkey_make(const struct hsm_keyspec *spec)
{
	EVP_PKEY	*k;

	if (spec->kind == HSM_KEY_RSA)
		k = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)spec->bits);
	else
		k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", OBJ_nid2sn(spec->nid));
	if (k == NULL)
		err_ossl("cannot generate a %s key", spec->name);
	return k;
}

/* An extension the request asks for, in the template's own words. */
static int
genkey_ext(STACK_OF(X509_EXTENSION) **exts, const struct tmpl *t, int nid,
    const char *value)
{
	X509V3_CTX	 ctx;
	X509_EXTENSION	*e;

	X509V3_set_ctx(&ctx, NULL, NULL, NULL, NULL, 0);
	X509V3_set_nconf(&ctx, t->conf);
	if ((e = X509V3_EXT_nconf_nid(t->conf, &ctx, nid, value)) == NULL) {
		err_ossl("cannot make the %s extension from \"%s\"",
		    OBJ_nid2sn(nid), value);
		return 1;
	}
	if (X509v3_add_ext(exts, e, -1) == NULL) {
		X509_EXTENSION_free(e);
		return 1;
	}
	X509_EXTENSION_free(e);
	return 0;
}

/*
 * The request, signed with the new key: the subject, the SAN asked for,
 * and the extendedKeyUsage the template gives (the policy wants the
 * request to ask for it).
 */
static int
genkey_request(const struct genkey_req *g, EVP_PKEY *key,
    struct vetted **out)
{
	struct csr			*c = NULL;
	STACK_OF(X509_EXTENSION)	*exts = NULL;
	X509_REQ			*req = NULL;
	X509_NAME			*name = NULL;
	unsigned char			*der = NULL;
	const char			*eku;
	int				 len, rc = 1;

	eku = NCONF_get_string(g->t->conf, g->t->ext_section,
	    "extendedKeyUsage");
	ERR_clear_error();
	if (genkey_subject(g->subject, &name) != 0)
		goto out;
	if ((g->san != NULL && genkey_ext(&exts, g->t, NID_subject_alt_name,
	    g->san) != 0) || (eku != NULL && genkey_ext(&exts, g->t,
	    NID_ext_key_usage, eku) != 0))
		goto out;
	if ((req = X509_REQ_new()) == NULL || !X509_REQ_set_version(req, 0) ||
	    !X509_REQ_set_subject_name(req, name) ||
	    !X509_REQ_set_pubkey(req, key) ||
	    (exts != NULL && !X509_REQ_add_extensions(req, exts)) ||
	    !X509_REQ_sign(req, key, EVP_sha256()) ||
	    (len = i2d_X509_REQ(req, &der)) <= 0) {
		err_ossl("cannot make the request for the generated key");
		goto out;
	}
	/* Made here, from our own key: vetted in process. */
	rc = csr_load_mem("the generated key's request", der, (size_t)len,
	    &c) != 0 || vetted_from_csr(c, g->p, 0, out) != 0;
out:
	csr_free(c);
	OPENSSL_free(der);
	X509_REQ_free(req);
	X509_NAME_free(name);
	sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	return rc;
}

/* Only for leaf and OCSP certificates: never a CA key. */
int
genkey_template_ok(const struct tmpl *t)
{
	if (t->kindv == TMPL_LEAF || t->kindv == TMPL_OCSP)
		return 0;
	err_set("template %s makes a %s certificate: a CA key is generated "
	    "on the token (ceremony key generate), marked non-extractable, "
	    "and can never be exported", t->path, t->kind);
	return 1;
}

/* What must hold before a key is made: no CA key, room for the archive. */
int
genkey_check(struct session *s, const struct genkey_req *g)
{
	char	*path;
	int	 rc;

	if (genkey_template_ok(g->t) != 0)
		return 1;
	if ((path = db_path(s->db, "p12")) == NULL)
		return 1;
	rc = access(path, W_OK) != 0;
	if (rc)
		err_set("%s is not writable: the key's archive goes there",
		    path);
	free(path);
	return rc;
}

/*
 * Generate, request, sign (ceremony sign's own path, policy included),
 * archive.  The key lives only in pj until p12_job_clear.
 */
/*
 * The record of one issue --generate-key: the template, the policy, the
 * request made with the key, and, once made, the certificate and its
 * archive.  A failure's record names the certificate only when it was
 * recorded and what came after failed.
 */
int
genkey_audit(struct session *s, const struct genkey_req *g,
    const struct vetted *c, const struct issue_job *j,
    const struct p12_job *pj, int ok)
{
	struct audit_entry	 e;
	unsigned char		*der = NULL;
	char			 detail[256];
	int			 len, rc;

	memset(&e, 0, sizeof(e));
	e.op = "issue.generate-key";
	e.ok = ok;
	snprintf(detail, sizeof(detail), "%s, %s key generated in software, "
	    "archived as %s and wiped", j->serial, g->spec.name, pj->file);
	e.detail = ok ? detail : err_get();
	audit_add_in(&e, "template", g->t->raw, g->t->rawlen);
	audit_add_in(&e, "policy", g->p->raw, g->p->rawlen);
	if (c != NULL)
		audit_add_in(&e, "csr", c->der, c->derlen);
	if ((ok || j->state == ISSUE_RECORDED) && j->cert != NULL &&
	    (len = i2d_X509(j->cert, &der)) > 0)
		audit_add_out(&e, "cert", der, (size_t)len);
	if (ok)
		audit_add_out(&e, "p12", pj->der, pj->derlen);
	rc = session_audit(s, &e);
	OPENSSL_free(der);
	return rc;
}

/* What the hook between the certificate's file and its index line needs. */
struct genkey_rec {
	const struct genkey_req	*g;
	const struct secret	*pw;
	const struct signer	*sg;
	struct vetted		**c;
	struct p12_job		*pj;
};

/* An archive written for a certificate that is then not issued goes. */
static void
genkey_unarchive(const struct p12_job *pj)
{
	if (pj->archive[0] != '\0')
		(void)unlink(pj->archive);
	if (pj->exported[0] != '\0')
		(void)unlink(pj->exported);
}

/*
 * issue_one's hook, after the certificate's file, before the index says
 * valid: the key archived, then the record that names both.  So a
 * certificate with a generated key is issued only with its archive and
 * its record; when either fails the serial is voided, not issued.
 */
static int
genkey_archive(struct session *s, const struct issue_job *j, void *arg)
{
	const struct genkey_rec	*r = arg;
	struct p12_job		*pj = r->pj;

	pj->iterations = r->g->t->p12_iterations;
	pj->legacy = r->g->legacy;
	if (!X509_up_ref(j->cert)) {
		err_ossl("out of memory");
		return 1;
	}
	pj->cert = j->cert;
	if (p12_chain(s->db, r->sg->generation, &pj->chain) != 0 ||
	    p12_name(pj->cert, j->serial, pj->name, sizeof(pj->name)) != 0 ||
	    p12_encode(pj, r->pw) != 0 || p12_write(s, pj, j->serial) != 0) {
		/* p12_write leaves nothing of its own failure. */
		err_context("the key of serial %s could not be archived, so "
		    "its certificate is not issued", j->serial);
		return 1;
	}
	if (genkey_audit(s, r->g, *r->c, j, pj, 1) != 0) {
		err_context("serial %s is not issued and its archive was "
		    "removed (no certificate without its record)", j->serial);
		genkey_unarchive(pj);
		return 1;
	}
	return 0;
}

int
genkey_issue(struct session *s, const struct genkey_req *g,
    const struct secret *pw, struct signer *sg, struct findings *f,
    struct issue_job *j, struct vetted **c, struct p12_job *pj)
{
	struct genkey_rec	rec = { g, pw, sg, c, pj };
	struct sign_opts	o = { 0 };

	if ((pj->key = genkey_make(&g->spec)) == NULL ||
	    genkey_request(g, pj->key, c) != 0)
		return 1;
	o.audit = genkey_archive;
	o.audit_arg = &rec;
	if (sign_check(g->p, *c, f) != 0) {
		sign_job(j, sg, g->t, *c, &o);
		return 1;
	}
	return session_login(s) != 0 || signer_open(s, sg, g->t->md) != 0 ||
	    sign_request(s, sg, g->t, *c, &o, f, j) != 0;
}
