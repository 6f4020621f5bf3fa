/* SPDX-License-Identifier: ISC */
/*
 * ceremony room check: what the room check at login would find, without
 * the token: the network interfaces up and the wireless ones, the UTC
 * time, and the data directory's [room] policy.  Exit 0 when the room
 * passes the policy, 1 when a login would be refused.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ceremony/cli/cli.h"
#include "ceremony/session/session.h"

static void
room_print(const struct room_report *r)
{
	const struct room_if	*e;
	size_t			 i;

	if (r->n == 0)
		printf("%-16s none up besides loopback, no wireless\n",
		    "interfaces");
	for (i = 0; i < r->n; i++) {
		e = &r->v[i];
		printf("%-16s %-12s %s%s%s%s%s\n", i == 0 ? "interfaces" : "",
		    e->name, e->wireless ? "wireless, " : "", e->up ? "up" :
		    "down", e->up ? (e->running ? ", running" :
		    ", no carrier") : "", e->addrs[0] != '\0' ? ", " : "",
		    e->addrs);
	}
}

int
cmd_room_check(int argc, char **argv)
{
	struct session		 s;
	struct db_config	 cfg;
	struct room_report	 r;
	char			 path[4096], now[UTC_TEXT_MAX];
	int			 rc;

	session_init(&s);
	memset(&r, 0, sizeof(r));
	if ((rc = cmd_options(&s, "room check", argc, argv, NULL)) != 0)
		return rc < 0 ? 0 : cmd_fail(&s);
	if (opt_no_args("room check", argc, argv) != 0)
		return cmd_fail(&s);
	/* The settings alone: no lock, so it runs beside the TUI. */
	snprintf(path, sizeof(path), "%s/ceremony.cnf", s.home);
	if (db_config_load(path, &cfg) != 0)
		return cmd_fail(&s);
	if (room_scan(&r) != 0) {
		db_config_clear(&cfg);
		return cmd_fail(&s);
	}
	printf("%-16s %s ([room] network in %s)\n", "network policy",
	    db_room_network_name(cfg.network), path);
	printf("%-16s %s ([room] clock)\n", "clock policy",
	    db_room_clock_name(cfg.clock));
	room_print(&r);
	printf("%-16s %s: compare it with a trusted clock\n", "UTC time now",
	    utc_text(time(NULL), now));
	rc = room_refusal(&cfg, s.home, &r);
	printf("%-16s %s\n", "verdict", rc != 0 ? "a login would be REFUSED" :
	    r.n > 0 ? "passes (with a warning: not air-gapped)" : "passes");
	room_report_free(&r);
	db_config_clear(&cfg);
	return rc != 0 ? cmd_fail(&s) : 0;
}
