/* SPDX-License-Identifier: ISC */
/*
 * Template loading, table-driven: each case is a [profile] body written to
 * a temporary file; a good one loads with every value it sets (and the
 * defaults of those it does not), a bad one fails with a message
 * containing the expected words.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/asn1.h>
#include <openssl/evp.h>
#include <openssl/objects.h>

#include "ceremony/issue/issue.h"

#define TAIL \
	"[subject]\nC = XX\nO = Test\nCN = Test Root\n" \
	"[ext]\nbasicConstraints = critical, CA:TRUE\n" \
	"keyUsage = critical, keyCertSign, cRLSign\n" \
	"subjectKeyIdentifier = hash\n"
#define GOOD \
	"kind = root\ndays = 3650\nmax_days = 9132\ndigest = sha384\n" \
	"key_types = ec:P-384, rsa:4096\nextensions = ext\n"

/* What a good template loads as: every field tmpl_load sets. */
struct want {
	const char	*kind;
	enum tmpl_kind	 kindv;
	long		 days, max_days;
	time_t		 not_before, not_after;
	const char	*not_after_asn1;	/* as a certificate encodes it */
	int		 md;			/* digest NID */
	const char	*digest;
	const char	*key_types;	/* "name kind bits curve", ", " between */
	const char	*copy;		/* short names, ", " between */
	const char	*subject;	/* RFC 2253; NULL: the request's */
	const char	*policy;	/* beside the template; NULL: none */
	const char	*ext, *link;
	long		 overlap_days, p12_iterations, p12_min_password;
};

#define ROOT_SUBJECT	"CN=Test Root,O=Test,C=XX"
/* 2026-01-01 and 2051-01-01 00:00:00 UTC. */
#define T2026		((time_t)1767225600)
#define T2051		((time_t)2556144000)

static const struct want want_good = {
	"root", TMPL_ROOT, 3650, 9132, 0, 0, NULL, NID_sha384, "sha384",
	"ec:P-384 2 384 secp384r1, rsa:4096 1 4096 -", "", ROOT_SUBJECT,
	NULL, "ext", NULL, 90, 600000, 12
};
/* Past 2049 a certificate's time is a GeneralizedTime (RFC 5280 4.1.2.5). */
static const struct want want_2051 = {
	"root", TMPL_ROOT, 0, 9132, T2026, T2051, "20510101000000Z",
	NID_sha256, "sha256", "ec:P-256 2 256 prime256v1", "", ROOT_SUBJECT,
	NULL, "ext", NULL, 90, 600000, 12
};
static const struct want want_subca = {
	"subca", TMPL_SUBCA, 1, 2, 0, 0, NULL, NID_sha256, "sha256", "",
	"subjectAltName, extendedKeyUsage", NULL, "p.cnf", "ext", NULL, 90,
	600000, 12
};
static const struct want want_tuned = {
	"root", TMPL_ROOT, 3650, 9132, 0, 0, NULL, NID_sha384, "sha384",
	"ec:P-384 2 384 secp384r1, rsa:4096 1 4096 -", "", ROOT_SUBJECT,
	NULL, "ext", "ext", 30, 20000, 16
};

static const struct {
	const char		*name;
	const char		*profile;	/* the [profile] body */
	const char		*error;		/* NULL: must load */
	const struct want	*want;		/* what it loads as */
} cases[] = {
	{ "good", GOOD, NULL, &want_good },
	{ "explicit dates past 2049",
	  "kind = root\nnot_before = 20260101000000Z\n"
	  "not_after = 20510101000000Z\nmax_days = 9132\ndigest = sha256\n"
	  "key_types = ec:P-256\nextensions = ext\n", NULL, &want_2051 },
	{ "root with rollover and PKCS#12 settings", GOOD
	  "rollover_overlap = 30\nlink_extensions = ext\n"
	  "p12_iterations = 20000\np12_min_password = 16\n", NULL,
	  &want_tuned },
	{ "unknown key", GOOD "colour = blue\n", "unknown key \"colour\"", NULL },
	{ "subca with policy and copied SAN", "kind = subca\npolicy = p.cnf\n"
	  "days = 1\nmax_days = 2\ndigest = sha256\nextensions = ext\n"
	  "copy_extensions = subjectAltName, extendedKeyUsage\n", NULL,
	  &want_subca },
	{ "no kind", "days = 1\nmax_days = 2\ndigest = sha256\n"
	  "key_types = ec:P-256\nextensions = ext\n", "kind is missing", NULL },
	{ "unknown kind", "kind = intermediate\ndays = 1\nmax_days = 2\n"
	  "digest = sha256\nkey_types = ec:P-256\nextensions = ext\n",
	  "kind \"intermediate\" is not known", NULL },
	{ "subca without policy", "kind = subca\ndays = 1\nmax_days = 2\n"
	  "digest = sha256\nextensions = ext\n", "policy is missing", NULL },
	{ "subca copying basicConstraints", "kind = subca\npolicy = p.cnf\n"
	  "days = 1\nmax_days = 2\ndigest = sha256\nextensions = ext\n"
	  "copy_extensions = subjectAltName, basicConstraints\n",
	  "basicConstraints is the issuer's to decide", NULL },
	{ "leaf copying keyUsage", "kind = leaf\npolicy = p.cnf\n"
	  "days = 1\nmax_days = 2\ndigest = sha256\nextensions = ext\n"
	  "copy_extensions = keyUsage\n", "never copied", NULL },
	{ "unknown copied extension", "kind = leaf\npolicy = p.cnf\n"
	  "days = 1\nmax_days = 2\ndigest = sha256\nextensions = ext\n"
	  "copy_extensions = frobnicate\n", 
	  "unknown extension \"frobnicate\"", NULL },
	{ "root copying", GOOD "copy_extensions = subjectAltName\n",
	  "no request to copy from", NULL },
	{ "root with a policy", GOOD "policy = p.cnf\n", "has no policy", NULL },
	{ "root subject from csr", GOOD "subject_from = csr\n",
	  "subject comes from the template", NULL },
	{ "bad subject_from", "kind = leaf\npolicy = p.cnf\nsubject_from = both\n"
	  "days = 1\nmax_days = 2\ndigest = sha256\nextensions = ext\n",
	  "subject_from is csr or template", NULL },
	{ "sha1", "kind = root\ndays = 1\nmax_days = 2\ndigest = sha1\n"
	  "key_types = ec:P-256\nextensions = ext\n", "not allowed", NULL },
	{ "md5", "kind = root\ndays = 1\nmax_days = 2\ndigest = md5\n"
	  "key_types = ec:P-256\nextensions = ext\n", "not allowed", NULL },
	{ "days and not_after", "kind = root\ndays = 1\n"
	  "not_after = 20300101000000Z\nmax_days = 2\ndigest = sha256\n"
	  "key_types = ec:P-256\nextensions = ext\n", 
	  "either days or not_after", NULL },
	{ "no validity", "kind = root\nmax_days = 2\ndigest = sha256\n"
	  "key_types = ec:P-256\nextensions = ext\n", 
	  "either days or not_after", NULL },
	{ "bad days", "kind = root\ndays = ten\nmax_days = 2\n"
	  "digest = sha256\nkey_types = ec:P-256\nextensions = ext\n",
	  "days \"ten\"", NULL },
	{ "bad time", "kind = root\nnot_after = 2030-01-01\nmax_days = 2\n"
	  "digest = sha256\nkey_types = ec:P-256\nextensions = ext\n",
	  "YYYYMMDDHHMMSSZ", NULL },
	{ "reversed dates", "kind = root\nnot_before = 20300101000000Z\n"
	  "not_after = 20200101000000Z\nmax_days = 2\ndigest = sha256\n"
	  "key_types = ec:P-256\nextensions = ext\n", 
	  "not after not_before", NULL },
	{ "no max_days", "kind = root\ndays = 1\ndigest = sha256\n"
	  "key_types = ec:P-256\nextensions = ext\n", "max_days is missing", NULL },
	{ "bad key type", "kind = root\ndays = 1\nmax_days = 2\n"
	  "digest = sha256\nkey_types = ec:P-256, rsa:1024\nextensions = ext\n",
	  "rsa:1024", NULL },
	{ "empty key types", "kind = root\ndays = 1\nmax_days = 2\n"
	  "digest = sha256\nkey_types = ,\nextensions = ext\n", "empty", NULL },
	{ "missing ext section", "kind = root\ndays = 1\nmax_days = 2\n"
	  "digest = sha256\nkey_types = ec:P-256\nextensions = nope\n",
	  "[nope] is missing", NULL },
	{ "missing subject section", "kind = root\nsubject = who\ndays = 1\n"
	  "max_days = 2\ndigest = sha256\nkey_types = ec:P-256\n"
	  "extensions = ext\n", "[who] is missing", NULL },
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

/* A mismatch: a diagnostic line, and 1. */
static int
want_long(const char *what, long got, long want)
{
	if (got == want)
		return 0;
	printf("#   %s: got %ld, expected %ld\n", what, got, want);
	return 1;
}

static int
want_str(const char *what, const char *got, const char *want)
{
	if (got == want || (got != NULL && want != NULL &&
	    strcmp(got, want) == 0))
		return 0;
	printf("#   %s: got \"%s\", expected \"%s\"\n", what,
	    got != NULL ? got : "(none)", want != NULL ? want : "(none)");
	return 1;
}

/* The key types and the copy list, as the want strings spell them. */
static void
lists_text(const struct tmpl *t, char *keys, char *copy, size_t len)
{
	const struct hsm_keyspec	*k;
	size_t				 i, n = 0, m = 0;

	keys[0] = copy[0] = '\0';
	for (i = 0; i < t->nkey_types && n < len; i++) {
		k = &t->key_types[i];
		n += snprintf(keys + n, len - n, "%s%s %d %d %s",
		    i ? ", " : "", k->name, (int)k->kind, k->bits,
		    k->nid != 0 ? OBJ_nid2sn(k->nid) : "-");
	}
	for (i = 0; i < t->ncopy && m < len; i++)
		m += snprintf(copy + m, len - m, "%s%s", i ? ", " : "",
		    OBJ_nid2sn(t->copy[i]));
}

/* notAfter as issue_validity encodes it: the type and the exact time. */
static int
want_asn1_time(time_t when, const char *want)
{
	ASN1_TIME	*a;
	int		 bad;

	if (want == NULL)
		return 0;
	if ((a = ASN1_TIME_set(NULL, when)) == NULL)
		return want_str("not_after encoded", NULL, want);
	bad = want_long("not_after is a GeneralizedTime",
	    ASN1_STRING_type(a), V_ASN1_GENERALIZEDTIME) +
	    want_str("not_after encoded",
	    (const char *)ASN1_STRING_get0_data(a), want) +
	    want_long("not_after read back", (long)cert_time(a), (long)when);
	ASN1_TIME_free(a);
	return bad;
}

static int
check_want(const struct tmpl *t, const struct want *w, const char *path)
{
	char	 keys[256], copy[256], policy[300], *subj = NULL;
	int	 bad;

	lists_text(t, keys, copy, sizeof(keys));
	snprintf(policy, sizeof(policy), "%.*s/%s",
	    (int)(strrchr(path, '/') - path), path, w->policy ? w->policy : "");
	if (t->subject != NULL)
		subj = name_text(t->subject);
	bad = want_str("name", t->name, "t") +
	    want_str("kind", t->kind, w->kind) +
	    want_long("kind value", t->kindv, w->kindv) +
	    want_long("days", t->days, w->days) +
	    want_long("max_days", t->max_days, w->max_days) +
	    want_long("not_before", (long)t->not_before, (long)w->not_before) +
	    want_long("not_after", (long)t->not_after, (long)w->not_after) +
	    want_asn1_time(t->not_after, w->not_after_asn1) +
	    want_long("digest NID", t->md ? EVP_MD_get_type(t->md) : 0, w->md) +
	    want_str("digest", t->digest, w->digest) +
	    want_str("key_types", keys, w->key_types) +
	    want_str("copy_extensions", copy, w->copy) +
	    want_str("subject", subj, w->subject) +
	    want_str("policy", t->policy_path, w->policy ? policy : NULL) +
	    want_str("extensions", t->ext_section, w->ext) +
	    want_str("link_extensions", t->link_section, w->link) +
	    want_long("rollover_overlap", t->overlap_days, w->overlap_days) +
	    want_long("p12_iterations", t->p12_iterations, w->p12_iterations) +
	    want_long("p12_min_password", t->p12_min_password,
	    w->p12_min_password);
	free(subj);
	return bad == 0;
}

static int
check_case(size_t i, const char *path)
{
	struct tmpl	*t = NULL;
	int		 rc, pass;

	err_clear();
	rc = tmpl_load(path, &t);
	if (cases[i].error == NULL)
		pass = rc == 0 && t != NULL &&
		    check_want(t, cases[i].want, path);
	else
		pass = rc != 0 && t == NULL &&
		    strstr(err_get(), cases[i].error) != NULL;
	printf("%s %zu - %s\n", pass ? "ok" : "not ok", i + 1, cases[i].name);
	if (!pass && (rc != 0 || cases[i].error != NULL))
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
