/* SPDX-License-Identifier: ISC */
/*
 * ceremony init: create a data directory bound to one PKCS#11 module and
 * one token.  The module must load and the token must be there, so that a
 * typo is caught now and not in the middle of a ceremony.
 */
#include <stdio.h>
#include <string.h>

#include "ceremony/cli/cli.h"
#include "ceremony/issue/issue.h"
#include "ceremony/session/session.h"

/* What init needs before it touches the token: the room, token, module. */
static int
init_check(struct session *s, struct db_config *cfg, const char *network,
    const char *clock)
{
	/* [room] of ceremony.cnf (docs/assurance.md). */
	if ((network != NULL && db_room_set(cfg, "network", network) != 0) ||
	    (clock != NULL && db_room_set(cfg, "clock", clock) != 0)) {
		err_context("ceremony init");
		return 1;
	}
	if (s->token == NULL) {
		err_set("init needs --token LABEL: the token this CA lives on");
		return 1;
	}
	if (s->module == NULL && (s->module = hsm_default_module()) == NULL) {
		err_set("init needs --module PATH (SoftHSM2 is not installed)");
		return 1;
	}
	return 0;
}

static void
init_print(const struct session *s, const struct db_config *cfg,
    const char *src)
{
	printf("created data directory %s\n  module  %s\n  token   %s\n"
	    "  CA      %s\n  room    network %s, clock %s\n", s->home,
	    cfg->module, cfg->token, cfg->ca_name,
	    db_room_network_name(cfg->network), db_room_clock_name(cfg->clock));
	if (cfg->nfiles > 0)
		printf("  templates %zu copied from %s into %s/templates\n",
		    cfg->nfiles, src, s->home);
	else
		note("no template folder found: the CA has no templates of its "
		    "own; give --template PATH to each command");
}

int
cmd_init(int argc, char **argv)
{
	struct session		 s;
	struct db_config	 cfg;
	const char		*ca_name = NULL, *network = NULL, *clock = NULL;
	const struct cmd_opt	 local[] = {
		{ "ca-name", 1, &ca_name },
		{ "network", 1, &network },
		{ "clock", 1, &clock },
		{ NULL, 0, NULL }
	};
	struct db_file		*files = NULL;
	size_t			 nfiles = 0;
	const char		*src = NULL;
	int			 r, rc = 1;

	session_init(&s);
	memset(&cfg, 0, sizeof(cfg));
	if ((r = cmd_options(&s, "init", argc, argv, local)) != 0)
		return r < 0 ? 0 : cmd_fail(&s);
	if (opt_no_args("init", argc, argv) != 0 ||
	    init_check(&s, &cfg, network, clock) != 0 ||
	    session_open_token(&s) != 0)
		return cmd_fail(&s);
	cfg.module = (char *)s.module;
	cfg.token = (char *)s.token;
	cfg.ca_name = (char *)(ca_name != NULL ? ca_name : s.token);
	/* The CA's profiles travel with its records (tmpl_copy.c). */
	if (tmpl_copy_read(&src, &files, &nfiles) != 0)
		goto out;
	cfg.files = files;
	cfg.nfiles = nfiles;
	if (db_create(s.home, &cfg) != 0 ||
	    db_open_flags(s.home, DB_OPEN_NOINDEX, &s.db) != 0 ||
	    tmpl_copy_audit(s.db, s.operator, src, files, nfiles) != 0)
		goto out;
	init_print(&s, &cfg, src);
	rc = 0;
out:
	tmpl_copy_free(files, nfiles);
	if (rc != 0)
		return cmd_fail(&s);
	session_close(&s);
	return 0;
}
