/* SPDX-License-Identifier: ISC */
/*
 * The chain above a CA generation, and adopting a CA certificate signed
 * elsewhere.  A root is its own chain.  An offline issuing CA installs the
 * certificate its root signed (ceremony ca install) with the chain above
 * it: ca/gen-N.pem and ca/gen-N-chain.pem (issuer up to the root).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "ceremony/issue/issue.h"
#include "ceremony/session/session.h"

/* Every certificate of a PEM file, in order. */
int
pem_certs_load(const char *path, STACK_OF(X509) **out)
{
	STACK_OF(X509)	*sk = NULL;
	X509		*x;
	BIO		*b = NULL;
	int		 rc = 1;

	*out = NULL;
	if ((b = BIO_new_file(path, "r")) == NULL) {
		err_ossl("cannot open %s", path);
		return 1;
	}
	if ((sk = sk_X509_new_null()) == NULL)
		goto out;
	while ((x = PEM_read_bio_X509(b, NULL, NULL, NULL)) != NULL)
		if (!sk_X509_push(sk, x)) {
			X509_free(x);
			goto out;
		}
	if (ERR_GET_REASON(ERR_peek_last_error()) != PEM_R_NO_START_LINE ||
	    sk_X509_num(sk) == 0) {
		err_ossl("%s holds no readable PEM certificates", path);
		goto out;
	}
	ERR_clear_error();
	*out = sk;
	sk = NULL;
	rc = 0;
out:
	sk_X509_pop_free(sk, X509_free);
	BIO_free(b);
	return rc;
}

/* The chain file of generation gen, or an empty stack for a root. */
int
ca_chain_above(const struct db *db, int gen, STACK_OF(X509) **out)
{
	char	 name[64], *path;
	int	 rc;

	snprintf(name, sizeof(name), "ca/gen-%d-chain.pem", gen);
	if ((path = db_path(db, name)) == NULL)
		return 1;
	if (access(path, F_OK) != 0) {
		free(path);
		*out = sk_X509_new_null();
		return *out == NULL;
	}
	rc = pem_certs_load(path, out);
	free(path);
	return rc;
}

/*
 * The signatures of a chain whose every signature is verified already:
 * the leaf's by the issuing key over its recorded DER (cert_verify_der,
 * Nettle for EC), the issuer's and those above it by chain_verify() when
 * the signer was opened.  Only those certificates may be in the chain
 * OpenSSL built; their validity is checked here as OpenSSL's own
 * function would.
 */
struct known_chain {
	X509		*leaf;
	STACK_OF(X509)	*known;
};

static int
known_verify(X509_STORE_CTX *ctx)
{
	struct known_chain	*kc = X509_STORE_CTX_get_app_data(ctx);
	STACK_OF(X509)		*chain = X509_STORE_CTX_get0_chain(ctx);
	X509			*c;
	time_t			 at;
	int			 i, k, err = X509_V_OK;

	at = X509_VERIFY_PARAM_get_time(X509_STORE_CTX_get0_param(ctx));
	if (!(X509_VERIFY_PARAM_get_flags(X509_STORE_CTX_get0_param(ctx)) &
	    X509_V_FLAG_USE_CHECK_TIME))
		at = time(NULL);
	for (i = 0; i < sk_X509_num(chain) && err == X509_V_OK; i++) {
		c = sk_X509_value(chain, i);
		for (k = 0; i > 0 && k < sk_X509_num(kc->known); k++)
			if (sk_X509_value(kc->known, k) == c)
				break;
		if (i == 0 ? c != kc->leaf : k == sk_X509_num(kc->known))
			err = X509_V_ERR_CERT_SIGNATURE_FAILURE;
		else if (X509_cmp_time(X509_get0_notBefore(c), &at) > 0)
			err = X509_V_ERR_CERT_NOT_YET_VALID;
		else if (X509_cmp_time(X509_get0_notAfter(c), &at) < 0)
			err = X509_V_ERR_CERT_HAS_EXPIRED;
	}
	if (err == X509_V_OK)
		return 1;
	X509_STORE_CTX_set_error(ctx, err);
	X509_STORE_CTX_set_current_cert(ctx, c);
	return 0;
}

/*
 * Does x chain to a self-signed certificate of `above` (the others are
 * intermediates)?  For a root, above is empty and x anchors itself.  With
 * kc, the signatures in the chain are known to be verified (known_verify).
 */
static int
chain_check(X509 *x, STACK_OF(X509) *above, struct known_chain *kc)
{
	X509_STORE	*st = NULL;
	X509_STORE_CTX	*ctx = NULL;
	STACK_OF(X509)	*untrusted = NULL;
	X509		*c;
	time_t		 nb;
	int		 i, anchors = 0, rc = 1;

	if ((st = X509_STORE_new()) == NULL ||
	    (untrusted = sk_X509_new_null()) == NULL)
		goto fail;
	for (i = 0; above != NULL && i < sk_X509_num(above); i++) {
		c = sk_X509_value(above, i);
		if (X509_check_issued(c, c) == X509_V_OK) {
			anchors += X509_STORE_add_cert(st, c) == 1;
		} else if (!sk_X509_push(untrusted, c))
			goto fail;
	}
	if (anchors == 0 && (kc != NULL || !X509_STORE_add_cert(st, x)))
		goto fail;
	if ((ctx = X509_STORE_CTX_new()) == NULL ||
	    !X509_STORE_CTX_init(ctx, st, x, untrusted))
		goto fail;
	X509_STORE_CTX_set_flags(ctx, X509_V_FLAG_X509_STRICT |
	    (kc == NULL ? X509_V_FLAG_CHECK_SS_SIGNATURE : 0));
	if (kc != NULL) {
		X509_STORE_CTX_set_app_data(ctx, kc);
		X509_STORE_CTX_set_verify(ctx, known_verify);
	}
	/* A rollover's certificates may begin later: checked as of then. */
	if ((nb = cert_time(X509_get0_notBefore(x))) > time(NULL))
		X509_STORE_CTX_set_time(ctx, 0, nb);
	if (X509_verify_cert(ctx) != 1) {
		err_set("the certificate does not chain to its root: %s",
		    X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)));
		goto out;
	}
	rc = 0;
	goto out;
fail:
	err_ossl("cannot set up the chain check");
out:
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(st);
	sk_X509_free(untrusted);
	ERR_clear_error();
	return rc;
}

int
chain_verify(X509 *x, STACK_OF(X509) *above)
{
	return chain_check(x, above, NULL);
}

/*
 * x chains to its root as chain_verify() says (names, key usage, basic
 * constraints, path lengths, strict encoding, validity), its signature
 * already verified, as the issuer chain's was: for a batch, where
 * verifying every signature again would cost more than the token's
 * signing.  issuer and above are the signer's.
 */
int
chain_verify_signed(X509 *x, X509 *issuer, STACK_OF(X509) *above)
{
	struct known_chain	kc;
	int			rc;

	kc.leaf = x;
	if ((kc.known = above != NULL ? sk_X509_dup(above) :
	    sk_X509_new_null()) == NULL || !sk_X509_push(kc.known, issuer)) {
		sk_X509_free(kc.known);
		err_set("out of memory");
		return 1;
	}
	rc = chain_check(x, kc.known, &kc);
	sk_X509_free(kc.known);
	return rc;
}

static int
ca_chain_write(struct db *db, int gen, STACK_OF(X509) *above)
{
	BIO	*b;
	char	 name[64], *path = NULL, *pem;
	long	 len;
	int	 i, rc = 1;

	if ((b = BIO_new(BIO_s_mem())) == NULL)
		return 1;
	for (i = 0; i < sk_X509_num(above); i++)
		if (!PEM_write_bio_X509(b, sk_X509_value(above, i)))
			goto out;
	snprintf(name, sizeof(name), "ca/gen-%d-chain.pem", gen);
	if ((len = BIO_get_mem_data(b, &pem)) > 0 &&
	    (path = db_path(db, name)) != NULL)
		rc = atomic_write(path, pem, (size_t)len, 0644, 1);
out:
	free(path);
	BIO_free(b);
	return rc;
}

/*
 * Adopt a CA certificate whose key is on this token as generation 1:
 * it must be a CA certificate, chain to a root in `above`, and certify a
 * key of the token.
 */
int
ca_install(struct session *s, X509 *x, STACK_OF(X509) *above)
{
	struct hsm_key	*key = NULL;
	int		 rc = 1;

	if (db_ca_current(s->db) != 0) {
		err_set("this data directory already has a CA certificate");
		return 1;
	}
	if (X509_check_ca(x) < 1 ||
	    !(X509_get_key_usage(x) & KU_KEY_CERT_SIGN)) {
		err_set("the certificate is not a CA certificate "
		    "(basicConstraints CA:TRUE and keyCertSign needed)");
		return 1;
	}
	if (sk_X509_num(above) == 0) {
		err_set("give the chain above the certificate (--chain F): "
		    "a self-signed root is made with ceremony root create");
		return 1;
	}
	if (chain_verify(x, above) != 0)
		return 1;
	if (hsm_key_find_pubkey(s->hsm, X509_get0_pubkey(x), &key) != 0) {
		err_context("the certificate's key is not on this token");
		goto out;
	}
	if (ca_chain_write(s->db, 1, above) != 0 || db_ca_put(s->db, 1, x) != 0)
		goto out;
	if (hsm_cert_store(s->hsm, key, x) != 0) {
		err_context("installed in the database, but not stored on the "
		    "token");
		goto out;
	}
	rc = 0;
out:
	hsm_key_free(key);
	return rc;
}

/* Push generation gen's certificate and links (those that exist). */
static int
ca_gen_push(const struct db *db, int gen, int root, STACK_OF(X509) *sk)
{
	static const char	*links[] = { "newwithold", "oldwithnew" };
	X509			*x;
	size_t			 i;

	if (root && ((x = db_ca_get(db, gen)) == NULL || !sk_X509_push(sk, x))) {
		X509_free(x);
		return 1;
	}
	for (i = 0; i < 2; i++) {
		if ((x = db_ca_link_get(db, gen, links[i])) == NULL) {
			err_clear();
			continue;
		}
		if (!sk_X509_push(sk, x)) {
			X509_free(x);
			return 1;
		}
	}
	return 0;
}

/*
 * Every CA certificate of the data directory (with roots false: only the
 * rollovers' link certificates), cancelled generations left out.
 */
static int
ca_collect(const struct db *db, int roots, STACK_OF(X509) **out)
{
	struct db_gen	 g;
	int		 gen, hi;

	if ((*out = sk_X509_new_null()) == NULL ||
	    (hi = db_ca_highest(db)) < 0)
		goto fail;
	for (gen = 1; gen <= hi; gen++) {
		if (db_gen_read(db, gen, &g) != 0)
			goto fail;
		if (g.state != DB_GEN_CANCELLED &&
		    ca_gen_push(db, gen, roots, *out) != 0)
			goto fail;
	}
	return 0;
fail:
	if (err_get()[0] == '\0')
		err_set("out of memory");
	sk_X509_pop_free(*out, X509_free);
	*out = NULL;
	return 1;
}

int
ca_certs_all(const struct db *db, STACK_OF(X509) **out)
{
	return ca_collect(db, 1, out);
}

int
ca_links_all(const struct db *db, STACK_OF(X509) **out)
{
	return ca_collect(db, 0, out);
}

static int
ca_install_audit(struct session *s, X509 *x, int ok)
{
	struct audit_entry	 e;
	unsigned char		*der = NULL;
	int			 len, rc;

	memset(&e, 0, sizeof(e));
	e.op = "ca.install";
	e.ok = ok;
	e.detail = ok ? "generation 1" : err_get();
	if (x != NULL && (len = i2d_X509(x, &der)) > 0)
		audit_add_in(&e, "cert", der, (size_t)len);
	rc = session_audit(s, &e);
	OPENSSL_free(der);
	return rc;
}

/*
 * ca install from either front end: the certificate and the chain above it
 * read from their files, then installed after a login; one audit record.
 * *above is the chain read, for the front end to count.
 */
int
ca_install_run(struct session *s, const char *cert, const char *chain,
    STACK_OF(X509) **above)
{
	STACK_OF(X509)	*certs = NULL;
	X509		*x;
	int		 ok;

	*above = NULL;
	if (pem_certs_load(cert, &certs) != 0 ||
	    pem_certs_load(chain, above) != 0) {
		sk_X509_pop_free(certs, X509_free);
		return 1;
	}
	x = sk_X509_value(certs, 0);
	ok = session_login(s) == 0 && ca_install(s, x, *above) == 0;
	ok = ca_install_audit(s, x, ok) == 0 && ok;
	sk_X509_pop_free(certs, X509_free);
	return !ok;
}
