/* SPDX-License-Identifier: ISC */
/*
 * A driver for the token layer, run by tests/hsm_*.t on throwaway SoftHSM2
 * tokens: one hsm_* operation per run, its result on stdout, the error
 * message on stderr as one line.  Run bare (as the unit test runner does)
 * it has nothing to do and says so in TAP.
 *
 *   test_hsm -m MODULE [-t TOKEN] [-p PINFILE] [-s SOPINFILE] COMMAND ...
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "util/util.h"
#include "hsm/hsm.h"

struct drv {
	const char	*module, *token, *pinfile, *sopinfile;
	const char	*reauthfile;	/* -a: PIN for re-authentication */
	struct hsm	*h;
	int		 pin_asked;
};

static void
print_key(const struct hsm_key *k)
{
	char	*id = hex_encode(k->id, k->id_len, 0);

	printf("label=%s id=%s spec=%s pub=%s pubkey=%s\n", k->label,
	    id ? id : "?", k->spec.name, k->pub ? "yes" : "no",
	    k->pubkey ? "yes" : "no");
	free(id);
}

static int
cmd_tokens(struct drv *d)
{
	struct hsm_token_info	*v;
	size_t			 n, i;

	if (hsm_tokens(d->h, &v, &n) != 0)
		return 1;
	for (i = 0; i < n; i++)
		printf("slot=%lu present=%d init=%d label=%s serial=%s "
		    "manufacturer=%s model=%s login=%d userpin=%d low=%d "
		    "final=%d locked=%d so_low=%d so_final=%d so_locked=%d "
		    "rng=%d\n", v[i].slot_id, v[i].present, v[i].initialized,
		    v[i].label, v[i].serial, v[i].manufacturer, v[i].model,
		    v[i].login_required, v[i].user_pin_initialized,
		    v[i].user_pin_count_low, v[i].user_pin_final_try,
		    v[i].user_pin_locked, v[i].so_pin_count_low,
		    v[i].so_pin_final_try, v[i].so_pin_locked, v[i].has_rng);
	free(v);
	return 0;
}

static int
cmd_init(struct drv *d, const char *label)
{
	struct secret	*so = NULL, *user = NULL;
	int		 rc = 1;

	if (secret_read_file(d->sopinfile, "SO PIN", "--so-pin-fd", &so) == 0 &&
	    secret_read_file(d->pinfile, "user PIN", "--pin-fd", &user) == 0 &&
	    hsm_token_init(d->h, label, so, user) == 0)
		rc = 0;
	secret_free(so);
	secret_free(user);
	return rc;
}

static int
login(struct drv *d)
{
	struct secret	*pin = NULL;
	int		 rc;

	if (hsm_token_select(d->h, d->token) != 0)
		return 1;
	if (d->pinfile == NULL)
		return 0;
	if (secret_read_file(d->pinfile, "user PIN", "--pin-fd", &pin) != 0)
		return 1;
	rc = hsm_login(d->h, pin);
	secret_free(pin);
	return rc;
}

static void
print_attrs(struct drv *d, const struct hsm_key *k)
{
	struct hsm_key_attrs	a;

	if (hsm_key_attrs(d->h, k, &a) != 0)
		return;
	printf("token=%d private=%d sensitive=%d extractable=%d "
	    "always_sensitive=%d never_extractable=%d sign=%d decrypt=%d "
	    "unwrap=%d derive=%d always_authenticate=%d\n", a.token,
	    a.private_, a.sensitive, a.extractable, a.always_sensitive,
	    a.never_extractable, a.sign, a.decrypt, a.unwrap, a.derive,
	    a.always_authenticate);
}

static int
cmd_genkey(struct drv *d, int argc, char **argv)
{
	struct hsm_keyspec	 spec;
	struct hsm_key		*k = NULL;
	int			 flags = 0;

	if (argc < 2) {
		err_set("genkey SPEC LABEL [always-auth]");
		return 1;
	}
	if (argc > 2 && strcmp(argv[2], "always-auth") == 0)
		flags |= HSM_KEYGEN_ALWAYS_AUTH;
	if (hsm_keyspec_parse(argv[0], &spec) != 0 ||
	    hsm_key_generate_ex(d->h, &spec, argv[1], flags, &k) != 0)
		return 1;
	print_key(k);
	print_attrs(d, k);
	hsm_key_free(k);
	return 0;
}

static int
cmd_find(struct drv *d, const char *ref)
{
	struct hsm_key	*k;

	if (hsm_key_find(d->h, ref, &k) != 0)
		return 1;
	print_key(k);
	print_attrs(d, k);
	hsm_key_free(k);
	return 0;
}

static int
cmd_keys(struct drv *d)
{
	struct hsm_key	**v;
	size_t		  n, i;

	if (hsm_keys(d->h, &v, &n) != 0)
		return 1;
	for (i = 0; i < n; i++)
		print_key(v[i]);
	hsm_keys_free(v, n);
	return 0;
}

static int
cmd_pubkey(struct drv *d, const char *ref)
{
	struct hsm_key	*k;
	int		 rc;

	if (hsm_key_find(d->h, ref, &k) != 0)
		return 1;
	rc = PEM_write_PUBKEY(stdout, k->pubkey) ? 0 : 1;
	hsm_key_free(k);
	return rc;
}

static int
cmd_findpub(struct drv *d, const char *path)
{
	struct hsm_key	*k;
	EVP_PKEY	*pk;
	FILE		*fp;

	if ((fp = fopen(path, "r")) == NULL) {
		err_set("cannot open %s", path);
		return 1;
	}
	pk = PEM_read_PUBKEY(fp, NULL, NULL, NULL);
	fclose(fp);
	if (pk == NULL) {
		err_ossl("%s: not a public key", path);
		return 1;
	}
	if (hsm_key_find_pubkey(d->h, pk, &k) != 0) {
		EVP_PKEY_free(pk);
		return 1;
	}
	print_key(k);
	hsm_key_free(k);
	EVP_PKEY_free(pk);
	return 0;
}

/* The PIN again, for a key with CKA_ALWAYS_AUTHENTICATE. */
static int
pin_again(void *arg, struct secret **pin)
{
	struct drv	*d = arg;

	d->pin_asked++;
	return secret_read_file(d->reauthfile ? d->reauthfile : d->pinfile,
	    "user PIN", "--pin-fd", pin);
}

/* A self-signed certificate made with the token key. */
static X509 *
selfsign(const struct hsm_key *k, EVP_PKEY *signer)
{
	X509		*x;
	X509_NAME	*name = NULL;

	if ((x = X509_new()) == NULL || !X509_set_version(x, 2) ||
	    !ASN1_INTEGER_set(X509_get_serialNumber(x), 42) ||
	    (name = X509_NAME_new()) == NULL ||
	    !X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	    (const unsigned char *)"hsm test", -1, -1, 0) ||
	    !X509_set_subject_name(x, name) || !X509_set_issuer_name(x, name) ||
	    !X509_gmtime_adj(X509_getm_notBefore(x), 0) ||
	    !X509_gmtime_adj(X509_getm_notAfter(x), 86400) ||
	    !X509_set_pubkey(x, k->pubkey) ||
	    X509_sign(x, signer, EVP_sha384()) <= 0) {
		if (!err_isset())
			err_ossl("cannot sign a test certificate");
		X509_free(x);
		x = NULL;
	}
	X509_NAME_free(name);
	return x;
}

static int
cmd_sign(struct drv *d, const char *ref, int store)
{
	struct hsm_key	*k = NULL;
	EVP_PKEY	*signer = NULL;
	X509		*x = NULL;
	int		 rc = 1, exists;

	if (d->reauthfile == NULL || strcmp(d->reauthfile, "none") != 0)
		hsm_set_pin_cb(d->h, pin_again, d);
	if (hsm_key_find(d->h, ref, &k) != 0 ||
	    hsm_key_signer(d->h, k, &signer) != 0 ||
	    (x = selfsign(k, signer)) == NULL)
		goto out;
	if (X509_verify(x, k->pubkey) != 1) {
		err_ossl("the token's signature does not verify");
		goto out;
	}
	printf("verified pin_asked=%d\n", d->pin_asked);
	if (store && (hsm_cert_store(d->h, k, x) != 0 ||
	    hsm_cert_exists(d->h, k, &exists) != 0))
		goto out;
	if (store)
		printf("cert exists=%d\n", exists);
	rc = 0;
out:
	X509_free(x);
	EVP_PKEY_free(signer);
	hsm_key_free(k);
	return rc;
}

/* Sign with each key named, then generate a key and sign with it. */
static int
cmd_signall(struct drv *d, int argc, char **argv)
{
	int	i;

	for (i = 0; i + 2 < argc; i++)
		if (cmd_sign(d, argv[i], 0) != 0)
			return 1;
	if (argc < 2)
		return 0;
	if (cmd_genkey(d, 2, argv + argc - 2) != 0)
		return 1;
	return cmd_sign(d, argv[argc - 1], 0);
}

/* How many sessions may sign with the key at once, asked for n. */
static int
cmd_sessions(struct drv *d, const char *ref, const char *n)
{
	struct hsm_key	*k = NULL;
	unsigned long	 got;
	const char	*why;
	int		 rc = 1;

	if (hsm_key_find(d->h, ref, &k) != 0 ||
	    hsm_sign_sessions(d->h, k, strtoul(n, NULL, 10), &got, &why) != 0)
		goto out;
	printf("sessions=%lu%s%s\n", got, why != NULL ? " why=" : "",
	    why != NULL ? why : "");
	rc = 0;
out:
	hsm_key_free(k);
	return rc;
}

static int
cmd_random(struct drv *d, const char *n)
{
	unsigned char	 buf[64];
	size_t		 len = strtoul(n, NULL, 10);
	char		*hex;

	if (len > sizeof(buf))
		len = sizeof(buf);
	if (hsm_random(d->h, buf, len) != 0)
		return 1;
	if ((hex = hex_encode(buf, len, 0)) == NULL)
		return 1;
	printf("%s\n", hex);
	free(hex);
	return 0;
}

static int
run(struct drv *d, int argc, char **argv)
{
	const char	*c = argv[0];

	if (strcmp(c, "tokens") == 0)
		return cmd_tokens(d);
	if (strcmp(c, "init") == 0 && argc == 2)
		return cmd_init(d, argv[1]);
	if (login(d) != 0)
		return 1;
	if (strcmp(c, "login") == 0)
		return hsm_logout(d->h) || (printf("logged in\n"), 0);
	if (strcmp(c, "genkey") == 0)
		return cmd_genkey(d, argc - 1, argv + 1);
	if (strcmp(c, "find") == 0 && argc == 2)
		return cmd_find(d, argv[1]);
	if (strcmp(c, "keys") == 0)
		return cmd_keys(d);
	if (strcmp(c, "pubkey") == 0 && argc == 2)
		return cmd_pubkey(d, argv[1]);
	if (strcmp(c, "findpub") == 0 && argc == 2)
		return cmd_findpub(d, argv[1]);
	if (strcmp(c, "sign") == 0 && argc == 2)
		return cmd_sign(d, argv[1], 0);
	if (strcmp(c, "sessions") == 0 && argc == 3)
		return cmd_sessions(d, argv[1], argv[2]);
	if (strcmp(c, "storecert") == 0 && argc == 2)
		return cmd_sign(d, argv[1], 1);
	/* in one process: keys made after libp11 listed them are seen */
	if (strcmp(c, "signall") == 0)
		return cmd_signall(d, argc - 1, argv + 1);
	if (strcmp(c, "random") == 0 && argc == 2)
		return cmd_random(d, argv[1]);
	err_set("unknown driver command %s", c);
	return 1;
}

int
main(int argc, char **argv)
{
	struct drv	d;
	int		c, rc;

	memset(&d, 0, sizeof(d));
	if (argc == 1) {
		puts("1..0 # SKIP a driver for tests/hsm_*.t, not a unit test");
		return 0;
	}
	while ((c = getopt(argc, argv, "a:m:t:p:s:")) != -1)
		switch (c) {
		case 'a': d.reauthfile = optarg; break;
		case 'm': d.module = optarg; break;
		case 't': d.token = optarg; break;
		case 'p': d.pinfile = optarg; break;
		case 's': d.sopinfile = optarg; break;
		default: return 2;
		}
	if (optind >= argc)
		return 2;
	if (strcmp(argv[optind], "default-module") == 0) {
		printf("%s\n", hsm_default_module() ? hsm_default_module() :
		    "(none)");
		return 0;
	}
	rc = hsm_open(d.module, &d.h) != 0 ||
	    run(&d, argc - optind, argv + optind) != 0;
	hsm_close(d.h);
	if (rc)
		fprintf(stderr, "test_hsm: %s\n", err_get());
	return rc;
}
