/* SPDX-License-Identifier: ISC */
/*
 * Signing with a token key through libp11: an EVP_PKEY whose private
 * operations run on the token, for X509_sign and EVP_DigestSign (RSA
 * PKCS#1 v1.5, ECDSA).  A key with CKA_ALWAYS_AUTHENTICATE makes libp11
 * ask for the PIN before each use through a UI_METHOD; ours hands the
 * question to the hsm_pin_cb the front end set, and wipes the answer.
 */
#include <string.h>

#include <openssl/err.h>
#include <openssl/ui.h>

#include <libp11.h>

#include "util/util.h"
#include "hsm/hsm_int.h"

/* libp11 asks for the PIN again (context-specific login). */
static int
ui_read(UI *ui, UI_STRING *uis)
{
	struct hsm	*h = UI_get0_user_data(ui);
	struct secret	*pin = NULL;
	int		 rc = 0;

	switch (UI_get_string_type(uis)) {
	case UIT_PROMPT:
	case UIT_VERIFY:
		break;
	case UIT_INFO:
	case UIT_ERROR:
		return 1;
	default:
		return 0;
	}
	if (h == NULL || h->pin_cb == NULL) {
		err_set("the key asks for the PIN before each use, and there "
		    "is no way to ask for it here");
		return 0;
	}
	if (h->pin_cb(h->pin_arg, &pin) != 0 || pin == NULL)
		return 0;
	if (UI_set_result_ex(ui, uis, pin->buf, pin->len) == 0)
		rc = 1;
	else
		err_set("the PIN given for the key is too short or too long");
	secret_free(pin);
	return rc;
}

int
hsm_ui_setup(struct hsm *h)
{
	if ((h->ui = UI_create_method("ceremony token PIN")) == NULL ||
	    UI_method_set_reader(h->ui, ui_read) != 0) {
		err_ossl("cannot set up the PIN prompt for libp11");
		return 1;
	}
	if (PKCS11_set_ui_method(h->ctx, h->ui, h) != 0) {
		err_ossl("cannot hand the PIN prompt to libp11");
		return 1;
	}
	return 0;
}

/* libp11's object for our key: same CKA_ID, and same label if several. */
static PKCS11_KEY *
signer_lookup(const struct hsm_key *k, PKCS11_KEY *keys, unsigned int n,
    unsigned int *found)
{
	PKCS11_KEY	*best = NULL;
	unsigned int	 i;

	*found = 0;
	for (i = 0; i < n; i++) {
		if (keys[i].id_len != k->id_len ||
		    memcmp(keys[i].id, k->id, k->id_len) != 0)
			continue;
		(*found)++;
		if (best == NULL || (keys[i].label != NULL &&
		    strcmp(keys[i].label, k->label) == 0))
			best = &keys[i];
	}
	return best;
}

/*
 * An EVP_PKEY that signs with the key on the token.  It lives in libp11's
 * slot list: free it before hsm_close() or another hsm_token_select().
 */
int
hsm_key_signer(struct hsm *h, const struct hsm_key *k, EVP_PKEY **out)
{
	PKCS11_KEY	*keys = NULL, *key;
	unsigned int	 n = 0, found;

	*out = NULL;
	if (hsm_need_token(h) != 0)
		return 1;
	if (k->id_len == 0) {
		err_set("key \"%s\" on token \"%s\" has no CKA_ID: libp11 "
		    "cannot tell it apart", k->label, h->tok.label);
		return 1;
	}
	if (PKCS11_enumerate_keys(h->slot->token, &keys, &n) != 0) {
		err_ossl("token \"%s\": libp11 cannot list the keys",
		    h->tok.label);
		return 1;
	}
	if ((key = signer_lookup(k, keys, n, &found)) == NULL) {
		err_set("token \"%s\": libp11 does not see key \"%s\": log in "
		    "first, or check the key with \"ceremony key show\"",
		    h->tok.label, k->label);
		return 1;
	}
	if ((*out = PKCS11_get_private_key(key)) == NULL) {
		err_ossl("token \"%s\": libp11 cannot use key \"%s\"",
		    h->tok.label, k->label);
		return 1;
	}
	ERR_clear_error();
	return 0;
}
