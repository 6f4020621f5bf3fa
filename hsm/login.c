/* SPDX-License-Identifier: ISC */
/*
 * The user login, with the token's own word on what a wrong PIN cost,
 * logout and the token's random number generator.  The login is on our
 * session; PKCS#11 login state belongs to the token for the whole
 * process, so libp11's sessions (for signing) share it.
 */
#include <string.h>

#include <openssl/crypto.h>

#include "util/util.h"
#include "hsm/hsm_int.h"

/* What the token says about the user PIN now, for after a wrong one. */
static const char *
pin_state(struct hsm *h)
{
	struct hsm_token_info	 t;
	const char		*words = NULL;

	if (hsm_token_info_read(h, h->tok.slot_id, &t) == 0) {
		h->tok = t;
		words = hsm_pin_tries_text(&t);
	}
	return words != NULL ? words :
	    "the token does not say how many tries remain";
}

/* A PIN the token would refuse for its length, refused before trying. */
int
hsm_pin_len_check(const struct hsm_token_info *t, const char *what,
    const struct secret *pin)
{
	if (t->max_pin_len == 0 || (pin->len >= t->min_pin_len &&
	    pin->len <= t->max_pin_len))
		return 0;
	err_set("the %s has %zu characters; token \"%s\" takes %lu to %lu",
	    what, pin->len, t->label[0] ? t->label : "(new)", t->min_pin_len,
	    t->max_pin_len);
	return 1;
}

static int
login_failed(struct hsm *h, CK_RV rv)
{
	const char	*label = h->tok.label;

	switch (rv) {
	case CKR_PIN_INCORRECT:
		err_set("token \"%s\": PIN incorrect (%s)",
		    label, pin_state(h));
		break;
	case CKR_PIN_LOCKED:
		err_set("token \"%s\": PIN locked: the security officer must "
		    "unlock it (C_InitPIN)", label);
		break;
	case CKR_PIN_LEN_RANGE:
	case CKR_PIN_INVALID:
		err_set("token \"%s\": %s: check the PIN file or what was "
		    "typed", label, hsm_rv_text(rv));
		break;
	case CKR_USER_PIN_NOT_INITIALIZED:
		err_set("token \"%s\": the user PIN is not set: the security "
		    "officer must set it (C_InitPIN)", label);
		break;
	default:
		hsm_rv_err(h, rv, "login failed");
	}
	return 1;
}

int
hsm_login(struct hsm *h, const struct secret *pin)
{
	struct hsm_token_info	t;
	CK_RV			rv;

	if (hsm_need_token(h) != 0)
		return 1;
	if (pin == NULL || pin->len == 0) {
		err_set("token \"%s\": empty PIN", h->tok.label);
		return 1;
	}
	if (hsm_token_info_read(h, h->tok.slot_id, &t) != 0)
		return 1;
	h->tok = t;
	/* Every try counts against a locked PIN: do not try. */
	if (t.user_pin_locked)
		return login_failed(h, CKR_PIN_LOCKED);
	if (hsm_pin_len_check(&t, "user PIN", pin) != 0)
		return 1;
	if ((rv = h->f->C_Login(h->session, CKU_USER,
	    (CK_UTF8CHAR_PTR)pin->buf, pin->len)) != CKR_OK &&
	    rv != CKR_USER_ALREADY_LOGGED_IN)
		return login_failed(h, rv);
	h->logged_in = 1;
	return 0;
}

int
hsm_logout(struct hsm *h)
{
	CK_RV	rv;

	if (hsm_need_token(h) != 0)
		return 1;
	h->logged_in = 0;
	if ((rv = h->f->C_Logout(h->session)) != CKR_OK &&
	    rv != CKR_USER_NOT_LOGGED_IN) {
		hsm_rv_err(h, rv, "logout failed");
		return 1;
	}
	return 0;
}

/* len bytes from the token's generator. */
int
hsm_random(struct hsm *h, unsigned char *buf, size_t len)
{
	CK_RV	rv;

	if (hsm_need_token(h) != 0)
		return 1;
	if ((rv = h->f->C_GenerateRandom(h->session, buf, len)) != CKR_OK) {
		hsm_rv_err(h, rv, "cannot get %zu random bytes", len);
		OPENSSL_cleanse(buf, len);
		return 1;
	}
	return 0;
}

/*
 * Change the user PIN (C_SetPIN, logged in as the user).  The new PIN is
 * checked against the token's length limits first, so a refusal costs
 * nothing; both PINs stay the caller's to wipe.
 */
int
hsm_set_pin(struct hsm *h, const struct secret *old,
    const struct secret *pin)
{
	CK_RV	rv;

	if (hsm_need_token(h) != 0)
		return 1;
	if (hsm_pin_len_check(&h->tok, "new user PIN", pin) != 0)
		return 1;
	if ((rv = h->f->C_SetPIN(h->session, (CK_UTF8CHAR_PTR)old->buf,
	    old->len, (CK_UTF8CHAR_PTR)pin->buf, pin->len)) != CKR_OK) {
		hsm_rv_err(h, rv, "cannot set the new user PIN; the old one "
		    "stays");
		return 1;
	}
	return 0;
}
