/* SPDX-License-Identifier: ISC */
/*
 * What ceremony rollover status shows, and what the TUI's timeline
 * draws: every generation with its certificate, state and dates, the
 * days until a pending switch-over, and whether the overlap period
 * before the active root's end has begun with nothing prepared; and the
 * words for a generation's state and for the rollover as a whole, so that
 * rollover status, the Rollover screen and the Root screen say one thing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ceremony/issue/issue.h"
#include "ceremony/rollover/rollover.h"

#define DAY	86400

void
rollover_status_free(struct rollover_status *st)
{
	size_t	i;

	for (i = 0; st->v != NULL && i < st->n; i++) {
		X509_free(st->v[i].cert);
		X509_free(st->v[i].newwithold);
		X509_free(st->v[i].oldwithnew);
	}
	free(st->v);
	memset(st, 0, sizeof(*st));
}

static int
status_gen(struct db *db, int gen, time_t now, struct rollover_gen_info *g)
{
	if (db_gen_status(db, gen, now, &g->g) != 0 ||
	    (g->cert = db_ca_get(db, gen)) == NULL)
		return 1;
	g->newwithold = db_ca_link_get(db, gen, "newwithold");
	g->oldwithnew = db_ca_link_get(db, gen, "oldwithnew");
	err_clear();
	g->not_before = cert_time(X509_get0_notBefore(g->cert));
	g->not_after = cert_time(X509_get0_notAfter(g->cert));
	return cert_fingerprint(g->cert, g->fingerprint,
	    sizeof(g->fingerprint));
}

/*
 * Whether generation gen is listed (1), or is a number a crashed rollover
 * claimed and db recover cancelled, with no certificate (0); one still
 * pending with none is an error that says to run db recover.
 */
static int
status_claim(const struct db *db, int gen)
{
	struct db_gen	g;
	int		u;

	if ((u = db_gen_unfinished(db, gen, &g)) < 0)
		return -1;
	if (!u)
		return db_ca_exists(db, gen);
	err_set("generation %d was claimed by a rollover that never finished "
	    "(no ca/gen-%d.pem): run ceremony db recover, which cancels it",
	    gen, gen);
	return -1;
}

int
rollover_status_read(struct db *db, time_t now, long overlap_days,
    struct rollover_status *st)
{
	struct rollover_gen_info	*g;
	int				 gen, hi, has;
	size_t				 i;

	memset(st, 0, sizeof(*st));
	st->now = now;
	st->overlap_days = overlap_days;
	if ((hi = db_ca_highest(db)) < 0 ||
	    (st->active = db_ca_active(db, now, NULL)) < 0)
		return 1;
	if (hi == 0) {
		err_set("this data directory has no CA certificate yet");
		return 1;
	}
	if ((st->v = calloc((size_t)hi, sizeof(*st->v))) == NULL) {
		err_set("out of memory");
		return 1;
	}
	for (gen = 1; gen <= hi; gen++) {
		if ((has = status_claim(db, gen)) < 0)
			goto fail;
		if (has && status_gen(db, gen, now, &st->v[st->n++]) != 0)
			goto fail;
	}
	for (i = 0; i < st->n; i++) {
		g = &st->v[i];
		if (g->g.state == DB_GEN_PENDING)
			st->pending = g->g.gen;
		if (g->g.gen == st->active) {
			st->overlap_from = g->not_after - overlap_days * DAY;
			st->active_end = g->not_after;
		}
	}
	st->overlap_begun = st->active > 0 && now >= st->overlap_from;
	st->warn = st->overlap_begun && st->pending == 0;
	return 0;
fail:
	rollover_status_free(st);
	return 1;
}

/*
 * A generation's state in words: its state, and for the active one whose
 * automatic switch-over is not yet recorded, that it is due.  A
 * generation is never called pending once its time has come.
 */
const char *
rollover_gen_text(const struct db_gen *g)
{
	if (g->state == DB_GEN_ACTIVE && g->due)
		return "active, switch-over due: recorded at the next signing "
		    "session";
	return db_gen_state_name(g->state);
}

/* Generation gen's entry, NULL when it has none (no certificate). */
const struct rollover_gen_info *
rollover_gen_find(const struct rollover_status *st, int gen)
{
	size_t	i;

	for (i = 0; i < st->n; i++)
		if (st->v[i].g.gen == gen)
			return &st->v[i];
	return NULL;
}

/* The pending generation's switch-over: when, and how. */
static void
state_pending(const struct rollover_status *st, char *buf, size_t len)
{
	const struct db_gen	*g = &rollover_gen_find(st, st->pending)->g;
	char			 when[UTC_TEXT_MAX];

	snprintf(buf, len, "; generation %d pending, switch-over %s %s",
	    st->pending, g->auto_switch ? "automatic on" : "manual, from",
	    utc_text(g->start, when));
}

/*
 * The rollover as one line, from one reading of the generations: the
 * active generation, then what is pending, or the overlap warning.
 */
void
rollover_state_text(const struct rollover_status *st, char *buf, size_t len)
{
	const struct rollover_gen_info	*a = rollover_gen_find(st, st->active);
	char				 more[160] = "";

	if (st->active == 0) {
		snprintf(buf, len, "no generation is active");
		return;
	}
	if (st->pending > 0)
		state_pending(st, more, sizeof(more));
	else if (st->warn)
		snprintf(more, sizeof(more), "; the overlap period has begun "
		    "and no rollover is prepared: prepare one");
	else
		snprintf(more, sizeof(more), "; no rollover pending");
	snprintf(buf, len, "generation %d %s%s", st->active, a != NULL ?
	    rollover_gen_text(&a->g) : "active", more);
}
