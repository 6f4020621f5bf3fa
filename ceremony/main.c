/* SPDX-License-Identifier: ISC */
/*
 * The ceremony command: one table of commands gives dispatch, --help and
 * unambiguous prefixes ("ceremony ro cr" is "ceremony root create").
 */
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>

#include "ceremony/ceremony.h"

const struct cmd cmds[] = {
	{ "init", "--home DIR --module PATH --token LABEL [--ca-name NAME]",
	    "create a data directory bound to a module and token", cmd_init },
	{ "token list", "[--home DIR | --module PATH]",
	    "list the module's slots and tokens", cmd_token_list },
	{ "token init", "--label L [--module PATH] [--so-pin-file F | --so-pin-fd N] [--pin-file F | --pin-fd N]",
	    "initialise a token (demo and tests)", cmd_token_init },
	{ "key generate", "--label L --type rsa:3072|rsa:4096|ec:P-256|ec:P-384|ec:P-521 [--home DIR]",
	    "generate a non-extractable key pair on the token", cmd_key_generate },
	{ "key list", "[--home DIR]",
	    "list the key pairs on the token", cmd_key_list },
	{ "key show", "KEY [--home DIR]",
	    "show a key's attributes (KEY: label, id:HEX or pkcs11: URI)", cmd_key_show },
	{ "root create", "--template T --key KEY [--home DIR] [--export DIR]",
	    "create the self-signed root certificate with a token key", cmd_root_create },
	{ "db list", "[--status V|R|P|X] [--serial HEX] [--subject TEXT]",
	    "list the certificates in the index", cmd_db_list },
	{ "audit show", "[--home DIR]",
	    "print the audit log and check its hash chain", cmd_audit_show },
	{ NULL, NULL, NULL, NULL }
};

static void
usage_all(FILE *f)
{
	const struct cmd	*c;

	fprintf(f, "usage: ceremony COMMAND [options]\n\ncommands:\n");
	for (c = cmds; c->name != NULL; c++)
		fprintf(f, "  %-14s %s\n", c->name, c->help);
	fprintf(f, "\noptions every command takes:\n"
	    "  --home DIR      data directory (default $CEREMONY_HOME, else ./%s)\n"
	    "  --pin-file F    read the user PIN from the first line of F (mode 600)\n"
	    "  --pin-fd N      read the user PIN from descriptor N\n"
	    "                  (without either, the PIN is asked on the terminal)\n"
	    "  --module PATH   PKCS#11 module instead of the data directory's\n"
	    "  --token LABEL   token label instead of the data directory's\n"
	    "  --operator NAME who is at the keyboard (default: login name)\n"
	    "  --export DIR    where outputs are exported (default HOME/export)\n"
	    "\n'ceremony COMMAND --help' shows a command's arguments.\n",
	    DEFAULT_HOME);
}

void
usage_of(const char *name)
{
	const struct cmd	*c;

	for (c = cmds; c->name != NULL; c++)
		if (strcmp(c->name, name) == 0)
			printf("usage: ceremony %s %s\n  %s\n", c->name,
			    c->usage, c->help);
}

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
	if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage_all(stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("ceremony %s\n", CEREMONY_VERSION);
		return 0;
	}
	if ((c = cmd_find(argc - 1, argv + 1, &nwords)) == NULL) {
		fprintf(stderr, "ceremony: unknown or ambiguous command \"%s\": "
		    "see ceremony --help\n", argv[1]);
		return 2;
	}
	/* The command sees its last word as argv[0], then its options. */
	rc = c->fn(argc - nwords, argv + nwords);
	ERR_clear_error();
	return rc;
}
