/* SPDX-License-Identifier: ISC */
/*
 * Options every command shares (--home, --pin-file, ...) and small checks
 * that run before any token work starts.
 */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ceremony/cli/cli.h"
#include "ceremony/issue/issue.h"
#include "ceremony/session/session.h"

/* --pin-file, --pin-fd, --share-file, --share-fd: one kind of source. */
static int
opt_pin(struct session *s, int code, const char *arg)
{
	int	pin = code == OPT_PIN_FILE || code == OPT_PIN_FD;

	if (pin && (s->pin.nshares > 0 || (code == OPT_PIN_FILE ?
	    s->pin.fd != -1 : s->pin.file != NULL))) {
		err_set("give --pin-file or --pin-fd, not both");
		return 1;
	}
	if (!pin && (s->pin.file != NULL || s->pin.fd != -1)) {
		err_set("give the PIN (--pin-file, --pin-fd) or the custodians' "
		    "shares (--share-file, --share-fd), not both");
		return 1;
	}
	if (code == OPT_PIN_FILE) {
		s->pin.file = arg;
		return 0;
	}
	if (code == OPT_PIN_FD)
		return pin_source_set_fd(&s->pin, arg);
	return pin_source_add_share(&s->pin, code == OPT_SHARE_FILE ? arg :
	    NULL, code == OPT_SHARE_FD ? arg : NULL);
}

/* --operator and --witness: names for the audit log and transcripts,
 * by the core's one rule (witness.c), as the TUI's are. */
static int
opt_person(struct session *s, int code, const char *arg)
{
	int	bad;

	if (code == OPT_OPERATOR) {
		if ((bad = session_person_check(arg)) == 0)
			s->operator = arg;
	} else
		bad = session_witness_add(s, arg);
	if (bad)
		err_context("--%s", code == OPT_OPERATOR ? "operator" :
		    "witness");
	return bad;
}

/*
 * Handle one of the shared options (--help is cmd_options' own); cmd
 * names the command for messages.  Returns 0 when handled, 1 on a bad
 * value (message set).
 */
int
opt_common(struct session *s, int code, const char *arg, const char *cmd)
{
	switch (code) {
	case OPT_HOME:
		s->home = arg;
		return 0;
	case OPT_MODULE:
		s->module = arg;
		return 0;
	case OPT_TOKEN:
		s->token = arg;
		return 0;
	case OPT_PIN_FILE:
	case OPT_PIN_FD:
	case OPT_SHARE_FILE:
	case OPT_SHARE_FD:
		return opt_pin(s, code, arg);
	case OPT_OPERATOR:
	case OPT_WITNESS:
		return opt_person(s, code, arg);
	case OPT_EXPORT:
		s->export_dir = arg;
		return 0;
	case OPT_TEMPLATES:
		s->templates = arg;
		return 0;
	case OPT_CLOCK_CONFIRMED:
		/* The operator checked the time before running the command. */
		room_clock_confirm(&s->clock, 0, "by --clock-confirmed");
		return 0;
	default:
		err_set("unknown option: see ceremony %s --help", cmd);
		return 1;
	}
}

/* Commands that take no positional arguments say so. */
int
opt_no_args(const char *cmd, int argc, char **argv)
{
	if (optind < argc) {
		err_set("unexpected argument \"%s\": see ceremony %s --help",
		    argv[optind], cmd);
		return 1;
	}
	return 0;
}

/* The core's questions (the clock at login), on the terminal. */
static int
opt_ask(void *arg, const char *question, char *answer, size_t len)
{
	(void)arg;
	return tty_ask(question, answer, len);
}

#define OPTS_MAX	32

/* A command's own option: one value, or one more of a list. */
static int
opt_local(const struct cmd_opt *o, const char *arg)
{
	size_t	n;

	if (o->has_arg != CMD_OPT_LIST) {
		*o->value = arg != NULL ? arg : "1";
		return 0;
	}
	for (n = 0; o->value[n] != NULL; n++)
		;
	if (n == CMD_OPT_LIST_MAX) {
		err_set("--%s: at most %d", o->name, CMD_OPT_LIST_MAX);
		return 1;
	}
	o->value[n] = arg;
	o->value[n + 1] = NULL;
	return 0;
}

/*
 * Parse a command's options: the shared ones into the session, the
 * command's own (local) into their value pointers.  Returns 0 to go on,
 * -1 when --help was shown, 1 on a bad option (message set).
 */
int
cmd_options(struct session *s, const char *cmd, int argc, char **argv,
    const struct cmd_opt *local)
{
	static const struct option common[] = { COMMON_OPTS };
	struct option	 all[OPTS_MAX];
	size_t		 n = 0, i, ncommon = sizeof(common) / sizeof(common[0]);
	int		 c, r;

	for (i = 0; i < ncommon; i++)
		all[n++] = common[i];
	for (i = 0; local != NULL && local[i].name != NULL &&
	    n < OPTS_MAX - 1; i++, n++) {
		all[n].name = local[i].name;
		all[n].has_arg = local[i].has_arg ? required_argument :
		    no_argument;
		all[n].flag = NULL;
		all[n].val = OPT_LOCAL + (int)i;
	}
	memset(&all[n], 0, sizeof(all[n]));
	s->ask = opt_ask;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", all, NULL)) != -1) {
		if (c >= OPT_LOCAL) {
			if (opt_local(&local[c - OPT_LOCAL], optarg) != 0)
				return 1;
			continue;
		}
		if (c == '?' || c == ':') {
			err_set("%s \"%s\": see ceremony %s --help",
			    c == ':' ? "missing value for" : "unknown option",
			    argv[optind - 1], cmd);
			return 1;
		}
		/* --help checks the explanations against what is taken. */
		if (c == OPT_HELP) {
			if (opt_docs_check(cmd, local) != 0)
				return 1;
			usage_of(cmd);
			return -1;
		}
		if ((r = opt_common(s, c, optarg, cmd)) != 0)
			return r;
	}
	tmpl_path_init(s->templates, s->home);
	return 0;
}

/* Print the one error line and close what the session opened. */
int
cmd_fail(struct session *s)
{
	fflush(stdout);	/* what was printed comes before the verdict */
	fprintf(stderr, "ceremony: %s\n", err_get());
	if (s != NULL)
		session_close(s);
	return 1;
}
