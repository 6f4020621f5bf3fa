/* SPDX-License-Identifier: ISC */
/*
 * Slots and tokens: listing them, choosing one by label, initialising a
 * new one.  Slot lists come from raw C_GetSlotList/C_GetTokenInfo, so the
 * flags are current; libp11's slot list is taken only once a token is
 * selected, and never touches an uninitialised token (libp11 0.4.12 hangs
 * logging in to one).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libp11.h>

#include "util/util.h"
#include "hsm/hsm_int.h"

/* A blank-padded PKCS#11 string as C text, trailing blanks removed. */
static void
padded_copy(char *dst, size_t dstsz, const unsigned char *src, size_t len)
{
	if (len > dstsz - 1)
		len = dstsz - 1;
	memcpy(dst, src, len);
	while (len > 0 && (dst[len - 1] == ' ' || dst[len - 1] == '\0'))
		len--;
	dst[len] = '\0';
}

static void
flags_copy(struct hsm_token_info *t, CK_FLAGS fl)
{
	t->initialized = (fl & CKF_TOKEN_INITIALIZED) != 0;
	t->login_required = (fl & CKF_LOGIN_REQUIRED) != 0;
	t->user_pin_initialized = (fl & CKF_USER_PIN_INITIALIZED) != 0;
	t->user_pin_count_low = (fl & CKF_USER_PIN_COUNT_LOW) != 0;
	t->user_pin_final_try = (fl & CKF_USER_PIN_FINAL_TRY) != 0;
	t->user_pin_locked = (fl & CKF_USER_PIN_LOCKED) != 0;
	t->so_pin_count_low = (fl & CKF_SO_PIN_COUNT_LOW) != 0;
	t->so_pin_final_try = (fl & CKF_SO_PIN_FINAL_TRY) != 0;
	t->so_pin_locked = (fl & CKF_SO_PIN_LOCKED) != 0;
	t->has_rng = (fl & CKF_RNG) != 0;
}

/* What the slot and its token (if any) say now. */
int
hsm_token_info_read(struct hsm *h, CK_SLOT_ID id, struct hsm_token_info *t)
{
	CK_SLOT_INFO	si;
	CK_TOKEN_INFO	ti;
	CK_RV		rv;

	memset(t, 0, sizeof(*t));
	t->slot_id = id;
	if ((rv = h->f->C_GetSlotInfo(id, &si)) != CKR_OK) {
		hsm_rv_err(NULL, rv, "slot %lu: C_GetSlotInfo", id);
		return 1;
	}
	if ((si.flags & CKF_TOKEN_PRESENT) == 0)
		return 0;
	if ((rv = h->f->C_GetTokenInfo(id, &ti)) != CKR_OK) {
		hsm_rv_err(NULL, rv, "slot %lu: C_GetTokenInfo", id);
		return 1;
	}
	t->present = 1;
	padded_copy(t->label, sizeof(t->label), ti.label, sizeof(ti.label));
	padded_copy(t->serial, sizeof(t->serial), ti.serialNumber,
	    sizeof(ti.serialNumber));
	padded_copy(t->manufacturer, sizeof(t->manufacturer),
	    ti.manufacturerID, sizeof(ti.manufacturerID));
	padded_copy(t->model, sizeof(t->model), ti.model, sizeof(ti.model));
	flags_copy(t, ti.flags);
	t->min_pin_len = ti.ulMinPinLen;
	t->max_pin_len = ti.ulMaxPinLen;
	t->max_sessions = ti.ulMaxSessionCount;
	t->sessions = ti.ulSessionCount;
	return 0;
}

/* Every slot of the module, with its token; free() the array. */
int
hsm_tokens(struct hsm *h, struct hsm_token_info **out, size_t *nout)
{
	struct hsm_token_info	*v = NULL;
	CK_SLOT_ID		*ids = NULL;
	CK_ULONG		 n = 0, i;
	CK_RV			 rv;
	int			 rc = 0;

	*out = NULL;
	*nout = 0;
	if ((rv = h->f->C_GetSlotList(CK_FALSE, NULL, &n)) != CKR_OK) {
		hsm_rv_err(NULL, rv, "module %s: cannot list slots", h->module);
		goto fail;
	}
	if ((ids = calloc(n + 1, sizeof(*ids))) == NULL ||
	    (v = calloc(n + 1, sizeof(*v))) == NULL) {
		err_set("out of memory listing slots");
		goto fail;
	}
	if ((rv = h->f->C_GetSlotList(CK_FALSE, ids, &n)) != CKR_OK) {
		hsm_rv_err(NULL, rv, "module %s: cannot list slots", h->module);
		goto fail;
	}
	for (i = 0; i < n; i++)
		if (hsm_token_info_read(h, ids[i], &v[i]) != 0)
			goto fail;
	*out = v;
	*nout = n;
	v = NULL;
	goto out;
fail:
	rc = 1;
out:
	free(ids);
	free(v);
	return rc;
}

/* The one initialised token with that label, or an error naming all. */
static int
token_by_label(struct hsm *h, const char *label, struct hsm_token_info *out)
{
	struct hsm_token_info	*v = NULL;
	size_t			 n, i, found = 0;
	char			 serials[256] = "";
	size_t			 used = 0;
	int			 rc = 1;

	if (hsm_tokens(h, &v, &n) != 0)
		return 1;
	for (i = 0; i < n; i++) {
		if (!v[i].present || strcmp(v[i].label, label) != 0)
			continue;
		if (found++ == 0)
			*out = v[i];
		if (used < sizeof(serials))
			used += snprintf(serials + used, sizeof(serials) - used,
			    "%s%s", used ? ", " : "", v[i].serial);
	}
	if (found == 0)
		err_set("no token labelled \"%s\" in %s: see \"ceremony token "
		    "list\", or check --token and --module", label, h->module);
	else if (found > 1)
		err_set("%zu tokens are labelled \"%s\" (serials %s): "
		    "remove all but one, or relabel them", found, label,
		    serials);
	else if (!out->initialized)
		err_set("token \"%s\" is not initialised: run \"ceremony "
		    "token init\" first", label);
	else
		rc = 0;
	free(v);
	return rc;
}

/* libp11's slot for the selected token, from a fresh slot list. */
static int
select_libp11(struct hsm *h)
{
	unsigned int	i;

	if (h->slots != NULL)
		PKCS11_release_all_slots(h->ctx, h->slots, h->nslots);
	h->slots = NULL;
	h->nslots = 0;
	h->slot = NULL;
	if (PKCS11_enumerate_slots(h->ctx, &h->slots, &h->nslots) != 0) {
		err_ossl("module %s: libp11 cannot list the slots", h->module);
		return 1;
	}
	for (i = 0; i < h->nslots; i++)
		if (PKCS11_get_slotid_from_slot(&h->slots[i]) ==
		    h->tok.slot_id && h->slots[i].token != NULL)
			h->slot = &h->slots[i];
	if (h->slot == NULL) {
		err_set("token \"%s\": libp11 does not see slot %lu: check "
		    "the module", h->tok.label, h->tok.slot_id);
		return 1;
	}
	return 0;
}

/* Drop the selected token: log out and close our session. */
static void
deselect(struct hsm *h)
{
	if (!h->selected)
		return;
	if (h->logged_in)
		(void)h->f->C_Logout(h->session);
	(void)h->f->C_CloseSession(h->session);
	h->selected = 0;
	h->logged_in = 0;
	h->slot = NULL;
}

int
hsm_token_select(struct hsm *h, const char *label)
{
	struct hsm_token_info	t;
	CK_RV			rv;

	deselect(h);
	if (label == NULL || *label == '\0') {
		err_set("no token label given: use --token LABEL (see "
		    "\"ceremony token list\")");
		return 1;
	}
	if (token_by_label(h, label, &t) != 0)
		return 1;
	if ((rv = h->f->C_OpenSession(t.slot_id, CKF_SERIAL_SESSION |
	    CKF_RW_SESSION, NULL, NULL, &h->session)) != CKR_OK) {
		hsm_rv_err(NULL, rv, "token \"%s\": cannot open a session",
		    label);
		return 1;
	}
	h->tok = t;
	h->selected = 1;
	if (select_libp11(h) != 0) {
		deselect(h);
		return 1;
	}
	return 0;
}

const struct hsm_token_info *
hsm_token(const struct hsm *h)
{
	return h != NULL && h->selected ? &h->tok : NULL;
}

/* C_InitToken on the slot, then the user PIN as the security officer. */
static int
token_init_slot(struct hsm *h, CK_SLOT_ID slot, const char *label,
    const struct secret *so_pin, const struct secret *user_pin)
{
	CK_UTF8CHAR		padded[32];
	CK_SESSION_HANDLE	s;
	CK_RV			rv;
	int			rc = 1, open = 0, in = 0;

	memset(padded, ' ', sizeof(padded));
	memcpy(padded, label, strlen(label));
	if ((rv = h->f->C_InitToken(slot, (CK_UTF8CHAR_PTR)so_pin->buf,
	    so_pin->len, padded)) != CKR_OK) {
		hsm_rv_err(NULL, rv, "cannot initialise token \"%s\" in "
		    "slot %lu", label, slot);
		goto out;
	}
	if ((rv = h->f->C_OpenSession(slot, CKF_SERIAL_SESSION |
	    CKF_RW_SESSION, NULL, NULL, &s)) != CKR_OK) {
		hsm_rv_err(NULL, rv, "token \"%s\": cannot open a session",
		    label);
		goto out;
	}
	open = 1;
	if ((rv = h->f->C_Login(s, CKU_SO, (CK_UTF8CHAR_PTR)so_pin->buf,
	    so_pin->len)) != CKR_OK) {
		hsm_rv_err(NULL, rv, "token \"%s\": security officer login",
		    label);
		goto out;
	}
	in = 1;
	if ((rv = h->f->C_InitPIN(s, (CK_UTF8CHAR_PTR)user_pin->buf,
	    user_pin->len)) != CKR_OK) {
		hsm_rv_err(NULL, rv, "token \"%s\": cannot set the user PIN",
		    label);
		goto out;
	}
	rc = 0;
out:
	if (in)
		(void)h->f->C_Logout(s);
	if (open)
		(void)h->f->C_CloseSession(s);
	return rc;
}

int
hsm_token_init(struct hsm *h, const char *label,
    const struct secret *so_pin, const struct secret *user_pin)
{
	struct hsm_token_info	*v = NULL;
	size_t			 n, i, slot = (size_t)-1;
	int			 rc = 1;

	if (label == NULL || *label == '\0' || strlen(label) > 32) {
		err_set("a token label has 1 to 32 characters");
		return 1;
	}
	if (hsm_tokens(h, &v, &n) != 0)
		return 1;
	for (i = 0; i < n; i++) {
		if (v[i].present && v[i].initialized &&
		    strcmp(v[i].label, label) == 0) {
			err_set("a token labelled \"%s\" exists already "
			    "(serial %s): choose another label", label,
			    v[i].serial);
			goto out;
		}
		if (v[i].present && !v[i].initialized && slot == (size_t)-1)
			slot = i;
	}
	if (slot == (size_t)-1) {
		err_set("no free slot with an uninitialised token in %s: "
		    "insert or create one", h->module);
		goto out;
	}
	if (hsm_pin_len_check(&v[slot], "SO PIN", so_pin) != 0 ||
	    hsm_pin_len_check(&v[slot], "user PIN", user_pin) != 0)
		goto out;
	rc = token_init_slot(h, v[slot].slot_id, label, so_pin, user_pin);
out:
	free(v);
	return rc;
}
