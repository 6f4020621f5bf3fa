/* SPDX-License-Identifier: ISC */
/*
 * A CRL issue as an operation, for both front ends: log in, open the
 * current CA generation, issue (crl.c), copy the CRL to the export
 * directory, and write one audit record whether it worked or not.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ceremony/crl/crl.h"
#include "ceremony/export/export.h"
#include "ceremony/issue/issue.h"
#include "ceremony/session/session.h"

/*
 * Copy file from to dir/name, through a temporary file and a rename.  On
 * the same file system the temporary name is a hard link instead: a CRL
 * file is never changed once written, and a million-entry CRL is 120 MB.
 */
static int
copy_to(const char *from, const char *dir, const char *name)
{
	char	 path[4096], tmp[4200], buf[65536];
	ssize_t	 r;
	int	 in = -1, out = -1, rc = 1;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(tmp, sizeof(tmp), "%s/.%s.tmp-link", dir, name);
	(void)unlink(tmp);
	if (link(from, tmp) == 0) {
		if (rename(tmp, path) == 0)
			return fsync_dir(dir);
		(void)unlink(tmp);
	}
	snprintf(tmp, sizeof(tmp), "%s/.%s.tmp-XXXXXX", dir, name);
	if ((in = open(from, O_RDONLY | O_CLOEXEC)) == -1 ||
	    (out = mkostemp(tmp, O_CLOEXEC)) == -1) {
		err_set("cannot export %s to %s: %s", from, dir,
		    strerror(errno));
		goto out;
	}
	while ((r = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)r) != r)
			r = -1;
	if (r < 0 || fchmod(out, 0644) == -1 || fsync(out) == -1 ||
	    close(out) == -1 || (out = -1, rename(tmp, path) == -1)) {
		err_set("cannot export %s: %s", path, strerror(errno));
		unlink(tmp);
		goto out;
	}
	rc = fsync_dir(dir);
out:
	if (in != -1)
		close(in);
	if (out != -1) {
		close(out);
		unlink(tmp);
	}
	return rc;
}

/* crl-genN.crl and .pem in dir, replaced each time. */
static int
crl_export(const struct crl_job *j, const char *dir)
{
	char	name[64];

	if (mkdir(dir, 0755) == -1 && errno != EEXIST) {
		err_set("cannot create export directory %s: %s", dir,
		    strerror(errno));
		return 1;
	}
	snprintf(name, sizeof(name), "crl-gen%d.crl", j->sg->generation);
	if (copy_to(j->der_path, dir, name) != 0)
		return 1;
	snprintf(name, sizeof(name), "crl-gen%d.pem", j->sg->generation);
	return copy_to(j->pem_path, dir, name);
}

static int
crl_audit(struct session *s, const struct crl_tmpl *t,
    const struct crl_job *j, int ok)
{
	struct audit_entry	e;
	unsigned long long	last, number;
	char			detail[512];
	int			gen;

	memset(&e, 0, sizeof(e));
	e.op = "crl.issue";
	e.ok = ok;
	if (ok)
		snprintf(detail, sizeof(detail), "generation %d number %llu "
		    "entries %zu sha256 %s", j->sg->generation, j->number,
		    j->entries, j->sha256);
	else {
		/* Failed before the number was taken (the PIN, say): the
		 * number it would have had, which stays unused. */
		gen = j->sg->generation != 0 ? j->sg->generation :
		    db_ca_current(s->db);
		if (j->number == 0 && db_crl_last(s->db, gen, &last) == 0)
			number = last + 1;
		else
			number = j->number;
		snprintf(detail, sizeof(detail), "generation %d number %llu "
		    "%s: %s", gen, number, j->written ? "issued (its .crl is "
		    "written and the number used), but not finished" :
		    "not issued", err_get());
	}
	e.detail = detail;
	audit_add_in(&e, "template", t->raw, t->rawlen);
	if (ok)
		audit_add_out_hash(&e, "crl", j->sha256);
	return session_audit(s, &e);
}

/* A generation named by --generation must still sign CRLs. */
static int
crl_gen_check(struct session *s, int gen)
{
	int	gens[64];
	size_t	i, n;

	if (db_ca_live(s->db, time(NULL), gens, 64, &n) != 0)
		return 1;
	for (i = 0; i < n; i++)
		if (gens[i] == gen)
			return 0;
	err_set("CA generation %d signs no CRLs now: it does not exist, is "
	    "pending or cancelled, or has expired (ceremony rollover status)",
	    gen);
	return 1;
}

/* The active generation's signer, or a named one that still signs CRLs. */
static int
crl_signer(struct session *s, const struct crl_tmpl *t, int gen,
    struct signer *sg)
{
	if (gen == 0)
		return signer_open(s, sg, t->md);
	if (crl_gen_check(s, gen) != 0)
		return 1;
	return signer_open_gen(s, sg, t->md, gen);
}

/*
 * Log in, issue, export, audit: crl issue, crl session and the TUI.  gen 0
 * is the active generation; another must still sign CRLs.
 */
int
crl_run(struct session *s, const struct crl_tmpl *t, int gen,
    struct signer *sg, struct crl_job *j, char *dir, size_t dirlen)
{
	int	ok;

	memset(j, 0, sizeof(*j));
	j->t = t;
	j->sg = sg;
	j->now = time(NULL);
	export_dir_of(s, dir, dirlen);
	ok = session_login(s) == 0 && crl_signer(s, t, gen, sg) == 0 &&
	    crl_issue(s, j) == 0;
	if (ok && crl_export(j, dir) != 0) {
		err_context("CRL %llu is issued and kept in %s, but not "
		    "exported", j->number, j->der_path);
		ok = 0;
	}
	return crl_audit(s, t, j, ok) != 0 || !ok;
}

