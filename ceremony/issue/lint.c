/* SPDX-License-Identifier: ISC */
/*
 * Lint a to-be-signed certificate against its template, its issuer and
 * the basics of RFC 5280 before the token is asked to sign it.  The
 * certificate carries the token's signature algorithm but no signature
 * yet (see certsign.c).
 */
#include <string.h>
#include <time.h>

#include <openssl/bn.h>
#include <openssl/objects.h>
#include <openssl/sha.h>
#include <openssl/x509v3.h>

#include "ceremony/issue/issue.h"

#define DAY	86400L

static void
lint_version_serial(X509 *x, struct findings *f)
{
	const ASN1_INTEGER	*sn = X509_get0_serialNumber(x);
	BIGNUM			*bn;

	if (X509_get_version(x) != X509_VERSION_3)
		findings_add(f, 1, "version", "the certificate is not X.509 v3");
	if ((bn = ASN1_INTEGER_to_BN(sn, NULL)) == NULL) {
		findings_add(f, 1, "serial-invalid", "the serial cannot be read");
		return;
	}
	if (BN_is_negative(bn) || BN_is_zero(bn))
		findings_add(f, 1, "serial-not-positive",
		    "the serial must be positive (RFC 5280 4.1.2.2)");
	if (BN_num_bytes(bn) > 20)
		findings_add(f, 1, "serial-too-long",
		    "the serial has %d octets, at most 20 are allowed",
		    BN_num_bytes(bn));
	if (BN_num_bits(bn) < 64)
		findings_add(f, 1, "serial-low-entropy",
		    "the serial has fewer than 64 random bits");
	BN_free(bn);
}

/* RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050. */
static void
lint_time_encoding(const ASN1_TIME *t, const char *which, struct findings *f)
{
	struct tm	tm;
	int		want;

	if (!ASN1_TIME_to_tm(t, &tm)) {
		findings_add(f, 1, "time-invalid", "%s cannot be read", which);
		return;
	}
	want = (tm.tm_year + 1900 >= 1950 && tm.tm_year + 1900 <= 2049) ?
	    V_ASN1_UTCTIME : V_ASN1_GENERALIZEDTIME;
	if (ASN1_STRING_type(t) != want)
		findings_add(f, 1, "time-encoding", "%s in year %d must be %s",
		    which, tm.tm_year + 1900, want == V_ASN1_UTCTIME ?
		    "UTCTime" : "GeneralizedTime");
}

/* RFC 5280 6.1.3 / the IOS rule: never outlive the issuer. */
static void
lint_within_issuer(X509 *x, X509 *issuer, struct findings *f)
{
	if (ASN1_TIME_compare(X509_get0_notAfter(x),
	    X509_get0_notAfter(issuer)) > 0)
		findings_add(f, 1, "validity-past-issuer",
		    "notAfter is after the issuer's notAfter");
	if (ASN1_TIME_compare(X509_get0_notBefore(x),
	    X509_get0_notBefore(issuer)) < 0)
		findings_add(f, 1, "validity-before-issuer",
		    "notBefore is before the issuer's notBefore");
}

static void
lint_validity(X509 *x, const struct tmpl *t, struct findings *f)
{
	const ASN1_TIME	*nb = X509_get0_notBefore(x), *na = X509_get0_notAfter(x);
	int		 days, secs;

	lint_time_encoding(nb, "notBefore", f);
	lint_time_encoding(na, "notAfter", f);
	if (!ASN1_TIME_diff(&days, &secs, nb, na))
		return;
	if (days < 0 || (days == 0 && secs <= 0)) {
		findings_add(f, 1, "validity-order",
		    "notAfter is not after notBefore");
		return;
	}
	if (days > t->max_days || (days == t->max_days && secs > 0))
		findings_add(f, 1, "validity-too-long",
		    "the lifetime is %d days, the template allows at most %ld "
		    "(max_days)", days, t->max_days);
	if (t->not_after != 0 && ASN1_TIME_cmp_time_t(na, t->not_after) != 0)
		findings_add(f, 1, "validity-template",
		    "notAfter differs from the template's not_after");
}

static void
lint_names(X509 *x, const struct lint_ctx *lc, struct findings *f)
{
	const X509_NAME	*subj = X509_get_subject_name(x);
	int		 ca = lc->t->kindv == TMPL_ROOT ||
			     lc->t->kindv == TMPL_SUBCA;

	if (X509_NAME_entry_count(subj) == 0 && ca)
		findings_add(f, 1, "subject-empty", "a CA subject may not be empty");
	if (X509_NAME_entry_count(subj) == 0 && !ca &&
	    X509_get_ext_by_NID(x, NID_subject_alt_name, -1) < 0)
		findings_add(f, 1, "subject-empty",
		    "an empty subject needs a subjectAltName (RFC 5280 4.1.2.6)");
	if (lc->t->subject != NULL && X509_NAME_cmp(subj, lc->t->subject) != 0)
		findings_add(f, 1, "subject-template",
		    "the subject differs from the template's [subject]");
	if (X509_NAME_cmp(X509_get_issuer_name(x), lc->issuer != NULL ?
	    X509_get_subject_name(lc->issuer) : subj) != 0)
		findings_add(f, 1, "issuer-name", lc->issuer != NULL ?
		    "the issuer name is not the issuing CA's subject" :
		    "a root's issuer must equal its subject");
}

/* Same algorithm, parameters and key bits, as encoded. */
static int
spki_same(const X509_PUBKEY *a, const X509_PUBKEY *b)
{
	const unsigned char	*ka, *kb;
	X509_ALGOR		*aa, *ab;
	int			 la, lb;

	return X509_PUBKEY_get0_param(NULL, &ka, &la, &aa, a) &&
	    X509_PUBKEY_get0_param(NULL, &kb, &lb, &ab, b) &&
	    X509_ALGOR_cmp(aa, ab) == 0 && la == lb && memcmp(ka, kb, la) == 0;
}

static void
lint_key(X509 *x, const struct lint_ctx *lc, struct findings *f)
{
	struct hsm_keyspec	 spec;
	const struct tmpl	*t = lc->t;
	EVP_PKEY		*pk = NULL;
	int			 mdnid = NID_undef, pknid = NID_undef;

	/* Decoding the key is costly; only a root needs it as a key. */
	if (lc->subject_spki == NULL || t->kindv == TMPL_ROOT)
		pk = X509_get0_pubkey(x);

	if (lc->subject_spki != NULL ? !spki_same(X509_get_X509_PUBKEY(x),
	    lc->subject_spki) : (pk == NULL ||
	    EVP_PKEY_eq(pk, lc->subject_key) != 1))
		findings_add(f, 1, "key-mismatch", "the certificate's public "
		    "key is not the one it was made for");
	/* A root's key type is the template's; others' the policy's. */
	if (t->kindv == TMPL_ROOT && (pk == NULL ||
	    hsm_keyspec_of(pk, &spec) != 0 || !tmpl_key_allowed(t, &spec)))
		findings_add(f, 1, "key-type",
		    "the key type is not in the template's key_types");
	err_clear();
	if (!OBJ_find_sigid_algs(X509_get_signature_nid(x), &mdnid, &pknid) ||
	    mdnid != EVP_MD_get_type(t->md))
		findings_add(f, 1, "digest",
		    "the signature digest is not the template's %s", t->digest);
	if (mdnid == NID_sha1 || mdnid == NID_md5)
		findings_add(f, 1, "digest-weak", "SHA-1 and MD5 are refused");
}

/* The issuer's pathLenConstraint leaves room for this CA? */
static void
lint_pathlen(BASIC_CONSTRAINTS *bc, X509 *issuer, int self_issued,
    struct findings *f)
{
	long	mine, limit;

	if (issuer == NULL || (limit = X509_get_pathlen(issuer)) < 0)
		return;
	mine = bc->pathlen != NULL ? ASN1_INTEGER_get(bc->pathlen) : -1;
	/* A rollover's link between two keys of one root is self-issued and
	 * does not count in the path (RFC 5280 4.2.1.9).  Only a root
	 * template's link gets this: a subordinate asking for its issuer's
	 * own name must not slip past the issuer's limit that way. */
	if (self_issued)
		limit++;
	if (limit == 0)
		findings_add(f, 1, "bc-pathlen-issuer",
		    "the issuer's pathLenConstraint 0 allows no CA below it");
	else if (mine < 0 || mine > limit - 1)
		findings_add(f, 1, "bc-pathlen-issuer", "pathLenConstraint "
		    "must be at most %ld under this issuer", limit - 1);
}

/* Leaves and OCSP signers: no CA:TRUE, no certificate signing. */
static void
lint_not_ca(X509 *x, struct findings *f)
{
	BASIC_CONSTRAINTS	*bc;
	ASN1_BIT_STRING		*ku;

	if ((bc = X509_get_ext_d2i(x, NID_basic_constraints, NULL,
	    NULL)) != NULL && bc->ca)
		findings_add(f, 1, "bc-ca-on-leaf",
		    "an end-entity certificate may not say CA:TRUE");
	BASIC_CONSTRAINTS_free(bc);
	if ((ku = X509_get_ext_d2i(x, NID_key_usage, NULL, NULL)) != NULL &&
	    (ASN1_BIT_STRING_get_bit(ku, 5) || ASN1_BIT_STRING_get_bit(ku, 6)))
		findings_add(f, 1, "ku-ca-on-leaf", "an end-entity certificate "
		    "may not have keyCertSign or cRLSign");
	ASN1_BIT_STRING_free(ku);
}

/* RFC 6960 4.2.2.2: id-kp-OCSPSigning, and id-pkix-ocsp-nocheck. */
static void
lint_ocsp(X509 *x, struct findings *f)
{
	if (!(X509_get_extension_flags(x) & EXFLAG_XKUSAGE) ||
	    !(X509_get_extended_key_usage(x) & XKU_OCSP_SIGN))
		findings_add(f, 1, "ocsp-eku",
		    "an OCSP signer needs extendedKeyUsage OCSPSigning");
	if (X509_get_ext_by_NID(x, NID_id_pkix_OCSP_noCheck, -1) < 0)
		findings_add(f, 0, "ocsp-nocheck", "an OCSP signer should carry "
		    "id-pkix-ocsp-nocheck (RFC 6960 4.2.2.2.1)");
	if (!(X509_get_key_usage(x) & KU_DIGITAL_SIGNATURE))
		findings_add(f, 1, "ocsp-ku",
		    "an OCSP signer needs keyUsage digitalSignature");
}

static void
lint_basic_constraints(X509 *x, X509 *issuer, int link, struct findings *f)
{
	BASIC_CONSTRAINTS	*bc;
	int			 crit = -1;

	bc = X509_get_ext_d2i(x, NID_basic_constraints, &crit, NULL);
	if (bc == NULL) {
		findings_add(f, 1, "bc-missing",
		    "basicConstraints is required on a CA certificate");
		return;
	}
	lint_pathlen(bc, issuer, link, f);
	if (crit != 1)
		findings_add(f, 1, "bc-not-critical",
		    "basicConstraints must be critical on a CA certificate");
	if (!bc->ca)
		findings_add(f, 1, "bc-not-ca", "basicConstraints lacks CA:TRUE");
	if (bc->pathlen != NULL && ASN1_INTEGER_get(bc->pathlen) < 0)
		findings_add(f, 1, "bc-pathlen", "pathLenConstraint is negative");
	BASIC_CONSTRAINTS_free(bc);
}

static void
lint_key_usage(X509 *x, struct findings *f)
{
	ASN1_BIT_STRING	*ku;
	int		 crit = -1;

	ku = X509_get_ext_d2i(x, NID_key_usage, &crit, NULL);
	if (ku == NULL) {
		findings_add(f, 1, "ku-missing",
		    "keyUsage is required on a CA certificate");
		return;
	}
	if (crit != 1)
		findings_add(f, 1, "ku-not-critical", "keyUsage must be critical");
	if (!ASN1_BIT_STRING_get_bit(ku, 5))
		findings_add(f, 1, "ku-keycertsign", "keyUsage lacks keyCertSign");
	if (!ASN1_BIT_STRING_get_bit(ku, 6))
		findings_add(f, 1, "ku-crlsign", "keyUsage lacks cRLSign");
	ASN1_BIT_STRING_free(ku);
}

static void
lint_key_ids(X509 *x, X509 *issuer, int ca, struct findings *f)
{
	const ASN1_OCTET_STRING	*ski = X509_get0_subject_key_id(x);
	const ASN1_OCTET_STRING	*aki = X509_get0_authority_key_id(x);
	const ASN1_BIT_STRING	*bits = X509_get0_pubkey_bitstr(x);
	unsigned char		 id[SHA_DIGEST_LENGTH];

	if (issuer != NULL && (aki == NULL ||
	    X509_get0_subject_key_id(issuer) == NULL ||
	    ASN1_OCTET_STRING_cmp(aki, X509_get0_subject_key_id(issuer)) != 0))
		findings_add(f, 1, "aki-issuer", "authorityKeyIdentifier must "
		    "be the issuer's subjectKeyIdentifier (RFC 5280 4.2.1.1)");
	if (ski == NULL) {
		if (ca)
			findings_add(f, 1, "ski-missing", "subjectKeyIdentifier "
			    "is required on a CA certificate");
		return;
	}
	/* RFC 5280 4.2.1.2 (1): SHA-1 of the subjectPublicKey BIT STRING,
	 * the value the token's CKA_ID holds too. */
	if (bits == NULL || SHA1(ASN1_STRING_get0_data(bits),
	    (size_t)ASN1_STRING_length(bits), id) == NULL ||
	    ASN1_STRING_length(ski) != SHA_DIGEST_LENGTH ||
	    memcmp(ASN1_STRING_get0_data(ski), id, sizeof(id)) != 0)
		findings_add(f, 1, "ski-mismatch", "subjectKeyIdentifier is not "
		    "the SHA-1 of the public key (the token's CKA_ID)");
	err_clear();
	if (issuer == NULL && aki != NULL && ASN1_OCTET_STRING_cmp(aki, ski) != 0)
		findings_add(f, 1, "aki-mismatch", "a root's authorityKeyIdentifier "
		    "must equal its subjectKeyIdentifier");
}

/* No extension twice; unknown critical extensions are refused. */
static void
lint_extension_set(X509 *x, struct findings *f)
{
	const X509_EXTENSION	*e, *e2;
	int			 i, j, n = X509_get_ext_count(x);
	char			 oid[80];

	for (i = 0; i < n; i++) {
		e = X509_get_ext(x, i);
		for (j = i + 1; j < n; j++) {
			e2 = X509_get_ext(x, j);
			if (OBJ_cmp(X509_EXTENSION_get_object((X509_EXTENSION *)e),
			    X509_EXTENSION_get_object((X509_EXTENSION *)e2)) == 0) {
				OBJ_obj2txt(oid, sizeof(oid),
				    X509_EXTENSION_get_object((X509_EXTENSION *)e), 0);
				findings_add(f, 1, "ext-duplicate",
				    "extension %s appears twice", oid);
			}
		}
		if (X509_EXTENSION_get_critical(e) && !X509_supported_extension(
		    (X509_EXTENSION *)e)) {
			OBJ_obj2txt(oid, sizeof(oid),
			    X509_EXTENSION_get_object((X509_EXTENSION *)e), 1);
			findings_add(f, 1, "ext-unknown-critical",
			    "critical extension %s is not understood", oid);
		}
	}
}

int
lint_cert(X509 *x, const struct lint_ctx *lc, struct findings *f)
{
	size_t	before = f->errors;
	int	ca = lc->t->kindv == TMPL_ROOT || lc->t->kindv == TMPL_SUBCA;

	lint_version_serial(x, f);
	lint_validity(x, lc->t, f);
	if (lc->issuer != NULL)
		lint_within_issuer(x, lc->issuer, f);
	lint_names(x, lc, f);
	lint_key(x, lc, f);
	if (ca) {
		lint_basic_constraints(x, lc->issuer, lc->t->kindv ==
		    TMPL_ROOT && lc->issuer != NULL && X509_NAME_cmp(
		    X509_get_subject_name(x), X509_get_subject_name(
		    lc->issuer)) == 0, f);
		lint_key_usage(x, f);
	} else
		lint_not_ca(x, f);
	if (lc->t->kindv == TMPL_OCSP)
		lint_ocsp(x, f);
	lint_key_ids(x, lc->issuer, ca, f);
	lint_extension_set(x, f);
	if (lc->generation > 0)
		gen_lint_urls(x, lc->generation, f);
	return f->errors > before;
}
