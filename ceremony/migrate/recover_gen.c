/* SPDX-License-Identifier: ISC */
/*
 * ceremony db recover, the second half: generation numbers a rollover
 * claimed and never finished.  rollover prepare claims its number with a
 * pending state file (ca/gen-N.rollover) before the key exists, so that a
 * failed rollover never hands its number on; a crash (a power cut, kill
 * -9) between the claim and the certificate leaves the claim pending with
 * no ca/gen-N.pem.  Such a generation can never become active: it is
 * recorded cancelled, as rollover cancel would, after its audit record.
 * Its key may be on the token (no token is opened here): the record and
 * the note name its label, for ceremony key destroy.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "ceremony/migrate/migrate.h"
#include "ceremony/session/session.h"

/* One abandoned claim: its record, then its state file. */
static int
recover_claim(struct session *s, struct db_gen *g)
{
	struct audit_entry	 e = { 0 };
	char			 detail[400];

	snprintf(detail, sizeof(detail), "generation %d claimed by a rollover "
	    "that never finished (no ca/gen-%d.pem): recorded cancelled; its "
	    "key \"%s\" may be on the token: remove it with ceremony key "
	    "destroy", g->gen, g->gen, g->key);
	e.op = "db.recover";
	e.ok = 1;
	e.operator = s->operator;
	e.detail = detail;
	if (db_audit(s->db, &e) != 0)
		return 1;
	g->state = DB_GEN_CANCELLED;
	g->changed = time(NULL);
	if (db_gen_write(s->db, g) != 0) {
		err_context("the audit log records generation %d cancelled, "
		    "but its state file could not take it: free some space, "
		    "then run ceremony db recover again", g->gen);
		return 1;
	}
	note("%s", detail);
	return 0;
}

/*
 * Cancel every generation whose claim is pending with no certificate, in
 * s's data directory (opened for writing); n is how many there were.
 */
int
recover_claims(struct session *s, size_t *n)
{
	struct db_gen	g;
	int		gen, next, u;

	*n = 0;
	if ((next = db_ca_next(s->db)) < 0)
		return 1;
	for (gen = 1; gen < next; gen++) {
		if ((u = db_gen_unfinished(s->db, gen, &g)) < 0)
			return 1;
		if (!u)
			continue;
		if (recover_claim(s, &g) != 0)
			return 1;
		(*n)++;
	}
	return 0;
}
