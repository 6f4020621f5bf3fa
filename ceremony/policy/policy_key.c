/* SPDX-License-Identifier: ISC */
/*
 * The request's key and signature against the policy: the key type and
 * size (key_types), its quality (key_quality, policy_keyq.c), and the
 * digest of the request's own signature (digests; SHA-1 and MD5 refused
 * whatever the policy says).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>

#include "ceremony/policy/policy.h"

/* "rsa:BITS" (1024-16384) or "ec:CURVE" (NIST or OpenSSL name). */
int
policy_keytype_parse(const char *s, struct policy_keytype *k)
{
	char	*end;
	long	 bits;

	memset(k, 0, sizeof(*k));
	if (strncasecmp(s, "rsa:", 4) == 0) {
		bits = strtol(s + 4, &end, 10);
		if (*end != '\0' || bits < 1024 || bits > 16384 || bits % 8) {
			err_set("\"%s\": RSA sizes are whole bytes from 1024 to "
			    "16384 bits, like rsa:3072", s);
			return 1;
		}
		k->rsa = 1;
		k->bits = (int)bits;
		snprintf(k->name, sizeof(k->name), "rsa:%ld", bits);
		return 0;
	}
	if (strncasecmp(s, "ec:", 3) == 0) {
		if ((k->nid = EC_curve_nist2nid(s + 3)) == NID_undef)
			k->nid = OBJ_sn2nid(s + 3);
		if (k->nid == NID_undef || EC_curve_nid2nist(k->nid) == NULL) {
			err_set("\"%s\": use one of ec:P-256, ec:P-384, ec:P-521",
			    s);
			return 1;
		}
		snprintf(k->name, sizeof(k->name), "ec:%s",
		    EC_curve_nid2nist(k->nid));
		return 0;
	}
	err_set("\"%s\" is not a key type: write rsa:BITS or ec:CURVE", s);
	return 1;
}

/*
 * 1 allowed, 0 RSA allowed at another size, -1 not at all (another
 * curve is another key type, not another size).
 */
static int
keytype_allowed(const struct policy *p, const char *type)
{
	size_t	i;
	int	kind = -1;

	for (i = 0; i < p->nkey_types; i++) {
		if (strcmp(p->key_types[i].name, type) == 0)
			return 1;
		if (p->key_types[i].rsa && strncmp(type, "rsa:", 4) == 0)
			kind = 0;
	}
	return kind;
}

void
policy_check_key(const struct policy *p, EVP_PKEY *k, struct findings *f)
{
	char	type[64];
	int	known = csr_key_type(k, type, sizeof(type)) == 0;

	switch (known ? keytype_allowed(p, type) : -1) {
	case 1:
		break;
	case 0:
		findings_add_rule(f, 1, "key-size", "key_types", type,
		    "this key size is not allowed by this policy%s",
		    strcmp(type, "rsa:8192") == 0 ? " (8192-bit keys break "
		    "SIP TLS on Expressway; use 4096)" : "");
		break;
	default:
		findings_add_rule(f, 1, "key-type", "key_types", type,
		    "this key type is not allowed by this policy");
		break;
	}
	if (known && p->key_quality)
		keyq_check(k, p->fermat_rounds, f);
}

static int
digest_weak(int nid)
{
	return nid == NID_sha1 || nid == NID_md5 || nid == NID_md4 ||
	    nid == NID_md2 || nid == NID_md5_sha1 || nid == NID_mdc2 ||
	    nid == NID_ripemd160;
}

void
policy_check_digest(const struct policy *p, const X509_REQ *req,
    struct findings *f)
{
	char	name[64];
	size_t	i;
	int	md;

	if (csr_sig_digest(req, &md, name, sizeof(name)) != 0) {
		findings_add_rule(f, 1, "digest-not-allowed", "digests", name,
		    "the signature algorithm names no digest this policy "
		    "knows");
		return;
	}
	if (digest_weak(md)) {
		findings_add_rule(f, 1, "digest-weak", "digests", name,
		    "the request is signed with %s, which is broken: sign it "
		    "with SHA-256 or better", name);
		return;
	}
	for (i = 0; i < p->ndigests; i++)
		if (p->digests[i] == md)
			return;
	findings_add_rule(f, 1, "digest-not-allowed", "digests", name,
	    "digest %s is not allowed by this policy", name);
}
