/* SPDX-License-Identifier: ISC */
/*
 * The request's extensions against the policy: which may be requested at
 * all (extensions_allowed; an unknown critical one never), each at most
 * once and decodable, the extended key usages that must or must not be
 * there, and whether a CA certificate may be asked for (ca_allowed,
 * pathlen_max).  The signing template still decides which of the
 * acceptable extensions are copied: policy_ext_next() lists them.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include "ceremony/policy/policy.h"

int
policy_ext_allowed(const struct policy *p, const ASN1_OBJECT *o)
{
	return obj_in(p->extensions_allowed, o);
}

static int
ext_known(const X509_EXTENSION *e)
{
	int	nid = OBJ_obj2nid(X509_EXTENSION_get_object(
	    (X509_EXTENSION *)e));

	return nid != NID_undef && X509V3_EXT_get_nid(nid) != NULL;
}

static int
ext_decodes(X509_EXTENSION *e)
{
	const X509V3_EXT_METHOD	*m = X509V3_EXT_get(e);
	void			*v;

	if (m == NULL)
		return 1;	/* opaque: nothing to decode */
	if ((v = X509V3_EXT_d2i(e)) == NULL) {
		ERR_clear_error();
		return 0;
	}
	if (m->it != NULL)
		ASN1_item_free(v, ASN1_ITEM_ptr(m->it));
	else if (m->ext_free != NULL)
		m->ext_free(v);
	return 1;
}

static int
ext_repeated(const struct csr *c, int i)
{
	const ASN1_OBJECT	*o = X509_EXTENSION_get_object(
	    sk_X509_EXTENSION_value(c->exts, i));
	int			 j;

	for (j = 0; j < i; j++)
		if (OBJ_cmp(o, X509_EXTENSION_get_object(
		    sk_X509_EXTENSION_value(c->exts, j))) == 0)
			return 1;
	return 0;
}

static void
ext_one(const struct policy *p, const struct csr *c, int i,
    struct findings *f)
{
	X509_EXTENSION	*e = sk_X509_EXTENSION_value(c->exts, i);
	char		 name[80];

	obj_text(X509_EXTENSION_get_object(e), name, sizeof(name));
	if (ext_repeated(c, i))
		findings_add_rule(f, 1, "ext-duplicate", "", name,
		    "the extension is requested more than once (RFC 5280 "
		    "4.2)");
	else if (!ext_known(e) && X509_EXTENSION_get_critical(e))
		findings_add_rule(f, 1, "ext-unknown-critical",
		    "extensions_allowed", name, "an unknown extension marked "
		    "critical: no certificate may carry it");
	else if (!policy_ext_allowed(p, X509_EXTENSION_get_object(e)))
		findings_add_rule(f, 1, "ext-not-allowed", "extensions_allowed",
		    name, "this policy does not accept a requested %s", name);
	else if (!ext_decodes(e))
		findings_add_rule(f, 1, "ext-malformed", "", name,
		    "the requested %s does not decode", name);
}

static void
eku_check(const struct policy *p, const struct csr *c, struct findings *f)
{
	EXTENDED_KEY_USAGE	*eku;
	const ASN1_OBJECT	*o;
	char			 name[80];
	int			 i, crit;

	eku = X509V3_get_d2i(c->exts, NID_ext_key_usage, &crit, NULL);
	for (i = 0; p->eku_required != NULL &&
	    i < sk_ASN1_OBJECT_num(p->eku_required); i++) {
		o = sk_ASN1_OBJECT_value(p->eku_required, i);
		if (!obj_in(eku, o)) {
			obj_text(o, name, sizeof(name));
			findings_add_rule(f, 1, "eku-missing", "eku_required",
			    name, "the request does not ask for extended key "
			    "usage %s", name);
		}
	}
	for (i = 0; eku != NULL && i < sk_ASN1_OBJECT_num(eku); i++) {
		o = sk_ASN1_OBJECT_value(eku, i);
		if (obj_in(p->eku_forbidden, o)) {
			obj_text(o, name, sizeof(name));
			findings_add_rule(f, 1, "eku-forbidden", "eku_forbidden",
			    name, "extended key usage %s may not be requested",
			    name);
		}
	}
	sk_ASN1_OBJECT_pop_free(eku, ASN1_OBJECT_free);
	ERR_clear_error();
}

/* A CA certificate: basicConstraints CA:TRUE, or keyCertSign asked for. */
static void
ca_check(const struct policy *p, const struct csr *c, struct findings *f)
{
	BASIC_CONSTRAINTS	*bc;
	ASN1_BIT_STRING		*ku;
	char			 val[64];
	long			 pl;
	int			 crit;

	bc = X509V3_get_d2i(c->exts, NID_basic_constraints, &crit, NULL);
	ku = X509V3_get_d2i(c->exts, NID_key_usage, &crit, NULL);
	if (bc != NULL && bc->ca && !p->ca_allowed)
		findings_add_rule(f, 1, "ca-not-allowed", "ca_allowed",
		    "CA:TRUE", "the request asks for a CA certificate");
	if (ku != NULL && !p->ca_allowed && (ASN1_BIT_STRING_get_bit(ku, 5) ||
	    ASN1_BIT_STRING_get_bit(ku, 6)))
		findings_add_rule(f, 1, "ca-not-allowed", "ca_allowed",
		    "keyUsage=keyCertSign/cRLSign", "the request asks for "
		    "certificate or CRL signing, a CA's key usage");
	if (bc != NULL && bc->ca && p->ca_allowed && bc->pathlen != NULL &&
	    ((pl = ASN1_INTEGER_get(bc->pathlen)) < 0 || pl > p->pathlen_max)) {
		snprintf(val, sizeof(val), "pathlen:%ld", pl);
		findings_add_rule(f, 1, "pathlen-too-large", "pathlen_max", val,
		    "the largest path length this policy allows is %ld",
		    p->pathlen_max);
	}
	BASIC_CONSTRAINTS_free(bc);
	ASN1_BIT_STRING_free(ku);
	ERR_clear_error();
}

void
policy_check_ext(const struct policy *p, const struct csr *c,
    struct findings *f)
{
	int	i;

	for (i = 0; i < sk_X509_EXTENSION_num(c->exts); i++)
		ext_one(p, c, i, f);
	eku_check(p, c, f);
	ca_check(p, c, f);
}

/*
 * The next acceptable requested extension from index *i on (start with
 * 0), or NULL at the end.  Only for a request policy_check() accepted.
 */
X509_EXTENSION *
policy_ext_next(const struct policy *p, const struct csr *c, int *i)
{
	X509_EXTENSION	*e;

	while (*i < sk_X509_EXTENSION_num(c->exts)) {
		e = sk_X509_EXTENSION_value(c->exts, (*i)++);
		if (policy_ext_allowed(p, X509_EXTENSION_get_object(e)) &&
		    !ext_repeated(c, *i - 1) && ext_decodes(e))
			return e;
	}
	return NULL;
}
