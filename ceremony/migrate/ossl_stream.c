/* SPDX-License-Identifier: ISC */
/*
 * db import-openssl's pass over INDEX, streamed: a batch of lines at a
 * time is parsed, its certificates checked and staged by as many threads
 * as there are cores (ossl_check.c), and its index records written to the
 * staging folder in the order of the lines (ossl_stage.c), so memory is
 * one batch whatever the size of the database.  The first problem in the
 * order of the lines is the one reported, however many threads ran: a
 * batch is settled in order after all its lines were checked.  INDEX is
 * hashed as it is read, for the audit record.
 */
#include <pthread.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "ceremony/migrate/migrate.h"

#define STREAM_BATCH	512
#define STREAM_THREADS	64

struct stream {
	struct ossl_import	*im;
	struct ossl_stage	*st;	/* NULL: check only */
	struct ossl_item	*items;
	size_t			 n;	/* lines in this batch */
	size_t			 next;	/* the next to check (atomic) */
	int			 threads;
	FILE			*in;
	EVP_MD_CTX		*md;
	size_t			 line;
	char			*buf;
	size_t			 cap;
	char			 bad[600];	/* a line that does not parse */
};

/* --threads, else CEREMONY_THREADS (the CLI's), else one per core. */
static int
stream_threads(const struct ossl_import *im)
{
	long	n = im->threads > 0 ? im->threads :
	    sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > STREAM_THREADS ? STREAM_THREADS : (int)n;
}

/* Up to a batch of lines; stops before one that does not parse (bad). */
static int
stream_read(struct stream *sm, int *eof)
{
	struct ossl_item	*it;
	const char		*why = NULL;
	ssize_t			 len;

	for (sm->n = 0; sm->n < STREAM_BATCH; sm->n++) {
		errno = 0;
		/* A file's line (never the terminal's): any length. */
		if ((len = getdelim(&sm->buf, &sm->cap, '\n', sm->in)) == -1) {
			*eof = 1;
			if (!ferror(sm->in))
				return 0;
			err_set("cannot read %s (%s)", sm->im->index,
			    strerror(errno));
			return 1;
		}
		sm->line++;
		if (!EVP_DigestUpdate(sm->md, sm->buf, (size_t)len))
			return 1;
		it = &sm->items[sm->n];
		memset(it, 0, sizeof(*it));
		it->line = sm->line;
		if (sm->buf[len - 1] != '\n') {
			snprintf(sm->bad, sizeof(sm->bad), "%s line %zu has no "
			    "end of line", sm->im->index, sm->line);
			return 0;
		}
		sm->buf[len - 1] = '\0';
		if (ossl_index_parse(sm->buf, &it->r, &why) != 0) {
			snprintf(sm->bad, sizeof(sm->bad), "%s line %zu: %s",
			    sm->im->index, sm->line, why);
			return 0;
		}
	}
	return 0;
}

static void *
stream_worker(void *arg)
{
	struct stream	*sm = arg;
	size_t		 i;

	while ((i = __atomic_fetch_add(&sm->next, 1, __ATOMIC_RELAXED)) <
	    sm->n)
		ossl_check_item(sm->im, sm->st, &sm->items[i]);
	return NULL;
}

/* The batch checked by every thread, this one too. */
static void
stream_check(struct stream *sm)
{
	pthread_t	t[STREAM_THREADS];
	int		k, started = 0;

	sm->next = 0;
	for (k = 1; k < sm->threads && (size_t)k < sm->n; k++)
		if (pthread_create(&t[started], NULL, stream_worker, sm) == 0)
			started++;
	stream_worker(sm);
	for (k = 0; k < started; k++)
		pthread_join(t[k], NULL);
}

/* P, V and, revoked, R: the index records of one imported certificate. */
static int
stream_record(struct stream *sm, const struct ossl_item *it)
{
	struct db_record	recs[3];
	size_t			m = 2;

	recs[0] = it->r;
	recs[0].status = DB_RESERVED;
	recs[0].revoked_at = recs[0].invalidity = 0;
	recs[0].reason = -1;
	recs[0].generation = 1;
	snprintf(recs[0].profile, sizeof(recs[0].profile), OSSL_PROFILE);
	recs[1] = recs[0];
	recs[1].status = DB_VALID;
	if (it->r.status == DB_REVOKED) {
		recs[2] = it->r;
		recs[2].generation = 1;
		snprintf(recs[2].profile, sizeof(recs[2].profile),
		    OSSL_PROFILE);
		m = 3;
		sm->im->revoked++;
	} else
		sm->im->valid++;
	return ossl_stage_records(sm->st, recs, m);
}

/* In the order of the lines: the first problem, or the records. */
static int
stream_settle(struct stream *sm)
{
	struct ossl_item	*it;
	size_t			 i;

	for (i = 0; i < sm->n; i++) {
		it = &sm->items[i];
		if (it->failed == 2) {
			err_set("%s names serial %s twice", sm->im->index,
			    it->r.serial);
			return 1;
		}
		if (it->failed) {
			err_set("%s", it->why);
			err_context("%s line %zu (serial %s)", sm->im->index,
			    it->line, it->r.serial);
			return 1;
		}
		if (sm->st != NULL && stream_record(sm, it) != 0)
			return 1;
	}
	if (sm->bad[0] != '\0') {
		err_set("%s", sm->bad);
		return 1;
	}
	return 0;
}

/* The rest of INDEX hashed (a refusal's record names what it read too). */
static void
stream_digest(struct stream *sm)
{
	unsigned char	md[EVP_MAX_MD_SIZE], buf[65536];
	unsigned int	mdlen = 0;
	size_t		n;

	while ((n = fread(buf, 1, sizeof(buf), sm->in)) > 0)
		EVP_DigestUpdate(sm->md, buf, n);
	if (!ferror(sm->in) && EVP_DigestFinal_ex(sm->md, md, &mdlen) &&
	    mdlen == 32)
		sm->im->sha256[hex_write(sm->im->sha256, md, mdlen,
		    HEX_LOWER)] = '\0';
}

int
ossl_stream(struct ossl_import *im, struct ossl_stage *st)
{
	struct stream	sm;
	size_t		i;
	int		eof = 0, rc = 1;

	memset(&sm, 0, sizeof(sm));
	sm.im = im;
	sm.st = st;
	sm.threads = stream_threads(im);
	if ((sm.in = fopen(im->index, "r")) == NULL) {
		err_set("cannot read the openssl index %s (%s): give the path "
		    "of its index.txt", im->index, strerror(errno));
		return 1;
	}
	if ((sm.items = calloc(STREAM_BATCH, sizeof(*sm.items))) == NULL ||
	    (sm.md = EVP_MD_CTX_new()) == NULL ||
	    !EVP_DigestInit_ex(sm.md, EVP_sha256(), NULL)) {
		err_set("out of memory");
		goto out;
	}
	while (!eof && sm.bad[0] == '\0') {
		if (stream_read(&sm, &eof) != 0)
			goto out;
		stream_check(&sm);
		if (stream_settle(&sm) != 0)
			rc = -1;
		for (i = 0; i < sm.n; i++)
			db_record_clear(&sm.items[i].r);
		if (rc == -1)
			goto out;
	}
	rc = 0;
out:
	if (sm.md != NULL)
		stream_digest(&sm);
	fclose(sm.in);
	EVP_MD_CTX_free(sm.md);
	free(sm.items);
	free(sm.buf);
	return rc != 0;
}
