/* SPDX-License-Identifier: ISC */
/*
 * CA generations and their states.  Generation 1 is the first root (or
 * the installed CA certificate); every rollover makes the next one.  A
 * generation made by a rollover has a state file beside its certificate,
 * ca/gen-N.rollover (OpenSSL config syntax, docs/rollover.md), rewritten
 * atomically at each change: pending, then active, or cancelled.  A
 * generation without one was active from its creation.
 *
 * Which generation is active is derived, never cached: the newest one
 * that is recorded active (or has no state file), unless a pending one
 * set to switch automatically has reached its start, which is then the
 * active one with the switch "due" (recorded by the next signing
 * session).  A generation number is claimed by its state file before any
 * key exists, so a cancelled or failed rollover never hands its number on.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/conf.h>
#include <openssl/err.h>

#include "db/db_int.h"
#include "util/util.h"

#define GEN_DOC	"docs/rollover.md"

static const char *const gen_states[] = {
	[DB_GEN_ACTIVE] = "active", [DB_GEN_PENDING] = "pending",
	[DB_GEN_RETIRED] = "retired", [DB_GEN_CANCELLED] = "cancelled",
};

const char *
db_gen_state_name(int state)
{
	if (state < DB_GEN_ACTIVE || state > DB_GEN_CANCELLED)
		return "?";
	return gen_states[state];
}

/* N of "gen-N<suffix>" (N from 1, no leading zero), else 0. */
static int
gen_of(const char *name, const char *suffix)
{
	size_t	 i, len = strlen(name), slen = strlen(suffix);
	long	 n = 0;

	if (strncmp(name, "gen-", 4) != 0 || len < 5 + slen ||
	    name[4] == '0' || strcmp(name + len - slen, suffix) != 0)
		return 0;
	for (i = 4; i < len - slen; i++) {
		if (name[i] < '0' || name[i] > '9' || n > INT_MAX / 10)
			return 0;
		n = n * 10 + (name[i] - '0');
	}
	return n > INT_MAX ? 0 : (int)n;
}

/* The highest N of ca/gen-N<suffix>, 0 if none, -1 on error. */
static int
gen_highest(const struct db *db, const char *suffix)
{
	DIR		*d;
	struct dirent	*e;
	char		*dir;
	int		 best = 0, g;

	if ((dir = db_path(db, "ca")) == NULL)
		return -1;
	if ((d = opendir(dir)) == NULL) {
		err_set("cannot read %s (%s): restore it from the backup", dir,
		    strerror(errno));
		free(dir);
		return -1;
	}
	while ((e = readdir(d)) != NULL)
		if ((g = gen_of(e->d_name, suffix)) > best)
			best = g;
	closedir(d);
	free(dir);
	return best;
}

int
db_ca_highest(const struct db *db)
{
	return gen_highest(db, ".pem");
}

/* The number a new generation gets: past every certificate and claim. */
int
db_ca_next(const struct db *db)
{
	int	a, b;

	if ((a = gen_highest(db, ".pem")) < 0 ||
	    (b = gen_highest(db, ".rollover")) < 0)
		return -1;
	return (a > b ? a : b) + 1;
}

static char *
gen_path(const struct db *db, int gen, const char *suffix)
{
	char	name[64];

	snprintf(name, sizeof(name), "ca/gen-%d%s", gen, suffix);
	return db_path(db, name);
}

static int
gen_time(const CONF *c, const char *path, const char *key, int need,
    time_t *t)
{
	const char	*v;

	*t = 0;
	if ((v = NCONF_get_string(c, "rollover", key)) == NULL ||
	    strcmp(v, "-") == 0) {
		ERR_clear_error();
		if (!need)
			return 0;
		err_set("%s: %s is missing: restore the file from the backup "
		    "(see %s)", path, key, GEN_DOC);
		return 1;
	}
	if (time_parse(v, strlen(v), t) != 0) {
		err_set("%s: %s '%.32s' is not a YYYYMMDDHHMMSSZ time: restore "
		    "the file from the backup (see %s)", path, key, v, GEN_DOC);
		return 1;
	}
	return 0;
}

static int
gen_parse(const CONF *c, const char *path, struct db_gen *g)
{
	const char	*st, *sw, *key;
	int		 i;

	st = NCONF_get_string(c, "rollover", "state");
	sw = NCONF_get_string(c, "rollover", "switch");
	key = NCONF_get_string(c, "rollover", "key");
	ERR_clear_error();
	for (i = DB_GEN_ACTIVE; st != NULL && i <= DB_GEN_CANCELLED; i++)
		if (i != DB_GEN_RETIRED && strcmp(st, gen_states[i]) == 0)
			g->state = i;
	if (g->state == 0 || sw == NULL || (strcmp(sw, "auto") != 0 &&
	    strcmp(sw, "manual") != 0) || key == NULL) {
		err_set("%s: state, switch or key is missing or unknown: "
		    "restore the file from the backup (see %s)", path, GEN_DOC);
		return 1;
	}
	g->auto_switch = strcmp(sw, "auto") == 0;
	snprintf(g->key, sizeof(g->key), "%s", key);
	return gen_time(c, path, "start", 1, &g->start) ||
	    gen_time(c, path, "prepared", 1, &g->prepared) ||
	    gen_time(c, path, "changed", 0, &g->changed);
}

/* The recorded state of a generation: its file, or active from birth. */
int
db_gen_read(const struct db *db, int gen, struct db_gen *g)
{
	unsigned char	*buf = NULL;
	CONF		*c = NULL;
	char		*path;
	size_t		 len;
	int		 rc = 1;

	memset(g, 0, sizeof(*g));
	g->gen = gen;
	if ((path = gen_path(db, gen, ".rollover")) == NULL)
		return 1;
	if (access(path, F_OK) != 0) {
		g->state = DB_GEN_ACTIVE;
		rc = 0;
		goto out;
	}
	g->recorded = 1;
	if (file_read_small("rollover state", path, 4096, &buf, &len) != 0 ||
	    conf_parse("rollover state", path, buf, len, GEN_DOC, &c) != 0 ||
	    gen_parse(c, path, g) != 0)
		goto out;
	rc = 0;
out:
	NCONF_free(c);
	free(buf);
	free(path);
	return rc;
}

int
db_gen_write(struct db *db, const struct db_gen *g)
{
	char	 start[16], prepared[16], changed[16] = "-", buf[512], *path;
	int	 n, rc;

	if (time_format(g->start, start) != 0 ||
	    time_format(g->prepared, prepared) != 0 ||
	    (g->changed != 0 && time_format(g->changed, changed) != 0)) {
		err_set("generation %d: a time is out of range", g->gen);
		return 1;
	}
	n = snprintf(buf, sizeof(buf),
	    "# CA generation %d, made by a rollover (see %s).\n"
	    "# Written by ceremony; the audit log records every change.\n"
	    "[rollover]\n"
	    "state    = %s\n"
	    "start    = %s\n"
	    "switch   = %s\n"
	    "key      = %s\n"
	    "prepared = %s\n"
	    "changed  = %s\n",
	    g->gen, GEN_DOC, db_gen_state_name(g->state), start,
	    g->auto_switch ? "auto" : "manual", g->key, prepared, changed);
	if (n < 0 || (size_t)n >= sizeof(buf)) {
		err_set("generation %d: the state does not fit", g->gen);
		return 1;
	}
	if ((path = gen_path(db, g->gen, ".rollover")) == NULL)
		return 1;
	rc = atomic_write(path, buf, (size_t)n, 0644, 0);
	free(path);
	return rc;
}

/*
 * The active generation at `now` (0 if none, -1 on error); *due is set
 * when it is a pending one whose automatic switch-over is not recorded.
 */
int
db_ca_active(const struct db *db, time_t now, int *due)
{
	struct db_gen	g;
	int		gen;

	if (due != NULL)
		*due = 0;
	if ((gen = db_ca_highest(db)) < 0)
		return -1;
	for (; gen >= 1; gen--) {
		if (db_gen_read(db, gen, &g) != 0)
			return -1;
		if (g.state == DB_GEN_CANCELLED)
			continue;
		if (g.state == DB_GEN_PENDING) {
			if (!g.auto_switch || now < g.start)
				continue;
			if (due != NULL)
				*due = 1;
		}
		return gen;
	}
	return 0;
}

int
db_ca_current(const struct db *db)
{
	return db_ca_active(db, time(NULL), NULL);
}

/*
 * Whether generation gen is a claim a crashed rollover left (1): its state
 * file pending, no ca/gen-N.pem; 0 not, -1 on an error.  g is its state.
 */
int
db_gen_unfinished(const struct db *db, int gen, struct db_gen *g)
{
	int	has;

	if ((has = db_ca_exists(db, gen)) < 0 || db_gen_read(db, gen, g) != 0)
		return -1;
	return !has && g->recorded && g->state == DB_GEN_PENDING;
}

/* What a generation is at `now`: recorded state, due switch, retirement. */
int
db_gen_status(const struct db *db, int gen, time_t now, struct db_gen *g)
{
	int	active, due;

	if ((active = db_ca_active(db, now, &due)) < 0 ||
	    db_gen_read(db, gen, g) != 0)
		return 1;
	if (gen == active)
		g->state = DB_GEN_ACTIVE;
	else if (g->state == DB_GEN_ACTIVE && gen < active)
		g->state = DB_GEN_RETIRED;
	g->due = gen == active && due;
	return 0;
}

/* ca/gen-N-KIND.pem: a link certificate (KIND newwithold or oldwithnew). */
char *
db_ca_link_path(const struct db *db, int gen, const char *kind)
{
	char	suffix[32];

	snprintf(suffix, sizeof(suffix), "-%s.pem", kind);
	return gen_path(db, gen, suffix);
}

/*
 * The generations that still sign CRLs at `now`: the active one first,
 * then each retired one whose certificate has not expired (everything it
 * issued ends by then).  Pending and cancelled ones sign none.
 */
int
db_ca_live(const struct db *db, time_t now, int *gens, size_t max,
    size_t *n)
{
	struct db_gen	 g;
	X509		*x;
	int		 active, gen, live;

	*n = 0;
	if ((active = db_ca_active(db, now, NULL)) <= 0)
		return active < 0;
	gens[(*n)++] = active;
	for (gen = active - 1; gen >= 1 && *n < max; gen--) {
		if (db_gen_read(db, gen, &g) != 0)
			return 1;
		if (g.state == DB_GEN_CANCELLED)
			continue;
		if ((x = db_ca_get(db, gen)) == NULL)
			return 1;
		live = ASN1_TIME_cmp_time_t(X509_get0_notAfter(x), now) > 0;
		X509_free(x);
		if (live)
			gens[(*n)++] = gen;
	}
	return 0;
}

/* The generation a rollover to gen followed: the newest earlier one that
 * was not cancelled (0 if none, -1 on error). */
int
db_gen_prev(const struct db *db, int gen)
{
	struct db_gen	g;

	for (gen--; gen >= 1; gen--) {
		if (db_gen_read(db, gen, &g) != 0)
			return -1;
		if (g.state != DB_GEN_CANCELLED)
			return gen;
	}
	return 0;
}

/* Whether gen was cancelled (-1 on error). */
int
db_gen_cancelled(const struct db *db, int gen)
{
	struct db_gen	g;

	if (db_gen_read(db, gen, &g) != 0)
		return -1;
	return g.state == DB_GEN_CANCELLED;
}
