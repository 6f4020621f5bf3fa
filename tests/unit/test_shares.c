/* SPDX-License-Identifier: ISC */
/*
 * M-of-N shares (util/shares.c), table-driven: every M-subset of a split
 * gives the PIN back; fewer, duplicates and mixed quorums are refused and
 * named; every single-character typing mistake is caught by its group's
 * check character and named; a share read under another custodian's name,
 * or with two groups swapped, fails its checksum.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "util/util.h"
#include "tests/unit/tap.h"

static const char *const names[SHARE_N_MAX] = {
	"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi",
	"ivan", "judy", "mallory", "niaj", "olivia", "peggy", "rupert", "sybil"
};

static const struct {
	const char	*pin;
	int		 m, n;
} splits[] = {
	{ "246810", 2, 2 },
	{ "246810", 2, 3 },
	{ "246810", 3, 5 },
	{ "a", 5, 5 },
	{ "0123456789012345678901234567890", 3, 4 },	/* 31: short block */
	{ "01234567890123456789012345678901", 3, 4 },	/* 32: long block */
	{ "012345678901234567890123456789012345678901234567890123456789012",
	    2, 3 },					/* 63: the longest */
	{ "Zk3#9 q", 4, 16 },
};

static struct share *
split(const char *pin, int m, int n, const char *qidbyte)
{
	struct secret	*s = secret_dup(pin, strlen(pin));
	struct share	*v = OPENSSL_secure_zalloc(sizeof(*v) * SHARE_N_MAX);
	unsigned char	 qid[SHARE_QID_LEN];
	int		 rc;

	memset(qid, *qidbyte, sizeof(qid));
	rc = shares_split(s, m, n, names, qid, v);
	secret_free(s);
	if (rc != 0) {
		OPENSSL_secure_clear_free(v, sizeof(*v) * SHARE_N_MAX);
		return NULL;
	}
	return v;
}

static void
release(struct share *v)
{
	OPENSSL_secure_clear_free(v, sizeof(*v) * SHARE_N_MAX);
}

/* Every subset of size m, by bit mask, combines to the PIN. */
static int
all_subsets(const struct share *v, int m, int n, const char *pin)
{
	struct share	 pick[SHARE_N_MAX];
	struct secret	*out;
	unsigned	 mask;
	int		 i, k, bad = 0, tried = 0;

	for (mask = 0; mask < (1u << n) && tried < 400; mask++) {
		if (__builtin_popcount(mask) != m)
			continue;
		for (i = 0, k = 0; i < n; i++)
			if (mask & (1u << i))
				pick[k++] = v[i];
		tried++;
		if (shares_combine(pick, (size_t)k, &out) != 0) {
			bad++;
			continue;
		}
		bad += out->len != strlen(pin) ||
		    memcmp(out->buf, pin, out->len) != 0;
		secret_free(out);
	}
	OPENSSL_cleanse(pick, sizeof(pick));
	return bad;
}

/* Through the text form: format, then parse back. */
static int
roundtrip(const struct share *sh, struct share *back)
{
	char	*text = share_format(sh);
	int	 rc;

	if (text == NULL)
		return 1;
	rc = share_parse(text, "share file t", back);
	OPENSSL_secure_clear_free(text, strlen(text));
	return rc;
}

static void
test_splits(void)
{
	struct share	*v, back[SHARE_N_MAX];
	size_t		 i;
	int		 j, bad;

	for (i = 0; i < sizeof(splits) / sizeof(splits[0]); i++) {
		v = split(splits[i].pin, splits[i].m, splits[i].n, "\x11");
		ok(v != NULL, "split %zu chars %d of %d", strlen(splits[i].pin),
		    splits[i].m, splits[i].n);
		if (v == NULL)
			continue;
		for (j = 0, bad = 0; j < splits[i].n; j++)
			bad += roundtrip(&v[j], &back[j]) != 0 ||
			    back[j].index != j + 1 ||
			    strcmp(back[j].custodian, names[j]) != 0 ||
			    memcmp(back[j].data, v[j].data, v[j].len) != 0;
		ok(bad == 0, "... every share read back from its text");
		ok(all_subsets(back, splits[i].m, splits[i].n,
		    splits[i].pin) == 0, "... every %d of them give the PIN",
		    splits[i].m);
		if (splits[i].m > 2) {
			struct secret *out = NULL;
			int r = shares_combine(back, (size_t)splits[i].m - 1,
			    &out);
			ok(r != 0 && out == NULL && strstr(err_get(),
			    "1 more custodian's share is needed") != NULL,
			    "... %d refused: %s", splits[i].m - 1, err_get());
		}
		OPENSSL_cleanse(back, sizeof(back));
		release(v);
	}
}

static const struct {
	const char	*pin;
	int		 m, n;
	const char	*want;
} bad_splits[] = {
	{ "246810", 1, 3, "2 <= M <= N" },
	{ "246810", 4, 3, "2 <= M <= N" },
	{ "246810", 3, 17, "2 <= M <= N" },
	{ "0123456789012345678901234567890123456789012345678901234567890123",
	    2, 3, "at most 63" },
};

static void
test_bad_splits(void)
{
	size_t	i;

	for (i = 0; i < sizeof(bad_splits) / sizeof(bad_splits[0]); i++) {
		ok(split(bad_splits[i].pin, bad_splits[i].m, bad_splits[i].n,
		    "\x22") == NULL && strstr(err_get(), bad_splits[i].want),
		    "refused: %d of %d, %zu chars: %s", bad_splits[i].m,
		    bad_splits[i].n, strlen(bad_splits[i].pin), err_get());
	}
}

/* The code: line of a share's text, copied. */
static char *
code_of(const struct share *sh)
{
	char	*text = share_format(sh), *p, *c;

	p = strstr(text, "code: ") + 6;
	c = strndup(p, strcspn(p, "\n"));
	OPENSSL_secure_clear_free(text, strlen(text));
	return c;
}

/* Every character changed to each other symbol: named by its group. */
static void
test_typos(void)
{
	static const char	 syms[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
	struct share		*v = split("246810", 3, 5, "\x33"), got;
	char			*code = code_of(&v[1]), want[64], orig;
	size_t			 i, j, caught = 0, tried = 0, named = 0, grp;
	int			 r;

	for (i = 0; code[i] != '\0'; i++) {
		if (code[i] == '-')
			continue;
		grp = i / 6 + 1;
		orig = code[i];
		for (j = 0; syms[j] != '\0'; j++) {
			if (syms[j] == orig)
				continue;
			code[i] = syms[j];
			tried++;
			if (share_decode("bob", code, "share 2", &got) != 0) {
				caught++;
				snprintf(want, sizeof(want), "group %zu ", grp);
				named += strstr(err_get(), want) != NULL;
			}
		}
		code[i] = orig;
	}
	ok(tried > 2000 && caught == tried, "all %zu single-character "
	    "mistakes caught (%zu)", tried, caught);
	ok(named == tried, "... each named by its group (%zu)", named);
	ok(share_decode("bob", code, "share 2", &got) == 0 && got.index == 2,
	    "the code as given decodes");
	for (i = 0; code[i] != '\0'; i++)	/* lower case and O for 0 */
		code[i] = code[i] == '0' ? 'o' : (char)tolower(code[i]);
	ok(share_decode("bob", code, "share 2", &got) == 0,
	    "... also typed in lower case, with o for 0");
	ok(share_decode("alice", code, "share 2", &got) != 0 &&
	    strstr(err_get(), "checksum does not match") != NULL,
	    "under another custodian's name: %s", err_get());
	/* Swap groups 2 and 3: each group's check binds its place. */
	memcpy(want, code + 6, 5);
	memcpy(code + 6, code + 12, 5);
	memcpy(code + 12, want, 5);
	r = share_decode("bob", code, "share 2", &got);
	ok(r != 0 && strstr(err_get(), "group 2 ") != NULL,
	    "two groups swapped: %s", err_get());
	memcpy(code + 12, code + 6, 5);		/* back in place */
	memcpy(code + 6, want, 5);
	code[strlen(code) - 6] = '\0';
	r = share_decode("bob", code, "share 2", &got);
	ok(r != 0 && strstr(err_get(), "not a ceremony share") != NULL,
	    "a group left out: %s", err_get());
	memcpy(code + 6, "678", 4);
	r = share_decode("bob", code, "share 2", &got);
	ok(r != 0 && strstr(err_get(), "group 2 (\"678\") has 3 characters")
	    != NULL, "a short group: %s", err_get());
	ok(share_decode("bob", "1U345", "share 2", &got) != 0 &&
	    strstr(err_get(), "'U' is not a share character") != NULL,
	    "a letter outside the alphabet: %s", err_get());
	OPENSSL_cleanse(&got, sizeof(got));
	free(code);
	release(v);
}

static void
test_combine_refusals(void)
{
	struct share	*a = split("246810", 3, 5, "\x44");
	struct share	*b = split("246810", 3, 5, "\x55");
	struct share	 pick[3];
	struct secret	*out = NULL;

	strcpy(a[0].source, "share file a1");
	strcpy(a[2].source, "share file a3");
	strcpy(b[1].source, "share file b2");
	pick[0] = a[0];
	pick[1] = a[2];
	pick[2] = a[0];
	strcpy(pick[2].source, "share file again");
	ok(shares_combine(pick, 3, &out) != 0 && strstr(err_get(),
	    "share file a1 (alice) and share file again (alice) are both "
	    "share 1") != NULL, "a duplicate share named: %s", err_get());
	pick[2] = b[1];
	ok(shares_combine(pick, 3, &out) != 0 && strstr(err_get(),
	    "share file b2 (bob) is a share of quorum 5555555555555555, but "
	    "share file a1 (alice) is of quorum 4444444444444444") != NULL,
	    "another quorum's share named: %s", err_get());
	ok(shares_combine(pick, 1, &out) != 0 && strstr(err_get(),
	    "needs 3 of its 5 shares, 1 was given: 2 more custodians' shares "
	    "are needed") != NULL, "one of three: %s", err_get());
	ok(shares_combine(pick, 0, &out) != 0, "none: %s", err_get());
	ok(out == NULL, "nothing returned on a refusal");
	OPENSSL_cleanse(pick, sizeof(pick));
	release(a);
	release(b);
}

static void
test_file_lines(void)
{
	struct share	*v = split("246810", 2, 3, "\x66"), got;
	char		*text = share_format(&v[0]), *p;

	ok(share_parse(text, "f", &got) == 0, "a share file parses");
	p = strstr(text, "share: 1 of 3");
	p[7] = '2';
	ok(share_parse(text, "f", &got) != 0 && strstr(err_get(),
	    "share: line does not match its code (share 1 of 3, 2 needed)"),
	    "an edited share: line: %s", err_get());
	p[7] = '1';
	p = strstr(text, "quorum: 6666");
	p[8] = '7';
	ok(share_parse(text, "f", &got) != 0 && strstr(err_get(),
	    "quorum: line does not match"), "an edited quorum: line: %s",
	    err_get());
	ok(share_parse("hello\n", "f", &got) != 0 && strstr(err_get(),
	    "not a share file"), "not a share file: %s", err_get());
	OPENSSL_secure_clear_free(text, strlen(text));
	release(v);
}

int
main(void)
{
	secret_harden();
	test_splits();
	test_bad_splits();
	test_typos();
	test_combine_refusals();
	test_file_lines();
	return done_testing();
}
