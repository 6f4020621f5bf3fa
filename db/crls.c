/* SPDX-License-Identifier: ISC */
/*
 * CRL files: crls/gen-N/NUMBER.crl (DER) and NUMBER.pem, one sequence per
 * CA generation.  The next cRLNumber is the highest NUMBER.crl there (or
 * the crlnumber mark, if higher) plus one, and a number is taken by creating its
 * .crl exclusively (link(2) of a complete, synced temporary file), so a
 * failed or interrupted issue leaves no file and takes no number, and two
 * issues can never write the same number.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/db_int.h"
#include "util/util.h"

static char *
gen_dir(const struct db *db, int gen)
{
	char	*p;

	if (asprintf(&p, "%s/crls/gen-%d", db->home, gen) == -1) {
		err_set("out of memory");
		return NULL;
	}
	return p;
}

char *
db_crl_path(const struct db *db, int gen, unsigned long long number,
    const char *ext)
{
	char	*p;

	if (asprintf(&p, "%s/crls/gen-%d/%llu.%s", db->home, gen, number,
	    ext) == -1) {
		err_set("out of memory");
		return NULL;
	}
	return p;
}

/* NUMBER.crl: decimal digits without leading zeros, then .crl. */
static int
crl_name_number(const char *name, unsigned long long *n)
{
	const char	*p = name;

	if (*p < '1' || *p > '9')
		return 1;
	for (*n = 0; *p >= '0' && *p <= '9'; p++) {
		if (*n > (~0ULL - 9) / 10)
			return 1;
		*n = *n * 10 + (unsigned)(*p - '0');
	}
	return strcmp(p, ".crl") != 0;
}

/*
 * crls/gen-N/crlnumber: the highest number ever issued, rewritten after
 * each CRL.  With it, deleting the newest NUMBER.crl cannot bring its
 * number back; without it (an older directory, or it was lost) the files
 * alone still say the highest.
 */
static int
crl_mark_read(const char *dir, unsigned long long *mark)
{
	char	*path, buf[32];
	FILE	*f;
	int	 rc = 0;

	*mark = 0;
	if (asprintf(&path, "%s/crlnumber", dir) == -1)
		return 1;
	if ((f = fopen(path, "r")) != NULL) {
		if (fgets(buf, sizeof(buf), f) == NULL ||
		    sscanf(buf, "%llu", mark) != 1) {
			err_set("%s is corrupt: it should hold the highest CRL "
			    "number issued; restore it from the backup", path);
			rc = 1;
		}
		fclose(f);
	} else if (errno != ENOENT) {
		err_set("cannot read %s: %s", path, strerror(errno));
		rc = 1;
	}
	free(path);
	return rc;
}

int
db_crl_mark(const struct db *db, int gen, unsigned long long number)
{
	char	*dir, *path = NULL, buf[32];
	int	 n, rc = 1;

	if ((dir = gen_dir(db, gen)) == NULL)
		return 1;
	n = snprintf(buf, sizeof(buf), "%llu\n", number);
	if (asprintf(&path, "%s/crlnumber", dir) != -1)
		rc = atomic_write(path, buf, (size_t)n, 0644, 0);
	else
		path = NULL;
	free(path);
	free(dir);
	return rc;
}

/* The highest CRL number of generation gen; 0 when it has none. */
int
db_crl_last(const struct db *db, int gen, unsigned long long *last)
{
	unsigned long long	 mark;

	DIR			*d;
	struct dirent		*de;
	unsigned long long	 n;
	char			*dir;

	*last = 0;
	if ((dir = gen_dir(db, gen)) == NULL)
		return 1;
	if ((d = opendir(dir)) == NULL) {
		if (errno == ENOENT) {
			free(dir);
			return 0;
		}
		err_set("%s: %s", dir, strerror(errno));
		free(dir);
		return 1;
	}
	while ((de = readdir(d)) != NULL)
		if (crl_name_number(de->d_name, &n) == 0 && n > *last)
			*last = n;
	closedir(d);
	if (crl_mark_read(dir, &mark) != 0) {
		free(dir);
		return 1;
	}
	if (mark > *last)
		*last = mark;
	free(dir);
	return 0;
}

/* A directory, made durable in its parent when it is new. */
static int
mkdir_one(const char *p)
{
	char	*parent, *slash;
	int	 rc;

	if (mkdir(p, 0755) == -1) {
		if (errno == EEXIST)
			return 0;
		err_set("cannot create %s: %s", p, strerror(errno));
		return 1;
	}
	if ((parent = strdup(p)) == NULL) {
		err_set("out of memory");
		return 1;
	}
	if ((slash = strrchr(parent, '/')) != NULL)
		*slash = '\0';
	rc = fsync_dir(slash != NULL ? parent : ".");
	free(parent);
	return rc;
}

/* A temporary file in crls/gen-N, for a CRL written as it is encoded. */
int
crl_file_open(struct db *db, int gen, struct crl_file *f)
{
	char	*top = NULL;
	int	 rc = 1;

	memset(f, 0, sizeof(*f));
	f->fd = -1;
	if ((top = db_path(db, "crls")) == NULL ||
	    (f->dir = gen_dir(db, gen)) == NULL ||
	    mkdir_one(top) != 0 || mkdir_one(f->dir) != 0)
		goto out;
	if (asprintf(&f->tmp, "%s/.crl.tmp-XXXXXX", f->dir) == -1) {
		f->tmp = NULL;
		err_set("out of memory");
		goto out;
	}
	if ((f->fd = mkostemp(f->tmp, O_CLOEXEC)) == -1) {
		err_set("cannot create a temporary file in %s: %s", f->dir,
		    strerror(errno));
		goto out;
	}
	(void)fchmod(f->fd, 0644);
	rc = 0;
out:
	free(top);
	if (rc != 0)
		crl_file_abort(f);
	return rc;
}

/*
 * The written file becomes path: synced, then linked (excl: never over an
 * existing file) or renamed, and the directory synced.
 */
int
crl_file_commit(struct crl_file *f, const char *path, int excl)
{
	int	rc = 1;

	if (fsync(f->fd) == -1 || close(f->fd) == -1) {
		f->fd = -1;
		err_set("cannot write %s: %s", path, strerror(errno));
		goto out;
	}
	f->fd = -1;
	if (excl ? link(f->tmp, path) == -1 : rename(f->tmp, path) == -1) {
		err_set(errno == EEXIST ? "%s exists already: another CRL "
		    "took this number; nothing was written" :
		    "cannot create %s: %s", path, strerror(errno));
		goto out;
	}
	if (excl)
		(void)unlink(f->tmp);
	free(f->tmp);
	f->tmp = NULL;
	if (fsync_dir(f->dir) != 0)
		goto out;
	rc = 0;
out:
	crl_file_abort(f);
	return rc;
}

void
crl_file_abort(struct crl_file *f)
{
	if (f->fd != -1)
		close(f->fd);
	if (f->tmp != NULL)
		(void)unlink(f->tmp);
	free(f->tmp);
	free(f->dir);
	memset(f, 0, sizeof(*f));
	f->fd = -1;
}
