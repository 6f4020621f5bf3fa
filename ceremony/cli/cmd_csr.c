/* SPDX-License-Identifier: ISC */
/*
 * ceremony csr show FILE: the decoded request, for the officers to read.
 * ceremony csr check FILE --policy P [--json]: every finding of the policy
 * against the request; exit 0 accept (warnings allowed), 1 reject, 2 no
 * verdict (the request or the policy cannot be read).  Neither needs the
 * data directory or the token.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ceremony/cli/cli.h"
#include "ceremony/policy/policy.h"

#define CSR_EXIT_UNREADABLE	2

/* The one error line, and the exit status of "no verdict". */
static int
csr_fail(void)
{
	fprintf(stderr, "ceremony: %s\n", err_get());
	return CSR_EXIT_UNREADABLE;
}

/* Exactly one FILE after the options. */
static int
csr_file_arg(const char *cmd, int argc, char **argv, const char **file)
{
	if (optind >= argc) {
		err_set("%s: give the request FILE: see ceremony %s --help",
		    cmd, cmd);
		return 1;
	}
	if (optind + 1 < argc) {
		err_set("unexpected argument \"%s\": see ceremony %s --help",
		    argv[optind + 1], cmd);
		return 1;
	}
	*file = argv[optind];
	return 0;
}

int
cmd_csr_show(int argc, char **argv)
{
	struct session	 s;
	struct vetted	*c = NULL;
	const char	*file;
	int		 r;

	session_init(&s);
	if ((r = cmd_options(&s, "csr show", argc, argv, NULL)) != 0)
		return r < 0 ? 0 : csr_fail();
	/* Parsed and printed by the intake; the text comes back whole. */
	r = csr_file_arg("csr show", argc, argv, &file) != 0 ||
	    intake_vet(&s, file, NULL, VET_TEXT, &c) != 0;
	intake_stop(&s);
	if (r != 0)
		return csr_fail();
	fputs(c->text != NULL ? c->text : "", stdout);
	vetted_free(c);
	return 0;
}

static void
check_print_text(const struct vetted *c, const struct policy *p,
    const struct findings *f)
{
	size_t	warnings = f->n - f->errors;

	fputs("request: ", stdout);
	print_escaped(stdout, c->path);
	fputs("\npolicy:  ", stdout);
	print_escaped(stdout, p->name);
	fputs(" (", stdout);
	print_escaped(stdout, p->path);
	puts(")");
	findings_print(stdout, f);
	printf("verdict: %s (%zu error%s, %zu warning%s)\n",
	    f->errors ? "REJECT" : "accept", f->errors,
	    f->errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s");
}

static void
check_print_json(const char *file, const struct policy *p,
    const struct findings *f, const char *error)
{
	fputs("{\"file\": ", stdout);
	json_string(stdout, file);
	if (p != NULL) {
		fputs(", \"policy\": ", stdout);
		json_string(stdout, p->name);
		fputs(", \"policy_path\": ", stdout);
		json_string(stdout, p->path);
	}
	if (error != NULL) {
		fputs(", \"verdict\": \"unreadable\", \"error\": ", stdout);
		json_string(stdout, error);
		fputs("}\n", stdout);
		return;
	}
	printf(", \"verdict\": \"%s\", \"errors\": %zu, \"warnings\": %zu, "
	    "\"findings\": ", f->errors ? "reject" : "accept", f->errors,
	    f->n - f->errors);
	findings_json(stdout, f);
	fputs("}\n", stdout);
}

int
cmd_csr_check(int argc, char **argv)
{
	struct session		 s;
	struct findings		 f = { NULL, 0, 0, 0 };
	struct policy		*p = NULL;
	struct vetted		*c = NULL;
	const char		*file, *policy = NULL, *json = NULL;
	const struct cmd_opt	 local[] = {
		{ "policy", 1, &policy },
		{ "json", 0, &json },
		{ NULL, 0, NULL }
	};
	int			 r;

	session_init(&s);
	if ((r = cmd_options(&s, "csr check", argc, argv, local)) != 0)
		return r < 0 ? 0 : csr_fail();
	if (csr_file_arg("csr check", argc, argv, &file) != 0)
		return csr_fail();
	if (policy == NULL) {
		err_set("csr check: give the policy with --policy FILE "
		    "(templates/policy-*.cnf)");
		return csr_fail();
	}
	/* The policy is read and checked whole before the request. */
	if (policy_load(policy, &p) != 0)
		return csr_fail();
	r = intake_vet(&s, file, p, 0, &c);
	intake_stop(&s);
	if (r != 0) {
		if (json != NULL)
			check_print_json(file, p, NULL, err_get());
		policy_free(p);
		return csr_fail();
	}
	f = c->f;
	if (json != NULL)
		check_print_json(c->path, p, &f, NULL);
	else
		check_print_text(c, p, &f);
	r = f.errors != 0;
	vetted_free(c);
	policy_free(p);
	return r;
}
