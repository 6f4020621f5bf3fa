/* SPDX-License-Identifier: ISC */
/*
 * The subject of a request against the policy: which attributes may and
 * must appear (subject_allowed, subject_required), unknown OIDs refused
 * unless listed, and the value rules RFC 5280 sets whatever the policy
 * says: the upper bounds of appendix A (counted in characters) and a
 * country that is two letters.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/objects.h>
#include <openssl/x509.h>

#include "ceremony/policy/policy.h"

/* ub-* of RFC 5280 appendix A and X.520; 0 ends the table. */
static const struct {
	int	nid;
	size_t	ub;
} subject_bounds[] = {
	{ NID_commonName, 64 },			/* ub-common-name */
	{ NID_localityName, 128 },		/* ub-locality-name */
	{ NID_stateOrProvinceName, 128 },	/* ub-state-name */
	{ NID_organizationName, 64 },		/* ub-organization-name */
	{ NID_organizationalUnitName, 64 },	/* ub-organizational-unit-name */
	{ NID_title, 64 },			/* ub-title */
	{ NID_serialNumber, 64 },		/* ub-serial-number */
	{ NID_pkcs9_emailAddress, 255 },	/* ub-emailaddress-length */
	{ NID_pseudonym, 128 },			/* ub-pseudonym */
	{ NID_name, 32768 },			/* ub-name */
	{ NID_surname, 32768 },
	{ NID_givenName, 32768 },
	{ NID_initials, 32768 },
	{ NID_generationQualifier, 32768 },
	{ NID_postalCode, 40 },			/* X.520 ub-postal-code */
	{ NID_streetAddress, 128 },		/* X.520 ub-street-address */
	{ NID_jurisdictionLocalityName, 128 },	/* EV guidelines 9.2.4 */
	{ NID_jurisdictionStateOrProvinceName, 128 },
	{ 0, 0 }
};

static int
is_country(int nid)
{
	return nid == NID_countryName || nid == NID_jurisdictionCountryName;
}

/* "CN=value", the form of a finding's value. */
static void
attr_value(char *buf, size_t len, const char *name, const char *v)
{
	snprintf(buf, len, "%s=%s", name, v != NULL ? v : "");
}

static void
subject_value_rules(int nid, const char *name, const char *v,
    struct findings *f)
{
	char	val[200];
	size_t	i, chars = utf8_chars(v);

	attr_value(val, sizeof(val), name, v);
	if (*v == '\0') {
		findings_add_rule(f, 1, "subject-value-empty", "", val,
		    "%s is empty", name);
		return;
	}
	if (is_country(nid)) {
		if (chars != 2)
			findings_add_rule(f, 1, "subject-c-length", "", val,
			    "%s must be exactly two letters (RFC 5280 "
			    "ub-country-name-alpha-length, ISO 3166-1)", name);
		else if (strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != 2)
			findings_add_rule(f, 1, "subject-c-format", "", val,
			    "%s must be an ISO 3166-1 code in capital letters",
			    name);
		return;
	}
	for (i = 0; subject_bounds[i].nid != 0; i++)
		if (subject_bounds[i].nid == nid && chars > subject_bounds[i].ub)
			findings_add_rule(f, 1, "subject-value-too-long", "", val,
			    "%s has %zu characters; RFC 5280 allows at most %zu",
			    name, chars, subject_bounds[i].ub);
}

static void
subject_entry(const struct policy *p, const X509_NAME_ENTRY *e,
    struct findings *f)
{
	const ASN1_OBJECT	*o = X509_NAME_ENTRY_get_object(e);
	int			 nid = OBJ_obj2nid(o);
	char			 name[80], val[200], *v = NULL;

	obj_text(o, name, sizeof(name));
	if (asn1_string_utf8(X509_NAME_ENTRY_get_data(e), &v) != 0) {
		attr_value(val, sizeof(val), name, "(undecodable)");
		findings_add_rule(f, 1, "subject-value-encoding", "", val,
		    "%s does not decode as a string (bad encoding or an "
		    "embedded NUL)", name);
		return;
	}
	attr_value(val, sizeof(val), name, v);
	if (p->subject_allowed != NULL ? !obj_in(p->subject_allowed, o) :
	    nid == NID_undef) {
		if (nid == NID_undef)
			findings_add_rule(f, 1, "subject-unknown-oid",
			    "subject_allowed", val, "unknown attribute OID %s "
			    "in the subject is not allowed", name);
		else
			findings_add_rule(f, 1, "subject-attr-not-allowed",
			    "subject_allowed", val, "attribute %s is not "
			    "allowed in the subject", name);
	}
	subject_value_rules(nid, name, v, f);
	free(v);
}

void
policy_check_subject(const struct policy *p, const struct csr *c,
    struct findings *f)
{
	const X509_NAME		*subj = X509_REQ_get_subject_name(c->req);
	const X509_NAME_ENTRY	*e;
	const ASN1_OBJECT	*want;
	char			 name[80];
	int			 i, n = X509_NAME_entry_count(subj), set = -1;

	for (i = 0; i < n; i++) {
		e = X509_NAME_get_entry(subj, i);
		subject_entry(p, e, f);
		if (X509_NAME_ENTRY_set(e) == set) {
			obj_text(X509_NAME_ENTRY_get_object(e), name,
			    sizeof(name));
			findings_add_rule(f, 0, "subject-multi-valued-rdn", "",
			    name, "a multi-valued RDN (attributes joined by "
			    "'+'): some software shows only one of them");
		}
		set = X509_NAME_ENTRY_set(e);
	}
	for (i = 0; p->subject_required != NULL &&
	    i < sk_ASN1_OBJECT_num(p->subject_required); i++) {
		want = sk_ASN1_OBJECT_value(p->subject_required, i);
		if (X509_NAME_get_index_by_OBJ(subj, want, -1) < 0) {
			obj_text(want, name, sizeof(name));
			findings_add_rule(f, 1, "subject-attr-missing",
			    "subject_required", name, "the subject has no %s",
			    name);
		}
	}
}
