/* SPDX-License-Identifier: ISC */
/*
 * Request fields as text: attribute values as UTF-8, OIDs as "name" or
 * dotted numbers (never dropped), general names with their type, the key
 * and the signature's digest.  Shared by csr show and the policy checks,
 * so that a finding shows the value exactly as csr show does.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/asn1.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include "ceremony/policy/policy.h"

/* Any ASN.1 string type as NUL-terminated UTF-8; 1 if it does not decode. */
int
asn1_string_utf8(const ASN1_STRING *s, char **out)
{
	unsigned char	*u = NULL;
	int		 n;

	*out = NULL;
	if ((n = ASN1_STRING_to_UTF8(&u, s)) < 0) {
		ERR_clear_error();
		return 1;
	}
	if (memchr(u, '\0', n) != NULL) {	/* "good.com\0.evil.com" */
		OPENSSL_free(u);
		return 1;
	}
	if ((*out = strdup((char *)u)) == NULL) {
		OPENSSL_free(u);
		return 1;
	}
	OPENSSL_free(u);
	return 0;
}

/* Characters, not bytes: the RFC 5280 upper bounds count characters. */
size_t
utf8_chars(const char *s)
{
	size_t	n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/* "commonName" style short name when OpenSSL knows it, else dotted. */
void
obj_text(const ASN1_OBJECT *o, char *buf, size_t len)
{
	int	nid = OBJ_obj2nid(o);

	if (nid != NID_undef && OBJ_nid2sn(nid) != NULL)
		snprintf(buf, len, "%s", OBJ_nid2sn(nid));
	else if (OBJ_obj2txt(buf, (int)len, o, 1) <= 0)
		snprintf(buf, len, "?");
}

const char *
gn_type_name(int type)
{
	switch (type) {
	case GEN_DNS:
		return "DNS";
	case GEN_IPADD:
		return "IP";
	case GEN_EMAIL:
		return "email";
	case GEN_URI:
		return "URI";
	case GEN_OTHERNAME:
		return "otherName";
	case GEN_DIRNAME:
		return "dirName";
	case GEN_RID:
		return "RID";
	case GEN_X400:
		return "x400Address";
	case GEN_EDIPARTY:
		return "ediPartyName";
	default:
		return "unknown";
	}
}

static int
gn_ip_text(const ASN1_OCTET_STRING *ip, char **out)
{
	char	 s[INET6_ADDRSTRLEN];

	if ((ip->length != 4 && ip->length != 16) ||
	    inet_ntop(ip->length == 4 ? AF_INET : AF_INET6, ip->data, s,
	    sizeof(s)) == NULL) {
		/* A name constraint's address/mask, or junk: show the bytes. */
		*out = hex_encode(ip->data, ip->length, 0);
		return *out == NULL;
	}
	*out = strdup(s);
	return *out == NULL;
}

/* The value of a general name as text (without its type). */
int
gn_text(const GENERAL_NAME *gn, char **out)
{
	char	 buf[256];

	*out = NULL;
	switch (gn->type) {
	case GEN_DNS:
	case GEN_EMAIL:
	case GEN_URI:
		return asn1_string_utf8(gn->d.ia5, out);
	case GEN_IPADD:
		return gn_ip_text(gn->d.ip, out);
	case GEN_OTHERNAME:
		obj_text(gn->d.otherName->type_id, buf, sizeof(buf));
		break;
	case GEN_DIRNAME:
		if (X509_NAME_oneline(gn->d.dirn, buf, sizeof(buf)) == NULL)
			return 1;
		break;
	case GEN_RID:
		obj_text(gn->d.rid, buf, sizeof(buf));
		break;
	default:
		snprintf(buf, sizeof(buf), "(not decoded)");
		break;
	}
	*out = strdup(buf);
	return *out == NULL;
}

/* "rsa:2048" or "ec:P-384", the spelling of key_types. */
int
csr_key_type(EVP_PKEY *k, char *buf, size_t len)
{
	char	group[64];
	int	nid;

	if (EVP_PKEY_is_a(k, "RSA")) {
		snprintf(buf, len, "rsa:%d", EVP_PKEY_get_bits(k));
		return 0;
	}
	if (EVP_PKEY_is_a(k, "EC")) {
		if (!EVP_PKEY_get_utf8_string_param(k,
		    OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group), NULL)) {
			ERR_clear_error();
			snprintf(buf, len, "ec:explicit-parameters");
			return 0;
		}
		nid = OBJ_sn2nid(group);
		snprintf(buf, len, "ec:%s", nid != NID_undef &&
		    EC_curve_nid2nist(nid) != NULL ? EC_curve_nid2nist(nid) :
		    group);
		return 0;
	}
	snprintf(buf, len, "%s", EVP_PKEY_get0_type_name(k) != NULL ?
	    EVP_PKEY_get0_type_name(k) : "unknown");
	return 1;
}

/* The key for a person: "RSA 2048 bits, exponent 65537". */
int
csr_key_text(EVP_PKEY *k, char *buf, size_t len)
{
	BIGNUM	*e = NULL;
	char	*dec = NULL, type[64];

	csr_key_type(k, type, sizeof(type));
	if (EVP_PKEY_is_a(k, "RSA")) {
		if (EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_RSA_E, &e))
			dec = BN_bn2dec(e);
		snprintf(buf, len, "RSA %d bits, exponent %s",
		    EVP_PKEY_get_bits(k), dec != NULL ? dec : "?");
		OPENSSL_free(dec);
		BN_free(e);
	} else if (EVP_PKEY_is_a(k, "EC"))
		snprintf(buf, len, "EC %s (%d bits)", type + 3,
		    EVP_PKEY_get_bits(k));
	else
		snprintf(buf, len, "%s (%d bits)", type, EVP_PKEY_get_bits(k));
	ERR_clear_error();
	return 0;
}

/*
 * The digest of the request's signature: its NID and name, NID_undef
 * when the algorithm carries none (RSASSA-PSS parameters, Ed25519).
 */
int
csr_sig_digest(const X509_REQ *req, int *mdnid, char *buf, size_t len)
{
	int	sig = X509_REQ_get_signature_nid(req), pk;

	char	*p;

	*mdnid = NID_undef;
	if (!OBJ_find_sigid_algs(sig, mdnid, &pk))
		*mdnid = NID_undef;
	snprintf(buf, len, "%s", *mdnid != NID_undef ? OBJ_nid2sn(*mdnid) :
	    OBJ_nid2sn(sig) != NULL ? OBJ_nid2sn(sig) : "unknown");
	/* "SHA256" -> "sha256", the spelling of the policy's digests. */
	for (p = buf; *mdnid != NID_undef && *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	return *mdnid == NID_undef;
}
