/* SPDX-License-Identifier: ISC */
/*
 * The CRL's source: index.txt read once, in chunks, for one CA
 * generation.  Each line goes through the index parser (the subject is
 * not copied); only serials that were ever revoked are kept, in a compact
 * entry, found by serial through db's hash table (hashtab.h) so
 * that the last line of a serial wins.  Memory grows with the revoked
 * serials, not with the certificates: a million revocations take about
 * 48 MB, whatever the size of the file.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/db_int.h"
#include "util/util.h"

#define CHUNK		(1024 * 1024)
#define LINE_MAX_LEN	(64 * 1024)

static int
serial_eq(const void *arg, size_t i, const void *s, size_t len)
{
	const struct crl_entry	*e = &((const struct crlsrc *)arg)->v[i];

	return e->seriallen == len && memcmp(e->serial, s, len) == 0;
}

/* The slot holding serial s (hash h), or the empty slot where it would go. */
static size_t
slot_of(const struct crlsrc *c, size_t h, const unsigned char *s, size_t len)
{
	return hashtab_probe(&c->tab, h, serial_eq, c, s, len);
}

/* The bloom bit of hash h: a table twice the slots, small enough to stay
 * in cache, so the lines of serials never revoked rarely touch a slot. */
#define BLOOM_BIT(c, h)	(((h) >> 7) & ((c)->tab.nslots * 2 - 1))

static int
bloom_has(const struct crlsrc *c, size_t h)
{
	size_t	b = BLOOM_BIT(c, h);

	return (c->bloom[b / 64] >> (b % 64)) & 1;
}

static void
bloom_set(struct crlsrc *c, size_t h)
{
	size_t	b = BLOOM_BIT(c, h);

	c->bloom[b / 64] |= 1ULL << (b % 64);
}

static size_t
entry_hash(const struct crl_entry *e)
{
	return hashtab_hash(e->serial, e->seriallen);
}

static int
grow(struct crlsrc *c)
{
	struct crl_entry	*v;
	unsigned long long	*bloom;
	size_t			 n, i, h;

	if (c->n == c->cap) {
		n = c->cap ? c->cap * 2 : 4096;
		if ((v = realloc(c->v, n * sizeof(*v))) == NULL)
			return 1;
		c->v = v;
		c->cap = n;
	}
	if ((c->n + 1) * 2 <= c->tab.nslots)
		return 0;
	n = c->tab.nslots ? c->tab.nslots * 2 : 8192;
	if ((bloom = calloc(n * 2 / 64, sizeof(*bloom))) == NULL ||
	    hashtab_resize(&c->tab, n) != 0) {
		free(bloom);
		return 1;
	}
	free(c->bloom);
	c->bloom = bloom;
	for (i = 0; i < c->n; i++) {
		h = entry_hash(&c->v[i]);
		hashtab_insert(&c->tab, h, i);
		bloom_set(c, h);
	}
	return 0;
}

const struct crl_entry *
crlsrc_find(const struct crlsrc *c, const unsigned char *s, size_t len)
{
	size_t	i;

	if (c->tab.nslots == 0)
		return NULL;
	i = hashtab_at(&c->tab, slot_of(c, hashtab_hash(s, len), s, len));
	return i == (size_t)-1 ? NULL : &c->v[i];
}

/* A line that may matter, parsed: what crlsrc_take needs. */
struct crlrec {
	struct crl_entry	e;
	long long		not_after;
	char			status;
};

/* One parsed line of our generation: the last line of a serial wins. */
static int
crlsrc_take(struct crlsrc *c, const struct crlrec *r, time_t now,
    int keep_expired)
{
	struct crl_entry	*e = NULL;
	size_t			 i = 0, n, h;

	h = hashtab_hash(r->e.serial, r->e.seriallen);
	if (r->status != DB_REVOKED && (c->tab.nslots == 0 ||
	    !bloom_has(c, h)))
		return 0;	/* never revoked: not the CRL's business */
	if (c->tab.nslots != 0) {
		i = slot_of(c, h, r->e.serial, r->e.seriallen);
		if ((n = hashtab_at(&c->tab, i)) != (size_t)-1)
			e = &c->v[n];
	}
	if (e == NULL && r->status != DB_REVOKED)
		return 0;
	if (e == NULL) {
		n = c->tab.nslots;
		if (grow(c) != 0) {
			err_set("out of memory reading the index for the CRL");
			return 1;
		}
		if (n != c->tab.nslots)	/* rehashed: i moved */
			i = slot_of(c, h, r->e.serial, r->e.seriallen);
		e = &c->v[c->n];
		*e = r->e;
		hashtab_set(&c->tab, i, h, c->n++);
		bloom_set(c, h);
	} else if (e->state == CRLSRC_LISTED)
		c->listed--;
	if (r->status == DB_REVOKED) {
		e->revoked_at = r->e.revoked_at;
		e->invalidity = r->e.invalidity;
		e->reason = r->e.reason;
		e->state = !keep_expired && r->not_after < now ?
		    CRLSRC_EXPIRED : CRLSRC_LISTED;
	} else
		e->state = CRLSRC_RELEASED;
	if (e->state == CRLSRC_LISTED)
		c->listed++;
	return 0;
}

/*
 * The file is parsed on a second thread while this one fills the table:
 * batches of parsed lines pass between them, two at a time.
 */
#define BATCH	8192

struct batch {
	struct crlrec	 r[BATCH];
	size_t		 n;
	int		 full;
	int		 last;		/* no batch after this one */
};

struct reader {
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	struct batch	*b[2];
	size_t		 k;		/* the parser's batch */
	int		 fd, gen;
	const char	*path;
	size_t		 lines;
	int		 failed, stop;
	char		 why[512];	/* the parser's error, for err_set */
};

/* Hand the current batch over; 1 when the consumer has stopped. */
static int
reader_handoff(struct reader *rd, int last)
{
	struct batch	*b = rd->b[rd->k % 2];

	pthread_mutex_lock(&rd->mu);
	b->full = 1;
	b->last = last;
	pthread_cond_broadcast(&rd->cv);
	rd->k++;
	b = rd->b[rd->k % 2];
	while (b->full && !rd->stop && !last)
		pthread_cond_wait(&rd->cv, &rd->mu);
	pthread_mutex_unlock(&rd->mu);
	if (!last)
		b->n = 0;
	return rd->stop;
}

static int
reader_line(struct reader *rd, const char *p, size_t len)
{
	struct batch		*b = rd->b[rd->k % 2];
	struct crlrec		*r;
	struct db_record	 rec;
	const char		*subj;
	size_t			 slen, n;
	char			 why[256];

	rd->lines++;
	/* Comments; reserved and void serials never were certificates. */
	if (len == 0 || *p == '#' || *p == DB_RESERVED || *p == DB_VOID)
		return 0;
	if (index_parse_raw(p, len, &rec, &subj, &slen, why, sizeof(why))) {
		snprintf(rd->why, sizeof(rd->why), "index.txt line %zu is "
		    "corrupt (%s): restore it from the backup", rd->lines, why);
		return 1;
	}
	if (rec.generation != rd->gen)
		return 0;
	r = &b->r[b->n++];
	memset(&r->e, 0, sizeof(r->e));
	/* The parser checked the serial: 1 to 20 octets of hex. */
	if (hex_decode(rec.serial, r->e.serial, sizeof(r->e.serial), &n))
		n = 0;
	r->e.seriallen = (unsigned char)n;
	r->e.revoked_at = rec.revoked_at;
	r->e.invalidity = rec.invalidity;
	r->e.reason = (signed char)rec.reason;
	r->not_after = rec.not_after;
	r->status = rec.status;
	return b->n == BATCH ? reader_handoff(rd, 0) : 0;
}

static void *
reader_main(void *arg)
{
	struct reader	*rd = arg;
	char		*buf, *p, *nl;
	size_t		 have = 0, left;
	ssize_t		 got;

	if ((buf = malloc(CHUNK + LINE_MAX_LEN)) == NULL) {
		snprintf(rd->why, sizeof(rd->why), "out of memory");
		goto out;
	}
	for (;;) {
		got = read(rd->fd, buf + have, CHUNK + LINE_MAX_LEN - have);
		if (got == -1 && errno == EINTR)
			continue;
		if (got == -1) {
			snprintf(rd->why, sizeof(rd->why), "%s: %s", rd->path,
			    strerror(errno));
			goto out;
		}
		have += (size_t)got;
		for (p = buf; (nl = memchr(p, '\n', have - (size_t)(p -
		    buf))) != NULL; p = nl + 1)
			if (reader_line(rd, p, (size_t)(nl - p)) != 0)
				goto out;
		left = have - (size_t)(p - buf);
		if (got == 0) {
			/* A last line without its newline is a state if it is
			 * whole; one cut short is none. */
			if (left > 0 && index_line_whole(p, left) &&
			    reader_line(rd, p, left) != 0)
				goto out;
			break;
		}
		if (left >= LINE_MAX_LEN) {
			snprintf(rd->why, sizeof(rd->why), "%s line %zu is "
			    "longer than %d bytes", rd->path, rd->lines + 1,
			    LINE_MAX_LEN);
			goto out;
		}
		memmove(buf, p, left);
		have = left;
	}
	free(buf);
	reader_handoff(rd, 1);
	return NULL;
out:
	free(buf);
	rd->failed = 1;
	reader_handoff(rd, 1);
	return NULL;
}

/* Take the parser's batches in order until the last one. */
static int
crlsrc_consume(struct crlsrc *c, struct reader *rd, time_t now,
    int keep_expired)
{
	struct batch	*b;
	size_t		 k, i;
	int		 last = 0, rc = 0;

	for (k = 0; !last; k++) {
		b = rd->b[k % 2];
		pthread_mutex_lock(&rd->mu);
		while (!b->full)
			pthread_cond_wait(&rd->cv, &rd->mu);
		pthread_mutex_unlock(&rd->mu);
		last = b->last;
		for (i = 0; i < b->n && rc == 0; i++)
			rc = crlsrc_take(c, &b->r[i], now, keep_expired);
		pthread_mutex_lock(&rd->mu);
		b->full = 0;
		if (rc != 0)
			rd->stop = 1;
		pthread_cond_broadcast(&rd->cv);
		pthread_mutex_unlock(&rd->mu);
		if (rc != 0)
			break;
	}
	return rc;
}

/*
 * Read path for generation gen.  Entries of certificates expired at now
 * are marked CRLSRC_EXPIRED unless keep_expired.
 */
int
crlsrc_read(const char *path, int gen, time_t now, int keep_expired,
    struct crlsrc *c)
{
	struct reader	rd;
	pthread_t	th;
	int		rc = 1, started = 0;

	memset(c, 0, sizeof(*c));
	memset(&rd, 0, sizeof(rd));
	pthread_mutex_init(&rd.mu, NULL);
	pthread_cond_init(&rd.cv, NULL);
	rd.gen = gen;
	rd.path = path;
	if ((rd.fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		err_set("%s: %s", path, strerror(errno));
		goto out;
	}
	if ((rd.b[0] = calloc(1, sizeof(*rd.b[0]))) == NULL ||
	    (rd.b[1] = calloc(1, sizeof(*rd.b[1]))) == NULL) {
		err_set("out of memory");
		goto out;
	}
	if (pthread_create(&th, NULL, reader_main, &rd) != 0) {
		err_set("cannot start a thread to read the index");
		goto out;
	}
	started = 1;
	if (crlsrc_consume(c, &rd, now, keep_expired) != 0)
		goto out;
	pthread_join(th, NULL);
	started = 0;
	c->lines = rd.lines;
	if (rd.failed) {
		err_set("%s", rd.why);
		goto out;
	}
	rc = 0;
out:
	if (started) {
		/* The consumer failed: let the parser see stop and end. */
		pthread_join(th, NULL);
	}
	if (rd.fd != -1)
		close(rd.fd);
	free(rd.b[0]);
	free(rd.b[1]);
	pthread_mutex_destroy(&rd.mu);
	pthread_cond_destroy(&rd.cv);
	if (rc != 0)
		crlsrc_free(c);
	return rc;
}

void
crlsrc_free(struct crlsrc *c)
{
	free(c->v);
	hashtab_free(&c->tab);
	free(c->bloom);
	memset(c, 0, sizeof(*c));
}
