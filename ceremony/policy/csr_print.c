/* SPDX-License-Identifier: ISC */
/*
 * csr show's output: everything an officer needs to decide on a request,
 * nothing hidden.  Subject attributes one per line (unknown OIDs dotted,
 * multi-valued RDNs marked), the key and its SHA-256, the signature
 * algorithm, every requested extension decoded (SANs one per line), and
 * the proof-of-possession verdict first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include "ceremony/policy/policy.h"

/* The attributes everyone knows; others get their OID shown as well. */
static int
attr_common(int nid)
{
	return nid == NID_countryName || nid == NID_stateOrProvinceName ||
	    nid == NID_localityName || nid == NID_organizationName ||
	    nid == NID_organizationalUnitName || nid == NID_commonName ||
	    nid == NID_pkcs9_emailAddress || nid == NID_domainComponent;
}

static void
print_obj(FILE *fp, const ASN1_OBJECT *o)
{
	char	name[80], oid[80];

	obj_text(o, name, sizeof(name));
	fputs(name, fp);
	if (OBJ_obj2nid(o) != NID_undef && !attr_common(OBJ_obj2nid(o)) &&
	    OBJ_obj2txt(oid, sizeof(oid), o, 1) > 0)
		fprintf(fp, " (%s)", oid);
}

static void
print_subject(FILE *fp, const X509_NAME *subj)
{
	const X509_NAME_ENTRY	*e;
	char			*v;
	int			 i, n = X509_NAME_entry_count(subj), multi = 0;

	fprintf(fp, "subject:%s\n", n == 0 ? " (empty)" : "");
	for (i = 0; i < n; i++) {
		e = X509_NAME_get_entry(subj, i);
		/* "+": this attribute is in the same RDN as the line above. */
		if (i > 0 && X509_NAME_ENTRY_set(e) ==
		    X509_NAME_ENTRY_set(X509_NAME_get_entry(subj, i - 1))) {
			multi = 1;
			fputs("  + ", fp);
		} else
			fputs("    ", fp);
		print_obj(fp, X509_NAME_ENTRY_get_object(e));
		fputs(" = ", fp);
		if (asn1_string_utf8(X509_NAME_ENTRY_get_data(e), &v) == 0) {
			print_escaped(fp, v);
			free(v);
		} else
			fputs("(does not decode as a string)", fp);
		fputc('\n', fp);
	}
	if (multi)
		fputs("  (+: a multi-valued RDN, joined to the line above)\n",
		    fp);
}

static void
print_key(FILE *fp, const struct csr *c)
{
	char	text[128], hex[65];
	int	mdnid;

	csr_key_text(c->pubkey, text, sizeof(text));
	fprintf(fp, "public key: %s\n", text);
	if (csr_pubkey_sha256(c, hex) == 0)
		fprintf(fp, "public key SHA-256: %s\n", hex);
	csr_sig_digest(c->req, &mdnid, text, sizeof(text));
	fprintf(fp, "signature: %s (digest %s)\n",
	    OBJ_nid2ln(X509_REQ_get_signature_nid(c->req)) != NULL ?
	    OBJ_nid2ln(X509_REQ_get_signature_nid(c->req)) : "unknown",
	    mdnid != NID_undef ? text : "none named");
}

/* Attributes other than the extension request (challengePassword, ...). */
static void
print_attributes(FILE *fp, const X509_REQ *req)
{
	const ASN1_OBJECT	*o;
	int			 i, shown = 0;

	for (i = 0; i < X509_REQ_get_attr_count(req); i++) {
		o = X509_ATTRIBUTE_get0_object(X509_REQ_get_attr(req, i));
		if (OBJ_obj2nid(o) == NID_ext_req ||
		    OBJ_obj2nid(o) == NID_ms_ext_req)
			continue;
		if (!shown++)
			fputs("attributes:\n", fp);
		fputs("    ", fp);
		print_obj(fp, o);
		fputs(OBJ_obj2nid(o) == NID_pkcs9_challengePassword ?
		    " (value not shown; never copied into a certificate)\n" :
		    " (never copied into a certificate)\n", fp);
	}
}

static void
print_san(FILE *fp, X509_EXTENSION *e)
{
	GENERAL_NAMES	*gns;
	char		*v;
	int		 i;

	if ((gns = X509V3_EXT_d2i(e)) == NULL) {
		fputs("      (does not decode)\n", fp);
		return;
	}
	for (i = 0; i < sk_GENERAL_NAME_num(gns); i++) {
		fprintf(fp, "      %s: ",
		    gn_type_name(sk_GENERAL_NAME_value(gns, i)->type));
		if (gn_text(sk_GENERAL_NAME_value(gns, i), &v) == 0) {
			print_escaped(fp, v);
			free(v);
		} else
			fputs("(does not decode)", fp);
		fputc('\n', fp);
	}
	GENERAL_NAMES_free(gns);
}

static void
print_eku(FILE *fp, X509_EXTENSION *e)
{
	EXTENDED_KEY_USAGE	*eku;
	char			 name[80], oid[80];
	int			 i;

	if ((eku = X509V3_EXT_d2i(e)) == NULL) {
		fputs("      (does not decode)\n", fp);
		return;
	}
	for (i = 0; i < sk_ASN1_OBJECT_num(eku); i++) {
		OBJ_obj2txt(oid, sizeof(oid), sk_ASN1_OBJECT_value(eku, i), 1);
		obj_text(sk_ASN1_OBJECT_value(eku, i), name, sizeof(name));
		fprintf(fp, "      %s (%s)\n", name, oid);
	}
	sk_ASN1_OBJECT_pop_free(eku, ASN1_OBJECT_free);
}

/* Any other extension: OpenSSL's own text, or the OID and the size. */
static void
print_other(FILE *fp, X509_EXTENSION *e)
{
	BIO	*bio;
	char	*text;

	if (X509V3_EXT_get(e) == NULL) {
		fprintf(fp, "      unknown extension, %d bytes: %s\n",
		    ASN1_STRING_length(X509_EXTENSION_get_data(e)),
		    X509_EXTENSION_get_critical(e) ? "a critical unknown "
		    "extension is never acceptable" : "not understood");
		return;
	}
	/* OpenSSL prints an IA5String (nsComment, a policy's notice) as it
	 * is: its text goes to the terminal escaped, its layout kept. */
	if ((bio = BIO_new(BIO_s_mem())) == NULL)
		return;
	if (X509V3_EXT_print(bio, e, 0, 6) <= 0)
		BIO_puts(bio, "      (does not decode)");
	BIO_puts(bio, "\n");
	if (BIO_write(bio, "", 1) == 1 && BIO_get_mem_data(bio, &text) > 0)
		esc_fputs(fp, text, ESC_TERMINAL | ESC_LAYOUT);
	BIO_free(bio);
	ERR_clear_error();
}

static void
print_extensions(FILE *fp, const struct csr *c)
{
	X509_EXTENSION	*e;
	int		 i, nid, n = sk_X509_EXTENSION_num(c->exts);

	fprintf(fp, "requested extensions:%s\n", n == 0 ? " (none)" : "");
	for (i = 0; i < n; i++) {
		e = sk_X509_EXTENSION_value(c->exts, i);
		nid = OBJ_obj2nid(X509_EXTENSION_get_object(e));
		fputs("    ", fp);
		print_obj(fp, X509_EXTENSION_get_object(e));
		fprintf(fp, "%s:\n", X509_EXTENSION_get_critical(e) ?
		    " (critical)" : "");
		if (nid == NID_subject_alt_name)
			print_san(fp, e);
		else if (nid == NID_ext_key_usage)
			print_eku(fp, e);
		else
			print_other(fp, e);
	}
	ERR_clear_error();
}

void
csr_print(FILE *fp, const struct csr *c)
{
	fprintf(fp, "file: ");
	print_escaped(fp, c->path);
	fprintf(fp, " (%s, %zu bytes of DER)\n", c->format, c->derlen);
	fprintf(fp, "proof of possession: %s\n", c->pop_ok ?
	    "ok: the signature verifies with the request's own key" :
	    "FAILED: the request's signature does not verify with its own "
	    "key; do not sign it");
	print_subject(fp, X509_REQ_get_subject_name(c->req));
	print_key(fp, c);
	print_attributes(fp, c->req);
	print_extensions(fp, c);
}
