/* SPDX-License-Identifier: ISC */
/*
 * Key pair generation on the token with raw C_GenerateKeyPair (libp11
 * 0.4.12 cannot make EC keys): a private key that never leaves the token
 * and can only sign, CKA_ID set to the SHA-1 of the public key, and every
 * attribute read back before the key is handed out.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "util/util.h"
#include "hsm/hsm_int.h"

/* One generation under way: what was asked and what exists so far. */
struct gen {
	struct hsm			*h;
	const struct hsm_keyspec	*spec;
	const char			*label;
	int				 flags;
	CK_OBJECT_HANDLE		 pub, priv;
	int				 made;
	EVP_PKEY			*pkey;
	unsigned char			 id[64];
	size_t				 idlen;
};

/* A label a key reference can name without doubt, not yet on the token. */
static int
label_free(struct hsm *h, const char *label)
{
	CK_ATTRIBUTE		 t[] = {
		{ CKA_LABEL, (void *)label, strlen(label) },
	};
	CK_OBJECT_HANDLE	*objs = NULL;
	size_t			 n, i;

	if (*label == '\0' || strlen(label) > 64) {
		err_set("a key label has 1 to 64 characters");
		return 1;
	}
	for (i = 0; label[i] != '\0'; i++)
		if ((unsigned char)label[i] < 0x20 || label[i] == 0x7f) {
			err_set("a key label may not contain control "
			    "characters");
			return 1;
		}
	if (strncmp(label, "pkcs11:", 7) == 0 || strncmp(label, "id:", 3) == 0) {
		err_set("key label \"%s\" would read as a key reference: "
		    "choose one that does not start with \"pkcs11:\" or "
		    "\"id:\"", label);
		return 1;
	}
	if (hsm_find(h, t, 1, &objs, &n) != 0)
		return 1;
	free(objs);
	if (n > 0) {
		err_set("token \"%s\" already has an object labelled \"%s\": "
		    "choose another label (see \"ceremony key list\")",
		    h->tok.label, label);
		return 1;
	}
	return 0;
}

static int
gen_pair(struct gen *g)
{
	CK_BBOOL	 yes = CK_TRUE, no = CK_FALSE;
	CK_BBOOL	 reauth = (g->flags & HSM_KEYGEN_ALWAYS_AUTH) ?
	    CK_TRUE : CK_FALSE;
	CK_ULONG	 bits = g->spec->bits;
	CK_BYTE		 e[] = { 0x01, 0x00, 0x01 };	/* 65537 */
	CK_MECHANISM	 mech = { CKM_RSA_PKCS_KEY_PAIR_GEN, NULL, 0 };
	unsigned char	*ecp = NULL;
	size_t		 ecplen = 0;
	CK_ULONG	 npub = 6;
	CK_RV		 rv;
	CK_ATTRIBUTE	 pub[8] = {
		{ CKA_TOKEN, &yes, sizeof(yes) },
		{ CKA_PRIVATE, &no, sizeof(no) },
		{ CKA_VERIFY, &yes, sizeof(yes) },
		{ CKA_ENCRYPT, &no, sizeof(no) },
		{ CKA_WRAP, &no, sizeof(no) },
		{ CKA_LABEL, (void *)g->label, strlen(g->label) },
	};
	CK_ATTRIBUTE	 priv[] = {
		{ CKA_TOKEN, &yes, sizeof(yes) },
		{ CKA_PRIVATE, &yes, sizeof(yes) },
		{ CKA_SENSITIVE, &yes, sizeof(yes) },
		{ CKA_EXTRACTABLE, &no, sizeof(no) },
		{ CKA_SIGN, &yes, sizeof(yes) },
		{ CKA_DECRYPT, &no, sizeof(no) },
		{ CKA_UNWRAP, &no, sizeof(no) },
		{ CKA_DERIVE, &no, sizeof(no) },
		{ CKA_LABEL, (void *)g->label, strlen(g->label) },
		{ CKA_ALWAYS_AUTHENTICATE, &reauth, sizeof(reauth) },
	};
	CK_ULONG	 npriv = sizeof(priv) / sizeof(priv[0]);

	if (g->spec->kind == HSM_KEY_RSA) {
		pub[npub++] = (CK_ATTRIBUTE){ CKA_MODULUS_BITS, &bits,
		    sizeof(bits) };
		pub[npub++] = (CK_ATTRIBUTE){ CKA_PUBLIC_EXPONENT, e,
		    sizeof(e) };
	} else {
		if (hsm_ec_params_der(g->spec->nid, &ecp, &ecplen) != 0)
			return 1;
		mech.mechanism = CKM_EC_KEY_PAIR_GEN;
		pub[npub++] = (CK_ATTRIBUTE){ CKA_EC_PARAMS, ecp, ecplen };
	}
	/* Ask for CKA_ALWAYS_AUTHENTICATE only when wanted: not every
	 * token knows the attribute. */
	if (!reauth)
		npriv--;
	if ((rv = g->h->f->C_GenerateKeyPair(g->h->session, &mech, pub, npub,
	    priv, npriv, &g->pub, &g->priv)) != CKR_OK) {
		hsm_rv_err(g->h, rv, "cannot generate a %s key pair",
		    g->spec->name);
		free(ecp);
		return 1;
	}
	g->made = 1;
	free(ecp);
	return 0;
}

/* CKA_ID = SHA-1 of the public key, on both objects. */
static int
gen_set_id(struct gen *g)
{
	CK_ATTRIBUTE	t[] = { { CKA_ID, g->id, 0 } };
	CK_RV		rv;

	if (hsm_pubkey_read(g->h, g->pub, g->spec->kind == HSM_KEY_RSA ?
	    CKK_RSA : CKK_EC, &g->pkey) != 0 ||
	    hsm_pubkey_id(g->pkey, g->id, &g->idlen) != 0)
		return 1;
	t[0].ulValueLen = g->idlen;
	if ((rv = g->h->f->C_SetAttributeValue(g->h->session, g->pub, t, 1)) !=
	    CKR_OK) {
		hsm_rv_err(g->h, rv, "cannot set CKA_ID of the public key");
		return 1;
	}
	if ((rv = g->h->f->C_SetAttributeValue(g->h->session, g->priv, t,
	    1)) != CKR_OK) {
		hsm_rv_err(g->h, rv, "cannot set CKA_ID of the private key");
		return 1;
	}
	return 0;
}

/* The first attribute the token did not keep as asked, or NULL. */
static const char *
gen_attrs_differ(struct gen *g, const struct hsm_key_attrs *a)
{
	if (!a->token)
		return "CKA_TOKEN";
	if (!a->private_)
		return "CKA_PRIVATE";
	if (!a->sensitive)
		return "CKA_SENSITIVE";
	if (a->extractable)
		return "CKA_EXTRACTABLE";
	if (!a->always_sensitive)
		return "CKA_ALWAYS_SENSITIVE";
	if (!a->never_extractable)
		return "CKA_NEVER_EXTRACTABLE";
	if (!a->sign)
		return "CKA_SIGN";
	if (a->decrypt)
		return "CKA_DECRYPT";
	if (a->unwrap)
		return "CKA_UNWRAP";
	if (a->derive)
		return "CKA_DERIVE";
	if (a->always_authenticate != !!(g->flags & HSM_KEYGEN_ALWAYS_AUTH))
		return "CKA_ALWAYS_AUTHENTICATE";
	return NULL;
}

/*
 * A key that asks for the PIN before each use must not sign without it:
 * one signature is tried, on a session of its own (so that nothing stays
 * active on ours), before any context-specific login.  A token that keeps
 * the attribute and signs anyway (opencryptoki 3.8) cannot hold such a
 * key; one that asks for the login refuses with CKR_USER_NOT_LOGGED_IN.
 */
static int
gen_reauth_check(struct gen *g)
{
	struct hsm		*h = g->h;
	CK_MECHANISM		 mech = { g->spec->kind == HSM_KEY_RSA ?
				    CKM_RSA_PKCS : CKM_ECDSA, NULL, 0 };
	CK_BYTE			 data[32], sig[1024];
	CK_ULONG		 siglen = sizeof(sig);
	CK_SESSION_HANDLE	 s;
	CK_RV			 rv;
	int			 rc = 1;

	if (!(g->flags & HSM_KEYGEN_ALWAYS_AUTH))
		return 0;
	memset(data, 0x5a, sizeof(data));
	if ((rv = h->f->C_OpenSession(h->tok.slot_id, CKF_SERIAL_SESSION,
	    NULL, NULL, &s)) != CKR_OK) {
		hsm_rv_err(h, rv, "cannot open a session to check the new key");
		return 1;
	}
	if ((rv = h->f->C_SignInit(s, &mech, g->priv)) != CKR_OK)
		hsm_rv_err(h, rv, "cannot check that the new key asks for the "
		    "PIN");
	else if ((rv = h->f->C_Sign(s, data, sizeof(data), sig, &siglen)) ==
	    CKR_OK)
		err_set("token \"%s\" keeps CKA_ALWAYS_AUTHENTICATE but signs "
		    "without the PIN again: the key pair was destroyed; make "
		    "the key without a PIN before each use", h->tok.label);
	else if (rv != CKR_USER_NOT_LOGGED_IN)
		hsm_rv_err(h, rv, "cannot check that the new key asks for the "
		    "PIN");
	else
		rc = 0;
	(void)h->f->C_CloseSession(s);
	OPENSSL_cleanse(sig, sizeof(sig));
	return rc;
}

static int
gen_check(struct gen *g)
{
	struct hsm_key_attrs	 a;
	const char		*bad;

	if (hsm_priv_attrs(g->h, g->priv, &a) != 0)
		return 1;
	if ((bad = gen_attrs_differ(g, &a)) != NULL) {
		err_set("token \"%s\" did not keep %s of the new key as asked: "
		    "the key pair was destroyed; this token cannot hold a "
		    "CA key safely", g->h->tok.label, bad);
		return 1;
	}
	return gen_reauth_check(g);
}

static int
gen_result(struct gen *g, struct hsm_key **out)
{
	struct hsm_key	*k;

	if ((k = calloc(1, sizeof(*k))) == NULL ||
	    (k->label = strdup(g->label)) == NULL) {
		free(k);
		err_set("out of memory");
		return 1;
	}
	memcpy(k->id, g->id, g->idlen);
	k->id_len = g->idlen;
	k->priv = g->priv;
	k->pub = g->pub;
	k->spec = *g->spec;
	k->pubkey = g->pkey;
	g->pkey = NULL;
	*out = k;
	return 0;
}

/*
 * Destroy the half-made pair; a half that stays on the token is said in
 * front of the reason the generation failed, so the officer removes it.
 */
static void
gen_undo(struct gen *g)
{
	struct hsm	*h = g->h;
	CK_RV		 rv;

	if ((rv = h->f->C_DestroyObject(h->session, g->priv)) != CKR_OK)
		err_context("the half-made private key \"%s\" could not be "
		    "destroyed (%s): delete it with the token's own tool "
		    "before generating again", g->label, hsm_rv_text(rv));
	if ((rv = h->f->C_DestroyObject(h->session, g->pub)) != CKR_OK)
		err_context("the half-made public key \"%s\" could not be "
		    "destroyed (%s): delete it with the token's own tool "
		    "before generating again", g->label, hsm_rv_text(rv));
}

int
hsm_key_generate_ex(struct hsm *h, const struct hsm_keyspec *spec,
    const char *label, int flags, struct hsm_key **out)
{
	struct gen	g;
	int		rc = 0;

	*out = NULL;
	memset(&g, 0, sizeof(g));
	g.h = h;
	g.spec = spec;
	g.label = label;
	g.flags = flags;
	if (hsm_need_token(h) != 0 || label_free(h, label) != 0 ||
	    hsm_keyspec_supported(h, spec) != 0 || gen_pair(&g) != 0 || gen_set_id(&g) != 0 || gen_check(&g) != 0 ||
	    gen_result(&g, out) != 0)
		goto fail;
	goto out;
fail:
	rc = 1;
	/* Half a key pair is worse than none. */
	if (g.made)
		gen_undo(&g);
out:
	EVP_PKEY_free(g.pkey);
	return rc;
}

int
hsm_key_generate(struct hsm *h, const struct hsm_keyspec *spec,
    const char *label, struct hsm_key **out)
{
	return hsm_key_generate_ex(h, spec, label, 0, out);
}
