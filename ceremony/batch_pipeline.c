/* SPDX-License-Identifier: ISC */
/*
 * The signing pipeline of ceremony sign --inbox, on two cores.  The token's
 * signature is the one step nothing can share, so this thread does nothing
 * but have the token sign, one certificate after another, and a second
 * thread does everything around it:
 *
 *   1. reads each request and checks it against the policy, builds and
 *      lints its certificate, and reserves the serials durably, a chunk at
 *      a time (small chunks first, so the token starts at once, then larger
 *      ones, so the reservation syncs are few);
 *   2. verifies each signature as soon as the token has made it;
 *   3. records what verified, a chunk at a time: the certificate files
 *      (one write group, one sync), then the index, then the exports
 *      (another group).
 *
 * The token never signs a serial whose reservation is not on disk; a
 * certificate is valid in the index only once its file is durable, and
 * exported only once the index says so.  When a write fails, the second
 * thread stops, the token signs nothing more, and the caller voids what
 * was reserved and not recorded (issue_abandon).
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "ceremony/batch.h"

#define RESERVE_FIRST	4
#define RESERVE_MAX	128
#define RECORD_CHUNK	64	/* recorded together, once verified */
#define RECORD_MAX	256	/* at most, in one write group */

struct pipeline {
	struct batch	*b;
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	size_t		 reserved;	/* jobs[0..reserved) may be signed */
	size_t		 tsigned;	/* jobs[0..tsigned) went to the token */
	int		 prepared;	/* no job will be added */
	int		 signer_done;
	int		 stop;		/* a write failed: sign no more */
};

/* Check, build and lint item i; an acceptable one is the next job. */
static void
pipe_prepare(struct batch *b, size_t i)
{
	struct batch_item	*it = &b->v[i];

	if (!it->checked)
		batch_check(it, b->p);
	if (it->why[0] != '\0')
		return;
	sign_job(&it->job, b->sg, b->t, it->csr, b->o);
	memcpy(it->job.serial, b->serials[i - b->first], DB_SERIAL_MAX);
	err_clear();
	if (issue_build(b->s, &it->job, &it->f) != 0) {
		snprintf(it->why, sizeof(it->why), "%s", err_get());
		return;
	}
	b->job_items[b->njobs] = it;
	b->jobs[b->njobs++] = &it->job;
}

/* Reserve jobs[from..njobs) on disk, then hand them to the token. */
static int
pipe_reserve(struct pipeline *pl, size_t from)
{
	struct batch	*b = pl->b;

	if (from < b->njobs &&
	    issue_reserve(b->s, b->jobs + from, b->njobs - from) != 0)
		return 1;
	pthread_mutex_lock(&pl->mu);
	pl->reserved = b->njobs;
	pthread_cond_broadcast(&pl->cv);
	pthread_mutex_unlock(&pl->mu);
	return 0;
}

/* Verify what the token signed since jobs[from]; how far that reaches. */
static size_t
pipe_verify(struct pipeline *pl, size_t from, int wait)
{
	size_t	to, i;

	pthread_mutex_lock(&pl->mu);
	while (wait && pl->tsigned == from && !pl->signer_done)
		pthread_cond_wait(&pl->cv, &pl->mu);
	to = pl->tsigned;
	pthread_mutex_unlock(&pl->mu);
	for (i = from; i < to; i++)
		issue_verify(pl->b->jobs[i]);
	return to;
}

/*
 * The certificate files, then the index, then the exports, then the
 * requests' audit records and their moves to done/.
 */
static int
pipe_record(struct batch *b, size_t from, size_t to)
{
	struct issue_job	**jobs = b->jobs + from;
	struct batch_item	 *signed_items[RECORD_MAX];
	size_t			  n = to - from, i, k;
	char			  dir[4096];

	if (atomic_group_begin() != 0)
		return 1;
	if (issue_record_files(b->s, jobs, n) != 0) {
		atomic_group_abort();
		return 1;
	}
	if (atomic_group_commit() != 0 ||
	    issue_record_index(b->s, jobs, n) != 0 ||
	    atomic_group_begin() != 0)
		return 1;
	for (i = 0; i < n; i++)
		if (jobs[i]->state == ISSUE_RECORDED &&
		    sign_export(b->s, jobs[i], dir, sizeof(dir)) != 0) {
			atomic_group_abort();
			return 1;
		}
	if (atomic_group_commit() != 0)
		return 1;
	/* The signed ones settle now; the others at the end. */
	for (i = k = 0; i < n; i++)
		if (jobs[i]->state == ISSUE_RECORDED)
			signed_items[k++] = b->job_items[from + i];
	return batch_settle(b, signed_items, k);
}

/* Record jobs[*recorded..verified), RECORD_MAX at a time. */
static int
pipe_record_upto(struct batch *b, size_t *recorded, size_t verified)
{
	size_t	to;

	while (*recorded < verified) {
		to = verified - *recorded > RECORD_MAX ?
		    *recorded + RECORD_MAX : verified;
		if (pipe_record(b, *recorded, to) != 0)
			return 1;
		*recorded = to;
	}
	return 0;
}

static int
pipe_finished(struct pipeline *pl, size_t verified)
{
	int	done;

	pthread_mutex_lock(&pl->mu);
	done = pl->signer_done && pl->tsigned == verified;
	pthread_mutex_unlock(&pl->mu);
	return done;
}

static void *
pipe_worker(void *arg)
{
	struct pipeline	*pl = arg;
	struct batch	*b = pl->b;
	size_t		 i, from = 0, want = RESERVE_FIRST;
	size_t		 verified = 0, recorded = 0;
	int		 done;

	for (i = b->first; i < b->n; i++) {
		pipe_prepare(b, i);
		if (b->njobs - from >= want || i + 1 == b->n) {
			if (pipe_reserve(pl, from) != 0)
				goto fail;
			from = b->njobs;
			want = want * 2 < RESERVE_MAX ? want * 2 : RESERVE_MAX;
		}
		verified = pipe_verify(pl, verified, 0);
		if (verified - recorded >= RECORD_CHUNK &&
		    pipe_record_upto(b, &recorded, verified) != 0)
			goto fail;
	}
	pthread_mutex_lock(&pl->mu);
	pl->prepared = 1;
	pthread_cond_broadcast(&pl->cv);
	pthread_mutex_unlock(&pl->mu);
	do {
		verified = pipe_verify(pl, verified, 1);
		done = pipe_finished(pl, verified);
		if ((done || verified - recorded >= RECORD_CHUNK) &&
		    pipe_record_upto(b, &recorded, verified) != 0)
			goto fail;
	} while (!done);
	return NULL;
fail:
	pthread_mutex_lock(&pl->mu);
	snprintf(b->error, sizeof(b->error), "%s", err_get());
	pl->stop = 1;
	pthread_cond_broadcast(&pl->cv);
	pthread_mutex_unlock(&pl->mu);
	return NULL;
}

/* This thread: the token signs each job as soon as it is reserved. */
static void
pipe_sign(struct pipeline *pl)
{
	struct batch	*b = pl->b;
	size_t		 i = 0;

	for (;;) {
		pthread_mutex_lock(&pl->mu);
		while (i == pl->reserved && !pl->prepared && !pl->stop)
			pthread_cond_wait(&pl->cv, &pl->mu);
		if (pl->stop || i == pl->reserved) {
			pthread_mutex_unlock(&pl->mu);
			break;
		}
		pthread_mutex_unlock(&pl->mu);
		/* A failure leaves the job reserved: it is voided later. */
		if (issue_token_sign(b->jobs[i]) != 0)
			note("ceremony: %s", err_get());
		pthread_mutex_lock(&pl->mu);
		pl->tsigned = ++i;
		pthread_cond_broadcast(&pl->cv);
		pthread_mutex_unlock(&pl->mu);
	}
	pthread_mutex_lock(&pl->mu);
	pl->signer_done = 1;
	pthread_cond_broadcast(&pl->cv);
	pthread_mutex_unlock(&pl->mu);
}

/*
 * Items v[first..n): every acceptable one signed and recorded, or left
 * reserved for the caller to void.  b->stopped says a write failed.
 */
int
batch_pipeline(struct batch *b)
{
	struct pipeline	pl;
	pthread_t	th;
	size_t		i;
	int		e;

	memset(&pl, 0, sizeof(pl));
	pl.b = b;
	pthread_mutex_init(&pl.mu, NULL);
	pthread_cond_init(&pl.cv, NULL);
	if ((e = pthread_create(&th, NULL, pipe_worker, &pl)) != 0) {
		err_set("cannot start the second thread (%s): nothing was "
		    "signed", strerror(e));
		pthread_cond_destroy(&pl.cv);
		pthread_mutex_destroy(&pl.mu);
		return 1;
	}
	pipe_sign(&pl);
	pthread_join(th, NULL);
	pthread_cond_destroy(&pl.cv);
	pthread_mutex_destroy(&pl.mu);
	b->stopped = pl.stop;
	for (i = 0; i < b->njobs; i++)
		if (b->jobs[i]->why != NULL)
			note("ceremony: serial %s: %s", b->jobs[i]->serial,
			    b->jobs[i]->why);
	return 0;
}
