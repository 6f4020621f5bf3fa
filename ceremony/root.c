/* SPDX-License-Identifier: ISC */
/*
 * The root key ceremony's core: a self-signed CA certificate for a key
 * that lives on the token.  Order matters and is the point of this file:
 *
 *   build -> lint (nothing written if it fails) -> reserve the serial
 *   (durable) -> token signs -> verify + compare -> certificate file ->
 *   index -> CA generation -> certificate object on the token -> export.
 *
 * A failure after the reservation voids the serial, so it is never reused.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/asn1.h>
#include <openssl/x509v3.h>

#include "ceremony/ceremony.h"

#define SERIAL_TRIES	4

/* A fresh serial from the token's RNG, unused in the index. */
static int
root_serial(struct session *s, char serial[DB_SERIAL_MAX])
{
	unsigned char	rnd[20];
	int		i;

	for (i = 0; i < SERIAL_TRIES; i++) {
		if (hsm_random(s->hsm, rnd, sizeof(rnd)) != 0 ||
		    db_serial_make(rnd, sizeof(rnd), serial) != 0)
			return 1;
		if (db_index_get(s->db, serial) == NULL)
			return 0;
	}
	err_set("the token's random generator repeats serials: "
	    "do not use this token");
	return 1;
}

static int
root_validity(X509 *x, const struct tmpl *t)
{
	time_t	nb = t->not_before, na = t->not_after;

	if (nb == 0)
		nb = time(NULL);
	if (na == 0)
		na = nb + t->days * 86400L;
	/* ASN1_TIME_set picks UTCTime or GeneralizedTime as RFC 5280 says. */
	if (ASN1_TIME_set(X509_getm_notBefore(x), nb) == NULL ||
	    ASN1_TIME_set(X509_getm_notAfter(x), na) == NULL) {
		err_ossl("cannot set the validity");
		return 1;
	}
	return 0;
}

static int
root_build(const struct tmpl *t, const struct hsm_key *key,
    const char *serial, X509 **out)
{
	X509		*x = NULL;
	BIGNUM		*bn = NULL;
	X509V3_CTX	 ctx;
	int		 rc = 1;

	*out = NULL;
	if ((x = X509_new()) == NULL || !X509_set_version(x, X509_VERSION_3) ||
	    !BN_hex2bn(&bn, serial) ||
	    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) == NULL ||
	    !X509_set_subject_name(x, t->subject) ||
	    !X509_set_issuer_name(x, t->subject) ||
	    !X509_set_pubkey(x, key->pubkey)) {
		err_ossl("cannot build the certificate");
		goto out;
	}
	if (root_validity(x, t) != 0)
		goto out;
	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	X509V3_set_nconf(&ctx, t->conf);
	if (!X509V3_EXT_add_nconf(t->conf, &ctx, t->ext_section, x)) {
		err_ossl("template %s: cannot add the extensions of [%s]",
		    t->path, t->ext_section);
		goto out;
	}
	*out = x;
	x = NULL;
	rc = 0;
out:
	BN_free(bn);
	X509_free(x);
	return rc;
}

static time_t
cert_not_after(X509 *x)
{
	struct tm	tm;

	if (!ASN1_TIME_to_tm(X509_get0_notAfter(x), &tm))
		return 0;
	return timegm(&tm);
}

static char *
root_subject_text(X509 *x)
{
	BIO	*b;
	char	*s = NULL, *p;
	long	 n;

	if ((b = BIO_new(BIO_s_mem())) == NULL)
		return NULL;
	if (X509_NAME_print_ex(b, X509_get_subject_name(x), 0,
	    XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >= 0 &&
	    (n = BIO_get_mem_data(b, &p)) >= 0 && (s = malloc(n + 1)) != NULL) {
		memcpy(s, p, n);
		s[n] = '\0';
	}
	BIO_free(b);
	return s;
}

/* After the token signed: every place the certificate belongs. */
static int
root_record(struct session *s, const struct tmpl *t, const struct hsm_key *key,
    X509 *x, const char *serial, const char *subject, struct root_result *res)
{
	struct db_record	 r;
	char			 base[64];
	const char		*dir;
	char			*exp = NULL;
	int			 rc = 1;

	memset(&r, 0, sizeof(r));
	r.status = DB_VALID;
	snprintf(r.serial, sizeof(r.serial), "%s", serial);
	r.not_after = cert_not_after(x);
	r.reason = -1;
	r.generation = 1;
	snprintf(r.profile, sizeof(r.profile), "%s", t->name);
	r.subject = (char *)subject;
	if (db_cert_put(s->db, serial, x) != 0 ||
	    db_index_append(s->db, &r, 1) != 0 ||
	    db_ca_put(s->db, 1, x) != 0)
		goto out;
	if (hsm_cert_store(s->hsm, key, x) != 0) {
		err_context("the root is recorded in the database, but not "
		    "stored on the token");
		goto out;
	}
	if ((dir = s->export_dir) == NULL)
		dir = exp = db_path(s->db, "export");
	snprintf(base, sizeof(base), "root-gen1");
	if (dir == NULL || export_cert(dir, base, x) != 0)
		goto out;
	snprintf(res->export_dir, sizeof(res->export_dir), "%s", dir);
	rc = 0;
out:
	free(exp);
	return rc;
}

int
root_create(struct session *s, const struct tmpl *t, const char *keyref,
    struct findings *f, struct root_result *res)
{
	struct hsm_key	*key = NULL;
	struct presign	 ps;
	X509		*x = NULL;
	char		*subject = NULL, *id = NULL;
	int		 reserved = 0, rc = 1;

	memset(&ps, 0, sizeof(ps));
	memset(res, 0, sizeof(*res));
	if (db_ca_current(s->db) != 0) {
		err_set("this data directory already has a root: a new root "
		    "key is a rollover, not a second root");
		goto out;
	}
	if (hsm_key_find(s->hsm, keyref, &key) != 0)
		goto out;
	if (!tmpl_key_allowed(t, &key->spec)) {
		err_set("key \"%s\" is %s, which template %s does not allow "
		    "(key_types)", key->label, key->spec.name, t->path);
		goto out;
	}
	if (root_serial(s, res->serial) != 0 ||
	    root_build(t, key, res->serial, &x) != 0 ||
	    (subject = root_subject_text(x)) == NULL ||
	    lintkey_new(&key->spec, &ps.lintkey) != 0 ||
	    cert_prelint(x, t, key->pubkey, &ps, f) != 0)
		goto out;
	if (db_space_check(s->db, DB_SPACE_MIN) != 0 ||
	    db_serial_reserve(s->db, res->serial, subject, t->name, 1,
	    cert_not_after(x)) != 0)
		goto out;
	reserved = 1;
	if (cert_token_sign(x, s->hsm, key, t->md, &ps) != 0)
		goto out;
	reserved = 0;
	if (root_record(s, t, key, x, res->serial, subject, res) != 0)
		goto out;
	cert_fingerprint(x, res->fingerprint, sizeof(res->fingerprint));
	res->spec = key->spec;
	if ((id = hex_encode(key->id, key->id_len, 0)) != NULL)
		snprintf(res->key_id, sizeof(res->key_id), "%s", id);
	free(id);
	res->cert = x;
	x = NULL;
	rc = 0;
out:
	/* The token may have seen the serial: burn it, never reuse it. */
	if (reserved && db_serial_void(s->db, res->serial) != 0)
		note("ceremony: warning: serial %s stays reserved", res->serial);
	presign_clear(&ps);
	hsm_key_free(key);
	X509_free(x);
	free(subject);
	return rc;
}
