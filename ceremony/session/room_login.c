/* SPDX-License-Identifier: ISC */
/*
 * The room checks at login, made before C_Login is tried so that a
 * refusal spends no try of the PIN: the network interfaces against
 * [room] network (warn or refuse), and the clock against [room] clock
 * (confirm: the operator says the UTC time matches a trusted clock, by
 * --clock-confirmed, to the question the front end puts (s->ask: the CLI
 * asks on the terminal) or on the TUI's clock screen).  What was found
 * ends the session.open record's detail (seal.c); a refusal is a
 * room.check record of its own.  See docs/assurance.md.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ceremony/session/session.h"

void
room_clock_confirm(struct room_clock *c, time_t shown, const char *how)
{
	c->confirmed = 1;
	c->shown = shown;
	c->at = time(NULL);
	c->how = how;
}

/* The clock part of the session.open record's detail. */
void
room_clock_detail(const struct room_clock *c, int policy, char *buf,
    size_t len)
{
	char	shown[UTC_TEXT_MAX], at[UTC_TEXT_MAX];

	if (!c->confirmed)
		snprintf(buf, len, "not confirmed (clock = %s)",
		    db_room_clock_name(policy));
	else if (c->shown != 0)
		snprintf(buf, len, "confirmed against a trusted clock %s "
		    "(shown %s, confirmed %s)", c->how,
		    utc_text(c->shown, shown), utc_text(c->at, at));
	else
		snprintf(buf, len, "confirmed against a trusted clock %s "
		    "(at %s)", c->how, utc_text(c->at, at));
}

/*
 * 1 (message set) when the room does not pass cfg's network policy: with
 * refuse, any interface up besides loopback, or any wireless one.
 */
int
room_refusal(const struct db_config *cfg, const char *home,
    const struct room_report *r)
{
	char	text[512], up[128], radio[128];
	size_t	i;

	if (cfg->network != DB_NETWORK_REFUSE || r->n == 0)
		return 0;
	room_text(r, text, sizeof(text));
	room_names(r, 1, radio, sizeof(radio));
	up[0] = '\0';
	for (i = 0; i < r->n && up[0] == '\0'; i++)
		if (r->v[i].up)
			snprintf(up, sizeof(up), "%s", r->v[i].name);
	err_set("this machine is not air-gapped: %s; take the interfaces "
	    "down (ip link set %s down)%s%s%s or set network = warn in "
	    "%s/ceremony.cnf", text, up[0] != '\0' ? up : "IF",
	    radio[0] != '\0' ? ", remove the wireless devices or unload "
	    "their drivers (" : "", radio, radio[0] != '\0' ? ")" : "", home);
	return 1;
}

/* [room] clock = confirm: asked through the front end's s->ask, or
 * refused when it has none. */
static int
room_clock_ask(struct session *s, const struct db_config *cfg)
{
	char	q[160], now[UTC_TEXT_MAX], answer[64];
	time_t	shown = time(NULL);
	int	r;

	if (s->clock.confirmed || cfg->clock != DB_CLOCK_CONFIRM)
		return 0;
	snprintf(q, sizeof(q), "UTC time now: %s; does it match your "
	    "trusted clock? type yes:", utc_text(shown, now));
	/* Asked before the PIN, so a no spends nothing on the token. */
	r = s->ask != NULL ? s->ask(s->ask_arg, q, answer, sizeof(answer)) : -1;
	if (r < 0) {
		err_set("clock = confirm in %s/ceremony.cnf and no terminal to "
		    "ask: check the UTC time (now %s) against a trusted clock, "
		    "then pass --clock-confirmed; nothing was tried on the "
		    "token", s->home, now);
		return 1;
	}
	if (r != 0)
		return 1;
	if (strcmp(answer, "yes") != 0) {
		err_set("the clock was not confirmed (UTC time %s): set it "
		    "(date -u -s 'YYYY-MM-DD HH:MM:SS') and run again; nothing "
		    "was tried on the token", now);
		return 1;
	}
	room_clock_confirm(&s->clock, shown, "at the terminal");
	return 0;
}

/* A refusal is recorded: someone tried to use the token in that room. */
static void
room_refusal_audit(struct session *s)
{
	struct audit_entry	e;

	memset(&e, 0, sizeof(e));
	e.op = "room.check";
	e.ok = 0;
	e.detail = s->room;
	(void)session_audit(s, &e);
}

int
room_login_check(struct session *s)
{
	static const struct db_config	 none;	/* no data directory */
	const struct db_config		*cfg = s->db != NULL ?
					    db_config(s->db) : &none;
	struct room_report		 r;
	char				 text[768];
	int				 rc = 1;

	s->room[0] = '\0';
	if (room_scan(&r) != 0)
		return 1;
	room_text(&r, text, sizeof(text));
	snprintf(s->room, sizeof(s->room), "network=%s interfaces=%s",
	    db_room_network_name(cfg->network), text);
	if (room_refusal(cfg, s->home, &r) != 0) {
		room_refusal_audit(s);
		goto out;
	}
	if (r.n > 0)
		note("ceremony: warning: not air-gapped: %s (network = warn in "
		    "%s/ceremony.cnf)", text, s->home);
	rc = room_clock_ask(s, cfg);
out:
	room_report_free(&r);
	return rc;
}
