/* SPDX-License-Identifier: ISC */
/*
 * Audit sessions and their seals.  A session opens when a command (or,
 * later, the TUI or a scripted ceremony) logs in to the token: a
 * session.open record names the software version, the token and its
 * serial, the operator and the witnesses.  When it closes, a
 * session.close record ends it and the CA key on the token signs the
 * chain's head, the hash of that record; the seal goes to audit.seals.
 * A seal vouches for every record up to the one it names, so cutting the
 * log after a seal, or rewriting it and its hash chain, is found without
 * the token: with the CA certificates of the data directory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "ceremony/crl/crl.h"
#include "ceremony/session/session.h"

/*
 * Recorded after the login; the session's id is this record's number.
 * Its detail ends with what the room check found and how the clock was
 * confirmed, so that every session carries its room.
 */
int
audit_session_open(struct session *s)
{
	const struct hsm_token_info	*tok;
	struct audit_entry		 e[2];
	unsigned long long		 seq;
	char				 detail[2048], who[512], head[65];
	char				 clock[256], *home;
	size_t				 i, n = 0, k = 1;

	if (s->db == NULL || s->audit_session != 0)
		return 0;
	tok = hsm_token(s->hsm);
	who[0] = '\0';
	for (i = 0; i < s->nwitness && n < sizeof(who); i++)
		n += (size_t)snprintf(who + n, sizeof(who) - n, "%s%s",
		    i > 0 ? ", " : "", s->witness[i]);
	home = realpath(s->home, NULL);
	/* The room check at login and the clock (room_login.c) at the end. */
	room_clock_detail(&s->clock, db_config(s->db)->clock, clock,
	    sizeof(clock));
	snprintf(detail, sizeof(detail), "version=%s token=%s serial=%s "
	    "witnesses=%s home=%s%s%s clock=%s", CEREMONY_VERSION, tok->label,
	    tok->serial, who, home != NULL ? home : s->home,
	    s->room[0] != '\0' ? " " : "", s->room, clock);
	free(home);
	memset(e, 0, sizeof(e));
	e[0].operator = s->operator;
	e[0].op = "session.open";
	e[0].ok = 1;
	e[0].detail = detail;
	if (s->pin.quorum[0] != '\0') {
		e[1].operator = s->operator;
		e[1].op = "quorum.activate";
		e[1].ok = 1;
		e[1].detail = s->pin.quorum;
		k = 2;
	}
	if (db_audit_many(s->db, e, k) != 0 ||
	    db_audit_head(s->db, &seq, head) != 0) {
		err_context("logged in, but the session could not be recorded");
		return 1;
	}
	s->audit_session = seq - (k - 1);
	return 0;
}

/* The seal's signature, checked with a CA certificate's public key. */
static int
seal_sig_ok(X509 *cert, const struct db_seal *sl)
{
	EVP_PKEY	*pk = X509_get0_pubkey(cert);
	EVP_PKEY_CTX	*ctx = NULL;
	unsigned char	 dg[32];
	char		 msg[512];
	int		 n, ok = 0;

	if (pk == NULL || (n = seal_message(sl, msg, sizeof(msg))) < 0 ||
	    EVP_Digest(msg, (size_t)n, dg, NULL, EVP_sha256(), NULL) != 1 ||
	    (ctx = EVP_PKEY_CTX_new(pk, NULL)) == NULL ||
	    EVP_PKEY_verify_init(ctx) <= 0 ||
	    EVP_PKEY_CTX_set_signature_md(ctx, EVP_sha256()) <= 0 ||
	    (EVP_PKEY_get_base_id(pk) == EVP_PKEY_RSA &&
	    EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) <= 0))
		goto out;
	ok = EVP_PKEY_verify(ctx, sl->sig, sl->siglen, dg, sizeof(dg)) == 1;
out:
	EVP_PKEY_CTX_free(ctx);
	ERR_clear_error();
	return ok;
}

/* The key id of a certificate's public key, lower-case hex. */
static int
cert_key_id(X509 *cert, char id[41])
{
	unsigned char	 raw[64];
	size_t		 len;
	char		*h;

	if (hsm_pubkey_id(X509_get0_pubkey(cert), raw, &len) != 0 ||
	    (h = hex_encode(raw, len, 0)) == NULL)
		return 1;
	snprintf(id, 41, "%s", h);
	free(h);
	return 0;
}

/* Sign the head (the session.close record) with the current CA key. */
static int
seal_make(struct session *s, unsigned long long session)
{
	struct db_seal	 sl;
	struct hsm_key	*key = NULL;
	EVP_PKEY	*signer = NULL;
	X509		*cert = NULL;
	unsigned char	 dg[32];
	char		 msg[512];
	time_t		 now = time(NULL);
	char		 when[UTC_TEXT_MAX];
	int		 n, rc = 1;

	memset(&sl, 0, sizeof(sl));
	sl.session = session;
	sl.generation = db_ca_current(s->db);
	snprintf(sl.time, sizeof(sl.time), "%s",
	    utc_format(now, UTC_ISO, when));
	if ((cert = db_ca_get(s->db, sl.generation)) == NULL ||
	    cert_key_id(cert, sl.key) != 0 ||
	    hsm_key_find_pubkey(s->hsm, X509_get0_pubkey(cert), &key) != 0 ||
	    hsm_key_signer(s->hsm, key, &signer) != 0 ||
	    db_audit_head(s->db, &sl.record, sl.head) != 0)
		goto out;
	if ((n = seal_message(&sl, msg, sizeof(msg))) < 0 ||
	    EVP_Digest(msg, (size_t)n, dg, NULL, EVP_sha256(), NULL) != 1) {
		err_ossl("cannot hash the audit seal");
		goto out;
	}
	if (token_sign_digest(signer, EVP_sha256(), dg, sizeof(dg),
	    "the audit seal", &sl.sig, &sl.siglen) != 0)
		goto out;
	if (!seal_sig_ok(cert, &sl)) {
		err_set("the token's audit seal does not verify with CA "
		    "generation %d's certificate: not recorded", sl.generation);
		goto out;
	}
	rc = db_seal_append(s->db, &sl);
out:
	OPENSSL_free(sl.sig);
	EVP_PKEY_free(signer);
	hsm_key_free(key);
	X509_free(cert);
	return rc;
}

/*
 * Close the session: the session.close record, then the seal, while the
 * token is still logged in.  Before the data directory has a CA
 * certificate there is no key to seal with: the close is recorded only.
 */
int
audit_session_close(struct session *s)
{
	struct audit_entry	e;
	unsigned long long	id = s->audit_session;
	char			detail[64], why[1024];

	if (s->db == NULL || id == 0)
		return 0;
	s->audit_session = 0;
	memset(&e, 0, sizeof(e));
	e.operator = s->operator;
	e.op = "session.close";
	e.ok = 1;
	snprintf(detail, sizeof(detail), "session %llu", id);
	e.detail = detail;
	if (db_audit(s->db, &e) != 0)
		return 1;
	if (!s->logged_in || db_ca_current(s->db) == 0 ||
	    seal_make(s, id) == 0)
		return 0;
	/* The failure is itself recorded: the next seal will cover it. */
	snprintf(why, sizeof(why), "session %llu not sealed: %s", id,
	    err_get());
	e.op = "audit.seal";
	e.ok = 0;
	e.detail = why;
	(void)db_audit(s->db, &e);
	err_set("%s", why);
	return 1;
}

/* The CA certificates of the data directory, by generation (1..n). */
struct ca_set {
	X509	**v;
	char	(*id)[41];
	int	  n;
};

static void
ca_set_free(struct ca_set *c)
{
	int	i;

	for (i = 0; i < c->n; i++)
		X509_free(c->v[i]);
	free(c->v);
	free(c->id);
	memset(c, 0, sizeof(*c));
}

static int
ca_set_load(const struct db *db, struct ca_set *c)
{
	/* Every generation with a certificate: a seal made before a rollover
	 * was cancelled still verifies with that generation's certificate. */
	int	i, has, n = db_ca_highest(db);

	memset(c, 0, sizeof(*c));
	if (n == 0)
		return 0;
	if ((c->v = calloc((size_t)n, sizeof(*c->v))) == NULL ||
	    (c->id = calloc((size_t)n, sizeof(*c->id))) == NULL) {
		err_set("out of memory");
		return 1;
	}
	c->n = n;
	for (i = 0; i < n; i++) {
		/* A number a crashed rollover claimed has no certificate,
		 * and no seal was made with its key. */
		if ((has = db_ca_exists(db, i + 1)) < 0)
			return 1;
		if (has && ((c->v[i] = db_ca_get(db, i + 1)) == NULL ||
		    cert_key_id(c->v[i], c->id[i]) != 0))
			return 1;
	}
	return 0;
}

/* The walk over audit.log, matching the seals as their records pass. */
struct seal_walk {
	struct audit_verdict	*v;
	const struct db_seal	*seals;
	size_t			 nseals, next;
	const char		*logpath, *sealpath;
	int			 bad;		/* a seal failed: message set */
};

static int
seal_walk_rec(void *arg, const struct audit_rec *r)
{
	struct seal_walk	*w = arg;
	const struct db_seal	*sl;
	unsigned long long	 from;

	w->v->records = r->seq;
	memcpy(w->v->head, r->hash, sizeof(w->v->head));
	if (strcmp(r->op, "session.open") == 0)
		w->v->sessions++;
	if (w->next == w->nseals || w->seals[w->next].record != r->seq)
		return 0;
	sl = &w->seals[w->next];
	if (strcmp(sl->head, r->hash) != 0) {
		from = w->next > 0 ? w->seals[w->next - 1].record + 1 : 1;
		w->v->bad_record = (long)from;
		err_set("%s record %llu is not the record sealed by %s line "
		    "%zu on %s (its hash differs): a record from %llu to %llu "
		    "was changed, removed, inserted or reordered and the hash "
		    "chain rewritten; keep this copy and compare it with the "
		    "backup", w->logpath, sl->record, w->sealpath, sl->line,
		    sl->time, from, sl->record);
		w->bad = 1;
		return 1;
	}
	w->v->sealed = sl->record;
	w->v->nseals++;
	w->next++;
	return 0;
}

/* Each seal's shape, order and signature, before the log is walked. */
static int
seals_check(const struct ca_set *ca, const struct db_seal *v, size_t n,
    const char *sealpath, struct audit_verdict *out)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		out->bad_record = (long)v[i].record;
		if (i > 0 && v[i].record <= v[i - 1].record) {
			err_set("%s line %zu seals record %llu, not after the "
			    "record %llu of the line before: the seals are out "
			    "of order", sealpath, v[i].line, v[i].record,
			    v[i - 1].record);
			return 1;
		}
		if (v[i].generation > ca->n ||
		    ca->v[v[i].generation - 1] == NULL ||
		    strcmp(ca->id[v[i].generation - 1], v[i].key) != 0) {
			err_set("%s line %zu (record %llu) names key %s of CA "
			    "generation %d, which this data directory does not "
			    "have: a forged seal", sealpath, v[i].line,
			    v[i].record, v[i].key, v[i].generation);
			return 1;
		}
		if (!seal_sig_ok(ca->v[v[i].generation - 1], &v[i])) {
			err_set("%s line %zu: the seal of record %llu does not "
			    "verify with CA generation %d's certificate: it is "
			    "forged or was altered", sealpath, v[i].line,
			    v[i].record, v[i].generation);
			return 1;
		}
	}
	out->bad_record = 0;
	return 0;
}

/*
 * The whole check of ceremony audit verify: the hash chain, every seal's
 * signature (with the data directory's CA certificates: no token), every
 * sealed record's hash, and that no sealed record is missing.  On the
 * first problem: 1, the message naming it, v->bad_record its record.
 */
int
audit_verify(struct db *db, struct audit_verdict *v)
{
	struct seal_walk	 w;
	struct db_seal		*seals = NULL;
	struct ca_set		 ca;
	size_t			 nseals = 0;
	char			*logpath = NULL, *sealpath = NULL;
	char			 sealwhy[1024];
	long			 bad = 0, sealbad = 0;
	int			 r, rc = 1;

	memset(v, 0, sizeof(*v));
	memset(&ca, 0, sizeof(ca));
	if ((logpath = db_path(db, "audit.log")) == NULL ||
	    (sealpath = db_path(db, "audit.seals")) == NULL ||
	    db_seals_read(db, &seals, &nseals) != 0 ||
	    ca_set_load(db, &ca) != 0)
		goto out;
	/* A bad seal is reported unless the log has a bad record before. */
	if (seals_check(&ca, seals, nseals, sealpath, v) != 0) {
		sealbad = v->bad_record;
		snprintf(sealwhy, sizeof(sealwhy), "%s", err_get());
	}
	memset(&w, 0, sizeof(w));
	w.v = v;
	w.seals = seals;
	w.nseals = nseals;
	w.logpath = logpath;
	w.sealpath = sealpath;
	r = db_audit_walk(logpath, seal_walk_rec, &w, &bad);
	if (r != 0 && !w.bad)
		v->bad_record = bad;
	if (sealbad != 0 && (r == 0 || sealbad < v->bad_record)) {
		v->bad_record = sealbad;
		err_set("%s", sealwhy);
		goto out;
	}
	if (r != 0)
		goto out;
	if (w.next < nseals) {
		v->bad_record = (long)v->records + 1;
		err_set("%s ends at record %llu, but %s line %zu sealed record "
		    "%llu on %s: the records after %llu were cut off; restore "
		    "the log from the backup", logpath, v->records, sealpath,
		    seals[w.next].line, seals[w.next].record,
		    seals[w.next].time, v->records);
		goto out;
	}
	rc = 0;
out:
	db_seals_free(seals, nseals);
	ca_set_free(&ca);
	free(logpath);
	free(sealpath);
	return rc;
}
