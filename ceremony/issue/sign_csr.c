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

#include <openssl/rand.h>

#include "ceremony/export/export.h"
#include "ceremony/issue/issue.h"
#include "ceremony/policy/policy.h"
#include "ceremony/session/session.h"

/* What a signing's record (or a refusal's) names: its inputs. */
void
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

/* The signing's audit record, for the hook issue_finish calls. */
static int
sign_audit_issued(struct session *s, const struct issue_job *j, void *arg)
{
	const struct sign_outcome	*out = arg;

	return sign_audit(s, out->t, out->p, out->c, j, &out->f, 1);
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
 * Everything of signing request c (loaded by the caller) under template t
 * and its policy p up to, not including, the reservation and the
 * signature: the policy check (a refusal asks no PIN and touches no
 * token), then the to-be-signed certificate built and linted by the code
 * that signs it (issue_build).  With token, logged in and on the token's
 * key, with the serial that sign_prepared() reserves; without (a preview
 * on the command line), from the issuer's certificate alone, its serial a
 * stand-in (out->serial_later).  Nothing is written either way.  out
 * must stay where it is until sign_outcome_clear(): the audit hook
 * points at it.
 */
int
sign_prepare(struct session *s, const struct tmpl *t, const struct policy *p,
    const struct vetted *c, const struct sign_opts *o, int token,
    struct sign_outcome *out)
{
	struct sign_opts	oo = *o;
	unsigned char		rnd[20];

	memset(out, 0, sizeof(*out));
	out->t = t;
	out->p = p;
	out->c = c;
	oo.audit = sign_audit_issued;
	oo.audit_arg = out;
	if (sign_check(p, c, &out->f) != 0) {
		out->refused = 1;
		sign_job(&out->j, &out->sg, t, c, &oo);
		return 1;
	}
	if (token ? session_login(s) != 0 || signer_open(s, &out->sg,
	    t->md) != 0 : signer_open_issuer(s, &out->sg) != 0)
		return 1;
	sign_job(&out->j, &out->sg, t, c, &oo);
	if (!token) {
		/* Any serial the lint accepts: the token draws the real one. */
		out->serial_later = 1;
		if (RAND_bytes(rnd, sizeof(rnd)) != 1 ||
		    db_serial_make(rnd, sizeof(rnd), out->j.serial) != 0) {
			err_ossl("cannot make a stand-in serial");
			return 1;
		}
	}
	return issue_build(s, &out->j, &out->f);
}

/*
 * Reserve, sign, record and export what sign_prepare() built with the
 * token; the audit record of a certificate issued is written before its
 * index line says valid (issue_finish), any other outcome gets its record
 * here.
 */
int
sign_prepared(struct session *s, struct sign_outcome *out)
{
	int	ok;

	ok = !out->serial_later && issue_finish(s, &out->j) == 0;
	if (ok && (sign_export(s, &out->j, out->dir, sizeof(out->dir)) != 0 ||
	    sign_export_chain(s, &out->sg, out->dir, sizeof(out->dir)) != 0)) {
		sign_audit_export(s, &out->j, "sign.export");
		return 1;
	}
	if (out->j.audited)
		return !ok;
	return sign_unprepared(s, out, ok) != 0 || !ok;
}

/* The record of a signing that sign_prepare() refused or failed (ok 0). */
int
sign_unprepared(struct session *s, const struct sign_outcome *out, int ok)
{
	return sign_audit(s, out->t, out->p, out->c, &out->j, &out->f, ok);
}

/*
 * Sign request c under template t and its policy p: prepared, then
 * signed.  out holds the findings, and on success the certificate and the
 * signer; the caller shows them and then calls sign_outcome_clear().
 */
int
sign_csr(struct session *s, const struct tmpl *t, const struct policy *p,
    const struct vetted *c, const struct sign_opts *o, struct sign_outcome *out)
{
	if (sign_prepare(s, t, p, c, o, 1, out) == 0)
		return sign_prepared(s, out);
	return sign_unprepared(s, out, 0) != 0 || 1;
}

void
sign_outcome_clear(struct sign_outcome *out)
{
	findings_free(&out->f);
	issue_job_clear(&out->j);
	signer_close(&out->sg);
	out->serial_later = 0;
}
