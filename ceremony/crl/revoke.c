/* SPDX-License-Identifier: ISC */
/*
 * Revocation: a certificate's state goes to R with an RFC 5280 reason
 * (and optionally an invalidity date), a certificateHold is lifted (R to
 * V), or a revocation's reason is raised (a hold made final, any reason
 * made keyCompromise).  Every rule is checked against the serial's true
 * current state before anything is written, and the change is one append
 * to the index.  No token is needed: the next CRL carries the change.
 * The index is not loaded (DB_OPEN_NOINDEX): the serial's last line is
 * found in the file, so a revoke costs the same in any size of database.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/x509.h>

#include "ceremony/crl/crl.h"
#include "ceremony/issue/issue.h"
#include "ceremony/session/session.h"

#define REASON_KEY	1	/* keyCompromise */
#define REASON_HOLD	6	/* certificateHold */
#define REASON_REMOVE	8	/* removeFromCRL */

static const char *
reason_or_none(int code)
{
	const char	*n = db_reason_name(code);

	return n != NULL ? n : "no reason";
}

/* Reserved or void serials were never issued: nothing to revoke. */
static int
check_issued(const struct db_record *r)
{
	if (r->status == DB_RESERVED)
		err_set("serial %s was reserved but never recorded as issued "
		    "(status P): nothing to revoke; ceremony db verify says "
		    "what to do with it", r->serial);
	else if (r->status == DB_VOID)
		err_set("serial %s is void (a reservation given up, never "
		    "issued): nothing to revoke", r->serial);
	else
		return 0;
	return 1;
}

/* Whether q may change cur: the rules of docs/database.md, in words. */
static int
check_change(const struct db_record *cur, const struct revoke_req *q)
{
	char	t[32];

	if (q->release) {
		if (cur->status == DB_REVOKED && cur->reason == REASON_HOLD)
			return 0;
		if (cur->status == DB_VALID)
			err_set("serial %s is not on hold (it is valid): only "
			    "a certificateHold can be released", cur->serial);
		else
			err_set("serial %s is not on hold (revoked with %s "
			    "since %s): only a certificateHold can be "
			    "released", cur->serial,
			    reason_or_none(cur->reason),
			    utc_text(cur->revoked_at, t));
		return 1;
	}
	if (q->reason == REASON_REMOVE) {
		err_set("removeFromCRL is only for delta CRLs: use --release "
		    "to lift a certificateHold");
		return 1;
	}
	if (cur->status != DB_REVOKED)
		return 0;
	if ((cur->reason == REASON_HOLD && q->reason != REASON_HOLD) ||
	    (cur->reason != REASON_KEY && q->reason == REASON_KEY))
		return 0;
	err_set("serial %s is already revoked (%s since %s): a reason can "
	    "only go from certificateHold to a final one, or from another "
	    "to keyCompromise", cur->serial, reason_or_none(cur->reason),
	    utc_text(cur->revoked_at, t));
	return 1;
}

/* Whether x's serial, as index.txt writes it, is serial. */
static int
cert_serial_is(X509 *x, const char *serial)
{
	char	have[DB_SERIAL_MAX];

	return db_cert_serial(x, have) == 0 && strcmp(have, serial) == 0;
}

/*
 * The certificates of the CA generations themselves, oldest first: what a
 * revoke never touches (retiring a CA is a rollover or a compromise
 * procedure) and so what the TUI never offers.  A generation whose
 * certificate cannot be read is left out, as the revoke check leaves it.
 */
int
revoke_ca_certs(struct db *db, struct revoke_ca **out, size_t *nout)
{
	struct revoke_ca	*v;
	X509			*ca;
	size_t			 n = 0;
	int			 gen, bad, last = db_ca_current(db), rc = 1;

	*out = NULL;
	*nout = 0;
	if ((v = calloc(last > 0 ? (size_t)last : 1, sizeof(*v))) == NULL) {
		err_set("out of memory");
		return 1;
	}
	for (gen = 1; gen <= last; gen++) {
		if ((ca = db_ca_get(db, gen)) == NULL) {
			err_clear();
			continue;
		}
		v[n].gen = gen;
		v[n].subject = name_text(X509_get_subject_name(ca));
		bad = db_cert_serial(ca, v[n].serial) != 0 ||
		    v[n].subject == NULL;
		X509_free(ca);
		n++;
		if (bad)
			goto out;
	}
	rc = 0;
out:
	ERR_clear_error();
	if (rc != 0) {
		revoke_ca_free(v, n);
		err_set("the CA certificates cannot be read: check %s/ca/",
		    db_home(db));
		return 1;
	}
	*out = v;
	*nout = n;
	return 0;
}

void
revoke_ca_free(struct revoke_ca *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(v[i].subject);
	free(v);
}

/* The generation whose own certificate serial is, 0 none. */
int
revoke_ca_of(const struct revoke_ca *v, size_t n, const char *serial)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i].serial, serial) == 0)
			return v[i].gen;
	return 0;
}

/* The certificate of a CA generation here is retired by a rollover. */
static int
check_not_ca(struct db *db, const char *serial)
{
	struct revoke_ca	*v;
	size_t			 n;
	int			 gen;

	if (revoke_ca_certs(db, &v, &n) != 0)
		return 1;
	gen = revoke_ca_of(v, n, serial);
	revoke_ca_free(v, n);
	if (gen != 0)
		err_set("serial %s is the certificate of CA generation %d "
		    "itself: retiring a CA is a rollover or compromise "
		    "procedure, not a revoke", serial, gen);
	return gen != 0;
}

/*
 * Whether the reason is one an invalidity date belongs to: the key was
 * compromised, and since when it is suspected matters to a relying party
 * (RFC 5280 5.3.2).  The command line takes a date with any reason, as
 * RFC 5280 allows; the TUI asks for one only here.
 */
int
revoke_reason_dated(int reason)
{
	return reason == 1 || reason == 2 || reason == 10;
}

/* The certificate's DER (for the audit) and the invalidity date's bounds. */
static int
check_cert(struct db *db, const struct revoke_req *q,
    struct revoke_result *res)
{
	X509		*x;
	unsigned char	*der = NULL;
	time_t		 nb;
	char		 t[32], t2[32];
	int		 len, rc = 0;

	if ((x = db_cert_get(db, q->serial)) == NULL) {
		err_context("serial %s is in the index, but its certificate "
		    "cannot be read", q->serial);
		return 1;
	}
	if (!cert_serial_is(x, q->serial)) {
		err_set("certs/%s.pem holds a certificate with another serial: "
		    "restore it from the backup", q->serial);
		goto out;
	}
	if ((len = i2d_X509(x, &der)) <= 0) {
		err_set("certificate %s cannot be encoded", q->serial);
		goto out;
	}
	nb = cert_time(X509_get0_notBefore(x));
	if (q->invalidity != 0 && q->invalidity > q->now) {
		err_set("invalidity date %s is in the future (now %s)",
		    utc_text(q->invalidity, t), utc_text(q->now, t2));
		goto out;
	}
	if (q->invalidity != 0 && q->invalidity < nb) {
		err_set("invalidity date %s is before the certificate's "
		    "notBefore %s", utc_text(q->invalidity, t), utc_text(nb, t2));
		goto out;
	}
	res->der = der;
	res->derlen = (size_t)len;
	der = NULL;
	rc = 1;
out:
	OPENSSL_free(der);
	X509_free(x);
	return !rc;
}

/* The new state: R now (or at the first revocation), or V again. */
static int
next_state(const struct revoke_req *q, struct revoke_result *res)
{
	const struct db_record	*cur = &res->prev;
	struct db_record	*n = &res->next;

	*n = *cur;
	if ((n->subject = strdup(cur->subject)) == NULL) {
		err_set("out of memory");
		return 1;
	}
	if (q->release) {
		n->status = DB_VALID;
		n->revoked_at = 0;
		n->reason = -1;
		n->invalidity = 0;
		return 0;
	}
	n->status = DB_REVOKED;
	n->reason = q->reason;
	if (cur->status != DB_REVOKED) {
		n->revoked_at = q->now;
		n->invalidity = q->invalidity;
	} else if (q->invalidity != 0)
		n->invalidity = q->invalidity;
	return 0;
}

/*
 * A revocation request from its words (the command line's options, a
 * script step's values), checked before the database is opened: exactly
 * one of reason and release, a known reason (removeFromCRL is for delta
 * CRLs only), an invalidity date that is not in the future.
 */
int
revoke_req_make(struct revoke_req *q, const char *serial, const char *reason,
    const char *invalidity, int release)
{
	memset(q, 0, sizeof(*q));
	q->reason = -1;
	q->now = time(NULL);
	q->serial = serial;
	if ((reason == NULL) == !release) {
		err_set("revoke needs either --reason R or --release");
		return 1;
	}
	if (release) {
		if (invalidity != NULL) {
			err_set("--release takes no --invalidity-date");
			return 1;
		}
		q->release = 1;
		return 0;
	}
	if ((q->reason = db_reason_parse(reason)) < 0) {
		err_set("unknown reason '%.40s': use one of unspecified, "
		    "keyCompromise, cACompromise, affiliationChanged, "
		    "superseded, cessationOfOperation, certificateHold, "
		    "privilegeWithdrawn, aACompromise", reason);
		return 1;
	}
	if (q->reason == REASON_REMOVE) {
		err_set("removeFromCRL is only for delta CRLs: use --release "
		    "to lift a certificateHold");
		return 1;
	}
	if (invalidity != NULL &&
	    utc_parse(invalidity, &q->invalidity) != 0)
		return 1;
	if (q->invalidity > q->now) {
		err_set("invalidity date %s is in the future", invalidity);
		return 1;
	}
	return 0;
}

/*
 * Check q against the database (opened under its lock, loaded or not):
 * res says what the serial is and would be.  Nothing is written.
 */
int
revoke_check(struct db *db, const struct revoke_req *q,
    struct revoke_result *res)
{
	char	t[32];
	int	found, rc = 0;

	memset(res, 0, sizeof(*res));
	res->prev.reason = res->next.reason = -1;
	if (db_index_find(db, q->serial, &res->prev, &found))
		goto out;
	if (!found) {
		err_set("serial %s is not in the index: check it with ceremony "
		    "db list --serial %.8s", q->serial, q->serial);
		goto out;
	}
	if (check_issued(&res->prev) || check_not_ca(db, q->serial) ||
	    check_change(&res->prev, q))
		goto out;
	if (res->prev.not_after < q->now) {
		err_set("serial %s expired on %s: a revocation would not "
		    "appear on any CRL, nothing changed", q->serial,
		    utc_text(res->prev.not_after, t));
		goto out;
	}
	if (check_cert(db, q, res) || next_state(q, res))
		goto out;
	rc = 1;
out:
	return !rc;
}

void
revoke_result_clear(struct revoke_result *res)
{
	db_record_clear(&res->prev);
	db_record_clear(&res->next);
	OPENSSL_free(res->der);
	res->der = NULL;
}

static int
revoke_audit(struct session *s, const struct revoke_req *q,
    const struct revoke_result *res, int ok, int intent)
{
	struct audit_entry	 e;
	char			 detail[200], iv[32] = "-";

	memset(&e, 0, sizeof(e));
	e.op = q->release ? "release" : "revoke";
	e.ok = ok;
	if (q->invalidity != 0)
		utc_format(q->invalidity, UTC_GENERALIZED, iv);
	if (q->release)
		snprintf(detail, sizeof(detail), "serial %s", q->serial);
	else
		snprintf(detail, sizeof(detail), "serial %s reason %s "
		    "invalidity %s", q->serial, db_reason_name(q->reason), iv);
	e.detail = ok ? detail : err_get();
	if (res->der != NULL)
		audit_add_in(&e, "cert", res->der, res->derlen);
	if (!intent)
		return session_audit(s, &e);
	e.operator = s->operator;
	if (db_audit(s->db, &e) != 0) {
		err_context("nothing was %s (no change is made without its "
		    "audit record)", q->release ? "released" : "revoked");
		return 1;
	}
	return 0;
}

/*
 * Check q, then record it: the audit record first, durably, then the
 * index line (db/intent.c), so that no change stands without its record.
 * When the index line cannot be written, the record is rolled back at
 * once, or by the next writing command if even that cannot be written.
 * A refusal gets its audit record too.  What both front ends call; the
 * database is the session's, opened under its lock.
 */
int
revoke_record(struct session *s, const struct revoke_req *q,
    struct revoke_result *res)
{
	char	why[1024];

	if (revoke_check(s->db, q, res) != 0) {
		(void)revoke_audit(s, q, res, 0, 0);
		return 1;
	}
	if (revoke_audit(s, q, res, 1, 1) != 0)
		return 1;
	if (db_index_set(s->db, &res->prev, &res->next) == 0)
		return 0;
	snprintf(why, sizeof(why), "%s", err_get());
	if (db_intent_settle(s->db, 0) != 0)
		err_set("%s; nothing was %s, and the next writing command "
		    "records the rollback (%s)", why, q->release ? "released" :
		    "revoked", err_get());
	else
		err_set("%s; nothing was %s (the audit log records the "
		    "rollback)", why, q->release ? "released" : "revoked");
	return 1;
}
