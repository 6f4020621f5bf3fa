/* SPDX-License-Identifier: ISC */
/*
 * ceremony key generate: a key pair on the token that never leaves it
 * (recorded in the audit log); key list: the key pairs on the token;
 * key show KEY: one key's attributes as the token reports them, its URI
 * and its public key.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/pem.h>

#include "ceremony/cli/cli.h"
#include "ceremony/issue/issue.h"
#include "ceremony/session/session.h"

/* The data directory, unless --module and --token name the token. */
static int
key_session(struct session *s)
{
	if ((s->module == NULL || s->token == NULL) &&
	    session_open_db(s) != 0)
		return 1;
	return session_login(s);
}

/* SHA-256 of the DER SubjectPublicKeyInfo, as hex; malloc'd. */
static char *
spki_sha256(EVP_PKEY *pk)
{
	unsigned char	*der = NULL;
	char		*hex;
	int		 len;

	if ((len = i2d_PUBKEY(pk, &der)) <= 0)
		return NULL;
	hex = sha256_hex(der, len);
	OPENSSL_free(der);
	return hex;
}

static void
key_generate_print(struct session *s, const struct hsm_key *k)
{
	char	*id = hex_encode(k->id, k->id_len, 0);
	char	*fp = spki_sha256(k->pubkey);

	printf("generated %s key \"%s\" on token \"%s\"\n", k->spec.name,
	    k->label, hsm_token(s->hsm)->label);
	printf("  %-12s %s\n", "id", id ? id : "?");
	printf("  %-12s %s\n", "public key", fp ? fp : "?");
	printf("  %-12s %s\n", "private key",
	    "sensitive, never extractable, sign only");
	free(id);
	free(fp);
}

int
cmd_key_generate(int argc, char **argv)
{
	struct session		 s;
	struct hsm_keyspec	 spec;
	struct hsm_key		*k = NULL;
	const char		*label = NULL, *type = NULL;
	const struct cmd_opt	 local[] = {
		{ "label", 1, &label },
		{ "type", 1, &type },
		{ NULL, 0, NULL }
	};
	int			 r, ok, rc = 1;

	session_init(&s);
	if ((r = cmd_options(&s, "key generate", argc, argv, local)) != 0)
		return r < 0 ? 0 : cmd_fail(&s);
	if (opt_no_args("key generate", argc, argv) != 0)
		return cmd_fail(&s);
	if (label == NULL || type == NULL) {
		err_set("key generate needs --label L and --type T");
		return cmd_fail(&s);
	}
	if (hsm_keyspec_parse(type, &spec) != 0 || key_session(&s) != 0)
		return cmd_fail(&s);
	ok = key_generate(&s, &spec, label, &k) == 0;
	if (k != NULL)
		key_generate_print(&s, k);
	if (!ok)
		goto out;
	rc = 0;
out:
	if (rc != 0)
		fprintf(stderr, "ceremony: %s\n", err_get());
	hsm_key_free(k);
	session_close(&s);
	return rc;
}

int
cmd_key_list(int argc, char **argv)
{
	struct session	  s;
	struct hsm_key	**v = NULL;
	char		 *id;
	size_t		  n = 0, i;
	int		  r, cert;

	session_init(&s);
	if ((r = cmd_options(&s, "key list", argc, argv, NULL)) != 0)
		return r < 0 ? 0 : cmd_fail(&s);
	if (opt_no_args("key list", argc, argv) != 0 ||
	    key_session(&s) != 0 || hsm_keys(s.hsm, &v, &n) != 0)
		return cmd_fail(&s);
	printf("%-24s  %-9s  %-40s  %s\n", "label", "type", "id", "cert");
	for (i = 0; i < n; i++) {
		id = hex_encode(v[i]->id, v[i]->id_len, 0);
		if (hsm_cert_exists(s.hsm, v[i], &cert) != 0)
			cert = 0;
		printf("%-24s  %-9s  %-40s  %s%s\n", v[i]->label,
		    v[i]->spec.name, id != NULL && *id ? id : "-",
		    cert ? "yes" : "no", v[i]->pubkey ? "" :
		    "  (no public key: cannot be used)");
		free(id);
	}
	printf("%zu key%s on token \"%s\"\n", n, n == 1 ? "" : "s",
	    hsm_token(s.hsm)->label);
	err_clear();
	hsm_keys_free(v, n);
	session_close(&s);
	return 0;
}

static void
key_show_attrs(const struct hsm_key_attrs *a)
{
	const struct {
		const char	*name;
		int		 v;
	} rows[] = {
		{ "CKA_TOKEN", a->token },
		{ "CKA_PRIVATE", a->private_ },
		{ "CKA_SENSITIVE", a->sensitive },
		{ "CKA_ALWAYS_SENSITIVE", a->always_sensitive },
		{ "CKA_EXTRACTABLE", a->extractable },
		{ "CKA_NEVER_EXTRACTABLE", a->never_extractable },
		{ "CKA_SIGN", a->sign },
		{ "CKA_DECRYPT", a->decrypt },
		{ "CKA_UNWRAP", a->unwrap },
		{ "CKA_DERIVE", a->derive },
		{ "CKA_ALWAYS_AUTHENTICATE", a->always_authenticate },
	};
	size_t	i;

	printf("private key attributes (as the token reports them):\n");
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		printf("  %-24s %s\n", rows[i].name, rows[i].v ? "true" :
		    "false");
}

static int
key_show_print(struct session *s, const struct hsm_key *k)
{
	struct hsm_key_attrs	 a;
	const char		*tok = hsm_token(s->hsm)->label;
	char			*id, *uri, *fp;
	int			 cert;

	if (hsm_key_attrs(s->hsm, k, &a) != 0 ||
	    hsm_cert_exists(s->hsm, k, &cert) != 0)
		return 1;
	id = hex_encode(k->id, k->id_len, 0);
	uri = hsm_key_uri(tok, k);
	fp = spki_sha256(k->pubkey);
	printf("key \"%s\" on token \"%s\"\n", k->label, tok);
	printf("  %-24s %s\n", "type", k->spec.name);
	printf("  %-24s %s\n", "id", id != NULL && *id ? id : "-");
	printf("  %-24s %s\n", "uri", uri != NULL ? uri : "?");
	printf("  %-24s %s\n", "public key object", k->pub ? "yes" : "no");
	printf("  %-24s %s\n", "certificate on token", cert ? "yes" : "no");
	printf("  %-24s %s\n", "public key SHA-256", fp != NULL ? fp : "?");
	key_show_attrs(&a);
	PEM_write_PUBKEY(stdout, k->pubkey);
	free(id);
	free(uri);
	free(fp);
	return 0;
}

int
cmd_key_show(int argc, char **argv)
{
	struct session	 s;
	struct hsm_key	*k = NULL;
	int		 r, rc = 1;

	session_init(&s);
	if ((r = cmd_options(&s, "key show", argc, argv, NULL)) != 0)
		return r < 0 ? 0 : cmd_fail(&s);
	if (optind != argc - 1) {
		err_set("key show needs one KEY: a label, id:HEX or pkcs11: "
		    "URI (see ceremony key list)");
		return cmd_fail(&s);
	}
	if (key_session(&s) != 0 ||
	    hsm_key_find(s.hsm, argv[optind], &k) != 0 ||
	    key_show_print(&s, k) != 0)
		goto out;
	rc = 0;
out:
	hsm_key_free(k);
	if (rc != 0)
		return cmd_fail(&s);
	session_close(&s);
	return 0;
}
