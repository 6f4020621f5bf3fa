/* SPDX-License-Identifier: ISC */
/*
 * ceremony sign --resign SERIAL: a subordinate CA certified again, by the
 * active generation after a rollover, with the same subject and public
 * key.  The issued certificate stands in for the request: its subject,
 * key and requested-style extensions (subjectAltName, extendedKeyUsage)
 * go through the same policy and template as any request, and the same
 * core signs it.  There is no proof-of-possession signature to check: the
 * key's possession was proven when this CA first certified it, and the
 * certificate carries this CA's own verified signature instead.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509v3.h>

#include "ceremony/issue/issue.h"
#include "ceremony/policy/policy.h"

/* The extensions a request for this certificate would have carried. */
static int
resign_exts(X509 *x, STACK_OF(X509_EXTENSION) **out)
{
	static const int	 nids[] = { NID_subject_alt_name,
				    NID_ext_key_usage };
	X509_EXTENSION		*e;
	size_t			 i;
	int			 at;

	if ((*out = sk_X509_EXTENSION_new_null()) == NULL)
		return 1;
	for (i = 0; i < sizeof(nids) / sizeof(nids[0]); i++) {
		if ((at = X509_get_ext_by_NID(x, nids[i], -1)) < 0)
			continue;
		if ((e = X509_EXTENSION_dup(X509_get_ext(x, at))) == NULL ||
		    !sk_X509_EXTENSION_push(*out, e)) {
			X509_EXTENSION_free(e);
			return 1;
		}
	}
	return 0;
}

/* Issued here, still valid, a CA, and by a generation before the active. */
static int
resign_check(struct session *s, const char *serial, X509 *x, int active)
{
	const struct db_record	*r;

	r = db_index_get(s->db, serial);
	if (r->status != DB_VALID) {
		err_set("serial %s is %s: only a valid certificate is "
		    "re-issued", serial, db_status_name(r->status));
		return 1;
	}
	if (X509_check_ca(x) == 0 || X509_check_issued(x, x) == X509_V_OK) {
		err_set("serial %s is not a subordinate CA certificate: "
		    "--resign re-issues subordinate CAs after a rollover",
		    serial);
		return 1;
	}
	if (r->generation >= active) {
		err_set("serial %s was issued by generation %d, the active one: "
		    "there is nothing to re-issue", serial, r->generation);
		return 1;
	}
	return 0;
}

/*
 * The vetted form of certificate serial of our own database: it never
 * came from the media, so it is read here, in process.
 */
int
resign_request(struct session *s, const char *serial, const struct policy *p,
    struct vetted **out)
{
	struct csr	*c = NULL;
	X509		*x = NULL;
	X509_ALGOR	*alg = NULL;
	int		 active, len, rc = 1;

	*out = NULL;
	/* The index first: an unknown serial has no file to read. */
	if (db_index_get(s->db, serial) == NULL) {
		err_set("serial %s is not in the index (ceremony db list shows "
		    "them)", serial);
		return 1;
	}
	if ((active = db_ca_current(s->db)) <= 0 ||
	    (x = db_cert_get(s->db, serial)) == NULL ||
	    resign_check(s, serial, x, active) != 0)
		goto out;
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		err_set("out of memory");
		goto out;
	}
	if (asprintf(&c->path, "certs/%s.pem (re-sign)", serial) == -1) {
		c->path = NULL;
		err_set("out of memory");
		goto out;
	}
	c->format = "certificate";
	if ((c->req = X509_to_X509_REQ(x, NULL, NULL)) == NULL ||
	    (c->pubkey = X509_REQ_get0_pubkey(c->req)) == NULL ||
	    resign_exts(x, &c->exts) != 0 ||
	    (len = i2d_X509(x, &c->der)) <= 0) {
		err_ossl("serial %s: cannot read its subject and key", serial);
		goto out;
	}
	c->derlen = (size_t)len;
	/* The policy's digest rule sees the certificate's signature, by
	 * this CA, in place of a request's. */
	if ((alg = X509_ALGOR_dup(X509_get0_tbs_sigalg(x))) == NULL ||
	    !X509_REQ_set1_signature_algo(c->req, alg)) {
		err_ossl("serial %s: cannot read its signature algorithm",
		    serial);
		goto out;
	}
	c->pop_ok = 1;	/* proven at first issue; see above */
	rc = vetted_from_csr(c, p, 0, out);
out:
	X509_ALGOR_free(alg);
	csr_free(c);
	X509_free(x);
	return rc;
}
