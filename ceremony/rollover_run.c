/* SPDX-License-Identifier: ISC */
/*
 * The rollover operations with their audit records, for both front ends
 * (ceremony rollover ... and the TUI's rollover screen): each logs in
 * where the token is needed, runs the operation of rollover.c and writes
 * one audit record, made or refused.
 */
#include <stdio.h>
#include <string.h>

#include "ceremony/ceremony.h"

/* One record: op, its detail (or the error), the template, the certificates. */
int
rollover_audit(struct session *s, const char *op, const char *detail,
    const struct tmpl *t, X509 *const *certs, size_t n, int ok)
{
	struct audit_entry	 e;
	unsigned char		*der[3] = { NULL, NULL, NULL };
	static const char	*roles[3] = { "root", "newwithold", "oldwithnew" };
	size_t			 i;
	int			 len, rc;

	memset(&e, 0, sizeof(e));
	e.op = op;
	e.ok = ok;
	e.detail = ok ? detail : err_get();
	if (t != NULL)
		audit_add_in(&e, "template", t->raw, t->rawlen);
	for (i = 0; ok && i < n && i < 3; i++)
		if (certs[i] != NULL && (len = i2d_X509(certs[i], &der[i])) > 0)
			audit_add_out(&e, roles[i], der[i], (size_t)len);
	rc = session_audit(s, &e);
	for (i = 0; i < 3; i++)
		OPENSSL_free(der[i]);
	return rc;
}

int
rollover_prepare_run(struct session *s, const struct tmpl *t,
    const struct rollover_req *q, struct findings *f,
    struct rollover_result *r)
{
	X509	*certs[3];
	char	 detail[128];
	int	 ok;

	ok = session_login(s) == 0 && rollover_prepare(s, t, q, f, r) == 0;
	snprintf(detail, sizeof(detail), "generation %d pending, key %s",
	    r->gen, r->state.key);
	certs[0] = r->root;
	certs[1] = r->newwithold;
	certs[2] = r->oldwithnew;
	return rollover_audit(s, "rollover.prepare", detail, t, certs, 3,
	    ok) != 0 || !ok;
}

int
rollover_switch_run(struct session *s, time_t now, struct db_gen *g)
{
	char	detail[96];
	int	ok;

	ok = rollover_switch(s, now, g) == 0;
	snprintf(detail, sizeof(detail), "generation %d active (explicit)",
	    g->gen);
	return rollover_audit(s, "rollover.switch", detail, NULL, NULL, 0,
	    ok) != 0 || !ok;
}

int
rollover_cancel_run(struct session *s, int force, struct rollover_cancel *r)
{
	char	detail[160];
	int	ok;

	ok = session_login(s) == 0 && rollover_cancel(s, force, r) == 0;
	snprintf(detail, sizeof(detail), "generation %d cancelled, key %s "
	    "destroyed, %zu certificate%s it signed%s", r->gen,
	    r->key[0] != '\0' ? r->key : "(absent)", r->used,
	    r->used == 1 ? "" : "s", force ? " (--force)" : "");
	return rollover_audit(s, "rollover.cancel", detail, NULL, NULL, 0,
	    ok) != 0 || !ok;
}
