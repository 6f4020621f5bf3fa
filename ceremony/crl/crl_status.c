/* SPDX-License-Identifier: ISC */
/*
 * Where a CA generation's CRLs stand: the latest one, its dates, and
 * whether the next session is due or overdue.  Read by crl status and by
 * the TUI's status bar and CRL screen; nothing here prints.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ceremony/crl/crl.h"
#include "ceremony/issue/issue.h"

#define DAY	86400

/*
 * The state of generation gen's CRLs at now.  Fails only when the files
 * cannot be read (message set); an expired CA certificate, a CA without a
 * CRL yet, a CRL due or expired are states, not failures.
 */
int
crl_state_of(const struct db *db, const struct crl_tmpl *t, int gen,
    time_t now, int skip_expired, struct crl_state *st)
{
	char	*path = NULL;
	X509	*ca;
	int	 expired;

	memset(st, 0, sizeof(*st));
	st->generation = gen;
	if ((ca = db_ca_get(db, gen)) == NULL)
		return 1;
	expired = cert_time(X509_get0_notAfter(ca)) < now;
	X509_free(ca);
	if (expired && skip_expired) {
		st->state = CRL_CA_EXPIRED;
		return 0;
	}
	if (db_crl_last(db, gen, &st->number) != 0)
		return 1;
	if (st->number == 0) {
		st->state = CRL_NONE;
		return 0;
	}
	if ((path = db_crl_path(db, gen, st->number, "crl")) == NULL ||
	    crl_read_times(path, &st->this_update, &st->next_update,
	    &st->number, &st->entries) != 0) {
		free(path);
		return 1;
	}
	snprintf(st->path, sizeof(st->path), "%s", path);
	free(path);
	st->due = st->next_update - t->reissue_days * DAY;
	if (st->next_update <= now)
		st->state = CRL_EXPIRED;
	else if (st->due <= now)
		st->state = CRL_DUE;
	else
		st->state = CRL_OK;
	return 0;
}
