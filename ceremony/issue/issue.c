/* SPDX-License-Identifier: ISC */
/*
 * Issuing a certificate, in stages that a batch can group:
 *
 *   issue_build   serial from the token's RNG, the to-be-signed certificate
 *                 from the template (and the request), the lint
 *   issue_reserve the serials, durably, before the token signs (one write
 *                 for a whole batch)
 *   issue_sign    the token signs; signature and chain verified; the signed
 *                 bytes compared with the linted ones
 *   issue_record  certificate files, the job's audit record (when the
 *                 caller gives one), then the index (one index write for
 *                 a whole batch)
 *   issue_abandon voids what was reserved and not recorded: a serial the
 *                 token may have seen is never reused; one whose audit
 *                 record is written stays reserved for db recover
 *
 * Root creation and subordinate signing both go through here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "ceremony/issue/issue.h"

#define SERIAL_TRIES	4
#define DAY		86400L

static int
issue_serial(struct session *s, char serial[DB_SERIAL_MAX])
{
	unsigned char	rnd[20];
	int		i;

	for (i = 0; i < SERIAL_TRIES; i++) {
		if (hsm_random(s->hsm, rnd, sizeof(rnd)) != 0 ||
		    db_serial_make(rnd, sizeof(rnd), serial) != 0)
			return 1;
		if (db_index_get(s->db, serial) == NULL)
			return 0;
	}
	err_set("the token's random generator repeats serials: "
	    "do not use this token");
	return 1;
}

/*
 * Serials for a batch from one call to the token's RNG; unique against
 * the index and against each other.
 */
int
issue_serials(struct session *s, char (*serials)[DB_SERIAL_MAX], size_t n)
{
	unsigned char	*rnd;
	size_t		 i, k;
	int		 rc = 1;

	if (n == 0)
		return 0;
	if ((rnd = malloc(n * 20)) == NULL) {
		err_set("out of memory");
		return 1;
	}
	if (hsm_random(s->hsm, rnd, n * 20) != 0)
		goto out;
	for (i = 0; i < n; i++) {
		if (db_serial_make(rnd + 20 * i, 20, serials[i]) != 0)
			goto out;
		for (k = 0; k < i; k++)
			if (strcmp(serials[k], serials[i]) == 0)
				break;
		if (k < i || db_index_get(s->db, serials[i]) != NULL) {
			err_set("the token's random generator repeats serials: "
			    "do not use this token");
			goto out;
		}
	}
	rc = 0;
out:
	free(rnd);
	return rc;
}

/*
 * notBefore: the job's (a rollover's), the template's or now; notAfter:
 * the job's, the template's, or the requested/template days.  Past the issuer's end it is cut only when the
 * operator asked (--clamp), and that is reported; else the lint refuses.
 */
static int
issue_validity(X509 *x, struct issue_job *j)
{
	const struct tmpl	*t = j->t;
	time_t			 nb = t->not_before, na = t->not_after, end;

	if (j->not_before != 0)
		nb = j->not_before;
	if (nb == 0)
		nb = time(NULL);
	if (j->not_after != 0)
		na = j->not_after;
	else if (j->days != 0)
		na = nb + j->days * DAY;
	else if (na == 0)
		na = nb + t->days * DAY;
	if (j->issuer != NULL && j->clamp &&
	    na > (end = cert_time(X509_get0_notAfter(j->issuer)))) {
		na = end;
		j->clamped = 1;
	}
	/* ASN1_TIME_set picks UTCTime or GeneralizedTime as RFC 5280 says. */
	if (ASN1_TIME_set(X509_getm_notBefore(x), nb) == NULL ||
	    ASN1_TIME_set(X509_getm_notAfter(x), na) == NULL) {
		err_ossl("cannot set the validity");
		return 1;
	}
	return 0;
}

/* Requested extensions the template lets through, if it set none itself. */
static int
issue_copy_extensions(X509 *x, const struct issue_job *j)
{
	X509_EXTENSION	*e;
	size_t		 k;
	int		 i, nid;

	for (i = 0; j->req_exts != NULL &&
	    i < sk_X509_EXTENSION_num(j->req_exts); i++) {
		e = sk_X509_EXTENSION_value(j->req_exts, i);
		nid = OBJ_obj2nid(X509_EXTENSION_get_object(e));
		for (k = 0; k < j->t->ncopy; k++)
			if (j->t->copy[k] == nid)
				break;
		if (k == j->t->ncopy || X509_get_ext_by_NID(x, nid, -1) >= 0)
			continue;
		if (!X509_add_ext(x, e, -1)) {
			err_ossl("cannot copy a requested extension");
			return 1;
		}
	}
	return 0;
}

static int
issue_extensions(X509 *x, const struct issue_job *j)
{
	X509V3_CTX	ctx;

	X509V3_set_ctx(&ctx, j->issuer != NULL ? j->issuer : x, x, NULL,
	    NULL, 0);
	X509V3_set_nconf(&ctx, j->t->conf);
	if (!gen_ext_add(j->t->conf, &ctx, j->t->ext_section, j->generation,
	    x)) {
		err_ossl("template %s: cannot add the extensions of [%s]",
		    j->t->path, j->t->ext_section);
		return 1;
	}
	return issue_copy_extensions(x, j);
}

/*
 * The subject's key, copied from the vetted encoding (OpenSSL's encoder
 * wrote it in the intake, from the key it decoded): algorithm, parameters
 * and key bits.  (X509_set_pubkey would encode the key again, most of
 * the cost of building a certificate.)  Only the parameter types an
 * encoder writes are copied; any other is refused, never half-copied.
 */
int
spki_set(X509_PUBKEY *to, const X509_ALGOR *alg, const unsigned char *bits,
    int len)
{
	const ASN1_OBJECT	*obj;
	const void		*pval;
	unsigned char		*copy = NULL;
	void			*param = NULL;
	int			 ptype;

	X509_ALGOR_get0(&obj, &ptype, &pval, alg);
	if (ptype != V_ASN1_UNDEF && ptype != V_ASN1_NULL &&
	    ptype != V_ASN1_OBJECT && ptype != V_ASN1_SEQUENCE) {
		err_set("the key's algorithm parameters are of ASN.1 type %d, "
		    "which no key encoder writes", ptype);
		return 1;
	}
	if ((copy = OPENSSL_memdup(bits, len > 0 ? (size_t)len : 1)) == NULL)
		return 1;
	if (ptype == V_ASN1_OBJECT)
		param = OBJ_dup(pval);
	else if (ptype == V_ASN1_SEQUENCE)
		param = ASN1_STRING_dup(pval);
	if ((ptype == V_ASN1_OBJECT || ptype == V_ASN1_SEQUENCE) &&
	    param == NULL)
		goto fail;
	if (!X509_PUBKEY_set0_param(to, OBJ_dup(obj), ptype, param, copy,
	    len))
		goto fail;
	return 0;
fail:
	if (ptype == V_ASN1_OBJECT)
		ASN1_OBJECT_free(param);
	else
		ASN1_STRING_free(param);
	OPENSSL_free(copy);
	return 1;
}

static int
issue_spki(X509 *x, const X509_PUBKEY *from)
{
	X509_ALGOR		*alg;
	const unsigned char	*bits;
	int			 len;

	if (!X509_PUBKEY_get0_param(NULL, &bits, &len, &alg, from))
		return 1;
	return spki_set(X509_get_X509_PUBKEY(x), alg, bits, len);
}

static int
issue_tbs(struct issue_job *j)
{
	const X509_NAME	*subj = j->subject != NULL ? j->subject : j->t->subject;
	X509		*x = NULL;
	BIGNUM		*bn = NULL;
	int		 rc = 1;

	if ((x = X509_new()) == NULL || !X509_set_version(x, X509_VERSION_3) ||
	    !BN_hex2bn(&bn, j->serial) ||
	    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) == NULL ||
	    !X509_set_subject_name(x, subj) ||
	    !X509_set_issuer_name(x, j->issuer != NULL ?
	    X509_get_subject_name(j->issuer) : subj) ||
	    (j->spki != NULL ? issue_spki(x, j->spki) != 0 :
	    !X509_set_pubkey(x, j->pubkey))) {
		err_ossl("cannot build the certificate");
		goto out;
	}
	if (issue_validity(x, j) != 0 || issue_extensions(x, j) != 0)
		goto out;
	j->cert = x;
	x = NULL;
	rc = 0;
out:
	BN_free(bn);
	X509_free(x);
	return rc;
}

int
issue_build(struct session *s, struct issue_job *j, struct findings *f)
{
	struct lint_ctx	lc;

	lc.t = j->t;
	lc.issuer = j->issuer;
	lc.subject_key = j->pubkey;
	lc.subject_spki = j->spki;
	lc.signer_spec = &j->key->spec;
	lc.generation = j->generation;
	/* A batch draws its serials beforehand (issue_serials). */
	if ((j->serial[0] == '\0' && issue_serial(s, j->serial) != 0) ||
	    issue_tbs(j) != 0)
		return 1;
	if ((j->subject_text = name_text(X509_get_subject_name(j->cert))) ==
	    NULL) {
		err_set("out of memory");
		return 1;
	}
	if (cert_prelint(j->cert, &lc, &j->ps, f) != 0)
		return 1;
	j->state = ISSUE_BUILT;
	return 0;
}

static void
issue_db_record(struct db_record *r, const struct issue_job *j, int status)
{
	memset(r, 0, sizeof(*r));
	r->status = (char)status;
	snprintf(r->serial, sizeof(r->serial), "%s", j->serial);
	r->not_after = cert_time(X509_get0_notAfter(j->cert));
	r->reason = -1;
	r->generation = j->generation;
	snprintf(r->profile, sizeof(r->profile), "%s", j->t->name);
	r->subject = j->subject_text;
}

/* Append one record per job in state `from`, then move them to `to`. */
static int
issue_index(struct session *s, struct issue_job **jobs, size_t n,
    enum issue_state from, int status, enum issue_state to)
{
	struct db_record	*recs;
	size_t			 i, m = 0;
	int			 rc = 1;

	if ((recs = calloc(n ? n : 1, sizeof(*recs))) == NULL) {
		err_set("out of memory");
		return 1;
	}
	for (i = 0; i < n; i++)
		if (jobs[i]->state == from)
			issue_db_record(&recs[m++], jobs[i], status);
	if (m > 0 && db_index_append(s->db, recs, m) != 0)
		goto out;
	for (i = 0; i < n; i++)
		if (jobs[i]->state == from)
			jobs[i]->state = to;
	rc = 0;
out:
	free(recs);
	return rc;
}

int
issue_reserve(struct session *s, struct issue_job **jobs, size_t n)
{
	if (db_space_check(s->db, DB_SPACE_MIN) != 0)
		return 1;
	return issue_index(s, jobs, n, ISSUE_BUILT, DB_RESERVED,
	    ISSUE_RESERVED);
}

static int
issue_chain_check(X509 *x, const struct issue_job *j)
{
	STACK_OF(X509)	*chain;
	int		 i, rc = 1;

	if (j->issuer == NULL)
		return chain_verify(x, NULL);
	if ((chain = sk_X509_new_null()) == NULL || !sk_X509_push(chain,
	    j->issuer))
		goto out;
	for (i = 0; j->above != NULL && i < sk_X509_num(j->above); i++)
		if (!sk_X509_push(chain, sk_X509_value(j->above, i)))
			goto out;
	if ((rc = chain_verify(x, chain)) != 0)
		err_context("nothing was written");
out:
	sk_X509_free(chain);
	return rc;
}

/* The token's part: sign, and check it signed what was linted. */
int
issue_token_sign(struct issue_job *j)
{
	if (cert_token_sign(j->cert, j->signer, j->t->md) != 0)
		return 1;
	j->state = ISSUE_TOKEN_SIGNED;
	return 0;
}

/*
 * The software part: verify the signature in the certificate's DER (the
 * bytes that are recorded) with the issuer's public key.  No error message
 * is set here (a batch calls it from a second thread); j->why says what
 * failed.
 */
void
issue_verify(struct issue_job *j)
{
	if (j->state != ISSUE_TOKEN_SIGNED)
		return;
	if (cert_verify_der(j->cert, j->verifier, &j->ps, &j->der, &j->derlen,
	    &j->why) != 0)
		return;
	j->state = ISSUE_SIGNED;
}

/* The verified bytes read back: what is recorded is what was verified. */
static int
issue_readback(struct issue_job *j)
{
	const unsigned char	*p = j->der;
	X509			*fresh;

	if ((fresh = d2i_X509(NULL, &p, (long)j->derlen)) == NULL) {
		ERR_clear_error();
		return 1;
	}
	X509_free(j->cert);
	j->cert = fresh;
	return 0;
}

/*
 * A batch's certificate, verified (issue_verify): its chain to the root
 * checked as chain_verify() does for one certificate, every signature in
 * it verified already.  A failure leaves it unsigned (voided), j->why says
 * why.
 */
void
issue_verify_chain(struct issue_job *j)
{
	if (j->state != ISSUE_SIGNED)
		return;
	if (issue_readback(j) != 0) {
		j->why = "the signed certificate cannot be read back";
		j->state = ISSUE_TOKEN_SIGNED;
	} else if (chain_verify_signed(j->cert, j->issuer, j->above) != 0) {
		j->why = "the certificate does not chain to its root";
		j->state = ISSUE_TOKEN_SIGNED;
	}
}

/* One certificate: sign, verify, and check the whole chain to the root. */
int
issue_sign(struct session *s, struct issue_job *j)
{
	(void)s;
	if (issue_token_sign(j) != 0)
		return 1;
	issue_verify(j);
	if (j->state != ISSUE_SIGNED) {
		err_set("%s: nothing was written", j->why);
		return 1;
	}
	if (issue_readback(j) != 0) {
		err_set("the signed certificate cannot be read back");
		return 1;
	}
	return issue_chain_check(j->cert, j);
}

/* The certificate files; in a write group they land at its commit. */
int
issue_record_files(struct session *s, struct issue_job **jobs, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (jobs[i]->state == ISSUE_SIGNED &&
		    db_cert_put(s->db, jobs[i]->serial, jobs[i]->cert) != 0)
			return 1;
	return 0;
}

/* The index says valid only once the files are durable. */
int
issue_record_index(struct session *s, struct issue_job **jobs, size_t n)
{
	return issue_index(s, jobs, n, ISSUE_SIGNED, DB_VALID, ISSUE_RECORDED);
}

/* Each job's own audit record, between its file and its index line. */
static int
issue_record_audit(struct session *s, struct issue_job **jobs, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (jobs[i]->state != ISSUE_SIGNED || jobs[i]->audit == NULL)
			continue;
		if (jobs[i]->audit(s, jobs[i], jobs[i]->audit_arg) != 0)
			return 1;
		jobs[i]->audited = 1;
	}
	return 0;
}

int
issue_record(struct session *s, struct issue_job **jobs, size_t n)
{
	if (issue_record_files(s, jobs, n) != 0 ||
	    issue_record_audit(s, jobs, n) != 0)
		return 1;
	return issue_record_index(s, jobs, n);
}

/* Void every serial reserved (or signed) and not recorded. */
void
issue_abandon(struct session *s, struct issue_job **jobs, size_t n)
{
	size_t	i;

	/* One the audit log records stays reserved: db recover settles it. */
	for (i = 0; i < n; i++)
		if ((jobs[i]->state == ISSUE_SIGNED && !jobs[i]->audited) ||
		    jobs[i]->state == ISSUE_TOKEN_SIGNED)
			jobs[i]->state = ISSUE_RESERVED;
	if (issue_index(s, jobs, n, ISSUE_RESERVED, DB_VOID, ISSUE_VOID) != 0)
		note("ceremony: warning: reserved serials could not be "
		    "voided: %s", err_get());
}

/* All the stages, for one certificate. */
int
issue_one(struct session *s, struct issue_job *j, struct findings *f)
{
	if (issue_build(s, j, f) != 0)
		return 1;
	return issue_finish(s, j);
}

/*
 * The stages after the build, for one certificate built by issue_build:
 * what a preview showed (sign_prepare) is what is reserved and signed.
 */
int
issue_finish(struct session *s, struct issue_job *j)
{
	struct issue_job	*jobs[1] = { j };
	char			 saved[1024];

	if (j->state != ISSUE_BUILT) {
		err_set("the certificate was not built (this is a bug)");
		return 1;
	}
	if (issue_reserve(s, jobs, 1) != 0)
		return 1;
	if (issue_sign(s, j) == 0 && issue_record(s, jobs, 1) == 0)
		return 0;
	snprintf(saved, sizeof(saved), "%s", err_get());
	issue_abandon(s, jobs, 1);
	err_set("%s", saved);
	if (j->audited)
		err_context("serial %s is signed and in the audit log, but "
		    "not in index.txt: free some space, then run ceremony db "
		    "recover", j->serial);
	return 1;
}

void
issue_job_clear(struct issue_job *j)
{
	X509_free(j->cert);
	OPENSSL_free(j->der);
	j->der = NULL;
	free(j->subject_text);
	presign_clear(&j->ps);
	j->cert = NULL;
	j->subject_text = NULL;
}
