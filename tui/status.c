/* SPDX-License-Identifier: ISC */
/*
 * The status bar on every screen: data directory, token and login state,
 * the current CA generation, the time in UTC, and a warning banner when
 * something needs attention (the CRL due or expired, a network interface
 * up on a machine that should be air-gapped).  The state is read at most
 * every few seconds, and at once after every operation.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define NCURSES_WIDECHAR 1
#include <curses.h>

#include "tui/tui.h"

#define STATUS_EVERY	5	/* seconds */
#define STATUS_DIR_LINES	2	/* a data directory's lines at most */

static void banner_add(struct tui *, const char *, ...) ATTR_PRINTF(2, 3);

static void
banner_add(struct tui *t, const char *fmt, ...)
{
	char	one[256];
	size_t	len = strlen(t->banner);
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(one, sizeof(one), fmt, ap);
	va_end(ap);
	snprintf(t->banner + len, sizeof(t->banner) - len, "%s%s",
	    len > 0 ? " | " : "", one);
}

/* Each generation that still signs CRLs: none yet, due, expired. */
static void
status_crl(struct tui *t)
{
	struct crl_state	st;
	int			gens[16];
	size_t			i, n = 0;
	time_t			now = time(NULL);

	if (t->generation == 0) {
		banner_add(t, "no root yet: run the root ceremony (2)");
		return;
	}
	if (db_ca_live(t->s.db, now, gens, 16, &n) != 0) {
		banner_add(t, "CRL state unreadable: %s", err_get());
		err_clear();
		return;
	}
	for (i = 0; i < n; i++) {
		if (crl_state_of(t->s.db, t->crlt, gens[i], now, i != 0,
		    &st) != 0) {
			banner_add(t, "CRL state unreadable: %s", err_get());
			err_clear();
			return;
		}
		if (st.state == CRL_NONE)
			banner_add(t, "no CRL issued for generation %d: issue "
			    "one (5)", gens[i]);
		else if (st.state == CRL_EXPIRED)
			banner_add(t, "CRL of generation %d EXPIRED: issue one "
			    "now (5)", gens[i]);
		else if (st.state == CRL_DUE)
			banner_add(t, "CRL of generation %d due: issue one (5)",
			    gens[i]);
	}
}

/* The overlap period begun with nothing prepared; a switch-over due. */
static void
status_rollover(struct tui *t, time_t now)
{
	struct rollover_status	rs;
	size_t			i;

	if (t->generation == 0)
		return;
	if (rollover_status_read(t->s.db, now, t->overlap_days, &rs) != 0) {
		banner_add(t, "rollover state unreadable: %s", err_get());
		err_clear();
		return;
	}
	if (rs.warn)
		banner_add(t, "rollover overlap begun, none prepared (9)");
	for (i = 0; i < rs.n; i++)
		if (rs.v[i].g.due)
			banner_add(t, "generation %d's switch-over is due (9)",
			    rs.v[i].g.gen);
	rollover_status_free(&rs);
}

/* Interfaces up, and radios even when down (room.c). */
static void
status_room(struct tui *t)
{
	struct room_report	r;
	char			names[128], radios[128];

	if (room_scan(&r) != 0) {
		banner_add(t, "network state unknown: %s", err_get());
		err_clear();
		return;
	}
	room_names(&r, 0, names, sizeof(names));
	room_names(&r, 1, radios, sizeof(radios));
	if (radios[0] != '\0')
		banner_add(t, "network (%s; wireless: %s): this machine should "
		    "be air-gapped", names, radios);
	else if (r.n > 0)
		banner_add(t, "network up (%s): this machine should be "
		    "air-gapped", names);
	room_report_free(&r);
}

void
status_refresh(struct tui *t, int force)
{
	time_t	now = time(NULL);

	if (!force && now - t->status_at < STATUS_EVERY)
		return;
	t->status_at = now;
	if ((t->generation = db_ca_active(t->s.db, now, NULL)) < 0) {
		t->generation = 0;
		err_clear();
	}
	t->banner[0] = '\0';
	status_crl(t);
	status_rollover(t, now);
	status_room(t);
	/* Each new state of the warnings goes in the log once: what does not
	 * fit the banner's lines is read there. */
	if (strcmp(t->banner, t->banner_logged) != 0) {
		msglog_add(SEV_WARN, t->banner);
		snprintf(t->banner_logged, sizeof(t->banner_logged), "%s",
		    t->banner);
	}
}

/*
 * " token T: LOGGED IN | gen 1 | DIR" on the left, the time on the right.
 * A data directory too long for that line is not cut (the officer must
 * know which CA this is): it goes whole on the line below (a second line
 * when it is longer than the screen is wide).  The lines the bar took.
 */
static int
status_bar(struct tui *t)
{
	const struct hsm_token_info	*tok = hsm_token(t->s.hsm);
	char				 now[32], gen[32], line[1024];
	int				 room, len, n = 1;

	utc_text(time(NULL), now);
	if (t->generation > 0)
		snprintf(gen, sizeof(gen), "gen %d", t->generation);
	else
		snprintf(gen, sizeof(gen), "no CA");
	len = snprintf(line, sizeof(line), " token %s: %s | %s | ",
	    tok != NULL ? tok->label : "(none)", tok == NULL ? "NOT FOUND" :
	    t->s.logged_in ? "LOGGED IN" : "logged out", gen);
	room = COLS - (int)strlen(now) - 2 - len;
	if (text_width(t->s.home) <= room)
		snprintf(line + len, sizeof(line) - (size_t)len, "%s",
		    t->s.home);
	else
		snprintf(line + len, sizeof(line) - (size_t)len, "data "
		    "directory below");
	mvhline(0, 0, ' ' | A_REVERSE, COLS);
	put_attr(0, 0, COLS - (int)strlen(now) - 2, A_REVERSE, line);
	put_attr(0, COLS - (int)strlen(now) - 1, (int)strlen(now), A_REVERSE,
	    now);
	if (text_width(t->s.home) > room) {
		snprintf(line, sizeof(line), " data directory %s", t->s.home);
		mvhline(1, 0, ' ' | A_REVERSE, COLS);
		n += put_wrap(1, 0, COLS, STATUS_DIR_LINES, A_REVERSE, line);
		if (n > 2)
			mvchgat(2, 0, COLS, A_REVERSE, 0, NULL);
	}
	return n;
}

/* The status bar and the warnings, wrapped over BANNER_LINES_MAX lines at
 * most (then "m: all messages": the log has them whole); the lines they
 * took below the first (1 at least: the warnings' row stays). */
int
status_draw(struct tui *t)
{
	char	line[1024];
	int	bar = status_bar(t);

	if (t->banner[0] == '\0')
		return bar;
	/* Every warning whole: the air-gap one must never fall off. */
	snprintf(line, sizeof(line), "! %s", t->banner);
	return bar - 1 + put_wrap_more(bar, 0, COLS, BANNER_LINES_MAX, A_BOLD,
	    line, MSGLOG_MORE);
}
