/* SPDX-License-Identifier: ISC */
/*
 * Key types as the operator names them ("rsa:4096", "ec:P-384"): the
 * parser, and the type of a key we already hold.  No PKCS#11 here.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/obj_mac.h>

#include "util/util.h"
#include "hsm/hsm_int.h"

struct spec_name {
	const char		*name;		/* as typed, after "ec:" */
	struct hsm_keyspec	 spec;
};

#define RSA_SPEC(b)	{ HSM_KEY_RSA, (b), 0, "rsa:" #b }
#define EC_SPEC(b, nid)	{ HSM_KEY_EC, (b), (nid), "ec:P-" #b }

static const struct spec_name specs[] = {
	{ "rsa:3072", RSA_SPEC(3072) },
	{ "rsa:4096", RSA_SPEC(4096) },
	{ "ec:P-256", EC_SPEC(256, NID_X9_62_prime256v1) },
	{ "ec:P-384", EC_SPEC(384, NID_secp384r1) },
	{ "ec:P-521", EC_SPEC(521, NID_secp521r1) },
	/* OpenSSL's and SEC 2's names of the same curves */
	{ "ec:prime256v1", EC_SPEC(256, NID_X9_62_prime256v1) },
	{ "ec:secp256r1", EC_SPEC(256, NID_X9_62_prime256v1) },
	{ "ec:secp384r1", EC_SPEC(384, NID_secp384r1) },
	{ "ec:secp521r1", EC_SPEC(521, NID_secp521r1) },
};

#define SPEC_CHOICES	"rsa:3072, rsa:4096, ec:P-256, ec:P-384, ec:P-521"
#define SPEC_CANONICAL	5	/* the first ones, as SPEC_CHOICES lists them */

/* The i-th key type of SPEC_CHOICES, NULL past the last. */
const struct hsm_keyspec *
hsm_keyspec_nth(size_t i)
{
	return i < SPEC_CANONICAL ? &specs[i].spec : NULL;
}

int
hsm_keyspec_parse(const char *s, struct hsm_keyspec *out)
{
	size_t	i;

	memset(out, 0, sizeof(*out));
	for (i = 0; s != NULL && i < sizeof(specs) / sizeof(specs[0]); i++)
		if (strcasecmp(s, specs[i].name) == 0) {
			*out = specs[i].spec;
			return 0;
		}
	err_set("unknown key type \"%s\": use one of " SPEC_CHOICES,
	    s != NULL ? s : "");
	return 1;
}

/* The spec of an EC curve we support, by NID. */
int
hsm_keyspec_curve(int nid, struct hsm_keyspec *out)
{
	size_t	i;

	for (i = 0; i < sizeof(specs) / sizeof(specs[0]); i++)
		if (specs[i].spec.kind == HSM_KEY_EC &&
		    specs[i].spec.nid == nid) {
			*out = specs[i].spec;
			return 0;
		}
	err_set("EC curve %s is not supported: use one of " SPEC_CHOICES,
	    OBJ_nid2sn(nid));
	return 1;
}

/*
 * The spec of a key we hold.  Any RSA size is described ("rsa:2048"),
 * so that keys made elsewhere can be listed; parse accepts fewer.
 */
int
hsm_keyspec_of(EVP_PKEY *pkey, struct hsm_keyspec *out)
{
	char	group[64];
	int	nid;

	memset(out, 0, sizeof(*out));
	if (pkey == NULL) {
		err_set("no key to describe (this is a bug)");
		return 1;
	}
	switch (EVP_PKEY_get_base_id(pkey)) {
	case EVP_PKEY_RSA:
		out->kind = HSM_KEY_RSA;
		out->bits = EVP_PKEY_get_bits(pkey);
		snprintf(out->name, sizeof(out->name), "rsa:%d", out->bits);
		return 0;
	case EVP_PKEY_EC:
		if (!EVP_PKEY_get_utf8_string_param(pkey,
		    OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group), NULL)) {
			err_ossl("EC key without a named curve");
			return 1;
		}
		if ((nid = OBJ_sn2nid(group)) == NID_undef)
			nid = EC_curve_nist2nid(group);
		return hsm_keyspec_curve(nid, out);
	default:
		err_set("key type %s is not supported: use one of "
		    SPEC_CHOICES, OBJ_nid2sn(EVP_PKEY_get_base_id(pkey)));
		return 1;
	}
}
