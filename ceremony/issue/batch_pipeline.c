/* SPDX-License-Identifier: ISC */
/*
 * The signing pipeline of ceremony sign --inbox.  The token's signature is
 * the one step nothing else can do, so the signers do nothing but have the
 * token sign: this thread and, with several sessions, one more thread per
 * further session, each taking the next reserved job in turn (libp11 runs
 * each signature on a session of its pool that no other thread holds).
 * Two more threads do everything around them:
 *
 *   the worker  reads each request and checks it against the policy,
 *               builds and lints its certificate, and reserves the serials
 *               durably, a chunk at a time (small chunks first, so the
 *               token starts at once, then larger ones, so the reservation
 *               syncs are few): all of them first, so that the token never
 *               waits for a job.  Then it verifies each signature the token
 *               has made, in order, catching up with the signers.
 *   the recorder  records what verified, a chunk at a time: the
 *               certificate files (one write group, one sync), the index,
 *               the exports (another group), the audit records, the moves
 *               to done/.  It mostly waits for the disk, so its syncs never
 *               hold up the verification.
 *
 * The token never signs a serial whose reservation is not on disk; a
 * certificate is valid in the index only once its file is durable, and
 * exported only once the index says so.  Signers finish out of order, but
 * the worker verifies, and the recorder records, only the jobs that all
 * came back from the token before them, so what is on disk stays in the
 * order of the reservations.  When a write fails, every thread stops, the
 * token signs nothing more, and the caller voids what was reserved and not
 * recorded (issue_abandon).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ceremony/issue/batch.h"

#define RESERVE_FIRST	4
#define RESERVE_MAX	128
#define RECORD_CHUNK	64	/* recorded together, once verified */
#define RECORD_MAX	256	/* at most, in one write group */

struct pipeline {
	struct batch	*b;
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;		/* any of the counts below changed */
	size_t		 reserved;	/* jobs[0..reserved) may be signed */
	size_t		 claimed;	/* jobs[0..claimed) taken by a signer */
	unsigned char	*back;		/* back[i]: jobs[i] back from the token */
	size_t		 tsigned;	/* jobs[0..tsigned) all back */
	unsigned long	 signers;	/* signer threads still signing */
	size_t		 verified;	/* jobs[0..verified) were verified */
	int		 prepared;	/* no job will be added */
	int		 signer_done;
	int		 verifier_done;
	int		 stop;		/* a write failed: no more of anything */
};

/* Set a count (or flag) and wake whoever waits for it. */
static void
pipe_publish(struct pipeline *pl, size_t *what, size_t value)
{
	pthread_mutex_lock(&pl->mu);
	*what = value;
	pthread_cond_broadcast(&pl->cv);
	pthread_mutex_unlock(&pl->mu);
}

static int
pipe_stopped(struct pipeline *pl)
{
	int	stop;

	pthread_mutex_lock(&pl->mu);
	stop = pl->stop;
	pthread_mutex_unlock(&pl->mu);
	return stop;
}

static void
pipe_flag(struct pipeline *pl, int *what)
{
	pthread_mutex_lock(&pl->mu);
	*what = 1;
	pthread_cond_broadcast(&pl->cv);
	pthread_mutex_unlock(&pl->mu);
}

/* A write failed: keep its message and stop everything. */
static void
pipe_fail(struct pipeline *pl)
{
	pthread_mutex_lock(&pl->mu);
	if (!pl->stop)
		snprintf(pl->b->error, sizeof(pl->b->error), "%s", err_get());
	pl->stop = 1;
	pthread_cond_broadcast(&pl->cv);
	pthread_mutex_unlock(&pl->mu);
}

/*
 * Wait until *count is at least `least` past from, or *finished is set
 * (then *to is the last of it); 1 when everything stopped.
 */
static int
pipe_wait(struct pipeline *pl, const size_t *count, size_t from,
    size_t least, const int *finished, size_t *to, int *done)
{
	int	stop;

	pthread_mutex_lock(&pl->mu);
	while (*count - from < least && !*finished && !pl->stop)
		pthread_cond_wait(&pl->cv, &pl->mu);
	*to = *count;
	*done = *finished;
	stop = pl->stop;
	pthread_mutex_unlock(&pl->mu);
	return stop;
}

/* Check, build and lint item i; an acceptable one is the next job. */
static void
pipe_prepare(struct batch *b, size_t i)
{
	struct batch_item	*it = &b->v[i];

	/* The next request goes to the intake before this one's answer is
	 * read: its parser works while this thread builds. */
	if (!it->checked) {
		if (!it->req.sent && it->why[0] == '\0')
			batch_send(b->s, it, b->p);
		if (i + 1 < b->n && !b->v[i + 1].checked &&
		    !b->v[i + 1].req.sent && b->v[i + 1].why[0] == '\0')
			batch_send(b->s, &b->v[i + 1], b->p);
		batch_recv(b->s, it, b->p);
	}
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

/* Every job prepared and reserved, in growing chunks. */
static int
pipe_prepare_all(struct pipeline *pl)
{
	struct batch	*b = pl->b;
	size_t		 i, from = 0, want = RESERVE_FIRST;

	for (i = b->first; i < b->n; i++) {
		pipe_prepare(b, i);
		if (b->njobs - from < want && i + 1 < b->n)
			continue;
		if (pipe_stopped(pl))
			return 0;
		if (from < b->njobs &&
		    issue_reserve(b->s, b->jobs + from, b->njobs - from) != 0)
			return 1;
		pipe_publish(pl, &pl->reserved, b->njobs);
		from = b->njobs;
		want = want * 2 < RESERVE_MAX ? want * 2 : RESERVE_MAX;
	}
	pipe_flag(pl, &pl->prepared);
	return 0;
}

static void *
pipe_worker(void *arg)
{
	struct pipeline	*pl = arg;
	size_t		 from = 0, to, i;
	int		 done = 0;

	if (pipe_prepare_all(pl) != 0) {
		pipe_fail(pl);
		return NULL;
	}
	while (!done) {
		if (pipe_wait(pl, &pl->tsigned, from, 1, &pl->signer_done,
		    &to, &done) != 0)
			return NULL;
		for (i = from; i < to; i++) {
			issue_verify(pl->b->jobs[i]);
			issue_verify_chain(pl->b->jobs[i]);
		}
		pipe_publish(pl, &pl->verified, to);
		from = to;
	}
	pipe_flag(pl, &pl->verifier_done);
	return NULL;
}

/*
 * The certificate files, then the requests' audit records, then the
 * index, then the exports, then the moves to done/.  A certificate is
 * valid in the index only with the record of its signing before it.
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
	if (atomic_group_commit() != 0)
		return 1;
	for (i = k = 0; i < n; i++)
		if (jobs[i]->state == ISSUE_SIGNED)
			signed_items[k++] = b->job_items[from + i];
	if ((k > 0 && batch_audit(b, signed_items, k) != 0) ||
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
	/* The signed ones settle now (moved); the others at the end. */
	return batch_settle(b, signed_items, k);
}

/* Record jobs[*from..to), RECORD_MAX at a time. */
static int
pipe_record_upto(struct batch *b, size_t *from, size_t to)
{
	size_t	end;

	while (*from < to) {
		end = to - *from > RECORD_MAX ? *from + RECORD_MAX : to;
		if (pipe_record(b, *from, end) != 0)
			return 1;
		*from = end;
	}
	return 0;
}

static void *
pipe_recorder(void *arg)
{
	struct pipeline	*pl = arg;
	size_t		 from = 0, to;
	int		 done;

	do {
		if (pipe_wait(pl, &pl->verified, from, RECORD_CHUNK,
		    &pl->verifier_done, &to, &done) != 0)
			return NULL;
		if (pipe_record_upto(pl->b, &from, to) != 0) {
			pipe_fail(pl);
			return NULL;
		}
	} while (!done);
	return NULL;
}

/* The next reserved job for a signer, or 0 when there is none left. */
static int
pipe_claim(struct pipeline *pl, size_t *i)
{
	int	got;

	pthread_mutex_lock(&pl->mu);
	while (pl->claimed == pl->reserved && !pl->prepared && !pl->stop)
		pthread_cond_wait(&pl->cv, &pl->mu);
	if ((got = !pl->stop && pl->claimed < pl->reserved))
		*i = pl->claimed++;
	pthread_mutex_unlock(&pl->mu);
	return got;
}

/* Job i is back from the token: the jobs all back before any not yet are
 * the worker's to verify.  A failure is noted here, one line at a time. */
static void
pipe_back(struct pipeline *pl, size_t i, int failed)
{
	pthread_mutex_lock(&pl->mu);
	if (failed)
		note("ceremony: %s", err_get());
	pl->back[i] = 1;
	while (pl->tsigned < pl->claimed && pl->back[pl->tsigned])
		pl->tsigned++;
	pthread_cond_broadcast(&pl->cv);
	pthread_mutex_unlock(&pl->mu);
}

/* A signer: the token signs each job as soon as it is reserved. */
static void *
pipe_signer(void *arg)
{
	struct pipeline	*pl = arg;
	size_t		 i;

	/* A failure leaves the job reserved: it is voided later. */
	while (pipe_claim(pl, &i))
		pipe_back(pl, i, issue_token_sign(pl->b->jobs[i]) != 0);
	pthread_mutex_lock(&pl->mu);
	if (--pl->signers == 0)
		pl->signer_done = 1;
	pthread_cond_broadcast(&pl->cv);
	pthread_mutex_unlock(&pl->mu);
	return NULL;
}

/*
 * The signers beyond this thread: as many of n as start (one that cannot
 * start leaves its share to the others).  Returns how many.
 */
static unsigned long
pipe_start_signers(struct pipeline *pl, pthread_t *t, unsigned long n)
{
	unsigned long	k;

	for (k = 0; k < n; k++) {
		/* Counted first: this thread's own count keeps the total
		 * above 0 until it stops signing itself. */
		pthread_mutex_lock(&pl->mu);
		pl->signers++;
		pthread_mutex_unlock(&pl->mu);
		if (pthread_create(&t[k], NULL, pipe_signer, pl) != 0) {
			pthread_mutex_lock(&pl->mu);
			pl->signers--;
			pthread_mutex_unlock(&pl->mu);
			note("ceremony: signing on %lu of %lu sessions: cannot "
			    "start another thread", k + 1, n + 1);
			break;
		}
	}
	return k;
}

/* The worker and the recorder: 1 when both could not start. */
static int
pipe_start(struct pipeline *pl, pthread_t *worker, pthread_t *recorder,
    int *started)
{
	int	e;

	if ((e = pthread_create(worker, NULL, pipe_worker, pl)) == 0) {
		(*started)++;
		if ((e = pthread_create(recorder, NULL, pipe_recorder,
		    pl)) == 0)
			(*started)++;
	}
	if (*started == 2)
		return 0;
	err_set("cannot start a thread (%s): nothing was signed",
	    strerror(e));
	pipe_fail(pl);
	return 1;
}

/*
 * Items v[first..n): every acceptable one signed and recorded, or left
 * reserved for the caller to void.  b->sessions signers (at least one:
 * this thread).  b->stopped says a write (or starting a thread) failed,
 * and b->error what.
 */
void
batch_pipeline(struct batch *b)
{
	struct pipeline	 pl;
	pthread_t	 worker, recorder, *signers;
	unsigned long	 extra = b->sessions > 1 ? b->sessions - 1 : 0, k = 0;
	size_t		 i;
	int		 started = 0;

	memset(&pl, 0, sizeof(pl));
	pl.b = b;
	pl.signers = 1;		/* this thread */
	pthread_mutex_init(&pl.mu, NULL);
	pthread_cond_init(&pl.cv, NULL);
	pl.back = calloc(b->n ? b->n : 1, 1);
	signers = calloc(extra ? extra : 1, sizeof(*signers));
	if (pl.back == NULL || signers == NULL) {
		err_set("out of memory: nothing was signed");
		pipe_fail(&pl);
	} else if (pipe_start(&pl, &worker, &recorder, &started) == 0)
		k = pipe_start_signers(&pl, signers, extra);
	pipe_signer(&pl);
	while (k > 0)
		pthread_join(signers[--k], NULL);
	if (started > 0)
		pthread_join(worker, NULL);
	if (started > 1)
		pthread_join(recorder, NULL);
	pthread_cond_destroy(&pl.cv);
	pthread_mutex_destroy(&pl.mu);
	free(pl.back);
	free(signers);
	b->stopped = pl.stop;
	for (i = 0; i < b->njobs; i++)
		if (b->jobs[i]->why != NULL)
			note("ceremony: serial %s: %s", b->jobs[i]->serial,
			    b->jobs[i]->why);
}
