/* SPDX-License-Identifier: ISC */
/*
 * ceremony sign --inbox: every request in HOME/requests after one login.
 * Each request is read and checked against the policy; the acceptable ones
 * are built and linted, their serials reserved in one durable write, signed
 * one by one, and recorded with one index write.  Requests end in
 * requests/done/ (signed) or requests/rejected/ with NAME.findings beside
 * them.  Nothing is signed unless it passes its policy.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ceremony/ceremony.h"

struct batch_item {
	char			*path;
	const char		*name;		/* file name in the inbox */
	struct csr		*csr;
	struct findings		 f;
	struct issue_job	 job;
	char			 why[256];	/* a one-line reason to reject */
};

struct batch {
	struct batch_item	*v;
	size_t			 n;
	struct issue_job	**jobs;		/* of the accepted ones */
	size_t			 njobs;
	char			*inbox;
};

/*
 * Run fn over every item on two cores: this thread takes the even
 * indexes, a second thread the odd ones.  fn may set error messages
 * (they are per thread) but must touch nothing shared.
 */
struct map_arg {
	struct batch	 *b;
	void		(*fn)(struct batch_item *, const void *);
	const void	 *arg;
	size_t		  first;
};

static void *
map_half(void *p)
{
	struct map_arg	*m = p;
	size_t		 i;

	for (i = m->first; i < m->b->n; i += 2)
		m->fn(&m->b->v[i], m->arg);
	return NULL;
}

static void
batch_map(struct batch *b, void (*fn)(struct batch_item *, const void *),
    const void *arg)
{
	struct map_arg	 even = { b, fn, arg, 0 }, odd = { b, fn, arg, 1 };
	pthread_t	 th;
	int		 threaded;

	threaded = b->n > 1 && pthread_create(&th, NULL, map_half, &odd) == 0;
	map_half(&even);
	if (threaded)
		pthread_join(th, NULL);
	else
		map_half(&odd);
}

/* Read and policy-check every request; no token yet. */
static void
batch_check(struct batch_item *it, const void *arg)
{
	const struct policy	*p = arg;

	err_clear();
	if (csr_load(it->path, &it->csr) != 0) {
		snprintf(it->why, sizeof(it->why), "%s", err_get());
		return;
	}
	if (sign_check(p, it->csr, &it->f) != 0)
		snprintf(it->why, sizeof(it->why), "fails policy %s", p->name);
}

static int
batch_load(struct session *s, struct batch *b, const struct policy *p)
{
	char	**paths = NULL;
	size_t	  i, n = 0;

	if ((b->inbox = db_path(s->db, "requests")) == NULL ||
	    csr_inbox_list(b->inbox, &paths, &n) != 0)
		return 1;
	if ((b->v = calloc(n ? n : 1, sizeof(*b->v))) == NULL ||
	    (b->jobs = calloc(n ? n : 1, sizeof(*b->jobs))) == NULL) {
		csr_inbox_free(paths, n);
		err_set("out of memory");
		return 1;
	}
	for (i = 0; i < n; i++) {
		b->v[i].path = paths[i];
		paths[i] = NULL;
		b->v[i].name = strrchr(b->v[i].path, '/') != NULL ?
		    strrchr(b->v[i].path, '/') + 1 : b->v[i].path;
	}
	b->n = n;
	csr_inbox_free(paths, n);
	batch_map(b, batch_check, p);
	return 0;
}

struct build_arg {
	struct session		*s;
	const struct signer	*sg;
	const struct tmpl	*t;
	const struct sign_opts	*o;
};

/* Build and lint one acceptable request; a lint failure rejects it. */
static void
batch_build_one(struct batch_item *it, const void *arg)
{
	const struct build_arg	*a = arg;

	if (it->why[0] != '\0')
		return;
	err_clear();
	if (issue_build(a->s, &it->job, &it->f) != 0)
		snprintf(it->why, sizeof(it->why), "%s", err_get());
}

/*
 * The acceptable ones get their serials from one draw of the token's RNG
 * (here, one thread: the token session is not shared), then are built and
 * linted on both cores.
 */
static int
batch_build(struct session *s, struct batch *b, const struct signer *sg,
    const struct tmpl *t, const struct sign_opts *o)
{
	struct build_arg	a = { s, sg, t, o };
	size_t			i;

	for (i = 0; i < b->n; i++)
		if (b->v[i].why[0] == '\0') {
			sign_job(&b->v[i].job, sg, t, b->v[i].csr, o);
			b->jobs[b->njobs++] = &b->v[i].job;
		}
	if (issue_serials(s, b->jobs, b->njobs) != 0)
		return 1;
	batch_map(b, batch_build_one, &a);
	for (i = 0, b->njobs = 0; i < b->n; i++)
		if (b->v[i].job.state == ISSUE_BUILT)
			b->jobs[b->njobs++] = &b->v[i].job;
	return 0;
}

/*
 * Two cores, two halves of the work: this thread has the token sign one
 * certificate after another; a second thread verifies each signature as
 * soon as it is made.
 */
struct pipeline {
	pthread_mutex_t		  mu;
	pthread_cond_t		  cv;
	size_t			  ready;	/* jobs handed over so far */
	struct issue_job	**jobs;
	size_t			  n;
};

static void *
batch_verifier(void *arg)
{
	struct pipeline	*pl = arg;
	size_t		 i;

	for (i = 0; i < pl->n; i++) {
		pthread_mutex_lock(&pl->mu);
		while (pl->ready <= i)
			pthread_cond_wait(&pl->cv, &pl->mu);
		pthread_mutex_unlock(&pl->mu);
		issue_verify(pl->jobs[i]);
	}
	return NULL;
}

static void
pipeline_hand(struct pipeline *pl, size_t ready)
{
	pthread_mutex_lock(&pl->mu);
	pl->ready = ready;
	pthread_cond_signal(&pl->cv);
	pthread_mutex_unlock(&pl->mu);
}

static void
batch_token_sign(struct batch *b)
{
	struct pipeline	 pl;
	pthread_t	 th;
	size_t		 i;
	int		 threaded;

	memset(&pl, 0, sizeof(pl));
	pl.jobs = b->jobs;
	pl.n = b->njobs;
	pthread_mutex_init(&pl.mu, NULL);
	pthread_cond_init(&pl.cv, NULL);
	threaded = pthread_create(&th, NULL, batch_verifier, &pl) == 0;
	for (i = 0; i < b->njobs; i++) {
		/* A failure leaves the job reserved: it is voided later. */
		if (issue_token_sign(b->jobs[i]) != 0)
			note("ceremony: %s", err_get());
		if (threaded)
			pipeline_hand(&pl, i + 1);
		else
			issue_verify(b->jobs[i]);
	}
	if (threaded)
		pthread_join(th, NULL);
	pthread_cond_destroy(&pl.cv);
	pthread_mutex_destroy(&pl.mu);
	for (i = 0; i < b->njobs; i++)
		if (b->jobs[i]->why != NULL)
			note("ceremony: serial %s: %s", b->jobs[i]->serial,
			    b->jobs[i]->why);
}

/* Certificate files in one write group, made durable before the index. */
static int
batch_record(struct session *s, struct batch *b)
{
	if (atomic_group_begin() != 0)
		return 1;
	if (issue_record_files(s, b->jobs, b->njobs) != 0) {
		atomic_group_abort();
		return 1;
	}
	if (atomic_group_commit() != 0)
		return 1;
	return issue_record_index(s, b->jobs, b->njobs);
}

static int
batch_sign(struct session *s, struct batch *b)
{
	char	saved[1024];

	if (b->njobs == 0)
		return 0;
	if (issue_reserve(s, b->jobs, b->njobs) != 0)
		return 1;
	batch_token_sign(b);
	if (batch_record(s, b) != 0) {
		snprintf(saved, sizeof(saved), "%s", err_get());
		issue_abandon(s, b->jobs, b->njobs);
		err_set("%s", saved);
		return 1;
	}
	issue_abandon(s, b->jobs, b->njobs);
	return 0;
}

static int
mkdir_in(const char *dir, const char *sub, char *out, size_t len)
{
	snprintf(out, len, "%s/%s", dir, sub);
	if (mkdir(out, 0755) == -1 && errno != EEXIST) {
		err_set("cannot create %s: %s", out, strerror(errno));
		return 1;
	}
	return 0;
}

/* The findings, as a person reads them, beside the rejected request. */
static int
batch_report(const char *dir, const struct batch_item *it)
{
	char	 path[4096], *buf = NULL;
	size_t	 len = 0;
	FILE	*m;
	int	 rc;

	if ((m = open_memstream(&buf, &len)) == NULL)
		return 1;
	fprintf(m, "request %s rejected: %s\n", it->name, it->why);
	findings_print(m, &it->f);
	fclose(m);
	if ((size_t)snprintf(path, sizeof(path), "%s/%s.findings", dir,
	    it->name) >= sizeof(path)) {
		err_set("path too long: %s/%s.findings", dir, it->name);
		rc = 1;
	} else
		rc = atomic_write(path, buf, len, 0644, 0);
	free(buf);
	return rc;
}

/* Move each request to done/ or rejected/ once its fate is recorded. */
static int
batch_file(const struct batch *b)
{
	char	 done[4096], rej[4096], to[8192];
	size_t	 i;
	int	 ok;

	if (mkdir_in(b->inbox, "done", done, sizeof(done)) != 0 ||
	    mkdir_in(b->inbox, "rejected", rej, sizeof(rej)) != 0)
		return 1;
	for (i = 0; i < b->n; i++) {
		ok = b->v[i].job.state == ISSUE_RECORDED;
		if (!ok && batch_report(rej, &b->v[i]) != 0)
			return 1;
		snprintf(to, sizeof(to), "%s/%s", ok ? done : rej,
		    b->v[i].name);
		if (rename(b->v[i].path, to) == -1) {
			err_set("cannot move %s to %s: %s", b->v[i].path, to,
			    strerror(errno));
			return 1;
		}
	}
	return fsync_dir(b->inbox) || fsync_dir(done) || fsync_dir(rej);
}

static void
batch_summary(const struct batch *b, size_t *signedn)
{
	const struct batch_item	*it;
	size_t			 i;

	*signedn = 0;
	printf("%-32s  %-8s  %s\n", "request", "verdict", "serial or reason");
	for (i = 0; i < b->n; i++) {
		it = &b->v[i];
		if (it->job.state == ISSUE_RECORDED) {
			printf("%-32s  %-8s  %s\n", it->name, "signed",
			    it->job.serial);
			(*signedn)++;
		} else
			printf("%-32s  %-8s  %s\n", it->name, "rejected",
			    it->why[0] != '\0' ? it->why : "signing failed");
	}
	printf("%zu signed, %zu rejected, %zu in all\n", *signedn,
	    b->n - *signedn, b->n);
}

/* The exports of the signed ones, in one write group. */
static int
batch_export(struct session *s, struct batch *b, const struct signer *sg)
{
	char	dir[4096];
	size_t	i;

	if (atomic_group_begin() != 0)
		return 1;
	for (i = 0; i < b->n; i++)
		if (b->v[i].job.state == ISSUE_RECORDED &&
		    sign_export(s, &b->v[i].job, dir, sizeof(dir)) != 0) {
			atomic_group_abort();
			return 1;
		}
	if (sign_export_chain(s, sg, dir, sizeof(dir)) != 0) {
		atomic_group_abort();
		return 1;
	}
	return atomic_group_commit();
}

/* One audit record per request, signed or refused, in one append. */
static int
batch_audit(struct session *s, struct batch *b, const struct tmpl *t,
    const struct policy *p)
{
	struct audit_entry	*e;
	unsigned char		**der;
	char			**detail;
	size_t			 i;
	int			 len, rc = 1;

	e = calloc(b->n ? b->n : 1, sizeof(*e));
	der = calloc(b->n ? b->n : 1, sizeof(*der));
	detail = calloc(b->n ? b->n : 1, sizeof(*detail));
	if (e == NULL || der == NULL || detail == NULL) {
		err_set("out of memory");
		goto out;
	}
	for (i = 0; i < b->n; i++) {
		struct batch_item *it = &b->v[i];

		e[i].operator = s->operator;
		e[i].op = "sign";
		e[i].ok = it->job.state == ISSUE_RECORDED;
		if (asprintf(&detail[i], "%s %s", it->name, e[i].ok ?
		    it->job.serial : (it->why[0] != '\0' ? it->why :
		    "signing failed")) == -1) {
			detail[i] = NULL;
			goto out;
		}
		e[i].detail = detail[i];
		audit_add_in(&e[i], "template", t->raw, t->rawlen);
		audit_add_in(&e[i], "policy", p->raw, p->rawlen);
		if (it->csr != NULL)
			audit_add_in(&e[i], "csr", it->csr->der, it->csr->derlen);
		if (e[i].ok && (len = i2d_X509(it->job.cert, &der[i])) > 0)
			audit_add_out(&e[i], "cert", der[i], (size_t)len);
	}
	rc = db_audit_many(s->db, e, b->n);
out:
	for (i = 0; i < b->n && der != NULL && detail != NULL; i++) {
		OPENSSL_free(der[i]);
		free(detail[i]);
	}
	free(der);
	free(detail);
	free(e);
	return rc;
}

static void
batch_free(struct batch *b)
{
	size_t	i;

	for (i = 0; i < b->n; i++) {
		free(b->v[i].path);
		csr_free(b->v[i].csr);
		findings_free(&b->v[i].f);
		issue_job_clear(&b->v[i].job);
	}
	free(b->v);
	free(b->jobs);
	free(b->inbox);
}

int
sign_inbox(struct session *s, const struct tmpl *t, const struct policy *p,
    const struct sign_opts *o)
{
	struct batch	 b;
	struct signer	 sg;
	size_t		 signedn = 0, accepted = 0, i;
	int		 rc = 1;

	memset(&b, 0, sizeof(b));
	memset(&sg, 0, sizeof(sg));
	if (batch_load(s, &b, p) != 0)
		goto out;
	for (i = 0; i < b.n; i++)
		accepted += b.v[i].why[0] == '\0';
	/* The PIN is asked only when something will be signed. */
	if (accepted > 0 && (session_login(s) != 0 ||
	    signer_open(s, &sg, t->md) != 0))
		goto out;
	if (batch_build(s, &b, &sg, t, o) != 0 || batch_sign(s, &b) != 0)
		goto out;
	if (batch_export(s, &b, &sg) != 0 || batch_audit(s, &b, t, p) != 0 ||
	    batch_file(&b) != 0)
		goto out;
	batch_summary(&b, &signedn);
	rc = 0;
	if (signedn < b.n) {
		err_set("%zu of %zu requests rejected: see %s/rejected/",
		    b.n - signedn, b.n, b.inbox);
		rc = 1;
	}
out:
	batch_free(&b);
	signer_close(&sg);
	return rc;
}
