/* SPDX-License-Identifier: ISC */
/*
 * The rollover operations with their audit records, for both front ends
 * (ceremony rollover ... and the TUI's rollover screen): each logs in
 * where the token is needed, runs the operation of rollover.c and writes
 * one audit record, made or refused.
 */
#include <stdio.h>
#include <string.h>

#include "ceremony/export/export.h"
#include "ceremony/issue/issue.h"
#include "ceremony/rollover/rollover.h"
#include "ceremony/session/session.h"

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

/* next-ca.pem (GetNextCACert), the links, and everything as one .p7b. */
static int
rollover_export_files(struct session *s, const char *dir, int *gen)
{
	STACK_OF(X509)	*all = NULL;
	X509		*x;
	char		 base[64];
	int		 rc = 1, pending;

	if ((pending = db_ca_highest(s->db)) <= 0 ||
	    (*gen = db_ca_current(s->db)) <= 0)
		goto out;
	if (ca_certs_all(s->db, &all) != 0)
		goto out;
	for (; pending > *gen; pending--) {
		struct db_gen	g;

		if (db_gen_read(s->db, pending, &g) != 0)
			goto out;
		if (g.state == DB_GEN_PENDING)
			break;
	}
	if (pending > *gen) {
		if ((x = db_ca_get(s->db, pending)) == NULL)
			goto out;
		rc = export_cert(dir, "next-ca", x);
		X509_free(x);
		if (rc != 0)
			goto out;
		rc = 1;
		*gen = pending;
	}
	snprintf(base, sizeof(base), "ca-certs");
	rc = export_chain(dir, base, all, NULL);
out:
	sk_X509_pop_free(all, X509_free);
	return rc;
}

/* The files and their audit record: rollover export and scripts. */
int
rollover_export_run(struct session *s, const char *dir, int *gen)
{
	char	detail[64];
	int	ok;

	*gen = 0;
	ok = rollover_export_files(s, dir, gen) == 0;
	snprintf(detail, sizeof(detail), "next generation %d", *gen);
	return rollover_audit(s, "rollover.export", detail, NULL, NULL, 0,
	    ok) != 0 || !ok;
}
