/* SPDX-License-Identifier: ISC */
/*
 * Certificate request intake (ceremony/policy/csr.c, csr_text.c, csr_print.c,
 * policy*.c, vetted.c), then the build and lint of the certificate
 * (issue.c, lint.c, certsign.c, genurl.c): the input is a request, PEM or
 * DER.  It is read as the intake's parser reads it, checked against the
 * subordinate-CA, server and OCSP policies of templates/ and put in words
 * as csr show shows it (vetted_from_csr), sent through the intake's pipe
 * format (vetted_encode, vetted_decode), and each time built into the
 * to-be-signed certificate of the template that names the policy from the
 * vetted form, as the signing process builds it, issued by a software root
 * (made once, in LLVMFuzzerInitialize, by the same build: no token), and
 * linted.
 *
 * The build runs whatever the policy found: the fuzzer cannot forge a
 * request's signature, so behind a passing policy it would only ever see
 * the seeds; the lint must stand any request anyway.
 *
 * The calls into csr.c, policy.c, sign.c and issue.c are in the three
 * functions below (request_read, request_check, request_build) and
 * nowhere else, so that a change of those interfaces is met here once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "ceremony/issue/issue.h"
#include "ceremony/policy/policy.h"
#include "tests/fuzz/fuzz.h"

/* A serial for every build: issue_build draws none when one is set. */
#define SERIAL	"4A1B2C3D4E5F60718293A4B5C6D7E8F901234567"
#define ROOT_SERIAL	"1F2E3D4C5B6A79881726354453627180A9B8C7D6"

static const char *const profiles[] = {
	"subca.cnf", "expressway-server.cnf", "ocsp-signer.cnf"
};
#define NPROFILES	(sizeof(profiles) / sizeof(profiles[0]))

static struct tmpl	*tmpls[NPROFILES];
static struct policy	*policies[NPROFILES];
static struct hsm_key	 rootkey;
static struct signer	 sg;
static FILE		*devnull;

static void
die(const char *what, const struct findings *f)
{
	fprintf(stderr, "fuzz_csr: %s: %s\n", what, err_get());
	if (f != NULL)
		findings_print(stderr, f);
	abort();
}

static struct csr *
request_read(const uint8_t *data, size_t size)
{
	struct csr	*c = NULL;

	if (csr_load_mem("fuzz.csr", data, size, &c) != 0)
		return NULL;
	return c;
}

/* Vetted as the parser vets it, and read back as the signer reads it. */
static struct vetted *
request_check(const struct policy *p, const struct csr *c)
{
	struct vetted	*v = NULL, *back = NULL;
	unsigned char	*msg = NULL;
	size_t		 len = 0;
	int		 kind;

	if (vetted_from_csr(c, p, VET_TEXT, &v) == 0 &&
	    vetted_encode(v, VET_OK, NULL, &msg, &len) == 0 &&
	    (vetted_decode("fuzz.csr", msg, len, &kind, &back) != 0 ||
	    kind != VET_OK)) {
		fprintf(stderr, "a vetted request does not read back: %s\n",
		    err_get());
		abort();
	}
	free(msg);
	vetted_free(v);
	return back;
}

/* The to-be-signed certificate, built and linted; 0 if it passed. */
static int
request_build(const struct tmpl *t, const struct vetted *v,
    struct findings *f)
{
	struct sign_opts	o = { 0 };
	struct issue_job	j;
	int			rc;

	sign_job(&j, &sg, t, v, &o);
	snprintf(j.serial, sizeof(j.serial), "%s", SERIAL);
	rc = issue_build(NULL, &j, f);
	issue_job_clear(&j);
	return rc;
}

/* The software root: root-ca.cnf's certificate on a P-384 key. */
static void
root_make(void)
{
	struct findings		 f = { 0 };
	struct issue_job	 j;
	struct tmpl		*t = NULL;
	EVP_PKEY		*key;

	if (tmpl_load(fuzz_template("root-ca.cnf"), &t) != 0)
		die("root-ca.cnf", NULL);
	if ((key = EVP_EC_gen("P-384")) == NULL ||
	    hsm_keyspec_parse("ec:P-384", &rootkey.spec) != 0)
		die("a P-384 key", NULL);
	rootkey.pubkey = key;
	memset(&j, 0, sizeof(j));
	j.t = t;
	j.key = &rootkey;
	j.pubkey = key;
	snprintf(j.serial, sizeof(j.serial), "%s", ROOT_SERIAL);
	if (issue_build(NULL, &j, &f) != 0 ||
	    X509_sign(j.cert, key, t->md) <= 0)
		die("the software root", &f);
	sg.generation = 1;
	sg.issuer = j.cert;
	sg.key = &rootkey;
	sg.signer = key;
	j.cert = NULL;
	issue_job_clear(&j);
	findings_free(&f);
	tmpl_free(t);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	size_t	i;

	(void)argc;
	(void)argv;
	if ((devnull = fopen("/dev/null", "w")) == NULL)
		abort();
	for (i = 0; i < NPROFILES; i++)
		if (tmpl_load(fuzz_template(profiles[i]), &tmpls[i]) != 0 ||
		    policy_load(tmpls[i]->policy_path, &policies[i]) != 0)
			die(profiles[i], NULL);
	root_make();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct findings	 f;
	struct csr	*c;
	struct vetted	*v;
	size_t		 i;

	if ((c = request_read(data, size)) != NULL) {
		for (i = 0; i < NPROFILES; i++) {
			memset(&f, 0, sizeof(f));
			if ((v = request_check(policies[i], c)) == NULL)
				continue;
			fputs(v->text, devnull);
			if (request_build(tmpls[i], v, &f) != 0 &&
			    getenv("CEREMONY_FUZZ_DEBUG") != NULL) {
				fprintf(stderr, "%s: %s\n", profiles[i],
				    err_get());
				findings_print(stderr, &f);
			}
			findings_free(&f);
			vetted_free(v);
		}
		csr_free(c);
	}
	err_clear();
	return 0;
}
