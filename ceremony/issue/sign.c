/* SPDX-License-Identifier: ISC */
/*
 * Signing a request with the current CA generation's key.  The policy
 * check runs here, in the core, so no front end can sign around it: a
 * request with any error finding is refused before a serial is taken.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ceremony/issue/issue.h"
#include "ceremony/policy/policy.h"
#include "ceremony/rollover/rollover.h"

/* The active generation, as the records say; 0 with a message if none. */
static int
signer_current(struct session *s)
{
	int	gen;

	if ((gen = db_ca_current(s->db)) == 0)
		err_set("this data directory has no CA certificate yet: run "
		    "ceremony root create first");
	return gen > 0 ? gen : 0;
}

/*
 * The active generation's certificate and its key on the token.  A
 * rollover's automatic switch-over that has come due is recorded first,
 * so the generation that signs is the one the records say is active.
 */
int
signer_open(struct session *s, struct signer *sg, const EVP_MD *md)
{
	int	gen;

	memset(sg, 0, sizeof(*sg));
	if (rollover_switch_due(s, time(NULL)) != 0 ||
	    (gen = signer_current(s)) == 0)
		return 1;
	return signer_open_gen(s, sg, md, gen);
}

/* Generation gen's certificate and the chain above it, verified. */
static int
signer_issuer(struct session *s, struct signer *sg, int gen)
{
	memset(sg, 0, sizeof(*sg));
	sg->generation = gen;
	if ((sg->issuer = db_ca_get(s->db, sg->generation)) == NULL)
		return 1;
	/* The export chain: the issuer, then what is above it. */
	if (ca_chain_above(s->db, sg->generation, &sg->above) != 0)
		return 1;
	/* Verified once here; each certificate's signature is verified
	 * after it is signed, and the lint has checked it names this issuer
	 * (name, key identifier, validity, path length). */
	if (chain_verify(sg->issuer, sg->above) != 0) {
		err_context("CA generation %d", sg->generation);
		return 1;
	}
	if ((sg->chain = sk_X509_dup(sg->above)) == NULL ||
	    !sk_X509_insert(sg->chain, sg->issuer, 0)) {
		err_set("out of memory");
		return 1;
	}
	return 0;
}

/* Generation gen's signer: a retired one still signs its own CRLs. */
int
signer_open_gen(struct session *s, struct signer *sg, const EVP_MD *md,
    int gen)
{
	if (signer_issuer(s, sg, gen) != 0)
		return 1;
	/* By public key, not by name: a backup token's label may differ. */
	if (hsm_key_find_pubkey(s->hsm, X509_get0_pubkey(sg->issuer),
	    &sg->key) != 0) {
		err_context("CA generation %d", sg->generation);
		return 1;
	}
	if (hsm_key_signer(s->hsm, sg->key, &sg->signer) != 0 ||
	    verifier_init(&sg->verifier, sg->key->pubkey, md) != 0)
		return 1;
	return 0;
}

/*
 * The active generation's certificate without its token: enough to build
 * and lint the certificate it would sign (sign --preview), since the key's
 * type is the issuer certificate's.  Writes nothing, not even a due
 * switch-over: that is recorded when a signature is made.
 */
int
signer_open_issuer(struct session *s, struct signer *sg)
{
	int	gen;

	memset(sg, 0, sizeof(*sg));
	if ((gen = signer_current(s)) == 0 || signer_issuer(s, sg, gen) != 0)
		return 1;
	if ((sg->key = calloc(1, sizeof(*sg->key))) == NULL) {
		err_set("out of memory");
		return 1;
	}
	return hsm_keyspec_of(X509_get0_pubkey(sg->issuer), &sg->key->spec);
}

void
signer_close(struct signer *sg)
{
	verifier_free(&sg->verifier);
	EVP_PKEY_free(sg->signer);
	X509_free(sg->issuer);
	hsm_key_free(sg->key);
	sk_X509_free(sg->chain);	/* borrows from issuer and above */
	sk_X509_pop_free(sg->above, X509_free);
	memset(sg, 0, sizeof(*sg));
}

/*
 * Fill the job for a vetted request: its subject and key as the intake
 * re-encoded them, our issuer.
 */
void
sign_job(struct issue_job *j, const struct signer *sg, const struct tmpl *t,
    const struct vetted *v, const struct sign_opts *o)
{
	memset(j, 0, sizeof(*j));
	j->t = t;
	j->issuer = sg->issuer;
	j->above = sg->above;
	j->key = sg->key;
	j->signer = sg->signer;
	j->verifier = &sg->verifier;
	j->pubkey = NULL;	/* the key is certified as v->spki encodes it */
	j->spki = v->spki;
	j->subject = t->subject != NULL ? NULL : v->subject;
	j->req_exts = v->exts;
	j->generation = sg->generation;
	j->days = o->days;
	j->clamp = o->clamp;
	j->audit = o->audit;
	j->audit_arg = o->audit_arg;
}

/* The intake's findings of v, into f: any error refuses it. */
int
sign_check(const struct policy *p, const struct vetted *v, struct findings *f)
{
	size_t	i;

	for (i = 0; i < v->f.n; i++)
		if (findings_copy(f, v->f.v[i].error, &v->f.v[i]) != 0) {
			err_set("out of memory");
			return 1;
		}
	if (f->errors > 0) {
		err_set("%s fails policy %s (%zu error%s): nothing was signed",
		    v->path, p->name, f->errors, f->errors == 1 ? "" : "s");
		return 1;
	}
	return 0;
}

/*
 * Issue v, which the caller passed through sign_check first (before the
 * login, so that a refusal asks no PIN): checking it again here reported
 * each of its warnings twice.
 */
int
sign_request(struct session *s, const struct signer *sg, const struct tmpl *t,
    const struct vetted *v, const struct sign_opts *o, struct findings *f,
    struct issue_job *j)
{
	sign_job(j, sg, t, v, o);
	return issue_one(s, j, f);
}
