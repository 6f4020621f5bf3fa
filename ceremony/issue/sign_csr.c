/* SPDX-License-Identifier: ISC */
/*
 * One request signed, start to end, for both front ends: the policy check
 * (a refusal asks no PIN and touches no token), the login, the current CA
 * generation opened, the certificate issued and exported, and one audit
 * record whatever happened.  The batch (batch.c) shares the audit and the
 * export functions.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ceremony/export/export.h"
#include "ceremony/issue/issue.h"
#include "ceremony/policy/policy.h"
#include "ceremony/session/session.h"

static void
sign_audit_items(struct audit_entry *e, const struct tmpl *t,
    const struct policy *p, const struct vetted *c)
{
	audit_add_in(e, "template", t->raw, t->rawlen);
	audit_add_in(e, "policy", p->raw, p->rawlen);
	if (c != NULL)
		audit_add_in(e, "csr", c->der, c->derlen);
}

/* " warnings: a, b" for the warnings of f, "" if none. */
static void
sign_audit_warnings(const struct findings *f, char *buf, size_t len)
{
	size_t	i, o = 0;

	buf[0] = '\0';
	for (i = 0; f != NULL && i < f->n && o < len; i++)
		if (!f->v[i].error)
			o += (size_t)snprintf(buf + o, len - o, "%s%s",
			    o == 0 ? " warnings: " : ", ", f->v[i].code);
}

/* The record of one signature, its policy's warnings named once. */
int
sign_audit(struct session *s, const struct tmpl *t, const struct policy *p,
    const struct vetted *c, const struct issue_job *j,
    const struct findings *f, int ok)
{
	struct audit_entry	 e;
	unsigned char		*der = NULL;
	char			 detail[1024 + 256], warn[256];
	int			 len, rc;

	memset(&e, 0, sizeof(e));
	e.op = "sign";
	e.ok = ok;
	sign_audit_warnings(f, warn, sizeof(warn));
	snprintf(detail, sizeof(detail), "%s%s%s", ok ? j->serial : err_get(),
	    ok && j->clamped ? " notAfter clamped to the issuer's (--clamp)" :
	    "", warn);
	e.detail = detail;
	sign_audit_items(&e, t, p, c);
	/* Recorded, then the export failed: the record names it too. */
	if ((ok || j->state == ISSUE_RECORDED) && j->cert != NULL &&
	    (len = i2d_X509(j->cert, &der)) > 0)
		audit_add_out(&e, "cert", der, (size_t)len);
	rc = session_audit(s, &e);
	OPENSSL_free(der);
	return rc;
}

/*
 * The certificate (PEM and DER) into the export directory.  The chain
 * above it is the same for every certificate of a CA generation:
 * chain-genN.pem and chain-genN.p7b (sign_export_chain).
 */
int
sign_export(struct session *s, const struct issue_job *j, char *dir,
    size_t dirlen)
{
	char	*kept;
	int	 rc;

	export_dir_of(s, dir, dirlen);
	if ((kept = db_cert_file(s->db, j->serial)) == NULL)
		return 1;
	rc = export_cert_from(dir, j->serial, j->cert, kept);
	free(kept);
	return rc;
}

int
sign_export_chain(struct session *s, const struct signer *sg, char *dir,
    size_t dirlen)
{
	STACK_OF(X509)	*links = NULL;
	char		 base[32];
	int		 rc;

	export_dir_of(s, dir, dirlen);
	snprintf(base, sizeof(base), "chain-gen%d", sg->generation);
	if (ca_links_all(s->db, &links) != 0)
		return 1;
	rc = export_chain(dir, base, sg->chain, links);
	sk_X509_pop_free(links, X509_free);
	return rc;
}

/* What the signing's audit record names, for the hook issue_one calls. */
struct sign_rec {
	const struct tmpl	*t;
	const struct policy	*p;
	const struct vetted	*c;
	const struct findings	*f;
};

static int
sign_audit_issued(struct session *s, const struct issue_job *j, void *arg)
{
	const struct sign_rec	*r = arg;

	return sign_audit(s, r->t, r->p, r->c, j, r->f, 1);
}

/* Issued and recorded, then the export failed: a record of its own
 * (op "sign.export", "issue.export"). */
void
sign_audit_export(struct session *s, const struct issue_job *j,
    const char *op)
{
	struct audit_entry	 e;
	char			 detail[1200];

	err_context("serial %s is issued and recorded, but was not exported "
	    "(its certificate is certs/%s.pem in the data directory)",
	    j->serial, j->serial);
	memset(&e, 0, sizeof(e));
	e.op = op;
	e.ok = 0;
	snprintf(detail, sizeof(detail), "%s", err_get());
	e.detail = detail;
	if (session_audit(s, &e) != 0)
		err_context("%s; and its audit record failed", detail);
}

/*
 * Sign request c (loaded by the caller) under template t and its policy p.
 * out holds the findings, and on success the certificate and the signer;
 * the caller shows them and then calls sign_outcome_clear().  The audit
 * record of a certificate issued is written before its index line says
 * valid (issue_one); any other outcome gets its record at the end.
 */
int
sign_csr(struct session *s, const struct tmpl *t, const struct policy *p,
    const struct vetted *c, const struct sign_opts *o, struct sign_outcome *out)
{
	struct sign_rec		 rec = { t, p, c, NULL };
	struct sign_opts	 oo = *o;
	int			 ok = 0;

	memset(out, 0, sizeof(*out));
	rec.f = &out->f;
	oo.audit = sign_audit_issued;
	oo.audit_arg = &rec;
	/* Refused by policy: no PIN asked, no token touched. */
	if (sign_check(p, c, &out->f) != 0) {
		out->refused = 1;
		sign_job(&out->j, &out->sg, t, c, &oo);
		goto audit;
	}
	ok = session_login(s) == 0 && signer_open(s, &out->sg, t->md) == 0 &&
	    sign_request(s, &out->sg, t, c, &oo, &out->f, &out->j) == 0;
	if (ok && (sign_export(s, &out->j, out->dir, sizeof(out->dir)) != 0 ||
	    sign_export_chain(s, &out->sg, out->dir, sizeof(out->dir)) != 0)) {
		sign_audit_export(s, &out->j, "sign.export");
		return 1;
	}
audit:
	if (out->j.audited)
		return !ok;
	return sign_audit(s, t, p, c, &out->j, &out->f, ok) != 0 || !ok;
}

void
sign_outcome_clear(struct sign_outcome *out)
{
	findings_free(&out->f);
	issue_job_clear(&out->j);
	signer_close(&out->sg);
}
