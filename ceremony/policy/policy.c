/* SPDX-License-Identifier: ISC */
/*
 * Policy profiles: templates/policy-NAME.cnf in OpenSSL config syntax,
 * section [policy], read by OpenSSL's own config reader.  The whole file
 * is read and checked before any request is looked at: an unknown key, a
 * bad value or rules that contradict each other fail the load with one
 * line naming the file and the key.  Every key is in docs/policy.md.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/conf.h>
#include <openssl/err.h>
#include <openssl/objects.h>

#include "ceremony/issue/issue.h"
#include "ceremony/policy/policy.h"

#define POLICY_MAX_BYTES	(1024 * 1024)

typedef int (*policy_setter)(struct policy *, const struct policy_src *);

static int
set_san_types(struct policy *p, const struct policy_src *s)
{
	static const struct { const char *name; unsigned bit; } types[] = {
		{ "DNS", POLICY_SAN_DNS }, { "IP", POLICY_SAN_IP },
		{ "email", POLICY_SAN_EMAIL }, { "URI", POLICY_SAN_URI },
		{ "otherName", POLICY_SAN_OTHER }, { NULL, 0 }
	};
	char	**v;
	size_t	 n, i, k;
	int	 rc = 1;

	if (policy_list(s, &v, &n) != 0)
		return 1;
	p->san_types = 0;
	for (i = 0; i < n; i++) {
		for (k = 0; types[k].name != NULL; k++)
			if (strcasecmp(v[i], types[k].name) == 0)
				break;
		if (types[k].name == NULL) {
			err_set("policy %s: san_types: \"%s\" is not one of DNS, "
			    "IP, email, URI, otherName", p->path, v[i]);
			goto out;
		}
		p->san_types |= types[k].bit;
	}
	rc = 0;
out:
	policy_list_free(v, n);
	return rc;
}

static int
set_dns_list(const struct policy_src *s, char ***v, size_t *n)
{
	size_t	i;
	char	*d;

	if (policy_list(s, v, n) != 0)
		return 1;
	for (i = 0; i < *n; i++) {
		d = (*v)[i];
		if (*d == '.')		/* ".example.com" means the same */
			memmove(d, d + 1, strlen(d));
		if (!dns_suffix_ok(d)) {
			err_set("policy %s: %s: \"%s\" is not a DNS name suffix "
			    "(LDH labels separated by dots)", s->p->path, s->key,
			    d);
			return 1;
		}
	}
	return 0;
}

static int
set_dns_permitted(struct policy *p, const struct policy_src *s)
{
	return set_dns_list(s, &p->dns_permitted, &p->ndns_permitted);
}

static int
set_dns_excluded(struct policy *p, const struct policy_src *s)
{
	return set_dns_list(s, &p->dns_excluded, &p->ndns_excluded);
}

static int
set_key_types(struct policy *p, const struct policy_src *s)
{
	char	**v;
	size_t	 n, i;
	int	 rc = 1;

	if (policy_list(s, &v, &n) != 0)
		return 1;
	if (n > POLICY_KEY_TYPES_MAX) {
		err_set("policy %s: key_types: more than %d types", p->path,
		    POLICY_KEY_TYPES_MAX);
		goto out;
	}
	for (i = 0; i < n; i++)
		if (policy_keytype_parse(v[i], &p->key_types[i]) != 0) {
			err_context("policy %s: key_types", p->path);
			goto out;
		}
	p->nkey_types = n;
	rc = 0;
out:
	policy_list_free(v, n);
	return rc;
}

static int
set_digests(struct policy *p, const struct policy_src *s)
{
	static const char	*ok[] = { "sha256", "sha384", "sha512", NULL };
	char			**v;
	size_t			 n, i, k;
	int			 rc = 1;

	if (policy_list(s, &v, &n) != 0)
		return 1;
	for (i = 0; i < n && i < POLICY_DIGESTS_MAX; i++) {
		for (k = 0; ok[k] != NULL && strcasecmp(v[i], ok[k]) != 0; k++)
			;
		if (ok[k] == NULL) {
			err_set("policy %s: digests: \"%s\" is not allowed: use "
			    "sha256, sha384 or sha512 (SHA-1 and MD5 are broken)",
			    p->path, v[i]);
			goto out;
		}
		p->digests[i] = OBJ_txt2nid(ok[k]);
	}
	p->ndigests = i;
	rc = 0;
out:
	policy_list_free(v, n);
	return rc;
}

#define OFF(f)	offsetof(struct policy, f)

/* Every [policy] key: its syntax and where it goes (docs/policy.md). */
enum policy_kind { PK_TEXT, PK_BOOL, PK_LONG, PK_OIDS, PK_OTHER };
static const struct policy_key {
	const char		*key;
	enum policy_kind	 kind;
	size_t			 off;
	long			 min, max;	/* PK_LONG */
	policy_setter		 set;		/* PK_OTHER */
} policy_keys[] = {
	{ "description", PK_TEXT, 0, 0, 0, NULL },
	{ "subject_allowed", PK_OIDS, OFF(subject_allowed), 0, 0, NULL },
	{ "subject_required", PK_OIDS, OFF(subject_required), 0, 0, NULL },
	{ "san_types", PK_OTHER, 0, 0, 0, set_san_types },
	{ "san_required", PK_BOOL, OFF(san_required), 0, 0, NULL },
	{ "san_max", PK_LONG, OFF(san_max), 1, 1000, NULL },
	{ "cn_in_san", PK_BOOL, OFF(cn_in_san), 0, 0, NULL },
	{ "cn_fqdn", PK_BOOL, OFF(cn_fqdn), 0, 0, NULL },
	{ "wildcards", PK_BOOL, OFF(wildcards), 0, 0, NULL },
	{ "dns_permitted", PK_OTHER, 0, 0, 0, set_dns_permitted },
	{ "dns_excluded", PK_OTHER, 0, 0, 0, set_dns_excluded },
	{ "key_types", PK_OTHER, 0, 0, 0, set_key_types },
	{ "key_quality", PK_BOOL, OFF(key_quality), 0, 0, NULL },
	{ "fermat_rounds", PK_LONG, OFF(fermat_rounds), 1, 100000, NULL },
	{ "digests", PK_OTHER, 0, 0, 0, set_digests },
	{ "eku_required", PK_OIDS, OFF(eku_required), 0, 0, NULL },
	{ "eku_forbidden", PK_OIDS, OFF(eku_forbidden), 0, 0, NULL },
	{ "extensions_allowed", PK_OIDS, OFF(extensions_allowed), 0, 0, NULL },
	{ "ca_allowed", PK_BOOL, OFF(ca_allowed), 0, 0, NULL },
	{ "pathlen_max", PK_LONG, OFF(pathlen_max), 0, 16, NULL },
	{ NULL, PK_TEXT, 0, 0, 0, NULL }
};

/* The i-th key of [policy], NULL past the last (ceremony-templates(5)). */
const char *
policy_key(size_t i)
{
	return i < sizeof(policy_keys) / sizeof(policy_keys[0]) ?
	    policy_keys[i].key : NULL;
}

static int
policy_set(struct policy *p, const struct policy_key *k,
    const struct policy_src *s)
{
	char	*field = (char *)p + k->off;

	switch (k->kind) {
	case PK_BOOL:
		return policy_bool(s, (int *)(void *)field);
	case PK_LONG:
		return policy_long(s, k->min, k->max, (long *)(void *)field);
	case PK_OIDS:
		return policy_oids(s, (STACK_OF(ASN1_OBJECT) **)(void *)field);
	case PK_OTHER:
		return k->set(p, s);
	default:
		return 0;
	}
}

/* Rules that only make sense together, checked once all keys are read. */
static int
policy_coherent(struct policy *p)
{
	STACK_OF(CONF_VALUE)	*sk = NCONF_get_section(p->conf, "policy");
	int			 i, has_pathlen = 0;

	for (i = 0; i < sk_CONF_VALUE_num(sk); i++)
		if (strcmp(sk_CONF_VALUE_value(sk, i)->name, "pathlen_max") == 0)
			has_pathlen = 1;
	if (p->nkey_types == 0 || p->extensions_allowed == NULL) {
		err_set("policy %s: [policy] %s is missing (see docs/policy.md)",
		    p->path, p->nkey_types == 0 ? "key_types" :
		    "extensions_allowed");
		return 1;
	}
	if (has_pathlen && !p->ca_allowed) {
		err_set("policy %s: pathlen_max needs ca_allowed = yes", p->path);
		return 1;
	}
	for (i = 0; p->eku_required != NULL &&
	    i < sk_ASN1_OBJECT_num(p->eku_required); i++)
		if (obj_in(p->eku_forbidden,
		    sk_ASN1_OBJECT_value(p->eku_required, i))) {
			err_set("policy %s: an EKU is both in eku_required and "
			    "in eku_forbidden", p->path);
			return 1;
		}
	for (i = 0; p->subject_required != NULL && p->subject_allowed != NULL &&
	    i < sk_ASN1_OBJECT_num(p->subject_required); i++)
		if (!obj_in(p->subject_allowed,
		    sk_ASN1_OBJECT_value(p->subject_required, i))) {
			err_set("policy %s: subject_required names an attribute "
			    "that subject_allowed does not allow", p->path);
			return 1;
		}
	return 0;
}

static int
policy_parse(struct policy *p)
{
	STACK_OF(CONF_VALUE)	*sk;
	CONF_VALUE		*v;
	struct policy_src	 src;
	int			 i, k;

	if ((sk = NCONF_get_section(p->conf, "policy")) == NULL) {
		err_set("policy %s has no [policy] section", p->path);
		return 1;
	}
	for (i = 0; i < sk_CONF_VALUE_num(sk); i++) {
		v = sk_CONF_VALUE_value(sk, i);
		for (k = 0; policy_keys[k].key != NULL; k++)
			if (strcmp(v->name, policy_keys[k].key) == 0)
				break;
		if (policy_keys[k].key == NULL) {
			err_set("policy %s: unknown key \"%s\" in [policy]: see "
			    "docs/policy.md", p->path, v->name);
			return 1;
		}
		src.p = p;
		src.key = v->name;
		src.value = v->value;
		if (policy_set(p, &policy_keys[k], &src) != 0)
			return 1;
	}
	return policy_coherent(p);
}

/*
 * The policy in raw (the bytes of the file path, which are hashed for the
 * audit): NCONF from memory, not the path.  The request intake gets a
 * policy this way, by its bytes.
 */
int
policy_load_mem(const char *path, const unsigned char *raw, size_t rawlen,
    struct policy **out)
{
	struct policy	*p;
	int		 rc = 1;

	*out = NULL;
	if ((p = calloc(1, sizeof(*p))) == NULL) {
		err_set("out of memory");
		return 1;
	}
	/* Defaults: see docs/policy.md. */
	p->san_types = POLICY_SAN_DNS;
	p->san_max = 100;
	p->cn_in_san = 1;
	p->key_quality = 1;
	p->fermat_rounds = 100;
	p->pathlen_max = 0;
	p->digests[0] = NID_sha256;
	p->digests[1] = NID_sha384;
	p->digests[2] = NID_sha512;
	p->ndigests = 3;
	if ((p->path = strdup(path)) == NULL ||
	    (p->name = file_stem(path)) == NULL ||
	    (p->raw = malloc(rawlen + 1)) == NULL) {
		err_set("out of memory");
		goto out;
	}
	memcpy(p->raw, raw, rawlen);
	p->raw[rawlen] = '\0';
	p->rawlen = rawlen;
	if (conf_parse("policy", path, p->raw, p->rawlen, "docs/policy.md",
	    &p->conf) != 0 || policy_parse(p) != 0)
		goto out;
	*out = p;
	p = NULL;
	rc = 0;
out:
	policy_free(p);
	ERR_clear_error();
	return rc;
}

int
policy_load(const char *path, struct policy **out)
{
	unsigned char	*raw = NULL;
	size_t		 rawlen = 0;
	char		 found[4096];
	int		 rc;

	*out = NULL;
	if (tmpl_path_find("policy", path, found, sizeof(found)) != 0 ||
	    file_read_small("policy", found, POLICY_MAX_BYTES, &raw,
	    &rawlen) != 0)
		return 1;
	rc = policy_load_mem(found, raw, rawlen, out);
	free(raw);
	return rc;
}

void
policy_free(struct policy *p)
{
	if (p == NULL)
		return;
	NCONF_free(p->conf);
	sk_ASN1_OBJECT_pop_free(p->subject_allowed, ASN1_OBJECT_free);
	sk_ASN1_OBJECT_pop_free(p->subject_required, ASN1_OBJECT_free);
	sk_ASN1_OBJECT_pop_free(p->eku_required, ASN1_OBJECT_free);
	sk_ASN1_OBJECT_pop_free(p->eku_forbidden, ASN1_OBJECT_free);
	sk_ASN1_OBJECT_pop_free(p->extensions_allowed, ASN1_OBJECT_free);
	policy_list_free(p->dns_permitted, p->ndns_permitted);
	policy_list_free(p->dns_excluded, p->ndns_excluded);
	free(p->raw);
	free(p->path);
	free(p->name);
	free(p);
}

int
obj_in(const STACK_OF(ASN1_OBJECT) *sk, const ASN1_OBJECT *o)
{
	int	i;

	for (i = 0; sk != NULL && i < sk_ASN1_OBJECT_num(sk); i++)
		if (OBJ_cmp(sk_ASN1_OBJECT_value(sk, i), o) == 0)
			return 1;
	return 0;
}

/*
 * Every finding, not the first.  Proof of possession comes first: the
 * content of a request whose signature does not verify is not bound to
 * the key, so it is not examined at all.
 */
int
policy_check(const struct policy *p, const struct csr *c, struct findings *f)
{
	if (!c->pop_ok) {
		findings_add_rule(f, 1, "pop-failed", "", "",
		    "proof of possession failed: the request's signature does "
		    "not verify with its own key");
		return 1;
	}
	policy_check_subject(p, c, f);
	policy_check_san(p, c, f);
	policy_check_key(p, c->pubkey, f);
	policy_check_digest(p, c->req, f);
	policy_check_ext(p, c, f);
	return f->errors != 0;
}
