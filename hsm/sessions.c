/* SPDX-License-Identifier: ISC */
/*
 * How many sessions may sign at once.  ceremony signs through libp11's
 * EVP_PKEY, and libp11 (0.4.11 on) runs each signature on a session it
 * takes from its pool for the slot, opening one when none is free, up to
 * 16: so N threads signing at once use N sessions, each logged in by the
 * one C_Login (login state is the application's, not the session's).
 * The token bounds them by ulMaxSessionCount, less the sessions open now;
 * a key that asks for the PIN before each use signs on one session, so
 * that the PIN is asked for one signature at a time.
 */
#include <p11-kit/pkcs11.h>

#include "util/util.h"
#include "hsm/hsm_int.h"

/* Sessions the token can still open: ~0UL when it sets no bound. */
static unsigned long
token_room(const struct hsm_token_info *t)
{
	if (t->max_sessions == CK_EFFECTIVELY_INFINITE ||
	    t->max_sessions == CK_UNAVAILABLE_INFORMATION)
		return ~0UL;
	if (t->sessions == CK_UNAVAILABLE_INFORMATION)
		return 1;	/* bounded, and how many are open unknown */
	/* libp11's pool holds one session already (it listed the keys),
	 * which signing reuses. */
	return t->max_sessions > t->sessions ?
	    t->max_sessions - t->sessions + 1 : 1;
}

/*
 * At most want sessions (0: as many as libp11 keeps) to sign with key k:
 * *got is how many, *why (or NULL) says what cut the count below want.
 */
int
hsm_sign_sessions(struct hsm *h, const struct hsm_key *k,
    unsigned long want, unsigned long *got, const char **why)
{
	struct hsm_token_info	t;
	struct hsm_key_attrs	a;
	unsigned long		room;

	*why = NULL;
	*got = 1;
	if (want == 0 || want > HSM_SIGN_SESSIONS_MAX)
		want = HSM_SIGN_SESSIONS_MAX;
	if (hsm_need_token(h) != 0 || hsm_key_attrs(h, k, &a) != 0 ||
	    hsm_token_info_read(h, h->tok.slot_id, &t) != 0)
		return 1;
	if (a.always_authenticate) {
		*why = "the key asks for the PIN before each use";
		return 0;
	}
	if ((room = token_room(&t)) < want) {
		*why = "the token allows no more sessions";
		want = room;
	}
	*got = want;
	return 0;
}
