/* SPDX-License-Identifier: ISC */
/*
 * The key pairs on the selected token: listing them with a software copy
 * of each public key, finding one by label, id:HEX or pkcs11: URI, or by
 * its public key, reading a private key's attributes back, and the key
 * identifier (SHA-1 of the public key, RFC 5280 method 1).
 */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include "util/util.h"
#include "hsm/hsm_int.h"

/* What a key reference asks for. */
struct keyref {
	const char	*label;
	unsigned char	 id[64];
	size_t		 id_len;
	int		 has_id;
};

/* SHA-1 of the subjectPublicKey BIT STRING's contents; out holds 20. */
int
hsm_pubkey_id(EVP_PKEY *pkey, unsigned char *out, size_t *len)
{
	X509_PUBKEY		*xp = NULL;
	const unsigned char	*pk;
	int			 pklen, rc = 1;

	if (!X509_PUBKEY_set(&xp, pkey) ||
	    !X509_PUBKEY_get0_param(NULL, &pk, &pklen, NULL, xp)) {
		err_ossl("cannot encode the public key");
		goto out;
	}
	if (SHA1(pk, pklen, out) == NULL) {
		err_ossl("cannot hash the public key");
		goto out;
	}
	*len = SHA_DIGEST_LENGTH;
	rc = 0;
out:
	X509_PUBKEY_free(xp);
	return rc;
}

int
hsm_priv_attrs(struct hsm *h, CK_OBJECT_HANDLE obj, struct hsm_key_attrs *a)
{
	memset(a, 0, sizeof(*a));
	if (hsm_attr_bool(h, obj, CKA_TOKEN, &a->token) != 0 ||
	    hsm_attr_bool(h, obj, CKA_PRIVATE, &a->private_) != 0 ||
	    hsm_attr_bool(h, obj, CKA_SENSITIVE, &a->sensitive) != 0 ||
	    hsm_attr_bool(h, obj, CKA_EXTRACTABLE, &a->extractable) != 0 ||
	    hsm_attr_bool(h, obj, CKA_ALWAYS_SENSITIVE,
	    &a->always_sensitive) != 0 ||
	    hsm_attr_bool(h, obj, CKA_NEVER_EXTRACTABLE,
	    &a->never_extractable) != 0 ||
	    hsm_attr_bool(h, obj, CKA_SIGN, &a->sign) != 0 ||
	    hsm_attr_bool(h, obj, CKA_DECRYPT, &a->decrypt) != 0 ||
	    hsm_attr_bool(h, obj, CKA_UNWRAP, &a->unwrap) != 0 ||
	    hsm_attr_bool(h, obj, CKA_DERIVE, &a->derive) != 0 ||
	    hsm_attr_bool(h, obj, CKA_ALWAYS_AUTHENTICATE,
	    &a->always_authenticate) != 0)
		return 1;
	return 0;
}

int
hsm_key_attrs(struct hsm *h, const struct hsm_key *k, struct hsm_key_attrs *a)
{
	if (hsm_need_token(h) != 0)
		return 1;
	return hsm_priv_attrs(h, k->priv, a);
}

void
hsm_key_free(struct hsm_key *k)
{
	if (k == NULL)
		return;
	free(k->label);
	EVP_PKEY_free(k->pubkey);
	free(k);
}

void
hsm_keys_free(struct hsm_key **v, size_t n)
{
	size_t	i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		hsm_key_free(v[i]);
	free(v);
}

/* The public key object of a private key: same CKA_ID, else same label. */
static CK_OBJECT_HANDLE
key_pub_object(struct hsm *h, const struct hsm_key *k)
{
	CK_OBJECT_CLASS		 cls = CKO_PUBLIC_KEY;
	CK_ATTRIBUTE		 t[] = {
		{ CKA_CLASS, &cls, sizeof(cls) },
		{ CKA_ID, (void *)k->id, k->id_len },
	};
	CK_OBJECT_HANDLE	*objs = NULL, pub = 0;
	size_t			 n;

	if (k->id_len == 0) {
		t[1].type = CKA_LABEL;
		t[1].pValue = k->label;
		t[1].ulValueLen = strlen(k->label);
	}
	if (hsm_find(h, t, 2, &objs, &n) == 0 && n > 0)
		pub = objs[0];
	free(objs);
	return pub;
}

/* The key type without a public key: from the private object's params. */
static void
key_spec_from_priv(struct hsm *h, struct hsm_key *k, CK_KEY_TYPE type)
{
	unsigned char	*v = NULL;
	size_t		 len;
	int		 nid;

	if (type == CKK_EC &&
	    hsm_attr_get(h, k->priv, CKA_EC_PARAMS, &v, &len) == 0 &&
	    hsm_ec_params_nid(v, len, &nid) == 0)
		(void)hsm_keyspec_curve(nid, &k->spec);
	free(v);
	if (k->spec.kind == 0)
		snprintf(k->spec.name, sizeof(k->spec.name), "unknown");
}

/* One private key, with its public object and key when they exist. */
static int
key_load(struct hsm *h, CK_OBJECT_HANDLE priv, struct hsm_key **out)
{
	struct hsm_key	*k;
	unsigned char	*v = NULL;
	size_t		 len;
	CK_ULONG	 type = 0;

	*out = NULL;
	if ((k = calloc(1, sizeof(*k))) == NULL) {
		err_set("out of memory listing keys");
		return 1;
	}
	k->priv = priv;
	if (hsm_attr_get(h, priv, CKA_LABEL, &v, &len) != 0 ||
	    hsm_attr_ulong(h, priv, CKA_KEY_TYPE, &type) != 0) {
		free(v);
		hsm_key_free(k);
		return 1;
	}
	k->label = (char *)v;
	v = NULL;
	if (hsm_attr_get(h, priv, CKA_ID, &v, &len) == 0 &&
	    len <= sizeof(k->id)) {
		memcpy(k->id, v, len);
		k->id_len = len;
	}
	free(v);
	k->pub = key_pub_object(h, k);
	if (hsm_pubkey_read(h, k->pub ? k->pub : priv, type, &k->pubkey) !=
	    0 || hsm_keyspec_of(k->pubkey, &k->spec) != 0)
		key_spec_from_priv(h, k, type);
	err_clear();	/* what could not be read shows as missing */
	*out = k;
	return 0;
}

/* Every private key on the token; free with hsm_keys_free(). */
int
hsm_keys(struct hsm *h, struct hsm_key ***out, size_t *nout)
{
	CK_OBJECT_CLASS		 cls = CKO_PRIVATE_KEY;
	CK_ATTRIBUTE		 t[] = { { CKA_CLASS, &cls, sizeof(cls) } };
	CK_OBJECT_HANDLE	*objs = NULL;
	struct hsm_key		**v = NULL;
	size_t			 n = 0, i;
	int			 rc = 0;

	*out = NULL;
	*nout = 0;
	if (hsm_need_token(h) != 0 || hsm_find(h, t, 1, &objs, &n) != 0)
		goto fail;
	if ((v = calloc(n + 1, sizeof(*v))) == NULL) {
		err_set("out of memory listing keys");
		goto fail;
	}
	for (i = 0; i < n; i++)
		if (key_load(h, objs[i], &v[i]) != 0)
			goto fail;
	*out = v;
	*nout = n;
	v = NULL;
	goto out;
fail:
	rc = 1;
out:
	hsm_keys_free(v, n);
	free(objs);
	return rc;
}

/* A pkcs11: URI as a key reference on the selected token. */
static int
keyref_uri(struct hsm *h, const char *ref, struct hsm_uri *u,
    struct keyref *r)
{
	if (hsm_uri_parse(ref, u) != 0)
		return 1;
	if (u->token != NULL && strcmp(u->token, h->tok.label) != 0) {
		err_set("the key URI names token \"%s\" but token \"%s\" is "
		    "in use: use --token \"%s\" or fix the URI", u->token,
		    h->tok.label, u->token);
		return 1;
	}
	if (u->serial != NULL && strcmp(u->serial, h->tok.serial) != 0) {
		err_set("the key URI names serial %s but token \"%s\" has "
		    "serial %s", u->serial, h->tok.label, h->tok.serial);
		return 1;
	}
	if ((u->manufacturer != NULL &&
	    strcmp(u->manufacturer, h->tok.manufacturer) != 0) ||
	    (u->model != NULL && strcmp(u->model, h->tok.model) != 0)) {
		err_set("the key URI names another make of token than "
		    "token \"%s\" (%s %s): fix the URI", h->tok.label,
		    h->tok.manufacturer, h->tok.model);
		return 1;
	}
	if (u->type != NULL && strcmp(u->type, "private") != 0 &&
	    strcmp(u->type, "public") != 0) {
		err_set("the key URI names type=%s: a signing key is "
		    "type=private (or public, for its pair)", u->type);
		return 1;
	}
	if (u->object == NULL && u->id_len == 0) {
		err_set("the key URI names no key: give object= or id=");
		return 1;
	}
	r->label = u->object;
	r->has_id = u->id_len > 0;
	memcpy(r->id, u->id, u->id_len);
	r->id_len = u->id_len;
	return 0;
}

static int
keyref_parse(struct hsm *h, const char *ref, struct hsm_uri *u,
    struct keyref *r)
{
	memset(r, 0, sizeof(*r));
	if (ref == NULL || *ref == '\0') {
		err_set("no key given: name it by label, id:HEX or pkcs11: "
		    "URI (see \"ceremony key list\")");
		return 1;
	}
	if (strncmp(ref, "pkcs11:", 7) == 0)
		return keyref_uri(h, ref, u, r);
	if (strncmp(ref, "id:", 3) == 0) {
		if (hex_decode(ref + 3, r->id, sizeof(r->id), &r->id_len)) {
			err_set("bad key id \"%s\": give hex digits after "
			    "\"id:\" as \"ceremony key list\" shows them", ref);
			return 1;
		}
		r->has_id = 1;
		return 0;
	}
	r->label = ref;
	return 0;
}

static int
keyref_match(const struct keyref *r, const struct hsm_key *k)
{
	if (r->label != NULL && strcmp(r->label, k->label) != 0)
		return 0;
	if (r->has_id && (r->id_len != k->id_len ||
	    memcmp(r->id, k->id, r->id_len) != 0))
		return 0;
	return 1;
}

/* The one key a reference names, ready to use. */
static int
key_pick(struct hsm *h, const char *ref, struct hsm_key **v, size_t n,
    size_t found, size_t at)
{
	if (found == 0) {
		err_set("no key \"%s\" on token \"%s\": see \"ceremony key "
		    "list\"", ref, h->tok.label);
		return 1;
	}
	if (found > 1) {
		err_set("%zu keys on token \"%s\" match \"%s\": name one by "
		    "id:HEX (see \"ceremony key list\")", found, h->tok.label,
		    ref);
		return 1;
	}
	if (at >= n || v[at]->pubkey == NULL) {
		err_set("key \"%s\" on token \"%s\" has no public key object "
		    "and the token does not show its public key: it cannot "
		    "be used", ref, h->tok.label);
		return 1;
	}
	return 0;
}

int
hsm_key_find(struct hsm *h, const char *ref, struct hsm_key **out)
{
	struct hsm_uri	  u;
	struct keyref	  r;
	struct hsm_key	**v = NULL;
	size_t		  n = 0, i, found = 0, at = 0;
	int		  rc = 0;

	*out = NULL;
	memset(&u, 0, sizeof(u));
	if (hsm_need_token(h) != 0 || keyref_parse(h, ref, &u, &r) != 0 ||
	    hsm_keys(h, &v, &n) != 0)
		goto fail;
	for (i = 0; i < n; i++)
		if (keyref_match(&r, v[i]) && found++ == 0)
			at = i;
	if (key_pick(h, ref, v, n, found, at) != 0)
		goto fail;
	*out = v[at];
	v[at] = NULL;
	goto out;
fail:
	rc = 1;
out:
	hsm_keys_free(v, n);
	hsm_uri_clear(&u);
	return rc;
}

/* The private key whose public key is pkey: by CKA_ID first, then any. */
int
hsm_key_find_pubkey(struct hsm *h, EVP_PKEY *pkey, struct hsm_key **out)
{
	struct hsm_key	**v = NULL;
	unsigned char	  id[SHA_DIGEST_LENGTH];
	size_t		  n = 0, i, idlen, at = (size_t)-1;
	int		  pass, rc = 0;

	*out = NULL;
	if (hsm_need_token(h) != 0 || hsm_pubkey_id(pkey, id, &idlen) != 0 ||
	    hsm_keys(h, &v, &n) != 0)
		goto fail;
	for (pass = 0; pass < 2 && at == (size_t)-1; pass++)
		for (i = 0; i < n && at == (size_t)-1; i++) {
			if (pass == 0 && (v[i]->id_len != idlen ||
			    memcmp(v[i]->id, id, idlen) != 0))
				continue;
			if (v[i]->pubkey != NULL &&
			    EVP_PKEY_eq(v[i]->pubkey, pkey) == 1)
				at = i;
		}
	if (at == (size_t)-1) {
		err_set("token \"%s\" holds no private key for this public "
		    "key: check --token (see \"ceremony key list\")",
		    h->tok.label);
		goto fail;
	}
	*out = v[at];
	v[at] = NULL;
	goto out;
fail:
	rc = 1;
out:
	hsm_keys_free(v, n);
	ERR_clear_error();	/* EVP_PKEY_eq on keys of other types */
	return rc;
}
