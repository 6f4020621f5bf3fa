/* SPDX-License-Identifier: ISC */
/*
 * The CRL's DER, streamed: the parts around the entries (version, issuer,
 * dates, extensions) come from OpenSSL, the revokedCertificates are
 * encoded here, one SEQUENCE { serial, revocationDate, crlEntryExtensions }
 * per entry, straight from the compact entries of crlsrc.  Nothing holds
 * the whole list: one pass finds its length, one hashes the to-be-signed
 * part for the token, and the last writes the DER and PEM files while
 * hashing again, so the signature is verified over the bytes written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>

#include "ceremony/crl/crl.h"
#include "ceremony/issue/issue.h"

#define OUTBUF		(256 * 1024)
#define ENTRY_MAX	128
/* Identifier octets: SEQUENCE and the [0] of crlExtensions. */
#define DER_SEQ		(V_ASN1_CONSTRUCTED | V_ASN1_SEQUENCE)
#define DER_EXTS	(V_ASN1_CONSTRUCTED | V_ASN1_CONTEXT_SPECIFIC | 0)

/*
 * Bytes of a DER header for content of length n (a low tag number: the
 * header's length does not depend on which).  Contents stay below 2^31
 * bytes, OpenSSL's int: a CRL of millions of entries is some 40 MB.
 */
static size_t
der_hdr_len(size_t n)
{
	return (size_t)ASN1_object_size(0, (int)n, V_ASN1_SEQUENCE) - n;
}

/* The header of tag (its identifier octet) over n bytes, at out. */
static size_t
der_hdr(unsigned char *out, unsigned char tag, size_t n)
{
	unsigned char	*p = out;

	ASN1_put_object(&p, (tag & V_ASN1_CONSTRUCTED) != 0, (int)n,
	    tag & 0x1f, tag & V_ASN1_PRIVATE);
	return (size_t)(p - out);
}

static void
two(unsigned char *p, int v)
{
	p[0] = (unsigned char)('0' + v / 10);
	p[1] = (unsigned char)('0' + v % 10);
}

/*
 * RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime after (or when
 * asked for).  Entries often share a time: the last one is remembered.
 */
static size_t
der_time(unsigned char *out, long long t, int generalized)
{
	static __thread long long	 last_t = -1;
	static __thread int		 last_g = -1;
	static __thread unsigned char	 last[20];
	static __thread size_t		 last_n;
	struct tm			 tm;
	time_t				 tt = (time_t)t;
	unsigned char			*p = out + 2;
	int				 y;

	if (t == last_t && generalized == last_g) {
		memcpy(out, last, last_n);
		return last_n;
	}
	gmtime_r(&tt, &tm);
	y = tm.tm_year + 1900;
	if (!generalized && y >= 1950 && y < 2050) {
		out[0] = V_ASN1_UTCTIME;
		out[1] = 13;
	} else {
		out[0] = V_ASN1_GENERALIZEDTIME;
		out[1] = 15;
		two(p, y / 100);
		p += 2;
	}
	two(p, y % 100);
	two(p + 2, tm.tm_mon + 1);
	two(p + 4, tm.tm_mday);
	two(p + 6, tm.tm_hour);
	two(p + 8, tm.tm_min);
	two(p + 10, tm.tm_sec);
	p[12] = 'Z';
	last_t = t;
	last_g = generalized;
	last_n = (size_t)out[1] + 2;
	memcpy(last, out, last_n);
	return last_n;
}

/*
 * One revokedCertificates entry.  reasonCode is left out for unspecified
 * (RFC 5280 5.3.1); invalidityDate is a GeneralizedTime (5.3.2).
 */
static size_t
crl_entry_der(const struct crl_entry *e, unsigned char *out)
{
	static const unsigned char reason_oid[] = { 0x06, 3, 0x55, 0x1d, 0x15 };
	static const unsigned char inval_oid[] = { 0x06, 3, 0x55, 0x1d, 0x18 };
	unsigned char	body[ENTRY_MAX], ext[64];
	size_t		n = 0, x = 0, pad;

	pad = e->serial[0] & 0x80 ? 1 : 0;
	n += der_hdr(body + n, V_ASN1_INTEGER, e->seriallen + pad);
	if (pad)
		body[n++] = 0;
	memcpy(body + n, e->serial, e->seriallen);
	n += e->seriallen;
	n += der_time(body + n, e->revoked_at, 0);
	if (e->reason > 0) {
		x += der_hdr(ext + x, DER_SEQ, 10);
		memcpy(ext + x, reason_oid, 5);
		x += 5;
		memcpy(ext + x, "\x04\x03\x0a\x01", 4);
		x += 4;
		ext[x++] = (unsigned char)e->reason;
	}
	if (e->invalidity > 0) {
		x += der_hdr(ext + x, DER_SEQ, 24);
		memcpy(ext + x, inval_oid, 5);
		x += 5;
		x += der_hdr(ext + x, V_ASN1_OCTET_STRING, 17);
		x += der_time(ext + x, e->invalidity, 1);
	}
	if (x > 0) {
		n += der_hdr(body + n, DER_SEQ, x);
		memcpy(body + n, ext, x);
		n += x;
	}
	x = der_hdr(out, DER_SEQ, n);
	memcpy(out + x, body, n);
	return x + n;
}

/* Where the bytes go: a digest, a file, its PEM; any of them. */
struct sink {
	EVP_MD_CTX	*md;
	EVP_MD_CTX	*whole;		/* SHA-256 of everything written */
	int		 hashing;
	int		 fd, pemfd;
	EVP_ENCODE_CTX	*pem;
	unsigned char	 buf[OUTBUF];
	size_t		 n;
	unsigned char	 pembuf[OUTBUF * 3 / 2];
	int		 failed;
};

static void
write_full(struct sink *k, int fd, const unsigned char *p, size_t n)
{
	ssize_t	w;

	while (n > 0 && !k->failed) {
		if ((w = write(fd, p, n)) <= 0) {
			k->failed = 1;
			return;
		}
		p += w;
		n -= (size_t)w;
	}
}

static void
sink_flush(struct sink *k)
{
	int	out = 0;

	if (k->n == 0)
		return;
	if (k->fd != -1) {
		write_full(k, k->fd, k->buf, k->n);
		if (!EVP_DigestUpdate(k->whole, k->buf, k->n))
			k->failed = 1;
	}
	if (k->pem != NULL) {
		if (!EVP_EncodeUpdate(k->pem, k->pembuf, &out, k->buf,
		    (int)k->n))
			k->failed = 1;
		write_full(k, k->pemfd, k->pembuf, (size_t)out);
	}
	k->n = 0;
}

static void
sink_put(struct sink *k, const void *p, size_t n)
{
	if (k->hashing && !EVP_DigestUpdate(k->md, p, n))
		k->failed = 1;
	if (k->fd == -1)
		return;
	if (k->n + n > sizeof(k->buf))
		sink_flush(k);
	while (n > sizeof(k->buf)) {
		memcpy(k->buf, p, sizeof(k->buf));
		k->n = sizeof(k->buf);
		sink_flush(k);
		p = (const unsigned char *)p + sizeof(k->buf);
		n -= sizeof(k->buf);
	}
	memcpy(k->buf + k->n, p, n);
	k->n += n;
}

/* The revokedCertificates' content: its length, or its bytes into k. */
static size_t
crl_entries(const struct crlsrc *src, struct sink *k)
{
	unsigned char	e[ENTRY_MAX];
	size_t		i, n, total = 0;

	for (i = 0; i < src->n; i++) {
		if (src->v[i].state != CRLSRC_LISTED)
			continue;
		n = crl_entry_der(&src->v[i], e);
		if (k != NULL)
			sink_put(k, e, n);
		total += n;
	}
	return total;
}

/* TBSCertList into k: SEQUENCE { head, revoked (if any), [0] exts }. */
static void
crl_tbs(const struct crl_parts *p, const struct crlsrc *src, size_t elen,
    struct sink *k)
{
	unsigned char	h[16];
	size_t		tbslen, rlen = 0;

	if (src->listed > 0)
		rlen = der_hdr_len(elen) + elen;
	tbslen = p->headlen + rlen + p->extslen;
	sink_put(k, h, der_hdr(h, DER_SEQ, tbslen));
	sink_put(k, p->head, p->headlen);
	if (src->listed > 0) {
		sink_put(k, h, der_hdr(h, DER_SEQ, elen));
		crl_entries(src, k);
	}
	sink_put(k, p->exts, p->extslen);
}

static size_t
crl_tbs_len(const struct crl_parts *p, const struct crlsrc *src, size_t elen)
{
	size_t	n = p->headlen + p->extslen;

	if (src->listed > 0)
		n += der_hdr_len(elen) + elen;
	return der_hdr_len(n) + n;
}

/*
 * The token signs the digest (PKCS#1 v1.5 for RSA, ECDSA for EC); what
 * ends the error: "the CRL: nothing was written", "the audit seal".
 */
int
token_sign_digest(EVP_PKEY *key, const EVP_MD *md, const unsigned char *dg,
    size_t dglen, const char *what, unsigned char **sig, size_t *siglen)
{
	EVP_PKEY_CTX	*ctx;
	int		 rc = 1;

	*sig = NULL;
	if ((ctx = EVP_PKEY_CTX_new(key, NULL)) == NULL ||
	    EVP_PKEY_sign_init(ctx) <= 0 ||
	    EVP_PKEY_CTX_set_signature_md(ctx, md) <= 0 ||
	    (EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA &&
	    EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) <= 0) ||
	    EVP_PKEY_sign(ctx, NULL, siglen, dg, dglen) <= 0 ||
	    (*sig = OPENSSL_malloc(*siglen)) == NULL ||
	    EVP_PKEY_sign(ctx, *sig, siglen, dg, dglen) <= 0) {
		err_ossl("the token did not sign %s", what);
		goto out;
	}
	rc = 0;
out:
	if (rc != 0) {
		OPENSSL_free(*sig);
		*sig = NULL;
	}
	EVP_PKEY_CTX_free(ctx);
	return rc;
}

static int
crl_verify_digest(const struct verifier *v, const unsigned char *dg,
    size_t dglen, const unsigned char *sig, size_t siglen)
{
	if (v->ec != NULL)
		return ecverifier_check(v->ec, dg, dglen, sig, siglen) == 1;
	return EVP_PKEY_verify(v->ctx, sig, siglen, dg, dglen) == 1;
}

static int
crl_digest(EVP_MD_CTX *c, const EVP_MD *md, const struct crl_parts *p,
    const struct crlsrc *src, size_t elen, unsigned char *dg,
    unsigned int *dglen, struct sink *k)
{
	k->md = c;
	k->hashing = 1;
	if (!EVP_DigestInit_ex(c, md, NULL))
		return 1;
	crl_tbs(p, src, elen, k);
	k->hashing = 0;
	return k->failed || !EVP_DigestFinal_ex(c, dg, dglen);
}

/*
 * The CertificateList, written: DER, PEM, a SHA-256 of the DER; the
 * TBSCertList hashed again as it goes out (dg), to compare with what was
 * signed.
 */
static int
crl_put(struct sink *k, const struct crl_job *j, const struct crl_parts *p,
    const struct crlsrc *src, size_t elen, const unsigned char *sig,
    size_t siglen, int fd, int pemfd, EVP_MD_CTX *whole, EVP_MD_CTX *c,
    unsigned char *dg, unsigned int *dglen)
{
	unsigned char	h[16];
	size_t		outer;
	int		out = 0;

	k->fd = fd;
	k->pemfd = pemfd;
	k->whole = whole;
	if (!EVP_DigestInit_ex(whole, EVP_sha256(), NULL)) {
		err_ossl("cannot hash the CRL");
		return 1;
	}
	EVP_EncodeInit(k->pem);
	write_full(k, pemfd, (const unsigned char *)"-----BEGIN X509 CRL-----\n",
	    25);
	outer = crl_tbs_len(p, src, elen) + p->alglen +
	    der_hdr_len(siglen + 1) + siglen + 1;
	sink_put(k, h, der_hdr(h, DER_SEQ, outer));
	sink_flush(k);
	if (crl_digest(c, j->t->md, p, src, elen, dg, dglen, k) != 0) {
		err_ossl("cannot hash the CRL");
		return 1;
	}
	sink_put(k, p->alg, p->alglen);
	sink_put(k, h, der_hdr(h, V_ASN1_BIT_STRING, siglen + 1));
	sink_put(k, "", 1);
	sink_put(k, sig, siglen);
	sink_flush(k);
	EVP_EncodeFinal(k->pem, k->pembuf, &out);
	write_full(k, pemfd, k->pembuf, (size_t)out);
	write_full(k, pemfd, (const unsigned char *)"-----END X509 CRL-----\n",
	    23);
	if (k->failed) {
		err_set("cannot write the CRL files: nothing was kept, the "
		    "CRL number is not used");
		return 1;
	}
	return 0;
}

/*
 * Hash, sign on the token, then write fd (DER) and pemfd (PEM) while
 * hashing again; the signature must verify over what was written.
 */
int
crl_write(const struct crl_job *j, const struct crl_parts *p,
    const struct crlsrc *src, int fd, int pemfd, char sha256[65])
{
	struct sink		*k = NULL;
	EVP_MD_CTX		*c = NULL, *whole = NULL;
	unsigned char		 dg[EVP_MAX_MD_SIZE], dg2[EVP_MAX_MD_SIZE];
	unsigned char		*sig = NULL, fp[32];
	unsigned int		 dglen, dg2len, fplen;
	size_t			 elen, siglen;
	int			 rc = 1;
	char			*hex;

	if ((k = calloc(1, sizeof(*k))) == NULL ||
	    (c = EVP_MD_CTX_new()) == NULL ||
	    (whole = EVP_MD_CTX_new()) == NULL ||
	    (k->pem = EVP_ENCODE_CTX_new()) == NULL) {
		err_set("out of memory");
		goto out;
	}
	k->fd = k->pemfd = -1;
	elen = crl_entries(src, NULL);
	if (crl_digest(c, j->t->md, p, src, elen, dg, &dglen, k) != 0) {
		err_ossl("cannot hash the CRL");
		goto out;
	}
	if (token_sign_digest(j->sg->signer, j->t->md, dg, dglen, "the CRL: "
	    "nothing was written, the CRL number is not used", &sig,
	    &siglen) != 0)
		goto out;
	if (crl_put(k, j, p, src, elen, sig, siglen, fd, pemfd, whole, c, dg2,
	    &dg2len) != 0)
		goto out;
	if (dglen != dg2len || memcmp(dg, dg2, dglen) != 0 ||
	    !crl_verify_digest(&j->sg->verifier, dg2, dg2len, sig, siglen)) {
		err_set("the token's CRL signature does not verify with CA "
		    "generation %d's public key: nothing was kept",
		    j->sg->generation);
		goto out;
	}
	if (!EVP_DigestFinal_ex(whole, fp, &fplen) ||
	    (hex = hex_encode(fp, fplen, 0)) == NULL)
		goto out;
	snprintf(sha256, 65, "%s", hex);
	free(hex);
	rc = 0;
out:
	OPENSSL_free(sig);
	if (k != NULL)
		EVP_ENCODE_CTX_free(k->pem);
	free(k);
	EVP_MD_CTX_free(c);
	EVP_MD_CTX_free(whole);
	return rc;
}

static int
push_ext(STACK_OF(X509_EXTENSION) *sk, int nid, int crit, void *v)
{
	X509_EXTENSION	*x;

	if ((x = X509V3_EXT_i2d(nid, crit, v)) == NULL)
		return 1;
	if (!sk_X509_EXTENSION_push(sk, x)) {
		X509_EXTENSION_free(x);
		return 1;
	}
	return 0;
}

/* The IDP's distributionPoint: the template's URI, {gen} expanded. */
static int
crl_idp_uri(const struct crl_job *j, ISSUING_DIST_POINT *idp)
{
	GENERAL_NAME	*gn = NULL;
	ASN1_IA5STRING	*uri = NULL;
	char		*v;
	int		 named, rc = 1;

	if ((v = gen_expand(j->t->idp, j->sg->generation)) == NULL)
		return 1;
	named = gen_named(v);
	if (named != 0 && named != j->sg->generation) {
		err_set("template %s: idp %s names generation %d but "
		    "generation %d signs: write {gen} in the idp (docs/crl.md); "
		    "nothing was signed", j->t->path, v, named,
		    j->sg->generation);
		goto out;
	}
	if ((idp->distpoint = DIST_POINT_NAME_new()) == NULL ||
	    (idp->distpoint->name.fullname = GENERAL_NAMES_new()) == NULL ||
	    (gn = GENERAL_NAME_new()) == NULL ||
	    (uri = ASN1_IA5STRING_new()) == NULL ||
	    !ASN1_STRING_set(uri, v, -1))
		goto out;
	idp->distpoint->type = 0;
	GENERAL_NAME_set0_value(gn, GEN_URI, uri);
	uri = NULL;
	if (!sk_GENERAL_NAME_push(idp->distpoint->name.fullname, gn))
		goto out;
	gn = NULL;
	rc = 0;
out:
	ASN1_IA5STRING_free(uri);
	GENERAL_NAME_free(gn);
	free(v);
	return rc;
}

/*
 * issuingDistributionPoint, in the template's idp_form: the URI, and in
 * the critical form onlyContainsCACerts when the issuer is a root (a root
 * signs only CA certificates, RFC 5280 5.2.5).  *out NULL: none.
 */
static int
crl_idp(const struct crl_job *j, ISSUING_DIST_POINT **out)
{
	ISSUING_DIST_POINT	*idp;
	int			 only_ca;

	*out = NULL;
	only_ca = j->root && j->t->idp_form == CRL_IDP_CRITICAL;
	if (j->t->idp_form == CRL_IDP_NONE || (j->t->idp == NULL && !only_ca))
		return 0;
	if ((idp = ISSUING_DIST_POINT_new()) == NULL)
		return 1;
	idp->onlyCA = only_ca ? 0xff : 0;
	if (j->t->idp != NULL && crl_idp_uri(j, idp) != 0) {
		ISSUING_DIST_POINT_free(idp);
		return 1;
	}
	*out = idp;
	return 0;
}

/* AKI (the issuer's SKI), cRLNumber, IDP: [0] EXPLICIT Extensions. */
static int
crl_exts(const struct crl_job *j, struct crl_parts *p)
{
	STACK_OF(X509_EXTENSION)	*sk = NULL;
	AUTHORITY_KEYID			*akid = NULL;
	ASN1_INTEGER			*num = NULL;
	ISSUING_DIST_POINT		*idp = NULL;
	const ASN1_OCTET_STRING		*ski;
	X509_EXTENSION			*x;
	unsigned char			*der = NULL;
	int				 len, rc = 1;

	if ((sk = sk_X509_EXTENSION_new_null()) == NULL ||
	    (akid = AUTHORITY_KEYID_new()) == NULL ||
	    (num = ASN1_INTEGER_new()) == NULL)
		goto out;
	if ((ski = X509_get0_subject_key_id(j->sg->issuer)) == NULL) {
		err_set("CA generation %d has no subject key identifier: the "
		    "CRL's authority key identifier needs one",
		    j->sg->generation);
		goto out;
	}
	if ((akid->keyid = ASN1_OCTET_STRING_dup(ski)) == NULL ||
	    !ASN1_INTEGER_set_uint64(num, j->number) ||
	    push_ext(sk, NID_authority_key_identifier, 0, akid) ||
	    push_ext(sk, NID_crl_number, 0, num))
		goto out;
	if (crl_idp(j, &idp) != 0)
		goto out;
	if (idp != NULL) {
		if (push_ext(sk, NID_issuing_distribution_point,
		    j->t->idp_form == CRL_IDP_CRITICAL, idp))
			goto out;
		x = sk_X509_EXTENSION_value(sk, 2);
		p->idplen = (size_t)ASN1_STRING_length(X509_EXTENSION_get_data(x));
		if ((p->idp = OPENSSL_memdup(ASN1_STRING_get0_data(
		    X509_EXTENSION_get_data(x)), p->idplen)) == NULL)
			goto out;
	}
	if ((len = i2d_X509_EXTENSIONS(sk, &der)) <= 0 ||
	    (p->exts = OPENSSL_malloc((size_t)len + 8)) == NULL)
		goto out;
	p->extslen = der_hdr(p->exts, DER_EXTS, (size_t)len);
	memcpy(p->exts + p->extslen, der, (size_t)len);
	p->extslen += (size_t)len;
	rc = 0;
out:
	if (rc != 0 && !err_isset())
		err_ossl("cannot encode the CRL extensions");
	OPENSSL_free(der);
	AUTHORITY_KEYID_free(akid);
	ASN1_INTEGER_free(num);
	ISSUING_DIST_POINT_free(idp);
	sk_X509_EXTENSION_pop_free(sk, X509_EXTENSION_free);
	return rc;
}

static int
crl_alg(const struct crl_job *j, struct crl_parts *p)
{
	X509_ALGOR	*a;
	int		 rsa, signid, len, rc = 1;
	unsigned char	*der = NULL;

	rsa = EVP_PKEY_get_base_id(X509_get0_pubkey(j->sg->issuer)) ==
	    EVP_PKEY_RSA;
	if (!OBJ_find_sigid_by_algs(&signid, EVP_MD_get_type(j->t->md),
	    rsa ? NID_rsaEncryption : NID_X9_62_id_ecPublicKey)) {
		err_set("no signature algorithm for this key with %s",
		    j->t->digest);
		return 1;
	}
	if ((a = X509_ALGOR_new()) == NULL ||
	    !X509_ALGOR_set0(a, OBJ_nid2obj(signid), rsa ? V_ASN1_NULL :
	    V_ASN1_UNDEF, NULL) || (len = i2d_X509_ALGOR(a, &der)) <= 0) {
		err_ossl("cannot encode the CRL's signature algorithm");
		goto out;
	}
	p->alg = der;
	p->alglen = (size_t)len;
	rc = 0;
out:
	X509_ALGOR_free(a);
	return rc;
}

/* version, signature, issuer, thisUpdate, nextUpdate. */
static int
crl_head(const struct crl_job *j, struct crl_parts *p)
{
	unsigned char	*der = NULL, t1[32], t2[32];
	size_t		 n1, n2;
	int		 len;

	if ((len = i2d_X509_NAME(X509_get_subject_name(j->sg->issuer),
	    &der)) <= 0) {
		err_ossl("cannot encode the CA's name");
		return 1;
	}
	p->issuer = der;
	p->issuerlen = (size_t)len;
	n1 = der_time(t1, j->this_update, 0);
	n2 = der_time(t2, j->next_update, 0);
	p->headlen = 3 + p->alglen + p->issuerlen + n1 + n2;
	if ((p->head = OPENSSL_malloc(p->headlen)) == NULL) {
		err_set("out of memory");
		return 1;
	}
	memcpy(p->head, "\x02\x01\x01", 3);	/* v2 */
	memcpy(p->head + 3, p->alg, p->alglen);
	memcpy(p->head + 3 + p->alglen, p->issuer, p->issuerlen);
	memcpy(p->head + 3 + p->alglen + p->issuerlen, t1, n1);
	memcpy(p->head + 3 + p->alglen + p->issuerlen + n1, t2, n2);
	return 0;
}

int
crl_parts_make(const struct crl_job *j, struct crl_parts *p)
{
	memset(p, 0, sizeof(*p));
	if (crl_alg(j, p) != 0 || crl_head(j, p) != 0 || crl_exts(j, p) != 0) {
		crl_parts_free(p);
		return 1;
	}
	return 0;
}

void
crl_parts_free(struct crl_parts *p)
{
	OPENSSL_free(p->head);
	OPENSSL_free(p->exts);
	OPENSSL_free(p->alg);
	OPENSSL_free(p->idp);
	OPENSSL_free(p->issuer);
	memset(p, 0, sizeof(*p));
}
