/* SPDX-License-Identifier: ISC */
/*
 * The ceremony command: finds the row of the command table (cmds.c) that
 * the first words name, unambiguous prefixes allowed ("ceremony ro cr" is
 * "ceremony root create"), and runs it.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>

#include "ceremony/cli/cli.h"

/* Do the first words of argv match every word of name (as prefixes)? */
static int
cmd_matches(const char *name, int argc, char **argv, int *nwords, int *exact)
{
	char	 buf[64], *word, *save = NULL;
	int	 i = 0;

	snprintf(buf, sizeof(buf), "%s", name);
	*exact = 1;
	for (word = strtok_r(buf, " ", &save); word != NULL;
	    word = strtok_r(NULL, " ", &save), i++) {
		if (i >= argc || argv[i][0] == '-' || argv[i][0] == '\0')
			return 0;
		if (strncmp(word, argv[i], strlen(argv[i])) != 0)
			return 0;
		if (strcmp(word, argv[i]) != 0)
			*exact = 0;
	}
	*nwords = i;
	return 1;
}

static const struct cmd *
cmd_find(int argc, char **argv, int *nwords)
{
	const struct cmd	*c, *found = NULL;
	int			 n, exact, matches = 0;

	for (c = cmds; c->name != NULL; c++) {
		if (!cmd_matches(c->name, argc, argv, &n, &exact))
			continue;
		if (exact) {
			*nwords = n;
			return c;
		}
		found = c;
		*nwords = n;
		matches++;
	}
	return matches == 1 ? found : NULL;
}

int
main(int argc, char *argv[])
{
	const struct cmd	*c;
	int			 nwords = 0, rc;

	secret_harden();
	/* On a terminal, the bare command opens the TUI (ceremony tui). */
	if (argc < 2 && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO))
		return cmd_tui(argc, argv);
	if (argc >= 2 && strcmp(argv[1], "help") == 0)
		return help_main(argc - 1, argv + 1);
	if (argc < 2 || strcmp(argv[1], "--help") == 0) {
		usage_all();
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("ceremony %s\n", CEREMONY_VERSION);
		return 0;
	}
	if ((c = cmd_find(argc - 1, argv + 1, &nwords)) == NULL) {
		/* err_set escapes the word: it may be anything. */
		err_set("unknown or ambiguous command \"%s\": see ceremony "
		    "--help", argv[1]);
		fprintf(stderr, "ceremony: %s\n", err_get());
		return 2;
	}
	/* The command sees its last word as argv[0], then its options. */
	rc = c->fn(argc - nwords, argv + nwords);
	ERR_clear_error();
	return rc;
}
