/* SPDX-License-Identifier: ISC */
/*
 * The token screen's quorum (k): the user PIN split among N custodians,
 * M of whom open the token (docs/assurance.md), by the core functions of
 * ceremony quorum split and reshare (quorum_split, quorum_audit).  It is
 * done logged in, so the record falls in the witnessed session.  Logged
 * in with the PIN, the officer types it again (masked) and chooses a
 * fresh random PIN or the current one; logged in with shares, it is a
 * reshare: M custodians give their current shares again, masked, and a
 * new random PIN replaces the old, whose shares are then dead.  The
 * share files go to a folder (one per custodian, mode 600), never to the
 * screen, where every custodian would see every share.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/tui.h"

static struct {
	struct quorum_req	 req;
	struct quorum_result	 res;
	int			 reshare;
	char			 names[SHARE_N_MAX][SHARE_NAME_MAX + 1];
	char			 dir[256];
} qs;

static void
quorum_done(struct tui *t, int rc)
{
	const char	*op = qs.reshare ? "quorum.reshare" : "quorum.split";

	if (quorum_audit(&t->s, op, &qs.req, &qs.res, rc == 0) != 0 ||
	    rc != 0)
		tui_err(t, qs.reshare ? "reshare" : "split");
	else
		tui_msg(t, 0, "quorum %s: %d of %d shares open the token, one "
		    "file each in %s (share-N-NAME.txt)%s", qs.res.qid,
		    qs.req.m, qs.req.n, qs.dir, qs.res.pin_changed ?
		    "; a new random PIN is set: from now on log in with s" :
		    "");
	/* Neither the old PIN nor the new one stays in memory. */
	pin_source_clear(&t->s.pin);
	quorum_result_clear(&qs.res);
}

static int
quorum_work(void *arg)
{
	struct tui	*t = arg;

	return quorum_split(&t->s, &qs.req, &qs.res);
}

static void
quorum_go(struct tui *t)
{
	if (tui_run(t, qs.reshare ? "the reshare" : "the split", quorum_work,
	    t, quorum_done) != 0)
		pin_source_clear(&t->s.pin);
}

/* The current PIN again, for quorum_split to read (and change). */
static void
quorum_pin_done(struct tui *t, struct secret *pin)
{
	pin_source_set_pin(&t->s.pin, pin);
	quorum_go(t);
}

/* A reshare: the M current shares, entered on the token screen. */
static void
quorum_shares_done(struct tui *t, const struct share *v, size_t n)
{
	if (pin_source_set_shares(&t->s.pin, v, n) != 0) {
		tui_err(t, "reshare");
		return;
	}
	quorum_go(t);
}

static void
quorum_fresh_done(struct tui *t, const char *word)
{
	if (strcmp(word, "FRESH") != 0 && strcmp(word, "CURRENT") != 0) {
		tui_msg(t, 1, "you typed \"%s\", not FRESH or CURRENT: nothing "
		    "was done (press k again to retry)", word);
		return;
	}
	qs.req.fresh = strcmp(word, "FRESH") == 0;
	tui_prompt_pin(t, "The current user PIN again (not shown; Enter "
	    "splits, Esc cancels):", quorum_pin_done);
}

static void
quorum_dir_done(struct tui *t, const char *dir)
{
	snprintf(qs.dir, sizeof(qs.dir), "%s", dir);
	qs.req.out_dir = qs.dir;
	qs.reshare = t->s.pin.qid[0] != '\0';
	if (quorum_req_check(&qs.req) != 0 ||
	    quorum_source_check(&t->s.pin, qs.reshare, 1) != 0) {
		tui_err(t, "quorum");
		return;
	}
	if (qs.reshare) {
		qs.req.fresh = 1;
		token_shares_ask(t, quorum_shares_done);
		return;
	}
	tui_prompt(t, "Type FRESH for a new random PIN only the shares know, "
	    "or CURRENT to split the PIN you logged in with:", "",
	    quorum_fresh_done);
}

/* "M N name ...", commas, colons and "of" allowed: "3 of 5: anna, ben". */
static int
quorum_parse(char *text)
{
	char	*w, *save = NULL;
	long	 v[2];
	int	 k = 0;

	memset(&qs.req, 0, sizeof(qs.req));
	for (w = strtok_r(text, " ,:", &save); w != NULL;
	    w = strtok_r(NULL, " ,:", &save)) {
		if (strcmp(w, "of") == 0)
			continue;
		if (k < 2) {
			if (parse_long(k == 0 ? "m" : "n", w, 2, SHARE_N_MAX,
			    &v[k]) != 0)
				return 1;
			k++;
			continue;
		}
		if (qs.req.ncustodians == SHARE_N_MAX) {
			err_set("at most %d custodians", SHARE_N_MAX);
			return 1;
		}
		snprintf(qs.names[qs.req.ncustodians], sizeof(qs.names[0]),
		    "%s", w);
		qs.req.custodians[qs.req.ncustodians] =
		    qs.names[qs.req.ncustodians];
		qs.req.ncustodians++;
	}
	if (k < 2) {
		err_set("give M and N, then the N custodians' names: 3 of 5: "
		    "anna, ben, cleo, dave, erin");
		return 1;
	}
	qs.req.m = (int)v[0];
	qs.req.n = (int)v[1];
	return 0;
}

static void
quorum_spec_done(struct tui *t, const char *text)
{
	char	buf[256], q[200];

	snprintf(buf, sizeof(buf), "%s", text);
	if (quorum_parse(buf) != 0 || quorum_req_check(&qs.req) != 0) {
		tui_err(t, "quorum");
		return;
	}
	snprintf(q, sizeof(q), "Folder for the %d share files (one per "
	    "custodian, mode 600; it must exist; Esc cancels):", qs.req.n);
	tui_prompt(t, q, "", quorum_dir_done);
}

/* k on the token screen. */
void
token_quorum(struct tui *t)
{
	if (!t->s.logged_in) {
		tui_msg(t, 1, "log in first (l, or s with the current shares): "
		    "the quorum is recorded in the witnessed session");
		return;
	}
	tui_prompt(t, t->s.pin.qid[0] != '\0' ? "Reshare: M of N and the N "
	    "custodians, e.g. 3 of 5: anna, ben, cleo, dave, erin (Esc "
	    "cancels):" : "Split the PIN: M of N and the N custodians, e.g. "
	    "3 of 5: anna, ben, cleo, dave, erin (Esc cancels):", "",
	    quorum_spec_done);
}
