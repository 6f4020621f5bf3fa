/* SPDX-License-Identifier: ISC */
/*
 * Quorum: the token's user PIN split into N shares, one per custodian,
 * any M of which rebuild it (util/shares.c).  Either the PIN the operator
 * logs in with is split as it is, or (fresh) the token's RNG makes a new
 * random PIN that only the shares know, set with C_SetPIN.  A reshare is
 * the fresh case logged in with M old shares: the PIN changes, so the old
 * shares are dead, and quorum.txt names the new quorum so that old shares
 * are refused by id.
 *
 * Order, so that nothing is left half-done: the shares are made and
 * checked (every share is in some M-subset that rebuilds the PIN), all
 * share files written and synced, and only then is the PIN changed; if
 * that fails, the share files are removed.  The PIN is never changed
 * without its shares on disk.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "ceremony/session/session.h"

#define FRESH_BYTES	16	/* 128 bits: 26 base32 characters */
#define FRESH_CHARS	((FRESH_BYTES * 8 + 4) / 5)
#define FRESH_MIN	8	/* 40 bits: the least a token may take */

/* Arguments, checked before any token work. */
int
quorum_req_check(const struct quorum_req *q)
{
	struct stat	st;
	int		i, j;

	if (q->m < 2 || q->m > q->n || q->n > SHARE_N_MAX) {
		err_set("--m M --n N: a quorum is M of N with 2 <= M <= N <= "
		    "%d", SHARE_N_MAX);
		return 1;
	}
	if (q->ncustodians != (size_t)q->n) {
		err_set("%d shares need %d custodians (--custodian NAME, "
		    "repeated), %zu given", q->n, q->n, q->ncustodians);
		return 1;
	}
	for (i = 0; i < q->n; i++) {
		if (!share_name_ok(q->custodians[i])) {
			err_set("--custodian \"%s\": a name of letters, digits, "
			    "'.', '_', '-' (up to %d, not starting with '.' "
			    "or '-')", q->custodians[i], SHARE_NAME_MAX);
			return 1;
		}
		for (j = 0; j < i; j++)
			if (strcmp(q->custodians[i], q->custodians[j]) == 0) {
				err_set("--custodian \"%s\" is given twice: one "
				    "share per custodian", q->custodians[i]);
				return 1;
			}
	}
	if (q->out_dir != NULL && (stat(q->out_dir, &st) == -1 ||
	    !S_ISDIR(st.st_mode))) {
		err_set("--out %s: not a directory", q->out_dir);
		return 1;
	}
	return 0;
}

/*
 * Whether the PIN comes from where the request needs it: a reshare from
 * M custodians' shares (given, or those the session was opened with), a
 * split of the current PIN never from shares (they would still open the
 * token afterwards).  Asked before the login on the command line, after
 * it in a script.
 */
int
quorum_source_check(const struct pin_source *p, int reshare, int fresh)
{
	int	shares = p->nshares > 0 || p->qid[0] != '\0';

	if (reshare && !shares) {
		err_set("quorum reshare opens the token with the current "
		    "shares: give M of them with --share-file F or --share-fd N "
		    "(in the TUI: s on the token screen)");
		return 1;
	}
	if (!fresh && shares) {
		err_set("splitting the PIN again would leave the old shares "
		    "able to open the token: use quorum reshare (a new PIN)");
		return 1;
	}
	return 0;
}

/*
 * How many base32 characters a fresh PIN has: 26 (128 bits), or as many
 * as the token takes (opencryptoki's soft token: 8, 40 bits, still far
 * beyond its three tries); fewer than FRESH_MIN is refused.
 */
static int
fresh_len(struct session *s, size_t *len)
{
	const struct hsm_token_info	*t = hsm_token(s->hsm);

	*len = FRESH_CHARS;
	if (t == NULL || t->max_pin_len == 0 || t->max_pin_len >= *len)
		return 0;
	if (t->max_pin_len < FRESH_MIN) {
		err_set("token \"%s\" takes PINs of at most %lu characters, "
		    "too few for a random PIN: split the current PIN (without "
		    "--fresh)", t->label, t->max_pin_len);
		return 1;
	}
	*len = t->max_pin_len;
	return 0;
}

/* A random PIN from the token's RNG: base32, up to 128 bits. */
static int
fresh_pin(struct session *s, struct secret **out)
{
	static const char	 b32[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
	unsigned char		 raw[FRESH_BYTES + 1];
	struct secret		*p;
	size_t			 i, bits = 0, n = 0, len;
	unsigned		 acc = 0;

	*out = NULL;
	if (fresh_len(s, &len) != 0)
		return 1;
	if ((p = secret_new(32)) == NULL) {
		err_set("out of memory");
		return 1;
	}
	raw[FRESH_BYTES] = 0;
	if (hsm_random(s->hsm, raw, FRESH_BYTES) != 0) {
		secret_free(p);
		return 1;
	}
	for (i = 0; n < len; ) {
		if (bits < 5) {
			acc = (acc << 8) | raw[i++];
			bits += 8;
		}
		p->buf[n++] = b32[(acc >> (bits - 5)) & 31];
		bits -= 5;
	}
	p->len = n;
	OPENSSL_cleanse(raw, sizeof(raw));
	acc = 0;
	*out = p;
	return 0;
}

/* Every share in an M-subset (a window of M, around) gives the PIN. */
static int
shares_selftest(const struct share *v, int m, int n,
    const struct secret *pin)
{
	struct share	*w;
	struct secret	*got = NULL;
	size_t		 sz = sizeof(*w) * (size_t)m;
	int		 i, k, bad = 0;

	if ((w = OPENSSL_secure_zalloc(sz)) == NULL) {
		err_set("out of memory");
		return 1;
	}
	for (i = 0; i < n && !bad; i++) {
		for (k = 0; k < m; k++)
			w[k] = v[(i + k) % n];
		bad = shares_combine(w, (size_t)m, &got) != 0 ||
		    got->len != pin->len ||
		    CRYPTO_memcmp(got->buf, pin->buf, pin->len) != 0;
		secret_free(got);
		got = NULL;
	}
	OPENSSL_secure_clear_free(w, sz);
	if (bad)
		err_set("the shares do not rebuild the PIN (this is a bug): "
		    "nothing was written, the PIN is unchanged");
	return bad;
}

/* Write each share to DIR/share-INDEX-NAME.txt, 0600, never over one. */
static int
shares_write(const struct quorum_req *q, const struct share *v,
    struct quorum_result *r)
{
	char	*text = NULL;
	int	 i, fd = -1, rc = 1;

	for (i = 0; i < q->n; i++) {
		if (asprintf(&r->paths[i], "%s/share-%d-%s.txt", q->out_dir,
		    v[i].index, v[i].custodian) < 0) {
			r->paths[i] = NULL;
			err_set("out of memory");
			goto out;
		}
		if ((fd = open(r->paths[i], O_WRONLY | O_CREAT | O_EXCL |
		    O_NOFOLLOW | O_CLOEXEC, 0600)) == -1) {
			err_set("cannot create %s (%s): nothing was changed on "
			    "the token", r->paths[i], strerror(errno));
			free(r->paths[i]);
			r->paths[i] = NULL;
			goto out;
		}
		if ((text = share_format(&v[i])) == NULL)
			goto out;
		if (write(fd, text, strlen(text)) != (ssize_t)strlen(text) ||
		    fsync(fd) != 0) {
			err_set("cannot write %s (%s): nothing was changed on "
			    "the token", r->paths[i], strerror(errno));
			goto out;
		}
		OPENSSL_secure_clear_free(text, strlen(text));
		text = NULL;
		close(fd);
		fd = -1;
	}
	if (fsync_dir(q->out_dir) != 0)
		goto out;
	rc = 0;
out:
	if (text != NULL)
		OPENSSL_secure_clear_free(text, strlen(text));
	if (fd != -1)
		close(fd);
	if (rc != 0)
		quorum_unwrite(r);
	return rc;
}

/* Remove the share files written: their PIN is not the token's. */
void
quorum_unwrite(struct quorum_result *r)
{
	size_t	i;

	for (i = 0; i < SHARE_N_MAX; i++) {
		if (r->paths[i] != NULL)
			(void)unlink(r->paths[i]);
		free(r->paths[i]);
		r->paths[i] = NULL;
	}
}

/* Or, without --out, the texts to print. */
static int
shares_texts(const struct quorum_req *q, const struct share *v,
    struct quorum_result *r)
{
	int	i;

	for (i = 0; i < q->n; i++)
		if ((r->texts[i] = share_format(&v[i])) == NULL)
			return 1;
	return 0;
}

/* After the PIN is set: the token's quorum is this one. */
static int
quorum_record(struct session *s, const struct quorum_req *q,
    const struct quorum_result *r)
{
	if (db_quorum_set(s->db, r->qid, q->m, q->n, q->custodians) != 0) {
		err_context("the shares%s open the token, but %s/quorum.txt "
		    "could not be written", r->pin_changed ? " (new PIN)" : "",
		    s->home);
		return 1;
	}
	return 0;
}

/*
 * Split (and with q->fresh, replace) the user PIN, logged in with the
 * session's PIN source (a PIN, or M shares for a reshare).
 */
int
quorum_split(struct session *s, const struct quorum_req *q,
    struct quorum_result *r)
{
	struct share	*v = NULL;
	struct secret	*old = NULL, *pin = NULL;
	unsigned char	 qid[SHARE_QID_LEN];
	size_t		 sz = sizeof(*v) * SHARE_N_MAX;
	int		 rc = 1;

	if (session_login(s) != 0 || pin_read(&s->pin, &old) != 0)
		goto out;
	snprintf(r->old_quorum, sizeof(r->old_quorum), "%s", s->pin.quorum);
	if (q->fresh ? fresh_pin(s, &pin) != 0 :
	    (pin = secret_dup(old->buf, old->len)) == NULL)
		goto out;
	if (hsm_random(s->hsm, qid, sizeof(qid)) != 0)
		goto out;
	if ((v = OPENSSL_secure_zalloc(sz)) == NULL) {
		err_set("out of memory");
		goto out;
	}
	if (shares_split(pin, q->m, q->n, q->custodians, qid, v) != 0 ||
	    shares_selftest(v, q->m, q->n, pin) != 0)
		goto out;
	snprintf(r->qid, sizeof(r->qid), "%s", v[0].qidhex);
	if (q->out_dir != NULL ? shares_write(q, v, r) != 0 :
	    shares_texts(q, v, r) != 0)
		goto out;
	if (q->fresh) {
		if (hsm_set_pin(s->hsm, old, pin) != 0) {
			quorum_unwrite(r);
			err_context("the share files were removed");
			goto out;
		}
		r->pin_changed = 1;
		/* A later context-specific login needs the new PIN. */
		pin_source_clear(&s->pin);
		s->pin.cached = pin;
		pin = NULL;
	}
	rc = quorum_record(s, q, r);
out:
	if (v != NULL)
		OPENSSL_secure_clear_free(v, sz);
	OPENSSL_cleanse(qid, sizeof(qid));
	secret_free(old);
	secret_free(pin);
	return rc;
}

void
quorum_result_clear(struct quorum_result *r)
{
	size_t	i;

	for (i = 0; i < SHARE_N_MAX; i++) {
		free(r->paths[i]);
		if (r->texts[i] != NULL)
			OPENSSL_secure_clear_free(r->texts[i],
			    strlen(r->texts[i]));
	}
	memset(r, 0, sizeof(*r));
}

/* The quorum.split or quorum.reshare record: never a share, only who. */
int
quorum_audit(struct session *s, const char *op, const struct quorum_req *q,
    const struct quorum_result *r, int ok)
{
	struct audit_entry	e;
	char			detail[1024];
	size_t			n;
	int			i;

	n = (size_t)snprintf(detail, sizeof(detail), "quorum %s, %d of %d%s:",
	    r->qid[0] ? r->qid : "-", q->m, q->n, r->pin_changed ?
	    ", new random PIN set on the token" : ", the current PIN");
	for (i = 0; i < q->n && n < sizeof(detail); i++)
		n += (size_t)snprintf(detail + n, sizeof(detail) - n,
		    "%s share %d %s", i > 0 ? "," : "", i + 1,
		    q->custodians[i]);
	if (r->old_quorum[0] != '\0' && n < sizeof(detail))
		n += (size_t)snprintf(detail + n, sizeof(detail) - n,
		    "; opened with %s", r->old_quorum);
	if (!ok && n < sizeof(detail))
		snprintf(detail + n, sizeof(detail) - n, "; failed: %s",
		    err_get());
	memset(&e, 0, sizeof(e));
	e.op = op;
	e.ok = ok;
	e.detail = detail;
	return session_audit(s, &e);
}
