/* SPDX-License-Identifier: ISC */
/*
 * Destroying a key pair: what a cancelled rollover does with the key it
 * generated.  Every object with the key's CKA_ID goes (private key, public
 * key, certificate), so no orphan is left for other PKCS#11 software to
 * find.  The caller decides whether destroying is allowed; this file only
 * does it and says what remains when the token refuses.
 */
#include <stdlib.h>

#include "util/util.h"
#include "hsm/hsm_int.h"

int
hsm_key_destroy(struct hsm *h, const struct hsm_key *k)
{
	CK_ATTRIBUTE		 t[] = {
		{ CKA_ID, (void *)k->id, k->id_len },
	};
	CK_OBJECT_HANDLE	*objs = NULL;
	size_t			 i, n;
	int			 rc = 1;

	if (k->id_len == 0) {
		err_set("key \"%s\" has no CKA_ID: not destroyed", k->label);
		return 1;
	}
	if (hsm_need_token(h) != 0 || hsm_find(h, t, 1, &objs, &n) != 0)
		return 1;
	for (i = 0; i < n; i++)
		if (hsm_destroy(h, objs[i]) != 0) {
			err_context("token \"%s\": key \"%s\" is only partly "
			    "destroyed: delete its objects with pkcs11-tool",
			    h->tok.label, k->label);
			goto out;
		}
	rc = 0;
out:
	free(objs);
	return rc;
}
