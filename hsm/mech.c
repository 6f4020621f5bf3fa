/* SPDX-License-Identifier: ISC */
/*
 * What the token can do, from its own mechanism list: a key type is
 * refused before any generation when the token lacks the mechanism that
 * makes the key pair or the one that signs with it, or the key size,
 * naming the mechanism and the key types the token can make instead.
 * Decided by capability (C_GetMechanismInfo), never by the module's name:
 * opencryptoki's soft token, for one, makes no EC keys.
 */
#include <stdio.h>
#include <string.h>

#include "util/util.h"
#include "hsm/hsm_int.h"

/* The mechanisms a key type needs: to make the pair, and to sign. */
struct mech_need {
	CK_MECHANISM_TYPE	 mech;
	const char		*name;
	CK_FLAGS		 flag;
	const char		*can;		/* what the flag allows */
};

static const struct mech_need rsa_needs[] = {
	{ CKM_RSA_PKCS_KEY_PAIR_GEN, "CKM_RSA_PKCS_KEY_PAIR_GEN",
	    CKF_GENERATE_KEY_PAIR, "generate key pairs" },
	{ CKM_RSA_PKCS, "CKM_RSA_PKCS", CKF_SIGN, "sign" },
};

static const struct mech_need ec_needs[] = {
	{ CKM_EC_KEY_PAIR_GEN, "CKM_EC_KEY_PAIR_GEN", CKF_GENERATE_KEY_PAIR,
	    "generate key pairs" },
	{ CKM_ECDSA, "CKM_ECDSA", CKF_SIGN, "sign" },
};

/*
 * Whether the token lacks what spec needs: 1 with the reason in why, 0
 * when it has it or does not say (the generation itself then tells).
 */
static int
spec_lacks(struct hsm *h, const struct hsm_keyspec *spec, char *why,
    size_t sz)
{
	const struct mech_need	*v = spec->kind == HSM_KEY_RSA ? rsa_needs :
				    ec_needs;
	CK_MECHANISM_INFO	 mi;
	CK_RV			 rv;
	size_t			 i;

	for (i = 0; i < 2; i++) {
		rv = h->f->C_GetMechanismInfo(h->tok.slot_id, v[i].mech, &mi);
		if (rv == CKR_MECHANISM_INVALID) {
			snprintf(why, sz, "it has no %s", v[i].name);
			return 1;
		}
		if (rv != CKR_OK)
			return 0;
		if ((mi.flags & v[i].flag) == 0) {
			snprintf(why, sz, "its %s cannot %s", v[i].name,
			    v[i].can);
			return 1;
		}
		/* RSA sizes are bits everywhere; EC sizes are bits or
		 * bytes, as the module pleases: only RSA is checked. */
		if (spec->kind == HSM_KEY_RSA && mi.ulMaxKeySize != 0 &&
		    ((CK_ULONG)spec->bits < mi.ulMinKeySize ||
		    (CK_ULONG)spec->bits > mi.ulMaxKeySize)) {
			snprintf(why, sz, "its %s takes %lu to %lu bits",
			    v[i].name, mi.ulMinKeySize, mi.ulMaxKeySize);
			return 1;
		}
	}
	return 0;
}

/* "a, b or c": the key types the token can make, or "" for none. */
static void
spec_others(struct hsm *h, char *buf, size_t sz)
{
	const struct hsm_keyspec	*s;
	const char			*ok[8];
	char				 why[96];
	size_t				 i, n = 0, used = 0;

	buf[0] = '\0';
	for (i = 0; (s = hsm_keyspec_nth(i)) != NULL && n < 8; i++)
		if (!spec_lacks(h, s, why, sizeof(why)))
			ok[n++] = s->name;
	for (i = 0; i < n && used < sz; i++)
		used += snprintf(buf + used, sz - used, "%s%s",
		    i == 0 ? "" : i + 1 == n ? " or " : ", ", ok[i]);
}

int
hsm_keyspec_supported(struct hsm *h, const struct hsm_keyspec *spec)
{
	char	why[96], others[96];

	if (hsm_need_token(h) != 0)
		return 1;
	if (!spec_lacks(h, spec, why, sizeof(why)))
		return 0;
	spec_others(h, others, sizeof(others));
	if (others[0] != '\0')
		err_set("token \"%s\" cannot generate %s keys (%s): use %s",
		    h->tok.label, spec->name, why, others);
	else
		err_set("token \"%s\" cannot generate %s keys (%s), nor any "
		    "other key type ceremony makes: use another token",
		    h->tok.label, spec->name, why);
	return 1;
}
