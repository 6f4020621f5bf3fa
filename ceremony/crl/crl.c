/* SPDX-License-Identifier: ISC */
/*
 * Issuing a CRL: the template, the dates, and the order of the steps.
 * The index is read for the current generation (crlsrc), the new CRL is
 * checked against the previous one of the same generation before anything
 * is signed, the token signs the digest of the streamed to-be-signed part,
 * the signature is verified with the CA's public key over the bytes as
 * written, and only then does the CRL take its number (crls.c: exclusive
 * create).  A failure anywhere leaves no file: the number is not used.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "ceremony/crl/crl.h"
#include "ceremony/issue/issue.h"

#define CRL_TMPL_MAX	(64 * 1024)
#define ROOT_MAX_DAYS	365
#define DAY		86400

static const char *const crl_keys[] = {
	"days", "max_days", "reissue_days", "digest", "keep_expired", "idp",
	"idp_form", NULL
};

/* The i-th key of [crl], NULL past the last (ceremony-templates(5)). */
const char *
crl_tmpl_key(size_t i)
{
	return i < sizeof(crl_keys) / sizeof(crl_keys[0]) ? crl_keys[i] : NULL;
}

static int
crl_key_known(const char *name)
{
	size_t	i;

	for (i = 0; crl_keys[i] != NULL; i++)
		if (strcmp(crl_keys[i], name) == 0)
			return 1;
	return 0;
}

static int
crl_tmpl_days(CONF *c, const struct crl_tmpl *t, const char *key, long def,
    long *out)
{
	char	*v, *end;

	if ((v = NCONF_get_string(c, "crl", key)) == NULL) {
		ERR_clear_error();
		*out = def;
		return 0;
	}
	*out = strtol(v, &end, 10);
	if (*v == '\0' || *end != '\0' || *out < 0 || *out > 3650) {
		err_set("template %s: %s = \"%s\" is not a number of days "
		    "from 0 to 3650", t->path, key, v);
		return 1;
	}
	return 0;
}

/* idp_form: which issuingDistributionPoint, docs/crl.md. */
static int
crl_tmpl_idp_form(CONF *c, struct crl_tmpl *t)
{
	const char	*v = NCONF_get_string(c, "crl", "idp_form");

	ERR_clear_error();
	if (v == NULL || strcmp(v, "uri") == 0)
		t->idp_form = CRL_IDP_URI;
	else if (strcmp(v, "critical") == 0)
		t->idp_form = CRL_IDP_CRITICAL;
	else if (strcmp(v, "none") == 0)
		t->idp_form = CRL_IDP_NONE;
	else {
		err_set("template %s: idp_form = \"%s\": use uri, critical or "
		    "none (docs/crl.md)", t->path, v);
		return 1;
	}
	if (t->idp_form == CRL_IDP_NONE && t->idp != NULL) {
		err_set("template %s: idp_form = none but idp is set: remove "
		    "one of them", t->path);
		return 1;
	}
	return 0;
}

/* The [crl] section is there and holds only keys we know. */
static int
crl_tmpl_keys(CONF *c, const struct crl_tmpl *t)
{
	STACK_OF(CONF_VALUE)	*sk;
	CONF_VALUE		*cv;
	int			 i;

	if ((sk = NCONF_get_section(c, "crl")) == NULL) {
		err_set("template %s has no [crl] section (see docs/crl.md)",
		    t->path);
		return 1;
	}
	for (i = 0; i < sk_CONF_VALUE_num(sk); i++) {
		cv = sk_CONF_VALUE_value(sk, i);
		if (!crl_key_known(cv->name)) {
			err_set("template %s: unknown key \"%s\" in [crl]: "
			    "see docs/crl.md", t->path, cv->name);
			return 1;
		}
	}
	return 0;
}

/* digest: SHA-256 unless asked, and only the SHA-2 of 256 bits or more. */
static int
crl_tmpl_digest(CONF *c, struct crl_tmpl *t)
{
	const char	*v = NCONF_get_string(c, "crl", "digest");

	if ((t->digest = strdup(v != NULL ? v : "sha256")) == NULL)
		return 1;
	if ((t->md = EVP_get_digestbyname(t->digest)) == NULL ||
	    (EVP_MD_get_type(t->md) != NID_sha256 &&
	    EVP_MD_get_type(t->md) != NID_sha384 &&
	    EVP_MD_get_type(t->md) != NID_sha512)) {
		err_set("template %s: digest = \"%s\": use sha256, sha384 or "
		    "sha512", t->path, t->digest);
		return 1;
	}
	return 0;
}

static int
crl_tmpl_parse(CONF *c, struct crl_tmpl *t)
{
	const char	*v;

	if (crl_tmpl_keys(c, t) != 0 || crl_tmpl_days(c, t, "days", 30, &t->days) ||
	    crl_tmpl_days(c, t, "max_days", ROOT_MAX_DAYS, &t->max_days) ||
	    crl_tmpl_days(c, t, "reissue_days", 7, &t->reissue_days))
		return 1;
	if (t->days < 1 || t->days > t->max_days) {
		err_set("template %s: days = %ld must be from 1 to max_days "
		    "(%ld)", t->path, t->days, t->max_days);
		return 1;
	}
	if (t->reissue_days >= t->days) {
		err_set("template %s: reissue_days = %ld must be less than "
		    "days (%ld)", t->path, t->reissue_days, t->days);
		return 1;
	}
	if (crl_tmpl_digest(c, t) != 0)
		return 1;
	v = NCONF_get_string(c, "crl", "keep_expired");
	t->keep_expired = 0;
	if (v != NULL && conf_bool(v, &t->keep_expired) != 0) {
		err_set("template %s: keep_expired = \"%s\": use yes or no",
		    t->path, v);
		return 1;
	}
	v = NCONF_get_string(c, "crl", "idp");
	if (v != NULL && strncmp(v, "http://", 7) != 0 &&
	    strncmp(v, "ldap://", 7) != 0) {
		err_set("template %s: idp = \"%s\" is not an http:// or "
		    "ldap:// URI", t->path, v);
		return 1;
	}
	if (v != NULL && (t->idp = strdup(v)) == NULL)
		return 1;
	ERR_clear_error();
	return crl_tmpl_idp_form(c, t);
}

int
crl_tmpl_load(const char *path, struct crl_tmpl **out)
{
	struct crl_tmpl	*t;
	CONF		*c = NULL;
	char		 found[4096];
	int		 rc = 1;

	*out = NULL;
	if (tmpl_path_find("CRL template", path, found, sizeof(found)) != 0)
		return 1;
	path = found;
	if ((t = calloc(1, sizeof(*t))) == NULL ||
	    (t->path = strdup(path)) == NULL) {
		err_set("out of memory");
		goto out;
	}
	if (file_read_small("CRL template", path, CRL_TMPL_MAX, &t->raw,
	    &t->rawlen) != 0)
		goto out;
	if (conf_parse("CRL template", path, t->raw, t->rawlen,
	    "docs/crl.md", &c) != 0)
		goto out;
	if (crl_tmpl_parse(c, t) != 0)
		goto out;
	*out = t;
	t = NULL;
	rc = 0;
out:
	NCONF_free(c);
	crl_tmpl_free(t);
	ERR_clear_error();
	return rc;
}

void
crl_tmpl_free(struct crl_tmpl *t)
{
	if (t == NULL)
		return;
	free(t->path);
	free(t->digest);
	free(t->idp);
	free(t->raw);
	free(t);
}

/*
 * thisUpdate and nextUpdate within the issuer's validity: a clock before
 * notBefore or a CA past notAfter is refused; a nextUpdate past notAfter
 * is cut to notAfter (and said so).  A root's lifetime is capped.
 */
static int
crl_dates(struct crl_job *j)
{
	X509	*ca = j->sg->issuer;
	time_t	 nb = cert_time(X509_get0_notBefore(ca));
	time_t	 na = cert_time(X509_get0_notAfter(ca));
	long	 days = j->t->days;

	j->root = (X509_get_extension_flags(ca) & EXFLAG_SS) != 0;
	if (j->root && (days > ROOT_MAX_DAYS || days > j->t->max_days)) {
		err_set("template %s: days = %ld: a root CA's CRL lives at "
		    "most %d days (max_days %ld)", j->t->path, days,
		    ROOT_MAX_DAYS, j->t->max_days);
		return 1;
	}
	if (j->now < nb) {
		err_set("the clock says it is before the CA's notBefore: "
		    "set the clock (an authoritative time is required)");
		return 1;
	}
	if (j->now >= na) {
		err_set("CA generation %d expired: its CRL cannot be issued",
		    j->sg->generation);
		return 1;
	}
	j->this_update = j->now;
	j->next_update = j->now + days * DAY;
	if (j->next_update > na) {
		j->next_update = na;
		j->clamped = 1;
	}
	return 0;
}

/* The DER and PEM files of number n: written, verified, then numbered. */
static int
crl_files(struct session *s, struct crl_job *j, const struct crl_parts *p,
    const struct crlsrc *src)
{
	struct crl_file	der, pem;
	int		rc = 1;

	memset(&pem, 0, sizeof(pem));
	pem.fd = -1;
	if (crl_file_open(s->db, j->sg->generation, &der) != 0)
		return 1;
	if (crl_file_open(s->db, j->sg->generation, &pem) != 0 ||
	    crl_write(j, p, src, der.fd, pem.fd, j->sha256) != 0)
		goto out;
	/* The number is taken here, by the DER; the PEM follows it. */
	if (crl_file_commit(&der, j->der_path, 1) != 0)
		goto out;
	j->written = 1;
	if (crl_file_commit(&pem, j->pem_path, 1) != 0 ||
	    db_crl_mark(s->db, j->sg->generation, j->number) != 0)
		goto out;
	rc = 0;
out:
	crl_file_abort(&der);
	crl_file_abort(&pem);
	return rc;
}

int
crl_issue(struct session *s, struct crl_job *j)
{
	struct crlsrc		 src;
	struct crl_parts	 p;
	unsigned long long	 last;
	char			*index = NULL, *prev = NULL;
	int			 rc = 1;

	memset(&src, 0, sizeof(src));
	memset(&p, 0, sizeof(p));
	if (crl_dates(j) != 0 ||
	    db_crl_last(s->db, j->sg->generation, &last) != 0)
		goto out;
	j->number = last + 1;
	if ((index = db_path(s->db, "index.txt")) == NULL ||
	    crlsrc_read(index, j->sg->generation, j->now, j->t->keep_expired,
	    &src) != 0)
		goto out;
	j->entries = src.listed;
	if (crl_parts_make(j, &p) != 0 ||
	    crl_check_other_gens(s->db, j, &p) != 0)
		goto out;
	if (last > 0 && ((prev = db_crl_path(s->db, j->sg->generation, last,
	    "crl")) == NULL || crl_check_previous(prev, j, &p, &src) != 0))
		goto out;
	if ((j->der_path = db_crl_path(s->db, j->sg->generation, j->number,
	    "crl")) == NULL || (j->pem_path = db_crl_path(s->db,
	    j->sg->generation, j->number, "pem")) == NULL)
		goto out;
	if (db_space_check(s->db, src.listed * 128 + DB_SPACE_MIN) != 0 ||
	    crl_files(s, j, &p, &src) != 0)
		goto out;
	rc = 0;
out:
	free(index);
	free(prev);
	crl_parts_free(&p);
	crlsrc_free(&src);
	return rc;
}

void
crl_job_clear(struct crl_job *j)
{
	free(j->der_path);
	free(j->pem_path);
	j->der_path = j->pem_path = NULL;
}
