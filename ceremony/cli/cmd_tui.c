/* SPDX-License-Identifier: ISC */
/*
 * ceremony tui: its options parsed here like every command's, then the
 * terminal UI (tui/main.c) runs on the session they filled.
 */
#include <stdio.h>

#include "ceremony/cli/cli.h"
#include "ceremony/session/session.h"
#include "tui/tui.h"

int
cmd_tui(int argc, char **argv)
{
	struct session		 s;
	const char		*script = NULL;
	const struct cmd_opt	 local[] = {
		{ "script", 1, &script },
		{ NULL, 0, NULL }
	};
	int			 r;

	session_init(&s);
	if ((r = cmd_options(&s, "tui", argc, argv, local)) != 0)
		return r < 0 ? 0 : cmd_fail(&s);
	if (opt_no_args("tui", argc, argv) != 0)
		return cmd_fail(&s);
	/* The TUI owns the session from here and closes it. */
	if (tui_main(&s, script) != 0)
		return cmd_fail(NULL);
	return 0;
}
