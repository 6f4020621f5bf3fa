/* SPDX-License-Identifier: ISC */
/*
 * The subjectAltName of a request against the policy: the name types
 * allowed (san_types), host name syntax (RFC 1034 3.5 "preferred name
 * syntax" as RFC 5280 4.2.1.6 requires, RFC 5890 A-labels), wildcards,
 * permitted and excluded DNS suffixes matched on label boundaries, the
 * CN among the SANs, the count, duplicates.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <idn2.h>
#include <libpsl.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include "ceremony/policy/policy.h"

#define LDH	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-"

static int	alabel_ok(const char *, size_t);

/* One label: 1-63 letters, digits, hyphens, no hyphen at either end. */
static const char *
label_why(const char *l, size_t len)
{
	size_t	i;

	if (len == 0)
		return "an empty label (two dots in a row, or a leading dot)";
	if (len > 63)
		return "a label longer than 63 characters";
	for (i = 0; i < len; i++)
		if (l[i] == '_')
			return "an underscore, which a host name may not hold";
		else if (strchr(LDH, l[i]) == NULL || l[i] == '\0')
			return "a character other than letters, digits, '-'";
	if (l[0] == '-' || l[len - 1] == '-')
		return "a label that starts or ends with a hyphen";
	/* RFC 5891 4.2.3.1: "??--" is reserved but for A-labels ("xn--"). */
	if (len >= 4 && l[2] == '-' && l[3] == '-') {
		if (strncasecmp(l, "xn", 2) != 0)
			return "a reserved label with '--' at positions 3-4 "
			    "(only xn-- A-labels may have it)";
		if (!alabel_ok(l, len))
			return "an xn-- label that is not a valid A-label "
			    "(it must decode to a U-label that encodes back "
			    "to it, RFC 5891)";
	}
	return NULL;
}

/*
 * An A-label is valid when it decodes to a U-label whose IDNA2008
 * lookup form is the same label again (RFC 5891 5.4): "xn--" and any
 * Punycode are not enough.
 */
static int
alabel_ok(const char *l, size_t len)
{
	char	 a[64];
	char	*u = NULL;
	uint8_t	*back = NULL;
	int	 ok = 0;

	memcpy(a, l, len);
	a[len] = '\0';
	if (idn2_to_unicode_8z8z(a, &u, 0) == IDN2_OK &&
	    idn2_lookup_u8((const uint8_t *)u, &back, IDN2_NONTRANSITIONAL) ==
	    IDN2_OK)
		ok = strcasecmp((const char *)back, a) == 0;
	idn2_free(u);
	idn2_free(back);
	return ok;
}

/*
 * The public suffix list built into libpsl (Debian builds it from its
 * publicsuffix package): nothing is read from the disk, since the policy
 * is checked in the confined parser too, which may not open files.
 */
static const psl_ctx_t *
psl_list(void)
{
	return psl_builtin();
}

/* Is base (a wildcard's name after "*.") a public suffix, like co.uk? */
static int
under_public_suffix(const char *base, size_t len)
{
	char	 lc[254];
	size_t	 i;

	for (i = 0; i < len && i < sizeof(lc) - 1; i++)
		lc[i] = (char)tolower((unsigned char)base[i]);
	lc[i] = '\0';
	return psl_list() == NULL ||
	    psl_is_public_suffix2(psl_list(), lc, PSL_TYPE_ANY) != 0;
}

/*
 * Is name (len bytes, not NUL-terminated) a fully qualified host name?
 * A wildcard is only "*" as the whole leftmost label over a name that is
 * not a public suffix: "*.example.com", never "*.com", "*.co.uk" or
 * "w*.example.com".
 */
enum fqdn_verdict
fqdn_check(const char *name, size_t len, const char **why)
{
	const char	*l = name, *dot, *end = name + len, *last = name;
	size_t		 labels = 0;
	int		 wild = 0;

	*why = NULL;
	if (len == 0 || len > 253 || memchr(name, '\0', len) != NULL) {
		*why = len == 0 ? "an empty name" : len > 253 ?
		    "longer than 253 characters" : "a NUL byte in the name";
		return FQDN_BAD;
	}
	if (name[len - 1] == '.') {
		*why = "a trailing dot (certificates carry names without it)";
		return FQDN_BAD;
	}
	for (; l <= end; l = dot + 1, labels++) {
		if ((dot = memchr(l, '.', end - l)) == NULL)
			dot = end;
		last = l;
		if (memchr(l, '*', dot - l) != NULL) {
			if (labels != 0 || dot - l != 1) {
				*why = "a '*' that is not the whole leftmost "
				    "label";
				return FQDN_BAD_WILDCARD;
			}
			wild = 1;
			continue;
		}
		if ((*why = label_why(l, dot - l)) != NULL)
			return FQDN_BAD;
	}
	if (labels < 2) {
		*why = "a single label: a bare host name, not fully qualified";
		return FQDN_BAD;
	}
	if (strchr("0123456789", *last) != NULL || *last == '-') {
		*why = "a last label that does not start with a letter "
		    "(an IP address is not a host name)";
		return FQDN_BAD;
	}
	/* A name under it is one anyone may register: *.com, *.co.uk. */
	if (wild && under_public_suffix(name + 2, len - 2)) {
		*why = "a wildcard directly under a public suffix (like *.com "
		    "or *.co.uk): name a registered domain under it";
		return FQDN_BAD_WILDCARD;
	}
	return wild ? FQDN_WILDCARD : FQDN_OK;
}

/* A suffix for dns_permitted/dns_excluded: one or more LDH labels. */
int
dns_suffix_ok(const char *s)
{
	const char	*dot;
	size_t		 len = strlen(s);

	if (len == 0 || len > 253)
		return 0;
	for (;; s = dot + 1) {
		if ((dot = strchr(s, '.')) == NULL)
			return label_why(s, strlen(s)) == NULL;
		if (label_why(s, dot - s) != NULL)
			return 0;
	}
}

/* name is suffix or ends in ".suffix": "badexample.com" is not under it. */
int
dns_suffix_match(const char *name, const char *suffix)
{
	size_t	n = strlen(name), s = strlen(suffix);

	if (n == s)
		return strcasecmp(name, suffix) == 0;
	return n > s && name[n - s - 1] == '.' &&
	    strcasecmp(name + n - s, suffix) == 0;
}

/* A wildcard "*.base" also covers an excluded suffix below base. */
static int
dns_excluded(const char *name, const char *ex)
{
	if (dns_suffix_match(name, ex))
		return 1;
	return strncmp(name, "*.", 2) == 0 && dns_suffix_match(ex, name + 2);
}

static void
dns_check_lists(const struct policy *p, const char *name, const char *val,
    struct findings *f)
{
	size_t	i;
	int	ok = p->ndns_permitted == 0;

	for (i = 0; i < p->ndns_permitted; i++)
		if (dns_suffix_match(name, p->dns_permitted[i]))
			ok = 1;
	if (!ok)
		findings_add_rule(f, 1, "san-dns-not-permitted", "dns_permitted",
		    val, "%s is not under any permitted DNS suffix", name);
	for (i = 0; i < p->ndns_excluded; i++)
		if (dns_excluded(name, p->dns_excluded[i]))
			findings_add_rule(f, 1, "san-dns-excluded",
			    "dns_excluded", val, "%s is under the excluded "
			    "suffix %s", name, p->dns_excluded[i]);
}

/* A host name: syntax (code bad), wildcard rule, suffix lists. */
static void
dns_check(const struct policy *p, const char *name, const char *val,
    const char *bad, struct findings *f)
{
	const char		*why;
	enum fqdn_verdict	 v = fqdn_check(name, strlen(name), &why);

	if (v == FQDN_BAD) {
		findings_add_rule(f, 1, bad, strcmp(bad, "cn-not-fqdn") == 0 ?
		    "cn_fqdn" : "", val, "not a fully qualified host name: %s",
		    why);
		return;
	}
	if (v == FQDN_BAD_WILDCARD)
		findings_add_rule(f, 1, "san-wildcard", "wildcards", val,
		    "malformed wildcard: %s", why);
	else if (v == FQDN_WILDCARD && !p->wildcards)
		findings_add_rule(f, 1, "san-wildcard", "wildcards", val,
		    "wildcard names are not allowed by this policy");
	dns_check_lists(p, name, val, f);
}

static unsigned
san_bit(int type)
{
	switch (type) {
	case GEN_DNS:
		return POLICY_SAN_DNS;
	case GEN_IPADD:
		return POLICY_SAN_IP;
	case GEN_EMAIL:
		return POLICY_SAN_EMAIL;
	case GEN_URI:
		return POLICY_SAN_URI;
	case GEN_OTHERNAME:
		return POLICY_SAN_OTHER;
	default:
		return 0;
	}
}

static void
san_value(const struct policy *p, int type, const char *v, const char *val,
    struct findings *f)
{
	const char	*at;

	if (type == GEN_DNS)
		dns_check(p, v, val, "san-not-fqdn", f);
	else if (type == GEN_EMAIL && ((at = strchr(v, '@')) == NULL ||
	    at == v || fqdn_check(at + 1, strlen(at + 1), &at) != FQDN_OK))
		findings_add_rule(f, 1, "san-email-syntax", "", val,
		    "not a mailbox local@host.domain");
	else if (type == GEN_URI && (strchr(v, ':') == NULL ||
	    strspn(v, LDH "+.") != (size_t)(strchr(v, ':') - v) || *v == ':'))
		findings_add_rule(f, 1, "san-uri-syntax", "", val,
		    "not a URI with a scheme");
}

/* The type rule, then the value; text receives the value as text. */
static void
san_entry(const struct policy *p, const GENERAL_NAME *gn, char **text,
    struct findings *f)
{
	const char	*tn = gn_type_name(gn->type);
	char		 val[200];
	unsigned	 bit = san_bit(gn->type);

	*text = NULL;
	if (gn_text(gn, text) != 0) {
		snprintf(val, sizeof(val), "%s:(undecodable)", tn);
		findings_add_rule(f, 1, "san-encoding", "", val, "a %s name "
		    "that does not decode (bad encoding or embedded NUL)", tn);
		return;
	}
	snprintf(val, sizeof(val), "%s:%s", tn, *text);
	if (gn->type == GEN_IPADD && !(p->san_types & POLICY_SAN_IP))
		findings_add_rule(f, 1, "san-ip", "san_types", val,
		    "IP addresses are not allowed in the subjectAltName");
	else if (bit == 0 || !(p->san_types & bit))
		findings_add_rule(f, 1, "san-type", "san_types", val,
		    "%s names are not allowed in the subjectAltName", tn);
	else
		san_value(p, gn->type, *text, val, f);
}

static int
san_same(const GENERAL_NAME *a, const char *ta, const GENERAL_NAME *b,
    const char *tb)
{
	return a->type == b->type && ta != NULL && tb != NULL &&
	    strcasecmp(ta, tb) == 0;
}

/* CN rules: among the SANs (cn_in_san), a host name (cn_fqdn). */
static void
cn_check(const struct policy *p, const struct csr *c, GENERAL_NAMES *sans,
    char **texts, struct findings *f)
{
	const X509_NAME	*subj = X509_REQ_get_subject_name(c->req);
	char		*cn = NULL, val[200];
	int		 i, k, found;

	for (i = -1; (i = X509_NAME_get_index_by_NID(subj, NID_commonName,
	    i)) >= 0; free(cn), cn = NULL) {
		if (asn1_string_utf8(X509_NAME_ENTRY_get_data(
		    X509_NAME_get_entry(subj, i)), &cn) != 0)
			continue;	/* subject-value-encoding says it */
		snprintf(val, sizeof(val), "CN=%s", cn);
		for (found = 0, k = 0; k < sk_GENERAL_NAME_num(sans); k++) {
			const GENERAL_NAME *gn = sk_GENERAL_NAME_value(sans, k);

			if ((gn->type == GEN_DNS || gn->type == GEN_IPADD) &&
			    texts[k] != NULL && strcasecmp(texts[k], cn) == 0)
				found = 1;
		}
		if (!found && p->cn_in_san && sk_GENERAL_NAME_num(sans) > 0)
			findings_add_rule(f, 1, "cn-not-in-san", "cn_in_san", val,
			    "the common name is not among the subjectAltNames");
		if (!found && p->cn_fqdn)
			dns_check(p, cn, val, "cn-not-fqdn", f);
	}
}

void
policy_check_san(const struct policy *p, const struct csr *c,
    struct findings *f)
{
	GENERAL_NAMES	*sans;
	char		**texts = NULL, val[200];
	int		 i, k, n, crit;

	sans = X509V3_get_d2i(c->exts, NID_subject_alt_name, &crit, NULL);
	n = sk_GENERAL_NAME_num(sans);		/* -1 when NULL */
	if (n <= 0 && p->san_required)
		findings_add_rule(f, 1, "san-missing", "san_required", "",
		    "the request has no subjectAltName and this policy "
		    "requires one");
	if (n > p->san_max) {
		snprintf(val, sizeof(val), "%d", n);
		findings_add_rule(f, 1, "san-too-many", "san_max", val,
		    "%d subjectAltNames; this policy allows at most %ld", n,
		    p->san_max);
	}
	if (n > 0 && (texts = calloc(n, sizeof(*texts))) == NULL) {
		findings_add(f, 1, "internal", "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		san_entry(p, sk_GENERAL_NAME_value(sans, i), &texts[i], f);
		for (k = 0; k < i; k++)
			if (san_same(sk_GENERAL_NAME_value(sans, i), texts[i],
			    sk_GENERAL_NAME_value(sans, k), texts[k])) {
				snprintf(val, sizeof(val), "%s:%s", gn_type_name(
				    sk_GENERAL_NAME_value(sans, i)->type),
				    texts[i]);
				findings_add_rule(f, 0, "san-duplicate", "", val,
				    "the same name is requested twice");
				break;
			}
	}
	cn_check(p, c, sans, texts, f);
out:
	for (i = 0; texts != NULL && i < n; i++)
		free(texts[i]);
	free(texts);
	GENERAL_NAMES_free(sans);
}
