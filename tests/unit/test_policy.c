/* SPDX-License-Identifier: ISC */
/*
 * Policy profiles, table-driven: each case is a [policy] body written to
 * a temporary file; a good one loads, a bad one fails with a message
 * naming the key.  Then requests built here are checked against a policy
 * for the rules the openssl CLI cannot exercise, and the list of
 * acceptable extensions the signing side copies from is walked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include "ceremony/policy/policy.h"
#include "tests/unit/tap.h"

#define BASE	"key_types = ec:P-256\nextensions_allowed = subjectAltName\n"

static const struct {
	const char	*name;
	const char	*body;		/* the [policy] body */
	const char	*error;		/* NULL: must load */
} cases[] = {
	{ "minimal", BASE, NULL },
	{ "every key",
	  "description = all of them\nsubject_allowed = C, O, CN, 1.2.3.4\n"
	  "subject_required = CN\nsan_types = DNS, IP, email, URI, otherName\n"
	  "san_required = yes\nsan_max = 10\ncn_in_san = no\ncn_fqdn = yes\n"
	  "wildcards = true\ndns_permitted = example.com, .example.org\n"
	  "dns_excluded = bad.example.com\n"
	  "key_types = rsa:2048, rsa:3072, ec:P-256, ec:secp384r1\n"
	  "key_quality = no\nfermat_rounds = 1000\ndigests = sha384\n"
	  "eku_required = serverAuth\neku_forbidden = 1.3.6.1.5.5.7.3.3\n"
	  "extensions_allowed = subjectAltName, extendedKeyUsage\n"
	  "ca_allowed = yes\npathlen_max = 2\n", NULL },
	{ "unknown key", BASE "colour = blue\n", "unknown key \"colour\"" },
	/* OpenSSL's reader keeps the last of a repeated key (documented). */
	{ "key twice", BASE "wildcards = no\nwildcards = yes\n", NULL },
	{ "no key_types", "extensions_allowed = subjectAltName\n",
	  "key_types is missing" },
	{ "no extensions_allowed", "key_types = ec:P-256\n",
	  "extensions_allowed is missing" },
	{ "sha1", BASE "digests = sha256, sha1\n", "\"sha1\" is not allowed" },
	{ "md5", BASE "digests = md5\n", "\"md5\" is not allowed" },
	{ "rsa:512", "key_types = rsa:512\nextensions_allowed = subjectAltName\n",
	  "key_types" },
	{ "unknown curve", "key_types = ec:P-999\n"
	  "extensions_allowed = subjectAltName\n", "ec:P-999" },
	{ "bad key type", "key_types = dsa:2048\n"
	  "extensions_allowed = subjectAltName\n", "not a key type" },
	{ "bad bool", BASE "wildcards = maybe\n", "write yes or no" },
	{ "bad number", BASE "san_max = lots\n", "san_max = \"lots\"" },
	{ "number out of range", BASE "san_max = 0\n", "from 1 to 1000" },
	{ "bad SAN type", BASE "san_types = DNS, X400\n", "\"X400\"" },
	{ "bad OID", BASE "eku_required = serverAuthh\n",
	  "eku_required: \"serverAuthh\"" },
	{ "bad attribute", BASE "subject_allowed = CN, Colour\n",
	  "subject_allowed: \"Colour\"" },
	{ "bad suffix", BASE "dns_permitted = exa_mple.com\n",
	  "dns_permitted: \"exa_mple.com\"" },
	{ "empty list", BASE "dns_excluded = , ,\n", "dns_excluded is empty" },
	{ "pathlen without CA", BASE "pathlen_max = 1\n",
	  "pathlen_max needs ca_allowed" },
	{ "EKU required and forbidden", BASE "eku_required = serverAuth\n"
	  "eku_forbidden = 1.3.6.1.5.5.7.3.1\n", "both in eku_required" },
	{ "required not allowed", BASE "subject_allowed = O\n"
	  "subject_required = CN\n", "subject_required names" },
};

static int
write_policy(const char *path, const char *body)
{
	FILE	*fp;

	if ((fp = fopen(path, "w")) == NULL)
		return 1;
	fprintf(fp, "# test\n[policy]\n%s", body);
	return fclose(fp) != 0;
}

static void
test_loading(const char *path)
{
	struct policy	*p;
	FILE		*fp;
	size_t		 i;
	int		 r;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (write_policy(path, cases[i].body) != 0)
			break;
		err_clear();
		r = policy_load(path, &p);
		if (cases[i].error == NULL)
			ok(r == 0 && p != NULL, "%s: loads", cases[i].name);
		else
			ok(r != 0 && p == NULL && strstr(err_get(),
			    cases[i].error) != NULL && strstr(err_get(),
			    path) != NULL, "%s: refused naming file and key (%s)",
			    cases[i].name, err_get());
		policy_free(p);
	}
	if ((fp = fopen(path, "w")) != NULL)
		fclose(fp);
	ok(policy_load(path, &p) != 0 && strstr(err_get(), "no [policy]"),
	    "a file without [policy] is refused");
	ok(policy_load("/nonexistent/p.cnf", &p) != 0 &&
	    strstr(err_get(), "cannot open policy"), "a missing file is refused");
}

/* A request signed with k, built here: subject entries and extensions. */
static struct csr *
make_csr(EVP_PKEY *k, const char *cn, const char *country,
    const char *const *exts)
{
	X509_REQ			*r = X509_REQ_new();
	X509_NAME			*nm = X509_NAME_new();
	STACK_OF(X509_EXTENSION)	*sk = sk_X509_EXTENSION_new_null();
	X509_EXTENSION			*e;
	unsigned char			*der = NULL;
	struct csr			*c = NULL;
	int				 len, i;

	if (country != NULL)
		X509_NAME_add_entry_by_txt(nm, "C", V_ASN1_PRINTABLESTRING,
		    (const unsigned char *)country, -1, -1, 0);
	X509_NAME_add_entry_by_txt(nm, "CN", V_ASN1_UTF8STRING,
	    (const unsigned char *)cn, -1, -1, 0);
	for (i = 0; exts != NULL && exts[i] != NULL; i += 2)
		if ((e = X509V3_EXT_conf(NULL, NULL, exts[i], exts[i + 1])) != NULL)
			sk_X509_EXTENSION_push(sk, e);
	X509_REQ_set_subject_name(r, nm);
	X509_REQ_set_pubkey(r, k);
	if (sk_X509_EXTENSION_num(sk) > 0)
		X509_REQ_add_extensions(r, sk);
	if (X509_REQ_sign(r, k, EVP_sha256()) > 0 &&
	    (len = i2d_X509_REQ(r, &der)) > 0)
		csr_load_mem("test.csr", der, len, &c);
	OPENSSL_free(der);
	sk_X509_EXTENSION_pop_free(sk, X509_EXTENSION_free);
	X509_NAME_free(nm);
	X509_REQ_free(r);
	return c;
}

/* The codes policy_check finds, space-separated, in order. */
static const char *
check_codes(const struct policy *p, const struct csr *c, int *verdict)
{
	static char	buf[512];
	struct findings	f = { NULL, 0, 0, 0 };
	size_t		i;

	buf[0] = '\0';
	*verdict = c != NULL ? policy_check(p, c, &f) : -1;
	for (i = 0; i < f.n; i++) {
		strncat(buf, f.v[i].code, sizeof(buf) - strlen(buf) - 2);
		strcat(buf, " ");
	}
	findings_free(&f);
	return buf;
}

static void
test_checks(const char *path)
{
	static const char *const srv[] = {
		"subjectAltName", "DNS:vcs.example.com",
		"extendedKeyUsage", "serverAuth",
		"basicConstraints", "critical,CA:FALSE", NULL };
	static const char *const nosan[] = { "extendedKeyUsage", "serverAuth",
		NULL };
	struct policy	*p = NULL;
	struct csr	*c;
	EVP_PKEY	*k = EVP_EC_gen("P-256");
	X509_EXTENSION	*e;
	const char	*codes;
	char		 cn[80];
	int		 v, i, n;

	write_policy(path, "subject_allowed = C, CN\nsan_required = no\n"
	    "cn_fqdn = yes\nkey_types = ec:P-256\n"
	    "extensions_allowed = subjectAltName, extendedKeyUsage\n");
	ok(policy_load(path, &p) == 0, "check policy loads");
	if (p == NULL || k == NULL)
		return;
	c = make_csr(k, "vcs.example.com", "JP", srv);
	codes = check_codes(p, c, &v);
	ok(v == 1 && strcmp(codes, "ext-not-allowed ") == 0,
	    "basicConstraints not in extensions_allowed: %s", codes);
	for (n = 0, i = 0; c != NULL && (e = policy_ext_next(p, c, &i)) != NULL;
	    n++)
		;
	ok(n == 2, "policy_ext_next lists the 2 acceptable extensions of 3");
	csr_free(c);
	c = make_csr(k, "vcs.example.com", "JPN", nosan);
	codes = check_codes(p, c, &v);
	ok(v == 1 && strcmp(codes, "subject-c-length ") == 0,
	    "C = JPN: %s", codes);
	csr_free(c);
	memset(cn, 'a', 60);
	strcpy(cn + 60, ".example.com");
	c = make_csr(k, cn, NULL, nosan);
	codes = check_codes(p, c, &v);
	ok(v == 1 && strcmp(codes, "subject-value-too-long ") == 0,
	    "CN of 72 characters: %s", codes);
	csr_free(c);
	c = make_csr(k, "vcs.example.com", NULL, nosan);
	codes = check_codes(p, c, &v);
	ok(v == 0 && *codes == '\0', "no SAN and san_required = no: accepted");
	csr_free(c);
	policy_free(p);
	EVP_PKEY_free(k);
}

int
main(void)
{
	char	path[] = "/tmp/test_policy.XXXXXX";
	int	fd;

	if ((fd = mkstemp(path)) == -1)
		return 1;
	close(fd);
	test_loading(path);
	test_checks(path);
	unlink(path);
	return done_testing();
}
