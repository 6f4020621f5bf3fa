/* SPDX-License-Identifier: ISC */
/*
 * The previous CRL of a generation, read without building it in memory:
 * the file is mapped and walked element by element (a million entries
 * would otherwise cost hundreds of megabytes as X509_REVOKED objects).
 * Before a new CRL is signed it is compared with the previous one: the
 * number increases, the issuer and issuingDistributionPoint are the same,
 * and every serial the previous CRL listed is still listed, released from
 * hold, or of an expired certificate left out by the template.
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/asn1.h>
#include <openssl/x509v3.h>

#include "ceremony/crl/crl.h"
#include "ceremony/issue/issue.h"

#define DROP_EVERY	(8 * 1024 * 1024)
/* Identifier octets: SEQUENCE and the [0] of crlExtensions. */
#define V_ASN1_SEQ	(V_ASN1_CONSTRUCTED | V_ASN1_SEQUENCE)
#define V_EXTS		(V_ASN1_CONSTRUCTED | V_ASN1_CONTEXT_SPECIFIC | 0)

/*
 * One DER element at *p, read by ASN1_get_object: its identifier octet
 * (class, constructed bit and a tag number below 31; 0xff for a higher
 * number, which nothing here expects) and content; *p moves past it.
 */
struct tlv {
	const unsigned char	*start;		/* the header */
	unsigned char		 tag;
	const unsigned char	*c;
	size_t			 len;
};

static int
tlv_next(const unsigned char **p, const unsigned char *end, struct tlv *t)
{
	const unsigned char	*q = *p;
	long			 n;
	int			 ret, tag, xclass;

	if (end - q < 2)
		return 1;
	ret = ASN1_get_object(&q, &n, &tag, &xclass, (long)(end - q));
	/* 0x80: bad or too long; 1: indefinite length, never DER. */
	if ((ret & 0x80) || (ret & 1))
		return 1;
	t->start = *p;
	t->tag = tag < 31 ? (unsigned char)(xclass | (ret & V_ASN1_CONSTRUCTED) |
	    tag) : 0xff;
	t->c = q;
	t->len = (size_t)n;
	*p = q + n;
	return 0;
}

/* A mapped CRL file and its TBSCertList's elements. */
struct crlmap {
	unsigned char		*m;
	size_t			 size;
	struct tlv		 issuer, this_update, next_update, revoked,
				 exts;
	int			 has_next, has_revoked, has_exts;
};

/* The TBSCertList's elements of the mapped file, in place. */
static int
crlmap_walk(struct crlmap *cm)
{
	const unsigned char	*p = cm->m, *end = p + cm->size;
	struct tlv		 outer, tbs, t;

	if (tlv_next(&p, end, &outer) || outer.tag != V_ASN1_SEQ ||
	    (p = outer.c, tlv_next(&p, outer.c + outer.len, &tbs)) ||
	    tbs.tag != V_ASN1_SEQ)
		return 1;
	p = tbs.c;
	end = tbs.c + tbs.len;
	if (tlv_next(&p, end, &t))
		return 1;
	if (t.tag == V_ASN1_INTEGER && tlv_next(&p, end, &t))	/* version */
		return 1;
	/* t: signature algorithm */
	if (tlv_next(&p, end, &cm->issuer) ||
	    tlv_next(&p, end, &cm->this_update))
		return 1;
	while (p < end) {
		if (tlv_next(&p, end, &t))
			return 1;
		if (t.tag == V_ASN1_UTCTIME || t.tag == V_ASN1_GENERALIZEDTIME) {
			cm->next_update = t;
			cm->has_next = 1;
		} else if (t.tag == V_ASN1_SEQ) {
			cm->revoked = t;
			cm->has_revoked = 1;
		} else if (t.tag == V_EXTS) {
			cm->exts = t;
			cm->has_exts = 1;
		}
	}
	return 0;
}

static int
crlmap_open(const char *path, struct crlmap *cm)
{
	struct stat	st;
	int		fd;

	memset(cm, 0, sizeof(*cm));
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(fd, &st) == -1) {
		if (errno == ENOENT)
			err_set("the previous CRL %s is missing, so the new one "
			    "cannot be checked against it: restore it (the "
			    "export directory or the backup has a copy)", path);
		else
			err_set("%s: %s", path, strerror(errno));
		if (fd != -1)
			close(fd);
		return 1;
	}
	cm->size = (size_t)st.st_size;
	cm->m = cm->size == 0 ? MAP_FAILED : mmap(NULL, cm->size, PROT_READ,
	    MAP_PRIVATE, fd, 0);
	close(fd);
	if (cm->m == MAP_FAILED) {
		cm->m = NULL;
		err_set("%s: cannot read it", path);
		return 1;
	}
	if (crlmap_walk(cm) != 0) {
		err_set("%s is not a CRL (DER): restore it from the backup",
		    path);
		munmap(cm->m, cm->size);
		cm->m = NULL;
		return 1;
	}
	return 0;
}

static void
crlmap_close(struct crlmap *cm)
{
	if (cm->m != NULL)
		munmap(cm->m, cm->size);
	cm->m = NULL;
}

/* The crlExtensions, decoded (small). */
static STACK_OF(X509_EXTENSION) *
crlmap_exts(const struct crlmap *cm)
{
	const unsigned char	*p = cm->exts.c;

	if (!cm->has_exts)
		return NULL;
	return d2i_X509_EXTENSIONS(NULL, &p, (long)cm->exts.len);
}

static int
tlv_time(const struct tlv *t, time_t *out)
{
	const unsigned char	*q = t->start;
	ASN1_TIME		*a;

	if ((a = d2i_ASN1_TIME(NULL, &q, (long)(t->c + t->len - q))) == NULL)
		return 1;
	*out = cert_time(a);
	ASN1_TIME_free(a);
	return 0;
}

static size_t
count_entries(const struct crlmap *cm)
{
	const unsigned char	*p = cm->revoked.c, *end = p + cm->revoked.len;
	struct tlv		 e;
	size_t			 n = 0;

	if (!cm->has_revoked)
		return 0;
	while (p < end && tlv_next(&p, end, &e) == 0)
		n++;
	return n;
}

/* thisUpdate, nextUpdate, cRLNumber and the number of entries of a CRL. */
int
crl_read_times(const char *path, time_t *tu, time_t *nu,
    unsigned long long *number, size_t *entries)
{
	struct crlmap			 cm;
	STACK_OF(X509_EXTENSION)	*sk = NULL;
	ASN1_INTEGER			*num = NULL;
	uint64_t			 v = 0;
	int				 rc = 1;

	if (crlmap_open(path, &cm) != 0)
		return 1;
	*nu = 0;
	if (tlv_time(&cm.this_update, tu) ||
	    (cm.has_next && tlv_time(&cm.next_update, nu))) {
		err_set("%s: unreadable dates", path);
		goto out;
	}
	sk = crlmap_exts(&cm);
	num = sk == NULL ? NULL : X509V3_get_d2i(sk, NID_crl_number, NULL,
	    NULL);
	/* Read as 0, a garbage number would pass "the number increases". */
	if (num == NULL || !ASN1_INTEGER_get_uint64(&v, num)) {
		err_set("%s has no readable CRL number (none, or not a whole "
		    "number below 2^64): the file is damaged or not ceremony's; "
		    "restore it from a published copy", path);
		goto out;
	}
	*number = v;
	*entries = count_entries(&cm);
	rc = 0;
out:
	ASN1_INTEGER_free(num);
	sk_X509_EXTENSION_pop_free(sk, X509_EXTENSION_free);
	crlmap_close(&cm);
	return rc;
}

/* The extension nid's value octets, compared with want (NULL: absent). */
static int
ext_same(STACK_OF(X509_EXTENSION) *sk, int nid, const unsigned char *want,
    size_t wantlen)
{
	int			 i = X509v3_get_ext_by_NID(sk, nid, -1);
	const ASN1_OCTET_STRING	*v;

	if (i < 0)
		return want == NULL;
	v = X509_EXTENSION_get_data(X509v3_get_ext(sk, i));
	return want != NULL && (size_t)ASN1_STRING_length(v) == wantlen &&
	    memcmp(ASN1_STRING_get0_data(v), want, wantlen) == 0;
}

/* Every serial of the previous CRL: still listed, or legitimately gone. */
static int
check_entries(const char *path, struct crlmap *cm, const struct crlsrc *src)
{
	const unsigned char	*p = cm->revoked.c, *end = p + cm->revoked.len;
	const unsigned char	*s, *dropped = cm->m;
	const struct crl_entry	*e;
	struct tlv		 ent, serial;
	size_t			 slen, cur = 0;
	char			*hex;

	while (cm->has_revoked && p < end) {
		if (tlv_next(&p, end, &ent) || (s = ent.c,
		    tlv_next(&s, ent.c + ent.len, &serial)) ||
		    serial.tag != V_ASN1_INTEGER) {
			err_set("%s: an entry cannot be read", path);
			return 1;
		}
		s = serial.c;
		slen = serial.len;
		while (slen > 1 && *s == 0) {
			s++;
			slen--;
		}
		/* The previous CRL is in index order too: try the next
		 * entry first, and search only when that is not it. */
		e = cur < src->n ? &src->v[cur] : NULL;
		if (e == NULL || e->seriallen != slen ||
		    memcmp(e->serial, s, slen) != 0)
			e = crlsrc_find(src, s, slen);
		if (e != NULL)
			cur = (size_t)(e - src->v) + 1;
		if (e == NULL || e->state == 0) {
			hex = hex_encode(s, slen, 1);
			err_set("serial %s is on CRL %s but the index has no "
			    "revocation for it: it would disappear; nothing "
			    "was signed (check the index against the backup)",
			    hex != NULL ? hex : "?", path);
			free(hex);
			return 1;
		}
		/* Pages behind us are not needed again. */
		if (p - dropped > DROP_EVERY * 2) {
			size_t n = (size_t)(p - dropped - DROP_EVERY) &
			    ~(size_t)(getpagesize() - 1);

			madvise((void *)dropped, n, MADV_DONTNEED);
			dropped += n;
		}
	}
	return 0;
}

int
crl_check_previous(const char *path, const struct crl_job *j,
    const struct crl_parts *parts, const struct crlsrc *src)
{
	struct crlmap			 cm;
	STACK_OF(X509_EXTENSION)	*sk = NULL;
	ASN1_INTEGER			*num = NULL;
	uint64_t			 prev = 0;
	int				 rc = 1;

	if (crlmap_open(path, &cm) != 0)
		return 1;
	if ((sk = crlmap_exts(&cm)) == NULL || (num = X509V3_get_d2i(sk,
	    NID_crl_number, NULL, NULL)) == NULL ||
	    !ASN1_INTEGER_get_uint64(&prev, num)) {
		err_set("%s has no readable CRL number", path);
		goto out;
	}
	if (j->number <= prev) {
		err_set("CRL number %llu would not exceed the previous CRL's "
		    "(%llu, %s): nothing was signed", j->number,
		    (unsigned long long)prev, path);
		goto out;
	}
	if (parts->issuerlen != (size_t)(cm.issuer.c + cm.issuer.len -
	    cm.issuer.start) || memcmp(cm.issuer.start, parts->issuer,
	    parts->issuerlen) != 0) {
		err_set("the previous CRL (%s) names another issuer: nothing "
		    "was signed", path);
		goto out;
	}
	if (!ext_same(sk, NID_issuing_distribution_point, parts->idp,
	    parts->idplen)) {
		err_set("the issuing distribution point differs from the "
		    "previous CRL's (%s): a CRL's scope cannot change within "
		    "a generation; nothing was signed", path);
		goto out;
	}
	if (check_entries(path, &cm, src) != 0)
		goto out;
	rc = 0;
out:
	ASN1_INTEGER_free(num);
	sk_X509_EXTENSION_pop_free(sk, X509_EXTENSION_free);
	crlmap_close(&cm);
	return rc;
}

/*
 * A CRL must not claim another generation's scope: its IDP must differ
 * from the one in every other generation's latest CRL (a template whose
 * idp names no generation would give each generation the same one).
 */
int
crl_check_other_gens(const struct db *db, const struct crl_job *j,
    const struct crl_parts *parts)
{
	struct crlmap			 cm;
	STACK_OF(X509_EXTENSION)	*sk;
	unsigned long long		 last;
	char				*path;
	int				 g, top, same;

	if (j->t->idp == NULL || parts->idp == NULL)
		return 0;
	if ((top = db_ca_highest(db)) < 0)
		return 1;
	for (g = 1; g <= top; g++) {
		if (g == j->sg->generation)
			continue;
		if (db_crl_last(db, g, &last) != 0)
			return 1;
		if (last == 0)
			continue;
		if ((path = db_crl_path(db, g, last, "crl")) == NULL)
			return 1;
		if (crlmap_open(path, &cm) != 0) {
			free(path);
			return 1;
		}
		sk = crlmap_exts(&cm);
		same = sk != NULL && ext_same(sk, NID_issuing_distribution_point,
		    parts->idp, parts->idplen);
		sk_X509_EXTENSION_pop_free(sk, X509_EXTENSION_free);
		crlmap_close(&cm);
		if (same) {
			err_set("the CRL's issuing distribution point is "
			    "generation %d's (%s): write {gen} in the template's "
			    "idp (docs/crl.md); nothing was signed", g, path);
			free(path);
			return 1;
		}
		free(path);
	}
	return 0;
}
