/* SPDX-License-Identifier: ISC */
/*
 * The root key ceremony's core: a self-signed CA certificate for a key
 * that lives on the token.  Issued through issue.c (lint, reserve, sign,
 * verify, record); then it becomes CA generation 1, is stored on the token
 * beside its key, and exported.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ceremony/export/export.h"
#include "ceremony/issue/issue.h"
#include "ceremony/session/session.h"

/* After the certificate is recorded: the CA, the token, the export. */
static int
root_publish(struct session *s, const struct hsm_key *key, X509 *x,
    struct root_result *res)
{
	const char	*dir;
	char		*exp = NULL;
	int		 rc = 1;

	if (db_ca_put(s->db, 1, x) != 0)
		goto out;
	if (hsm_cert_store(s->hsm, key, x) != 0) {
		err_context("the root is recorded in the database, but not "
		    "stored on the token");
		goto out;
	}
	if ((dir = s->export_dir) == NULL)
		dir = exp = db_path(s->db, "export");
	if (dir == NULL || export_cert(dir, "root-gen1", x) != 0)
		goto out;
	snprintf(res->export_dir, sizeof(res->export_dir), "%s", dir);
	rc = 0;
out:
	free(exp);
	return rc;
}

/* The record of root.create, for one certificate or none (failed). */
static int
root_record(struct session *s, const struct tmpl *t, const char *keyref,
    const char *serial, X509 *cert, int ok)
{
	struct audit_entry	 e;
	unsigned char		*der = NULL;
	int			 len = 0, rc;

	memset(&e, 0, sizeof(e));
	e.op = "root.create";
	e.ok = ok;
	e.detail = ok ? serial : err_get();
	audit_add_in(&e, "template", t->raw, t->rawlen);
	audit_add_in(&e, "key", keyref, strlen(keyref));
	if (ok && (len = i2d_X509(cert, &der)) > 0)
		audit_add_out(&e, "cert", der, (size_t)len);
	rc = session_audit(s, &e);
	OPENSSL_free(der);
	return rc;
}

/* What the hook needs: the root's record goes before its index line. */
struct root_rec {
	const struct tmpl	*t;
	const char		*keyref;
};

static int
root_audit_issued(struct session *s, const struct issue_job *j, void *arg)
{
	const struct root_rec	*r = arg;

	return root_record(s, r->t, r->keyref, j->serial, j->cert, 1);
}

int
root_create(struct session *s, const struct tmpl *t, const char *keyref,
    struct findings *f, struct root_result *res)
{
	struct issue_job	 j;
	struct verifier		 v;
	struct root_rec		 rec = { t, keyref };
	struct hsm_key		*key = NULL;
	char			*id = NULL;
	int			 ok, rc = 1;

	memset(&j, 0, sizeof(j));
	memset(&v, 0, sizeof(v));
	memset(res, 0, sizeof(*res));
	if (db_ca_current(s->db) != 0) {
		err_set("this data directory already has a root: a new root "
		    "key is a rollover, not a second root");
		goto out;
	}
	if (session_key(s, t, keyref, &key) != 0)
		goto out;
	if (hsm_key_signer(s->hsm, key, &j.signer) != 0 ||
	    verifier_init(&v, key->pubkey, t->md) != 0)
		goto out;
	j.verifier = &v;
	j.t = t;
	j.key = key;
	j.pubkey = key->pubkey;
	j.generation = 1;
	j.audit = root_audit_issued;
	j.audit_arg = &rec;
	ok = issue_one(s, &j, f) == 0;
	res->audited = j.audited;
	if (!ok)
		goto out;
	snprintf(res->serial, sizeof(res->serial), "%s", j.serial);
	if (root_publish(s, key, j.cert, res) != 0)
		goto out;
	cert_fingerprint(j.cert, res->fingerprint, sizeof(res->fingerprint));
	res->spec = key->spec;
	if ((id = hex_encode(key->id, key->id_len, 0)) != NULL)
		snprintf(res->key_id, sizeof(res->key_id), "%s", id);
	res->cert = j.cert;
	j.cert = NULL;
	rc = 0;
out:
	free(id);
	EVP_PKEY_free(j.signer);
	verifier_free(&v);
	issue_job_clear(&j);
	hsm_key_free(key);
	return rc;
}

/*
 * The operation's audit record, made or refused (both front ends).  A
 * root that was issued has its record already, written before the index
 * said valid (issue_one); a failure after that (the token refused to
 * store the certificate, the export) gets a record of its own.
 */
int
root_audit(struct session *s, const struct tmpl *t, const char *keyref,
    const struct root_result *r, int ok)
{
	if (ok && r->audited)
		return 0;
	return root_record(s, t, keyref, r->serial, r->cert, ok);
}

/*
 * A SHA-256 fingerprint ("AB:CD:...") as eight groups of eight hex digits,
 * the way witnesses read it aloud and compare it, group by group.
 */
void
fingerprint_groups(const char *colons, char g[FP_GROUPS][9])
{
	size_t	i, n = 0;

	memset(g, 0, FP_GROUPS * 9);
	for (i = 0; colons[i] != '\0' && n < FP_GROUPS * 8; i++)
		if (colons[i] != ':') {
			g[n / 8][n % 8] = colons[i];
			n++;
		}
}
