/* SPDX-License-Identifier: ISC */
/*
 * M-of-N shares of a secret (the token's user PIN), Shamir's scheme over
 * GF(256) by libgfshare, in a form a custodian can keep on paper and type
 * back: base32 groups of four characters and a check character each, so a
 * mistyped group is named, and a checksum over the whole share bound to
 * the custodian's name, so a share of another quorum, another custodian or
 * a corrupted file is refused before anything is tried on the token.
 *
 * The secret is padded to a fixed block (32 or 64 bytes: a length byte,
 * the PIN, zeros) so that a share does not tell the PIN's length.  Fewer
 * than M shares are refused here by count: Shamir's scheme would combine
 * them into a wrong secret without a word, and a wrong PIN costs a try.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <libgfshare.h>

#include "util/util.h"

#define SHARE_VERSION	1
#define SHARE_HEAD	12	/* version m n index quorum-id[8] */
#define SHARE_CK_MIN	4
#define B32		"0123456789ABCDEFGHJKMNPQRSTVWXYZ"	/* Crockford */
#define GROUP		4	/* data characters in a group */

/* libgfshare draws its coefficients through a global hook. */
static int	rand_failed;

static void
share_rand(unsigned char *buf, unsigned int len)
{
	if (RAND_priv_bytes(buf, (int)len) != 1) {
		rand_failed = 1;
		OPENSSL_cleanse(buf, len);
	}
}

/* The padded block for a secret of len bytes, 0 if it is too long. */
static size_t
block_size(size_t len)
{
	if (len < 32)
		return 32;
	if (len < SHARE_BLOCK_MAX)
		return SHARE_BLOCK_MAX;
	return 0;
}

/* The checksum fills the encoding up to a whole number of 5-byte units. */
static size_t
ck_len(size_t block)
{
	size_t	n = SHARE_HEAD + block + SHARE_CK_MIN;

	return SHARE_CK_MIN + (5 - n % 5) % 5;
}

/* SHA-256 over a label, the custodian, and the share's bytes. */
static int
share_checksum(const char *custodian, const unsigned char *p, size_t len,
    unsigned char *ck, size_t cklen)
{
	static const char	 label[] = "ceremony quorum share v1";
	unsigned char		 md[32];
	unsigned int		 mdlen;
	EVP_MD_CTX		*c;
	int			 ok;

	if ((c = EVP_MD_CTX_new()) == NULL)
		return 1;
	ok = EVP_DigestInit_ex(c, EVP_sha256(), NULL) &&
	    EVP_DigestUpdate(c, label, sizeof(label)) &&
	    EVP_DigestUpdate(c, custodian, strlen(custodian) + 1) &&
	    EVP_DigestUpdate(c, p, len) &&
	    EVP_DigestFinal_ex(c, md, &mdlen);
	EVP_MD_CTX_free(c);
	if (!ok)
		return 1;
	memcpy(ck, md, cklen);
	return 0;
}

int
share_name_ok(const char *name)
{
	size_t	len = strlen(name);

	return len > 0 && len <= SHARE_NAME_MAX &&
	    strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789._-") == len && name[0] != '.' && name[0] != '-';
}

/*
 * n shares of secret, m needed, share i for custodians[i], index i + 1.
 * out must have room for n; its contents live in the secure heap.
 */
int
shares_split(const struct secret *secret, int m, int n,
    const char *const *custodians, const unsigned char qid[SHARE_QID_LEN],
    struct share *out)
{
	unsigned char	 nrs[SHARE_N_MAX], *block = NULL;
	gfshare_ctx	*ctx = NULL;
	size_t		 bs;
	int		 i, rc = 1;

	if (m < 2 || m > n || n > SHARE_N_MAX) {
		err_set("a quorum is M of N with 2 <= M <= N <= %d (not %d of "
		    "%d)", SHARE_N_MAX, m, n);
		return 1;
	}
	if ((bs = block_size(secret->len)) == 0) {
		err_set("the PIN has %zu characters: at most %d can be split",
		    secret->len, SHARE_BLOCK_MAX - 1);
		return 1;
	}
	if ((block = OPENSSL_secure_zalloc(bs)) == NULL) {
		err_set("out of memory splitting the PIN");
		return 1;
	}
	block[0] = (unsigned char)secret->len;
	memcpy(block + 1, secret->buf, secret->len);
	for (i = 0; i < n; i++)
		nrs[i] = (unsigned char)(i + 1);
	gfshare_fill_rand = share_rand;
	rand_failed = 0;
	if ((ctx = gfshare_ctx_init_enc(nrs, (unsigned)n, (unsigned char)m,
	    (unsigned)bs)) == NULL) {
		err_set("out of memory splitting the PIN");
		goto out;
	}
	gfshare_ctx_enc_setsecret(ctx, block);
	if (rand_failed) {
		err_ossl("no random numbers for the shares");
		goto out;
	}
	for (i = 0; i < n; i++) {
		memset(&out[i], 0, sizeof(out[i]));
		snprintf(out[i].custodian, sizeof(out[i].custodian), "%s",
		    custodians[i]);
		out[i].m = m;
		out[i].n = n;
		out[i].index = i + 1;
		memcpy(out[i].qid, qid, SHARE_QID_LEN);
		out[i].len = bs;
		share_qid_hex(&out[i]);
		gfshare_ctx_enc_getshare(ctx, (unsigned char)i, out[i].data);
	}
	rc = 0;
out:
	if (ctx != NULL)
		gfshare_ctx_free(ctx);
	OPENSSL_secure_clear_free(block, bs);
	return rc;
}

/*
 * Whether v[i] goes with v[0] .. v[i - 1]: the same quorum, another
 * index.  Why not, naming both shares by their source.  The TUI asks it
 * of each share as it is typed; shares_match of all of them.
 */
int
share_fits(const struct share *v, size_t i)
{
	size_t	j;

	if (i > 0 && (memcmp(v[i].qid, v[0].qid, SHARE_QID_LEN) != 0 ||
	    v[i].m != v[0].m || v[i].n != v[0].n || v[i].len != v[0].len)) {
		err_set("%s (%s) is a share of quorum %s, but %s (%s) is of "
		    "quorum %s: give shares of one quorum", v[i].source,
		    v[i].custodian, v[i].qidhex, v[0].source, v[0].custodian,
		    v[0].qidhex);
		return 1;
	}
	for (j = 0; j < i; j++)
		if (v[j].index == v[i].index) {
			err_set("%s (%s) and %s (%s) are both share %d of "
			    "quorum %s: give each custodian's share once",
			    v[j].source, v[j].custodian, v[i].source,
			    v[i].custodian, v[i].index, v[i].qidhex);
			return 1;
		}
	return 0;
}

/* Why shares cannot be combined, naming them by their source. */
static int
shares_match(const struct share *v, size_t count)
{
	size_t	i;

	if (count == 0) {
		err_set("no shares given");
		return 1;
	}
	for (i = 1; i < count; i++)
		if (share_fits(v, i) != 0)
			return 1;
	if (count < (size_t)v[0].m) {
		err_set("quorum %s needs %d of its %d shares, %zu %s given: %zu "
		    "more custodian%s share%s needed; nothing was tried on the "
		    "token", v[0].qidhex, v[0].m, v[0].n, count,
		    count == 1 ? "was" : "were", (size_t)v[0].m - count,
		    (size_t)v[0].m - count == 1 ? "'s" : "s'",
		    (size_t)v[0].m - count == 1 ? " is" : "s are");
		return 1;
	}
	return 0;
}

/* The secret of M (or more: the first M are used) matching shares. */
int
shares_combine(const struct share *v, size_t count, struct secret **out)
{
	unsigned char	 nrs[SHARE_N_MAX], *block = NULL;
	gfshare_ctx	*ctx = NULL;
	size_t		 bs, i, len;
	int		 rc = 1, m;

	*out = NULL;
	if (shares_match(v, count) != 0)
		return 1;
	m = v[0].m;
	bs = v[0].len;
	for (i = 0; i < (size_t)m; i++)
		nrs[i] = (unsigned char)v[i].index;
	gfshare_fill_rand = share_rand;
	if ((block = OPENSSL_secure_zalloc(bs)) == NULL ||
	    (ctx = gfshare_ctx_init_dec(nrs, (unsigned)m, (unsigned)bs)) ==
	    NULL) {
		err_set("out of memory combining the shares");
		goto out;
	}
	for (i = 0; i < (size_t)m; i++)
		gfshare_ctx_dec_giveshare(ctx, (unsigned char)i,
		    (unsigned char *)v[i].data);
	gfshare_ctx_dec_extract(ctx, block);
	len = block[0];
	for (i = 1 + len; i < bs; i++)
		if (block[i] != 0)
			len = bs;
	if (len == 0 || len >= bs) {
		err_set("the shares of quorum %s do not combine into a PIN: "
		    "they were not made together; check each custodian's "
		    "share", v[0].qidhex);
		goto out;
	}
	if ((*out = secret_dup((char *)block + 1, len)) == NULL) {
		err_set("out of memory combining the shares");
		goto out;
	}
	rc = 0;
out:
	if (ctx != NULL)
		gfshare_ctx_free(ctx);
	OPENSSL_secure_clear_free(block, bs);
	return rc;
}

/* Luhn mod 32 over the group's number and its characters' values. */
static int
group_check(size_t g, const unsigned char *v, size_t n)
{
	unsigned	sum = 0, a, factor = 2;
	size_t		i;

	for (i = n + 1; i-- > 0; ) {
		a = factor * (i == 0 ? (unsigned)(g % 32) : v[i - 1]);
		sum += a / 32 + a % 32;
		factor = factor == 2 ? 1 : 2;
	}
	return (int)((32 - sum % 32) % 32);
}

/* The share's bytes as checked base32 groups, "ABCD5-EFGH2-...". */
static char *
code_encode(const unsigned char *p, size_t len)
{
	unsigned char	 v[8];
	char		*s, *q;
	size_t		 nchars = len * 8 / 5, i, g;
	unsigned	 bits = 0, acc = 0;

	if ((s = OPENSSL_secure_zalloc(nchars / GROUP * (GROUP + 2) + 1)) ==
	    NULL)
		return NULL;
	q = s;
	for (i = 0, g = 0; i < nchars; ) {
		size_t	k;

		for (k = 0; k < GROUP; k++, i++) {
			if (bits < 5) {
				acc = (acc << 8) | *p++;
				bits += 8;
			}
			v[k] = (acc >> (bits - 5)) & 31;
			bits -= 5;
			*q++ = B32[v[k]];
		}
		*q++ = B32[group_check(++g, v, GROUP)];
		if (i < nchars)
			*q++ = '-';
	}
	OPENSSL_cleanse(v, sizeof(v));
	return s;
}

static int
b32_value(int c)
{
	const char	*p;

	c = toupper((unsigned char)c);
	if (c == 'O')
		c = '0';
	else if (c == 'I' || c == 'L')
		c = '1';
	if (c == '\0' || (p = strchr(B32, c)) == NULL)
		return -1;
	return (int)(p - B32);
}

/* The state of code_decode: the group being read and the bytes so far. */
struct code_dec {
	const char	*what, *start;
	unsigned char	*out;
	size_t		 cap, g, k, n;
	unsigned char	 v[GROUP + 1];
	unsigned	 acc, bits;
};

/* The group of d->k characters from d->start to end: checked, appended. */
static int
code_group(struct code_dec *d, const char *end)
{
	size_t	k;

	d->g++;
	if (d->k != GROUP + 1) {
		err_set("%s: group %zu (\"%.*s\") has %zu characters, not %d: "
		    "check what was typed", d->what, d->g,
		    (int)(end - d->start), d->start, d->k, GROUP + 1);
		return 1;
	}
	if (group_check(d->g, d->v, GROUP) != d->v[GROUP]) {
		err_set("%s: group %zu (\"%.*s\") does not match its check "
		    "character: a typing mistake in that group", d->what, d->g,
		    (int)(end - d->start), d->start);
		return 1;
	}
	for (k = 0; k < GROUP; k++) {
		d->acc = (d->acc << 5) | d->v[k];
		d->bits += 5;
		if (d->bits < 8)
			continue;
		if (d->n == d->cap) {
			err_set("%s: the share is too long", d->what);
			return 1;
		}
		d->out[d->n++] = (d->acc >> (d->bits - 8)) & 0xff;
		d->bits -= 8;
	}
	d->k = 0;
	return 0;
}

/*
 * Decode code (groups separated by '-' or blanks) into out (cap bytes);
 * what names the share in errors.
 */
static int
code_decode(const char *code, const char *what, unsigned char *out,
    size_t cap, size_t *len)
{
	struct code_dec	 d;
	int		 x, rc = 1;

	memset(&d, 0, sizeof(d));
	d.what = what;
	d.start = code;
	d.out = out;
	d.cap = cap;
	for (;; code++) {
		if (*code == '-' || *code == ' ' || *code == '\0') {
			if (d.k > 0 && code_group(&d, code) != 0)
				goto out;
			if (*code == '\0')
				break;
			continue;
		}
		if (d.k == 0)
			d.start = code;
		if (d.k == GROUP + 1) {
			err_set("%s: group %zu (\"%.*s\") has more than %d "
			    "characters: check what was typed", what, d.g + 1,
			    GROUP + 2, d.start, GROUP + 1);
			goto out;
		}
		if ((x = b32_value(*code)) < 0) {
			err_set("%s: group %zu: '%c' is not a share character "
			    "(0-9 and letters but I, L, O, U)", what, d.g + 1,
			    isprint((unsigned char)*code) ? *code : '?');
			goto out;
		}
		d.v[d.k++] = (unsigned char)x;
	}
	*len = d.n;
	rc = 0;
out:
	/* The digits and the bit buffer are the share's: wiped either way. */
	OPENSSL_cleanse(&d, sizeof(d));
	return rc;
}

/* The text of a share file (or what is printed), in the secure heap. */
char *
share_format(const struct share *sh)
{
	unsigned char	 raw[SHARE_HEAD + SHARE_BLOCK_MAX + 8];
	char		*code = NULL, *text = NULL;
	size_t		 cl = ck_len(sh->len), n = SHARE_HEAD + sh->len, cap;

	raw[0] = SHARE_VERSION;
	raw[1] = (unsigned char)sh->m;
	raw[2] = (unsigned char)sh->n;
	raw[3] = (unsigned char)sh->index;
	memcpy(raw + 4, sh->qid, SHARE_QID_LEN);
	memcpy(raw + SHARE_HEAD, sh->data, sh->len);
	if (share_checksum(sh->custodian, raw, n, raw + n, cl) != 0 ||
	    (code = code_encode(raw, n + cl)) == NULL)
		goto out;
	cap = strlen(code) + 512;
	if ((text = OPENSSL_secure_zalloc(cap)) == NULL)
		goto out;
	snprintf(text, cap,
	    "# ceremony quorum share: secret, for its custodian only.\n"
	    "# Any %d of the %d shares of this quorum open the token.\n"
	    "custodian: %s\n"
	    "quorum: %s\n"
	    "share: %d of %d, %d needed\n"
	    "code: %s\n", sh->m, sh->n, sh->custodian, sh->qidhex[0] ?
	    sh->qidhex : "?", sh->index, sh->n, sh->m, code);
out:
	OPENSSL_cleanse(raw, sizeof(raw));
	if (code != NULL)
		OPENSSL_secure_clear_free(code, strlen(code));
	if (text == NULL)
		err_set("out of memory writing a share");
	return text;
}

void
share_qid_hex(struct share *sh)
{
	sh->qidhex[hex_write(sh->qidhex, sh->qid, SHARE_QID_LEN,
	    HEX_UPPER)] = '\0';
}

/* From a custodian's name and the code typed or read. */
int
share_decode(const char *custodian, const char *code, const char *what,
    struct share *sh)
{
	unsigned char	raw[SHARE_HEAD + SHARE_BLOCK_MAX + 8], ck[8];
	size_t		len, bs, cl;
	int		rc = 1;

	memset(sh, 0, sizeof(*sh));
	snprintf(sh->source, sizeof(sh->source), "%s", what);
	if (!share_name_ok(custodian)) {
		err_set("%s: the custodian's name is missing or not letters, "
		    "digits, '.', '_', '-'", what);
		return 1;
	}
	if (code_decode(code, what, raw, sizeof(raw), &len) != 0)
		goto out;
	bs = len >= SHARE_HEAD + 64 ? 64 : 32;
	cl = ck_len(bs);
	if (len != SHARE_HEAD + bs + cl || raw[0] != SHARE_VERSION) {
		err_set("%s: not a ceremony share (%zu bytes, version %d): "
		    "check that the whole code was given", what, len, raw[0]);
		goto out;
	}
	if (share_checksum(custodian, raw, SHARE_HEAD + bs, ck, cl) != 0) {
		err_ossl("%s: cannot compute the checksum", what);
		goto out;
	}
	if (CRYPTO_memcmp(ck, raw + SHARE_HEAD + bs, cl) != 0) {
		err_set("%s: the checksum does not match: the share is not "
		    "%s's, or a group was mistyped or swapped", what,
		    custodian);
		goto out;
	}
	sh->m = raw[1];
	sh->n = raw[2];
	sh->index = raw[3];
	if (sh->m < 2 || sh->m > sh->n || sh->n > SHARE_N_MAX ||
	    sh->index < 1 || sh->index > sh->n) {
		err_set("%s: share %d, %d of %d, is not a valid quorum", what,
		    sh->index, sh->m, sh->n);
		goto out;
	}
	memcpy(sh->qid, raw + 4, SHARE_QID_LEN);
	share_qid_hex(sh);
	memcpy(sh->data, raw + SHARE_HEAD, bs);
	sh->len = bs;
	snprintf(sh->custodian, sizeof(sh->custodian), "%s", custodian);
	rc = 0;
out:
	OPENSSL_cleanse(raw, sizeof(raw));
	if (rc != 0)
		OPENSSL_cleanse(sh->data, sizeof(sh->data));
	return rc;
}

/* A "key: value" line of a share file; NULL if the key is absent. */
static const char *
text_value(const char *text, const char *key, size_t *len)
{
	const char	*p = text;
	size_t		 klen = strlen(key);

	for (; p != NULL && *p != '\0'; p = strchr(p, '\n'),
	    p = p != NULL ? p + 1 : NULL)
		if (strncmp(p, key, klen) == 0 && p[klen] == ':') {
			p += klen + 1;
			p += strspn(p, " \t");
			*len = strcspn(p, "\r\n");
			while (*len > 0 && (p[*len - 1] == ' ' ||
			    p[*len - 1] == '\t'))
				(*len)--;
			return p;
		}
	return NULL;
}

/* A share file's text (share_format's), what naming it in errors. */
int
share_parse(const char *text, const char *what, struct share *sh)
{
	const char	*c, *q, *k;
	char		 name[SHARE_NAME_MAX + 1], *code = NULL, want[64];
	size_t		 clen, qlen, klen;
	int		 rc = 1;

	if ((c = text_value(text, "custodian", &clen)) == NULL ||
	    (k = text_value(text, "code", &klen)) == NULL) {
		err_set("%s: not a share file (no custodian: or code: line)",
		    what);
		return 1;
	}
	if (clen > SHARE_NAME_MAX) {
		err_set("%s: the custodian's name is too long", what);
		return 1;
	}
	snprintf(name, sizeof(name), "%.*s", (int)clen, c);
	if ((code = OPENSSL_secure_zalloc(klen + 1)) == NULL) {
		err_set("out of memory reading %s", what);
		return 1;
	}
	memcpy(code, k, klen);
	if (share_decode(name, code, what, sh) != 0)
		goto out;
	/* The lines a person reads must say what the code says. */
	snprintf(want, sizeof(want), "%d of %d, %d needed", sh->index, sh->n,
	    sh->m);
	if ((q = text_value(text, "quorum", &qlen)) != NULL &&
	    (qlen != strlen(sh->qidhex) || strncmp(q, sh->qidhex, qlen))) {
		err_set("%s: its quorum: line does not match its code (quorum "
		    "%s)", what, sh->qidhex);
		goto out;
	}
	if ((q = text_value(text, "share", &qlen)) != NULL &&
	    (qlen != strlen(want) || strncmp(q, want, qlen) != 0)) {
		err_set("%s: its share: line does not match its code (share "
		    "%s)", what, want);
		goto out;
	}
	rc = 0;
out:
	OPENSSL_secure_clear_free(code, klen + 1);
	if (rc != 0)
		OPENSSL_cleanse(sh, sizeof(*sh));
	return rc;
}
