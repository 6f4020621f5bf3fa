/* SPDX-License-Identifier: ISC */
/*
 * Template loading, table-driven: each case is a [profile] body written to
 * a temporary file; a good one loads with the expected values, a bad one
 * fails with a message containing the expected words.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ceremony/issue/issue.h"

#define TAIL \
	"[subject]\nC = XX\nO = Test\nCN = Test Root\n" \
	"[ext]\nbasicConstraints = critical, CA:TRUE\n" \
	"keyUsage = critical, keyCertSign, cRLSign\n" \
	"subjectKeyIdentifier = hash\n"
#define GOOD \
	"kind = root\ndays = 3650\nmax_days = 9132\ndigest = sha384\n" \
	"key_types = ec:P-384, rsa:4096\nextensions = ext\n"

static const struct {
	const char	*name;
	const char	*profile;	/* the [profile] body */
	const char	*error;		/* NULL: must load */
} cases[] = {
	{ "good", GOOD, NULL },
	{ "explicit dates past 2049",
	  "kind = root\nnot_before = 20260101000000Z\n"
	  "not_after = 20510101000000Z\nmax_days = 9132\ndigest = sha256\n"
	  "key_types = ec:P-256\nextensions = ext\n", NULL },
	{ "unknown key", GOOD "colour = blue\n", "unknown key \"colour\"" },
	{ "subca with policy and copied SAN", "kind = subca\npolicy = p.cnf\n"
	  "days = 1\nmax_days = 2\ndigest = sha256\nextensions = ext\n"
	  "copy_extensions = subjectAltName, extendedKeyUsage\n", NULL },
	{ "no kind", "days = 1\nmax_days = 2\ndigest = sha256\n"
	  "key_types = ec:P-256\nextensions = ext\n", "kind is missing" },
	{ "unknown kind", "kind = intermediate\ndays = 1\nmax_days = 2\n"
	  "digest = sha256\nkey_types = ec:P-256\nextensions = ext\n",
	  "kind \"intermediate\" is not known" },
	{ "subca without policy", "kind = subca\ndays = 1\nmax_days = 2\n"
	  "digest = sha256\nextensions = ext\n", "policy is missing" },
	{ "subca copying basicConstraints", "kind = subca\npolicy = p.cnf\n"
	  "days = 1\nmax_days = 2\ndigest = sha256\nextensions = ext\n"
	  "copy_extensions = subjectAltName, basicConstraints\n",
	  "basicConstraints is the issuer's to decide" },
	{ "leaf copying keyUsage", "kind = leaf\npolicy = p.cnf\n"
	  "days = 1\nmax_days = 2\ndigest = sha256\nextensions = ext\n"
	  "copy_extensions = keyUsage\n", "never copied" },
	{ "unknown copied extension", "kind = leaf\npolicy = p.cnf\n"
	  "days = 1\nmax_days = 2\ndigest = sha256\nextensions = ext\n"
	  "copy_extensions = frobnicate\n", "unknown extension \"frobnicate\"" },
	{ "root copying", GOOD "copy_extensions = subjectAltName\n",
	  "no request to copy from" },
	{ "root with a policy", GOOD "policy = p.cnf\n", "has no policy" },
	{ "root subject from csr", GOOD "subject_from = csr\n",
	  "subject comes from the template" },
	{ "bad subject_from", "kind = leaf\npolicy = p.cnf\nsubject_from = both\n"
	  "days = 1\nmax_days = 2\ndigest = sha256\nextensions = ext\n",
	  "subject_from is csr or template" },
	{ "sha1", "kind = root\ndays = 1\nmax_days = 2\ndigest = sha1\n"
	  "key_types = ec:P-256\nextensions = ext\n", "not allowed" },
	{ "md5", "kind = root\ndays = 1\nmax_days = 2\ndigest = md5\n"
	  "key_types = ec:P-256\nextensions = ext\n", "not allowed" },
	{ "days and not_after", "kind = root\ndays = 1\n"
	  "not_after = 20300101000000Z\nmax_days = 2\ndigest = sha256\n"
	  "key_types = ec:P-256\nextensions = ext\n", "either days or not_after" },
	{ "no validity", "kind = root\nmax_days = 2\ndigest = sha256\n"
	  "key_types = ec:P-256\nextensions = ext\n", "either days or not_after" },
	{ "bad days", "kind = root\ndays = ten\nmax_days = 2\n"
	  "digest = sha256\nkey_types = ec:P-256\nextensions = ext\n",
	  "days \"ten\"" },
	{ "bad time", "kind = root\nnot_after = 2030-01-01\nmax_days = 2\n"
	  "digest = sha256\nkey_types = ec:P-256\nextensions = ext\n",
	  "YYYYMMDDHHMMSSZ" },
	{ "reversed dates", "kind = root\nnot_before = 20300101000000Z\n"
	  "not_after = 20200101000000Z\nmax_days = 2\ndigest = sha256\n"
	  "key_types = ec:P-256\nextensions = ext\n", "not after not_before" },
	{ "no max_days", "kind = root\ndays = 1\ndigest = sha256\n"
	  "key_types = ec:P-256\nextensions = ext\n", "max_days is missing" },
	{ "bad key type", "kind = root\ndays = 1\nmax_days = 2\n"
	  "digest = sha256\nkey_types = ec:P-256, rsa:1024\nextensions = ext\n",
	  "rsa:1024" },
	{ "empty key types", "kind = root\ndays = 1\nmax_days = 2\n"
	  "digest = sha256\nkey_types = ,\nextensions = ext\n", "empty" },
	{ "missing ext section", "kind = root\ndays = 1\nmax_days = 2\n"
	  "digest = sha256\nkey_types = ec:P-256\nextensions = nope\n",
	  "[nope] is missing" },
	{ "missing subject section", "kind = root\nsubject = who\ndays = 1\n"
	  "max_days = 2\ndigest = sha256\nkey_types = ec:P-256\n"
	  "extensions = ext\n", "[who] is missing" },
};

static int
write_case(const char *path, const char *profile, const char *tail)
{
	FILE	*f;

	if ((f = fopen(path, "w")) == NULL)
		return 1;
	fprintf(f, "[profile]\n%s%s", profile, tail);
	return fclose(f) != 0;
}

static int
check_case(size_t i, const char *path)
{
	struct tmpl	*t = NULL;
	int		 rc, pass;

	err_clear();
	rc = tmpl_load(path, &t);
	if (cases[i].error == NULL)
		pass = rc == 0 && t != NULL && t->md != NULL &&
		    (t->kindv != TMPL_ROOT ||
		    X509_NAME_entry_count(t->subject) == 3);
	else
		pass = rc != 0 && t == NULL &&
		    strstr(err_get(), cases[i].error) != NULL;
	printf("%s %zu - %s\n", pass ? "ok" : "not ok", i + 1, cases[i].name);
	if (!pass)
		printf("# rc %d, message: %s\n", rc, err_get());
	tmpl_free(t);
	return pass;
}

/* Line numbers of config syntax errors, and the shipped template. */
static int
check_extra(size_t n, const char *path, const char *top)
{
	struct tmpl	*t = NULL;
	char		 shipped[4096];
	int		 failed = 0, pass;

	write_case(path, "kind = root\nno equal sign here\n", "");
	pass = tmpl_load(path, &t) != 0 && strstr(err_get(), "line 3") != NULL;
	printf("%s %zu - syntax error names its line\n", pass ? "ok" : "not ok",
	    n + 1);
	failed += !pass;
	snprintf(shipped, sizeof(shipped), "%s/templates/root-ca.cnf", top);
	pass = tmpl_load(shipped, &t) == 0 && t->max_days == 9132 &&
	    t->nkey_types == 4 && strcmp(t->name, "root-ca") == 0;
	printf("%s %zu - templates/root-ca.cnf loads\n", pass ? "ok" : "not ok",
	    n + 2);
	failed += !pass;
	tmpl_free(t);
	return failed;
}

int
main(void)
{
	char		 dir[] = "/tmp/test_template.XXXXXX", path[256];
	const char	*top = getenv("TOP");
	size_t		 i, n = sizeof(cases) / sizeof(cases[0]);
	int		 failed = 0;

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof(path), "%s/t.cnf", dir);
	for (i = 0; i < n; i++) {
		if (write_case(path, cases[i].profile, TAIL) != 0)
			return 1;
		failed += !check_case(i, path);
	}
	failed += check_extra(n, path, top != NULL ? top : ".");
	printf("1..%zu\n", n + 2);
	unlink(path);
	rmdir(dir);
	return failed != 0;
}
