/* SPDX-License-Identifier: ISC */
/*
 * The CRL screen: each CA generation's latest CRL and when the next
 * session is due (crl_state_of, as crl status reads it); i issues the
 * next CRL after the officer types ISSUE, on the worker thread, through
 * crl_run() (login, sign, verify, export, audit) as crl issue does; the
 * result stays on screen with where the CRL was exported.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NCURSES_WIDECHAR 1
#include <curses.h>

#include "tui/tui.h"

#define GENS_SHOWN	6

static struct {
	struct crl_state	 v[GENS_SHOWN];
	size_t			 n, sel;	/* v[0] is the active one */
	/* the worker's */
	struct tui		*t;
	struct signer		 sg;
	struct crl_job		 j;
	char			 dir[4096];
	char			 result[4][1200];
} st;

static void
crl_init(struct tui *t)
{
	int	gens[GENS_SHOWN];
	size_t	i, n = 0;
	time_t	now = time(NULL);

	st.t = t;
	st.n = 0;
	/* The generations that still sign CRLs, the active one first. */
	if (db_ca_live(t->s.db, now, gens, GENS_SHOWN, &n) != 0) {
		tui_err(t, "CRL state");
		return;
	}
	for (i = 0; i < n; i++) {
		if (crl_state_of(t->s.db, t->crlt, gens[i], now, i != 0,
		    &st.v[st.n]) != 0) {
			tui_err(t, "CRL state");
			return;
		}
		if (st.v[st.n].state != CRL_CA_EXPIRED)
			st.n++;
	}
	if (st.sel >= st.n)
		st.sel = 0;
}

static void
crl_fini(void)
{
	crl_job_clear(&st.j);
	signer_close(&st.sg);
	memset(&st, 0, sizeof(st));
}

static const char *
state_text(const struct crl_state *s, int *sev)
{
	*sev = SEV_ERROR;
	switch (s->state) {
	case CRL_NONE:
		return "NO CRL YET: issue one now";
	case CRL_EXPIRED:
		return "EXPIRED: relying parties reject every certificate; "
		    "issue one now";
	case CRL_DUE:
		*sev = SEV_WARN;
		return "due: issue the next one";
	default:
		*sev = SEV_OK;
		return "current";
	}
}

static void
crl_draw(struct tui *t, int top, int rows)
{
	const struct crl_state	*s;
	char			 a[32], b[32], c[32];
	size_t			 i;
	int			 y = top, sev;
	const char		*what;

	char			 head[4200];

	/* Wrapped, as every line here: the template's path whole. */
	snprintf(head, sizeof(head), "CRLs, template %s (nextUpdate + %ld "
	    "days, next session %ld days before)", t->crlt->path,
	    t->crlt->days, t->crlt->reissue_days);
	y += put_wrap(y, 1, COLS - 2, 3, 0, head);
	if (st.n == 0)
		put(y++, 3, COLS - 4, "no CA yet: run the root ceremony "
		    "(screen 2) first");
	for (i = 0; i < st.n && y < top + rows - 6; i++) {
		s = &st.v[i];
		what = state_text(s, &sev);
		putf(y, 1, COLS - 2, "%s generation %d%s:", i == st.sel ?
		    ">" : " ", s->generation, i == 0 ? " (active)" : "");
		y += put_wrap(y, 26, COLS - 27, 2, attr_of(sev), what);
		if (s->state == CRL_NONE)
			continue;
		when_utc(s->this_update, a, sizeof(a));
		when_utc(s->next_update, b, sizeof(b));
		when_utc(s->due, c, sizeof(c));
		putf(y++, 3, COLS - 4, "number %llu, %zu entries, thisUpdate "
		    "%s", s->number, s->entries, a);
		putf(y++, 3, COLS - 4, "nextUpdate %s, next session %s", b, c);
	}
	y++;
	/* Wrapped, not cut: the export path must be read whole. */
	for (i = 0; i < 4 && y < top + rows; i++)
		y += put_wrap(y, 1, COLS - 2, top + rows - y,
		    i == 0 ? A_BOLD : 0, st.result[i]);
	tui_keys(t, " i issue the next CRL of the generation >   Up/Down   "
	    "r refresh   1-9 screens");
}

static void *
crl_arg(void)
{
	return &st;
}

static int
crl_work(void *arg)
{
	(void)arg;
	crl_job_clear(&st.j);
	signer_close(&st.sg);
	memset(&st.sg, 0, sizeof(st.sg));
	/* 0: the active generation, as crl issue without --generation. */
	return crl_run(&st.t->s, st.t->crlt, st.sel == 0 ? 0 :
	    st.v[st.sel].generation, &st.sg, &st.j, st.dir, sizeof(st.dir));
}

static void
crl_done(struct tui *t, int rc)
{
	char	a[32], b[32];

	memset(st.result, 0, sizeof(st.result));
	if (rc != 0)
		tui_err(t, "CRL not issued");
	else {
		when_utc(st.j.this_update, a, sizeof(a));
		when_utc(st.j.next_update, b, sizeof(b));
		snprintf(st.result[0], sizeof(st.result[0]), "CRL %llu issued "
		    "for generation %d: %zu entries", st.j.number,
		    st.sg.generation, st.j.entries);
		snprintf(st.result[1], sizeof(st.result[1]), "  thisUpdate %s,"
		    " nextUpdate %s%s", a, b, st.j.clamped ? " (cut to the CA's"
		    " notAfter)" : "");
		snprintf(st.result[2], sizeof(st.result[2]), "  SHA-256 %s",
		    st.j.sha256);
		snprintf(st.result[3], sizeof(st.result[3]), "  exported "
		    "%.1100s/crl-gen%d.crl and .pem", st.dir, st.sg.generation);
		tui_msg(t, 0, "CRL %llu issued", st.j.number);
	}
	crl_job_clear(&st.j);
	signer_close(&st.sg);
	memset(&st.sg, 0, sizeof(st.sg));
	crl_init(t);
}

static void
crl_confirmed(struct tui *t)
{
	tui_run(t, "the token signs the CRL", crl_work, crl_arg(), crl_done);
}

static void
crl_key(struct tui *t, int ch)
{
	char	q[160];

	if (list_move(ch, st.n, &st.sel, 1))
		return;
	if (ch == 'r')
		crl_init(t);
	else if (ch == 'i') {
		if (db_ca_current(t->s.db) == 0) {
			tui_msg(t, 1, "no CA yet: run the root ceremony "
			    "(screen 2) first");
			return;
		}
		if (!t->s.logged_in) {
			tui_msg(t, 1, "log in first (screen 1, then l)");
			return;
		}
		if (st.n == 0)
			return;
		snprintf(q, sizeof(q), "Type ISSUE to have the token sign the "
		    "next CRL of generation %d (Esc cancels):",
		    st.v[st.sel].generation);
		tui_confirm(t, q, "ISSUE", crl_confirmed);
	}
}

/* The help overlay's lines for this screen (? or F1); the keys of the
 * foot, each with what it does. */
static const struct key_help crl_help[] = {
	{ "Up/Down", "choose a live CA generation" },
	{ "i", "issue the next CRL of the chosen generation: type ISSUE; the "
	    "token signs it and it is exported" },
	{ "r", "read the CRL state again" },
	{ NULL, NULL }
};

const struct screen screen_crl = {
	"CRL", '5', crl_init, crl_draw, crl_key, crl_fini,
	crl_help
};
