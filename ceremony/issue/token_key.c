/* SPDX-License-Identifier: ISC */
/*
 * A key pair generated on the token and the audit record that says so
 * (made or refused), for both front ends: the command line's key generate
 * and the TUI's root ceremony.
 */
#include <string.h>

#include "ceremony/issue/issue.h"
#include "ceremony/session/session.h"

static int
key_generate_audit(struct session *s, const struct hsm_keyspec *spec,
    const char *label, const struct hsm_key *k, int ok)
{
	struct audit_entry	 e;
	unsigned char		*der = NULL;
	int			 len, rc;

	memset(&e, 0, sizeof(e));
	e.op = "key.generate";
	e.ok = ok;
	e.detail = ok ? label : err_get();
	audit_add_in(&e, "type", spec->name, strlen(spec->name));
	audit_add_in(&e, "label", label, strlen(label));
	if (ok && (len = i2d_PUBKEY(k->pubkey, &der)) > 0)
		audit_add_out(&e, "pubkey", der, (size_t)len);
	rc = session_audit(s, &e);
	OPENSSL_free(der);
	return rc;
}

/*
 * Generate on the logged-in token and record it.  *out is set when the
 * key exists, even if its audit record then failed (the key is real).
 */
int
key_generate(struct session *s, const struct hsm_keyspec *spec,
    const char *label, struct hsm_key **out)
{
	int	ok;

	*out = NULL;
	ok = hsm_key_generate(s->hsm, spec, label, out) == 0;
	return key_generate_audit(s, spec, label, *out, ok) != 0 || !ok;
}
