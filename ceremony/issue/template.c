/* SPDX-License-Identifier: ISC */
/*
 * Certificate profiles: templates/NAME.cnf in OpenSSL config syntax, read by
 * OpenSSL's own config reader, with the extensions parsed by its X509V3 code
 * (a dry run at load time, so a bad template fails before the token is
 * touched).  Every key is described in docs/templates.md.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/asn1.h>
#include <openssl/conf.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include "ceremony/issue/issue.h"

#define TMPL_MAX_BYTES	(1024 * 1024)

static const char *profile_keys[] = {
	"kind", "subject", "days", "not_before", "not_after", "max_days",
	"digest", "key_types", "extensions", "policy", "copy_extensions",
	"subject_from", "link_extensions", "rollover_overlap", "p12_iterations",
	"p12_min_password", NULL
};

/* The i-th key a [profile] may have, NULL past the last (ceremony-templates(5)). */
const char *
tmpl_key(size_t i)
{
	return i < sizeof(profile_keys) / sizeof(profile_keys[0]) ?
	    profile_keys[i] : NULL;
}

static const struct {
	const char	*name;
	enum tmpl_kind	 kind;
} kinds[] = {
	{ "root", TMPL_ROOT }, { "subca", TMPL_SUBCA }, { "leaf", TMPL_LEAF },
	{ "ocsp", TMPL_OCSP }, { "request", TMPL_REQUEST }, { NULL, 0 }
};

/*
 * Extensions only the issuer decides: copied from a request they could
 * make the requester a CA, widen its name space or forge key identifiers.
 */
static const int copy_never[] = {
	NID_basic_constraints, NID_key_usage, NID_name_constraints,
	NID_policy_constraints, NID_inhibit_any_policy,
	NID_subject_key_identifier, NID_authority_key_identifier,
	NID_info_access, NID_crl_distribution_points, NID_id_pkix_OCSP_noCheck,
	NID_certificate_policies, NID_undef
};

static const char *digests_allowed[] = { "sha256", "sha384", "sha512", NULL };

static int
tmpl_check_keys(const struct tmpl *t)
{
	STACK_OF(CONF_VALUE)	*sk;
	CONF_VALUE		*v;
	int			 i, k, known;

	if ((sk = NCONF_get_section(t->conf, "profile")) == NULL) {
		err_set("template %s has no [profile] section", t->path);
		return 1;
	}
	for (i = 0; i < sk_CONF_VALUE_num(sk); i++) {
		v = sk_CONF_VALUE_value(sk, i);
		for (known = 0, k = 0; profile_keys[k] != NULL; k++)
			if (strcmp(v->name, profile_keys[k]) == 0)
				known = 1;
		if (!known) {
			err_set("template %s: unknown key \"%s\" in [profile]: "
			    "see docs/templates.md", t->path, v->name);
			return 1;
		}
	}
	return 0;
}

static const char *
tmpl_get(const struct tmpl *t, const char *key, int required)
{
	const char	*v;

	v = NCONF_get_string(t->conf, "profile", key);
	ERR_clear_error();
	if (v == NULL && required)
		err_set("template %s: [profile] %s is missing", t->path, key);
	return v;
}

/* "name = value" lines of the subject section, in file order. */
static int
tmpl_subject(struct tmpl *t, const char *section)
{
	STACK_OF(CONF_VALUE)	*sk;
	CONF_VALUE		*v;
	const char		*type, *p;
	int			 i;

	if ((sk = NCONF_get_section(t->conf, section)) == NULL ||
	    sk_CONF_VALUE_num(sk) == 0) {
		err_set("template %s: subject section [%s] is missing or empty",
		    t->path, section);
		return 1;
	}
	if ((t->subject = X509_NAME_new()) == NULL)
		return 1;
	for (i = 0; i < sk_CONF_VALUE_num(sk); i++) {
		v = sk_CONF_VALUE_value(sk, i);
		/* "0.OU", "1.OU": the openssl req habit for repeated names. */
		type = v->name;
		for (p = type; *p != '\0'; p++)
			if (*p == '.' && p[1] != '\0' &&
			    strspn(type, "0123456789") == (size_t)(p - type)) {
				type = p + 1;
				break;
			}
		if (!X509_NAME_add_entry_by_txt(t->subject, type, MBSTRING_UTF8,
		    (const unsigned char *)v->value, -1, -1, 0)) {
			err_ossl("template %s: bad subject attribute %s = \"%s\"",
			    t->path, v->name, v->value);
			return 1;
		}
	}
	return 0;
}

static int
tmpl_time(const struct tmpl *t, const char *key, time_t *out)
{
	const char	*s;
	ASN1_TIME	*at;
	struct tm	 tm;
	int		 rc = 1;

	*out = 0;
	if ((s = tmpl_get(t, key, 0)) == NULL)
		return 0;
	if ((at = ASN1_TIME_new()) == NULL)
		return 1;
	if (strlen(s) != 15 || !ASN1_GENERALIZEDTIME_set_string(at, s) ||
	    !ASN1_TIME_to_tm(at, &tm)) {
		err_set("template %s: %s \"%s\" is not a UTC time "
		    "YYYYMMDDHHMMSSZ", t->path, key, s);
		goto out;
	}
	*out = timegm(&tm);
	rc = 0;
out:
	ASN1_TIME_free(at);
	ERR_clear_error();
	return rc;
}

static int
tmpl_long(const struct tmpl *t, const char *key, long min, long max,
    long *out)
{
	const char	*s;
	char		*end;

	*out = 0;
	if ((s = tmpl_get(t, key, 0)) == NULL)
		return 0;
	errno = 0;
	*out = strtol(s, &end, 10);
	if (errno != 0 || *s == '\0' || *end != '\0' || *out < min ||
	    *out > max) {
		err_set("template %s: %s \"%s\" must be a whole number "
		    "from %ld to %ld", t->path, key, s, min, max);
		return 1;
	}
	return 0;
}

static int
tmpl_validity(struct tmpl *t)
{
	/* A request asks for no validity: the issuer's template decides. */
	if (t->kindv == TMPL_REQUEST) {
		if (tmpl_get(t, "days", 0) != NULL ||
		    tmpl_get(t, "not_after", 0) != NULL) {
			err_set("template %s: a request template sets no "
			    "validity", t->path);
			return 1;
		}
		return 0;
	}
	if (tmpl_long(t, "days", 1, 36525, &t->days) != 0 ||
	    tmpl_long(t, "max_days", 1, 36525, &t->max_days) != 0 ||
	    tmpl_time(t, "not_before", &t->not_before) != 0 ||
	    tmpl_time(t, "not_after", &t->not_after) != 0)
		return 1;
	if (t->max_days == 0) {
		err_set("template %s: [profile] max_days is missing: "
		    "set the longest lifetime this profile allows", t->path);
		return 1;
	}
	if ((t->days == 0) == (t->not_after == 0)) {
		err_set("template %s: give either days or not_after", t->path);
		return 1;
	}
	if (t->not_after != 0 && t->not_before != 0 &&
	    t->not_after <= t->not_before) {
		err_set("template %s: not_after is not after not_before",
		    t->path);
		return 1;
	}
	return 0;
}

static int
tmpl_digest(struct tmpl *t)
{
	const char	*s;
	int		 i;

	if ((s = tmpl_get(t, "digest", 1)) == NULL)
		return 1;
	for (i = 0; digests_allowed[i] != NULL; i++)
		if (strcmp(s, digests_allowed[i]) == 0)
			break;
	if (digests_allowed[i] == NULL) {
		err_set("template %s: digest \"%s\" is not allowed: "
		    "use sha256, sha384 or sha512", t->path, s);
		return 1;
	}
	if ((t->digest = strdup(s)) == NULL ||
	    (t->md = EVP_get_digestbyname(s)) == NULL) {
		err_set("digest %s is not available in this OpenSSL", s);
		return 1;
	}
	return 0;
}

static int
tmpl_key_types(struct tmpl *t)
{
	const char	*s;
	char		**v = NULL;
	size_t		 n = 0, i;
	int		 rc = 1;
	int		 needs = t->kindv == TMPL_ROOT ||
			     t->kindv == TMPL_REQUEST;

	if ((s = tmpl_get(t, "key_types", needs)) == NULL)
		return needs;
	if (conf_list(s, &v, &n) != 0)
		return 1;
	for (i = 0; i < n; i++) {
		if (t->nkey_types == sizeof(t->key_types) /
		    sizeof(t->key_types[0])) {
			err_set("template %s: too many key_types", t->path);
			goto out;
		}
		if (hsm_keyspec_parse(v[i], &t->key_types[t->nkey_types]) != 0) {
			err_context("template %s: key_types", t->path);
			goto out;
		}
		t->nkey_types++;
	}
	if (t->nkey_types == 0) {
		err_set("template %s: key_types is empty", t->path);
		goto out;
	}
	rc = 0;
out:
	conf_list_free(v, n);
	return rc;
}

/* Dry-run the extension section through OpenSSL's X509V3 parser. */
/* The section exists and OpenSSL can build every extension in it. */
static int
tmpl_ext_check(const struct tmpl *t, const char *s)
{
	X509V3_CTX	 ctx;
	X509		*dummy = NULL;
	int		 rc = 1;

	if (NCONF_get_section(t->conf, s) == NULL) {
		err_set("template %s: extension section [%s] is missing",
		    t->path, s);
		return 1;
	}
	if ((dummy = X509_new()) == NULL)
		goto out;
	X509V3_set_ctx(&ctx, NULL, NULL, NULL, NULL, X509V3_CTX_TEST);
	X509V3_set_nconf(&ctx, t->conf);
	if (!X509V3_EXT_add_nconf(t->conf, &ctx, s, dummy)) {
		err_ossl("template %s: bad extension in [%s]", t->path, s);
		goto out;
	}
	rc = 0;
out:
	X509_free(dummy);
	return rc;
}

static int
tmpl_extensions(struct tmpl *t)
{
	const char	*s;

	/* A request may ask for no extensions; a certificate always has some. */
	if ((s = tmpl_get(t, "extensions", t->kindv != TMPL_REQUEST)) == NULL)
		return t->kindv != TMPL_REQUEST;
	if ((t->ext_section = strdup(s)) == NULL)
		return 1;
	return tmpl_ext_check(t, s);
}

/*
 * A root's rollover: the link certificates' extensions and the overlap
 * period (IOS auto-rollover) before the end when a rollover is due.
 */
static int
tmpl_rollover(struct tmpl *t)
{
	const char	*s, *o;
	char		*end;

	s = tmpl_get(t, "link_extensions", 0);
	o = tmpl_get(t, "rollover_overlap", 0);
	if ((s != NULL || o != NULL) && t->kindv != TMPL_ROOT) {
		err_set("template %s: link_extensions and rollover_overlap "
		    "belong to a root template", t->path);
		return 1;
	}
	t->overlap_days = 90;
	if (o != NULL) {
		errno = 0;
		t->overlap_days = strtol(o, &end, 10);
		if (errno != 0 || end == o || *end != '\0' ||
		    t->overlap_days < 1 || t->overlap_days > 3650) {
			err_set("template %s: rollover_overlap is a number of "
			    "days from 1 to 3650", t->path);
			return 1;
		}
	}
	if (s == NULL)
		return 0;
	if ((t->link_section = strdup(s)) == NULL)
		return 1;
	return tmpl_ext_check(t, s);
}

static int
tmpl_kind(struct tmpl *t)
{
	const char	*kind;
	int		 i;

	if ((kind = tmpl_get(t, "kind", 1)) == NULL)
		return 1;
	for (i = 0; kinds[i].name != NULL; i++)
		if (strcmp(kind, kinds[i].name) == 0)
			break;
	if (kinds[i].name == NULL) {
		err_set("template %s: kind \"%s\" is not known: use root, "
		    "subca, leaf or ocsp", t->path, kind);
		return 1;
	}
	t->kindv = kinds[i].kind;
	return (t->kind = strdup(kind)) == NULL;
}

/* The policy file, relative to the template's own folder. */
static int
tmpl_policy(struct tmpl *t)
{
	const char	*p, *slash;
	int		 n;

	int		 needs;

	needs = t->kindv != TMPL_ROOT && t->kindv != TMPL_REQUEST;
	if ((p = tmpl_get(t, "policy", needs)) == NULL)
		return needs;
	if (!needs) {
		err_set("template %s: a %s template has no policy", t->path,
		    t->kind);
		return 1;
	}
	slash = strrchr(t->path, '/');
	if (p[0] == '/' || slash == NULL)
		n = asprintf(&t->policy_path, "%s", p);
	else
		n = asprintf(&t->policy_path, "%.*s/%s",
		    (int)(slash - t->path), t->path, p);
	if (n == -1) {
		t->policy_path = NULL;
		return 1;
	}
	return 0;
}

static int
tmpl_copy_one(struct tmpl *t, const char *name)
{
	int	nid, i;

	if ((nid = OBJ_txt2nid(name)) == NID_undef) {
		err_set("template %s: copy_extensions: unknown extension "
		    "\"%s\"", t->path, name);
		return 1;
	}
	for (i = 0; copy_never[i] != NID_undef; i++)
		if (nid == copy_never[i]) {
			err_set("template %s: copy_extensions: %s is the issuer's "
			    "to decide and is never copied from a request",
			    t->path, name);
			return 1;
		}
	if (t->ncopy == TMPL_COPY_MAX) {
		err_set("template %s: too many copy_extensions", t->path);
		return 1;
	}
	t->copy[t->ncopy++] = nid;
	return 0;
}

static int
tmpl_copy_extensions(struct tmpl *t)
{
	const char	*s;
	char		**v = NULL;
	size_t		 n = 0, i;
	int		 rc = 0;

	if ((s = tmpl_get(t, "copy_extensions", 0)) == NULL)
		return 0;
	if (t->kindv == TMPL_ROOT || t->kindv == TMPL_REQUEST) {
		err_set("template %s: a %s has no request to copy from",
		    t->path, t->kind);
		return 1;
	}
	if (conf_list(s, &v, &n) != 0)
		return 1;
	for (i = 0; i < n && rc == 0; i++)
		rc = tmpl_copy_one(t, v[i]);
	conf_list_free(v, n);
	return rc;
}

/* A root names its subject; others take the request's unless told. */
static int
tmpl_subject_from(struct tmpl *t)
{
	const char	*from, *subj;

	if ((from = tmpl_get(t, "subject_from", 0)) == NULL)
		from = (t->kindv == TMPL_ROOT || t->kindv == TMPL_REQUEST) ?
		    "template" : "csr";
	if (strcmp(from, "csr") != 0 && strcmp(from, "template") != 0) {
		err_set("template %s: subject_from is csr or template",
		    t->path);
		return 1;
	}
	if (strcmp(from, "csr") == 0) {
		if (t->kindv == TMPL_ROOT || t->kindv == TMPL_REQUEST) {
			err_set("template %s: a %s's subject comes from the "
			    "template", t->path, t->kind);
			return 1;
		}
		return 0;
	}
	if ((subj = tmpl_get(t, "subject", 0)) == NULL)
		subj = "subject";
	return tmpl_subject(t, subj);
}

/* PKCS#12 exports of this profile's certificates (docs/exports.md). */
static int
tmpl_p12(struct tmpl *t)
{
	if (tmpl_long(t, "p12_iterations", TMPL_P12_ITER_MIN,
	    TMPL_P12_ITER_MAX, &t->p12_iterations) != 0 ||
	    tmpl_long(t, "p12_min_password", TMPL_P12_PASS_MIN, 256,
	    &t->p12_min_password) != 0)
		return 1;
	if (t->p12_iterations == 0)
		t->p12_iterations = TMPL_P12_ITER_DEFAULT;
	if (t->p12_min_password == 0)
		t->p12_min_password = TMPL_P12_PASS_DEFAULT;
	return 0;
}

static int
tmpl_parse(struct tmpl *t)
{
	if (tmpl_check_keys(t) != 0 || tmpl_kind(t) != 0 || tmpl_p12(t) != 0 ||
	    tmpl_subject_from(t) != 0 || tmpl_validity(t) != 0 ||
	    tmpl_digest(t) != 0 || tmpl_key_types(t) != 0 ||
	    tmpl_policy(t) != 0 || tmpl_copy_extensions(t) != 0 ||
	    tmpl_extensions(t) != 0 || tmpl_rollover(t) != 0)
		return 1;
	return 0;
}

int
tmpl_load(const char *path, struct tmpl **out)
{
	struct tmpl	*t;
	char		 found[4096];
	int		 rc = 1;

	*out = NULL;
	if (tmpl_path_find("template", path, found, sizeof(found)) != 0)
		return 1;
	path = found;
	if ((t = calloc(1, sizeof(*t))) == NULL) {
		err_set("out of memory");
		return 1;
	}
	if ((t->path = strdup(path)) == NULL ||
	    (t->name = file_stem(path)) == NULL) {
		err_set("out of memory");
		goto out;
	}
	if (file_read_small("template", path, TMPL_MAX_BYTES, &t->raw,
	    &t->rawlen) != 0)
		goto out;
	if (conf_parse("template", path, t->raw, t->rawlen,
	    "docs/templates.md", &t->conf) != 0)
		goto out;
	if (tmpl_parse(t) != 0)
		goto out;
	*out = t;
	t = NULL;
	rc = 0;
out:
	tmpl_free(t);
	ERR_clear_error();
	return rc;
}

void
tmpl_free(struct tmpl *t)
{
	if (t == NULL)
		return;
	NCONF_free(t->conf);
	X509_NAME_free(t->subject);
	free(t->path);
	free(t->name);
	free(t->kind);
	free(t->digest);
	free(t->ext_section);
	free(t->link_section);
	free(t->policy_path);
	free(t->raw);
	free(t);
}

int
tmpl_key_allowed(const struct tmpl *t, const struct hsm_keyspec *k)
{
	size_t	i;

	for (i = 0; i < t->nkey_types; i++)
		if (strcmp(t->key_types[i].name, k->name) == 0)
			return 1;
	return 0;
}
