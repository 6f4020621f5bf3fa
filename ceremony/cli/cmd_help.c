/* SPDX-License-Identifier: ISC */
/*
 * ceremony help: the overview, and what the build and the shell read from
 * the same tables as --help (cmds.c, cmd_opts.c), so none of it drifts:
 *
 *   help --man          ceremony(1), in man(7) markup
 *   help --commands     every command, one a line (completion)
 *   help --options CMD  the options CMD takes, one a line, with the value's
 *                       placeholder ("--network warn|refuse"; completion)
 *   help --keys         every template and policy key the readers accept
 *                       (tests/help.t checks ceremony-templates(5))
 *   help --reasons      the revocation reasons revoke takes (completion)
 *   help COMMAND        the same as COMMAND --help
 */
#include <stdio.h>
#include <string.h>

#include "ceremony/cli/cli.h"
#include "ceremony/crl/crl.h"
#include "ceremony/issue/issue.h"
#include "ceremony/policy/policy.h"

/*
 * Text for man(7): backslashes and hyphens escaped, a '.' or '\'' that
 * would start a line kept as text, lines broken at spaces near 72 bytes.
 */
static void
roff(const char *s)
{
	int	col = 0;

	for (; *s != '\0'; s++) {
		if (*s == ' ' && col > 56 && strchr(s + 1, ' ') != NULL) {
			putchar('\n');
			col = 0;
			continue;
		}
		if (col == 0 && (*s == '.' || *s == '\''))
			col += printf("\\&");
		if (*s == '\\')
			col += printf("\\e");
		else if (*s == '-')
			col += printf("\\-");
		else {
			putchar(*s);
			col++;
		}
	}
}

static void
man_opt(const struct opt_doc *d)
{
	/* The tag is one line: the option and its value, never broken. */
	printf(".TP\n.%s \"\\-\\-", d->arg != NULL ? "BI" : "B");
	roff(d->opt);
	if (d->arg != NULL) {
		printf(" \" \"");
		roff(d->arg);
		printf("\"");
	} else
		printf("\"");
	printf("\n");
	roff(d->help);
	printf("\n");
}

static void
man_cmd(const struct cmd *c)
{
	const struct opt_doc	*d;

	printf(".SS ");
	roff(c->name);
	printf("\n.B ceremony ");
	roff(c->name);
	printf("\n");
	if (c->usage[0] != '\0') {
		roff(c->usage);
		printf("\n");
	}
	printf(".PP\n");
	roff(c->help);
	printf(".\n");
	for (d = opt_docs; d->opt != NULL; d++)
		if (d->cmd != NULL && strcmp(d->cmd, c->name) == 0)
			man_opt(d);
}

static const char man_head[] =
".TH CEREMONY 1 " CEREMONY_MAN_DATE " \"ceremony " CEREMONY_VERSION "\" \"User Commands\"\n"
".SH NAME\n"
"ceremony \\- offline, HSM\\-backed root CA toolkit\n"
".SH SYNOPSIS\n"
".B ceremony\n"
".I COMMAND\n"
"[\\fIoptions\\fR]\n"
".br\n"
".B ceremony\n"
".RI [ COMMAND ] \" \\-\\-help\"\n"
".SH DESCRIPTION\n"
".B ceremony\n"
"runs the ceremonies of an offline root certification authority whose keys\n"
"live on a PKCS#11 token: the root certificate, subordinate CA certificates\n"
"signed under a policy, revocation and CRLs, key rollover, exports and a\n"
"hash\\-chained audit log.\n"
"Its records are flat files in a data directory\n"
"(see\n.BR ceremony\\-database (5));\n"
"certificate profiles and policies are templates\n"
"(see\n.BR ceremony\\-templates (5)).\n"
"A command is named by its words or unambiguous prefixes of them\n"
"(\\fBceremony ro cr\\fR is \\fBceremony root create\\fR).\n"
"On a terminal, \\fBceremony\\fR alone opens the terminal UI.\n"
".SH COMMANDS\n";

static const char man_tail[] =
".SH TEMPLATES\n"
"A template or policy given with a \\(aq/\\(aq in its name is read from that path.\n"
"A bare name (\\fBsubca\\fR or \\fBsubca.cnf\\fR) is looked up, first hit wins, in\n"
".IP \\(bu 2\n"
"the folder of \\fB\\-\\-templates\\fR \\fIDIR\\fR;\n"
".IP \\(bu\n"
"\\fIHOME\\fR/templates, the copies \\fBceremony init\\fR made and recorded in the audit log;\n"
".IP \\(bu\n"
"templates/ of the current folder (a checkout of the project);\n"
".IP \\(bu\n"
"\\fIPREFIX\\fR/share/ceremony/templates, next to the installed binary.\n"
".PP\n"
"Without \\fB\\-\\-template\\fR, root and rollover commands use \\fBroot\\-ca\\fR and\n"
"CRL commands \\fBcrl\\fR.\n"
".SH ENVIRONMENT\n"
".TP\n"
".B CEREMONY_HOME\n"
"the data directory when \\fB\\-\\-home\\fR is not given (default ./" DEFAULT_HOME ").\n"
".TP\n"
".B SOFTHSM2_CONF\n"
"read by the SoftHSM2 module, the default when a data directory names none.\n"
".SH EXIT STATUS\n"
"0 on success; 1 when the command failed, with one line on standard error\n"
"saying what failed and what to do next; 2 for an unknown command.\n"
"\\fBcsr check\\fR exits 1 for a rejected request and 2 when it cannot judge.\n"
".SH FILES\n"
".TP\n"
".I HOME/ceremony.cnf\n"
"the module, token and room settings of a data directory.\n"
".TP\n"
".I HOME/audit.log\n"
"the hash\\-chained record of every operation.\n"
".TP\n"
".I PREFIX/share/ceremony/templates\n"
"the installed templates;\n"
"\\fIPREFIX\\fR/share/ceremony/scripts has the example scripts.\n"
".SH SEE ALSO\n"
".BR ceremony\\-templates (5),\n"
".BR ceremony\\-database (5),\n"
".BR openssl (1),\n"
".BR softhsm2\\-util (1)\n";

static void
help_man(void)
{
	const struct cmd	*c;
	const struct opt_doc	*d;

	fputs(man_head, stdout);
	for (c = cmds; c->name != NULL; c++)
		man_cmd(c);
	printf(".SH OPTIONS\nEvery command takes these; a command's own "
	    "entry above\nsays more where it matters.\n");
	for (d = opt_docs; d->opt != NULL; d++)
		if (d->cmd == NULL)
			man_opt(d);
	fputs(man_tail, stdout);
}

/* The options CMD takes: its own, then the common ones. */
static int
help_options(const char *name)
{
	const struct opt_doc	*d;

	if (cmd_named(name) == NULL) {
		err_set("unknown command \"%s\": see ceremony --help", name);
		return 1;
	}
	for (d = opt_docs; d->opt != NULL; d++)
		if ((d->cmd != NULL && strcmp(d->cmd, name) == 0) ||
		    (d->cmd == NULL && opt_doc_find(name, d->opt) == d))
			printf("--%s%s%s\n", d->opt, d->arg != NULL ? " " : "",
			    d->arg != NULL ? d->arg : "");
	return 0;
}

static void
help_keys(void)
{
	const char	*k;
	size_t		 i;

	for (i = 0; (k = tmpl_key(i)) != NULL; i++)
		printf("profile %s\n", k);
	for (i = 0; (k = policy_key(i)) != NULL; i++)
		printf("policy %s\n", k);
	for (i = 0; (k = crl_tmpl_key(i)) != NULL; i++)
		printf("crl %s\n", k);
}

/* The reasons revoke takes (completion): RFC 5280's, delta-only left out. */
static void
help_reasons(void)
{
	const char	*r;
	int		 i;

	for (i = 0; i < 16; i++)
		if ((r = db_reason_name(i)) != NULL &&
		    strcmp(r, "removeFromCRL") != 0)
			printf("%s\n", r);
}

/* help WORDS: the command they name, asked for its --help. */
static int
help_command(int argc, char **argv)
{
	const struct cmd	*c;
	char			 name[128] = "", *args[3];
	size_t			 used = 0;
	int			 i;

	for (i = 1; i < argc && used < sizeof(name); i++)
		used += snprintf(name + used, sizeof(name) - used, "%s%s",
		    i > 1 ? " " : "", argv[i]);
	if ((c = cmd_named(name)) == NULL) {
		err_set("unknown command \"%s\": see ceremony --help", name);
		return 1;
	}
	args[0] = argv[argc - 1];
	args[1] = "--help";
	args[2] = NULL;
	return c->fn(2, args);
}

int
help_main(int argc, char **argv)
{
	const struct cmd	*c;
	int			 rc = 0;

	if (argc < 2)
		usage_all();
	else if (strcmp(argv[1], "--man") == 0 && argc == 2)
		help_man();
	else if (strcmp(argv[1], "--commands") == 0 && argc == 2)
		for (c = cmds; c->name != NULL; c++)
			printf("%s\n", c->name);
	else if (strcmp(argv[1], "--options") == 0 && argc == 3)
		rc = help_options(argv[2]);
	else if (strcmp(argv[1], "--keys") == 0 && argc == 2)
		help_keys();
	else if (strcmp(argv[1], "--reasons") == 0 && argc == 2)
		help_reasons();
	else if (argv[1][0] == '-') {
		err_set("help takes --man, --commands, --options COMMAND, "
		    "--keys, --reasons or a COMMAND");
		rc = 1;
	} else if ((rc = help_command(argc, argv)) != 0 && !err_isset())
		return rc;	/* the command said why */
	if (rc != 0)
		fprintf(stderr, "ceremony: %s\n", err_get());
	return rc;
}
