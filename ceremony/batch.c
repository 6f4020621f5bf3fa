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

/* Read and policy-check every request; no token yet. */
static void
batch_check(struct batch_item *it, const struct policy *p)
{
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
		batch_check(&b->v[i], p);
	}
	b->n = n;
	csr_inbox_free(paths, n);
	return 0;
}

/* Build and lint the acceptable ones; a lint failure rejects that one. */
static void
batch_build(struct session *s, struct batch *b, const struct signer *sg,
    const struct tmpl *t, const struct sign_opts *o)
{
	struct batch_item	*it;
	size_t			 i;

	for (i = 0; i < b->n; i++) {
		it = &b->v[i];
		if (it->why[0] != '\0')
			continue;
		sign_job(&it->job, sg, t, it->csr, o);
		if (issue_build(s, &it->job, &it->f) != 0) {
			snprintf(it->why, sizeof(it->why), "%s", err_get());
			continue;
		}
		b->jobs[b->njobs++] = &it->job;
	}
}

static int
batch_sign(struct session *s, struct batch *b)
{
	size_t	i;
	char	saved[1024];

	if (b->njobs == 0)
		return 0;
	if (issue_reserve(s, b->jobs, b->njobs) != 0)
		return 1;
	for (i = 0; i < b->njobs; i++)
		if (issue_sign(s, b->jobs[i]) != 0) {
			/* This one stays reserved and is voided below. */
			note("ceremony: %s", err_get());
		}
	if (issue_record(s, b->jobs, b->njobs) != 0) {
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

/* Export and audit every signed certificate; audit every refusal. */
static int
batch_publish(struct session *s, struct batch *b, const struct signer *sg,
    const struct tmpl *t, const struct policy *p)
{
	struct batch_item	*it;
	char			 dir[4096];
	size_t			 i;
	int			 rc = 0, ok;

	for (i = 0; i < b->n; i++) {
		it = &b->v[i];
		ok = it->job.state == ISSUE_RECORDED;
		if (ok && sign_export(s, sg, &it->job, dir, sizeof(dir)) != 0)
			rc = 1;
		if (!ok)
			err_set("%s: %s", it->name, it->why);
		if (sign_audit(s, t, p, it->csr, &it->job, ok) != 0)
			rc = 1;
	}
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
	    signer_open(s, &sg) != 0))
		goto out;
	batch_build(s, &b, &sg, t, o);
	if (batch_sign(s, &b) != 0)
		goto out;
	if (batch_publish(s, &b, &sg, t, p) != 0 || batch_file(&b) != 0)
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
