/* SPDX-License-Identifier: ISC */
/*
 * A new data directory, made whole or not at all: it is built in a
 * temporary sibling "HOME.tmp-XXXXXX", synced, and renamed into place.
 * A crash or a failure on the way leaves no HOME behind, only at worst the
 * temporary sibling, which is safe to delete.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/db_int.h"
#include "util/util.h"

#define INDEX_HEADER	"# ceremony index v2: status notAfter revoked reason " \
			"invalidity serial generation profile subject\n"

const char *const db_subdirs[] = {
	"certs", "ca", "crls", "requests", "p12", "export", NULL
};

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path) == -1 ? -1 : 0;
}

/* Remove a directory and everything below it, never following links. */
int
rmtree(const char *path)
{
	return nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* 1 if dir has an entry other than . and .., 0 if not, -1 on error. */
static int
dir_nonempty(const char *dir)
{
	DIR		*d;
	struct dirent	*e;
	int		 found = 0;

	if ((d = opendir(dir)) == NULL)
		return -1;
	while (!found && (e = readdir(d)) != NULL)
		found = strcmp(e->d_name, ".") != 0 &&
		    strcmp(e->d_name, "..") != 0;
	closedir(d);
	return found;
}

/* HOME may be absent or an empty directory; anything else is refused. */
static int
home_check(const char *home)
{
	struct stat	st;
	int		full;

	if (lstat(home, &st) == -1) {
		if (errno == ENOENT)
			return 0;
		err_set("cannot look at %s (%s)", home, strerror(errno));
		return 1;
	}
	if (!S_ISDIR(st.st_mode)) {
		err_set("%s already exists and is not a directory: choose "
		    "another data directory with --home", home);
		return 1;
	}
	if ((full = dir_nonempty(home)) != 0) {
		if (full < 0)
			err_set("cannot read %s (%s)", home, strerror(errno));
		else
			err_set("%s already exists and is not empty: it is "
			    "left as it is; choose a new data directory with "
			    "--home", home);
		return 1;
	}
	return 0;
}

static int
sync_path(const char *path)
{
	int	fd, rc = 0;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1 ||
	    fsync(fd) == -1) {
		err_set("cannot sync %s (%s)", path, strerror(errno));
		rc = 1;
	}
	if (fd != -1)
		close(fd);
	return rc;
}

static int
put_file(const char *dir, const char *name, const char *text)
{
	char	*path;
	int	 rc;

	if (asprintf(&path, "%s/%s", dir, name) == -1) {
		err_set("out of memory");
		return 1;
	}
	rc = atomic_write(path, text, strlen(text), 0644, 1);
	free(path);
	return rc;
}

/* The files the caller gave (the CA's templates), read-only. */
static int
put_files(const char *dir, const struct db_config *cfg)
{
	const struct db_file	*f;
	char			*path = NULL;
	size_t			 i;
	int			 rc = 1;

	for (i = 0; i < cfg->nfiles; i++) {
		f = &cfg->files[i];
		free(path);
		if (asprintf(&path, "%s/%s", dir, f->dir) == -1) {
			path = NULL;
			err_set("out of memory");
			goto out;
		}
		if (mkdir(path, 0700) == -1 && errno != EEXIST) {
			err_set("cannot create %s (%s)", path, strerror(errno));
			goto out;
		}
		free(path);
		if (asprintf(&path, "%s/%s/%s", dir, f->dir, f->name) == -1) {
			path = NULL;
			err_set("out of memory");
			goto out;
		}
		if (atomic_write(path, f->data, f->len, 0444, 1) != 0)
			goto out;
	}
	rc = 0;
out:
	free(path);
	return rc;
}

/* Everything a data directory holds, in dir; synced. */
static int
populate(const char *dir, const struct db_config *cfg)
{
	char	*path = NULL;
	size_t	 i;
	int	 rc = 0;

	for (i = 0; db_subdirs[i] != NULL; i++) {
		free(path);
		if (asprintf(&path, "%s/%s", dir, db_subdirs[i]) == -1) {
			path = NULL;
			err_set("out of memory");
			goto out;
		}
		if (mkdir(path, 0700) == -1 || chmod(path, 0700) == -1) {
			err_set("cannot create %s (%s)", path, strerror(errno));
			goto out;
		}
		if (sync_path(path))
			goto out;
	}
	free(path);
	if (asprintf(&path, "%s/ceremony.cnf", dir) == -1) {
		path = NULL;
		err_set("out of memory");
		goto out;
	}
	if (db_config_write(path, cfg) || put_files(dir, cfg) ||
	    put_file(dir, "index.txt", INDEX_HEADER) ||
	    put_file(dir, "audit.log", "") ||
	    /* Made now, with room for the pid, so that opening the directory
	     * never has to add a file or grow one (a full disk still opens). */
	    put_file(dir, ".lock", "                   \n") || fsync_dir(dir))
		goto out;
	rc = 1;
out:
	free(path);
	return !rc;
}

/* home without trailing slashes, malloc'd. */
static char *
home_clean(const char *home)
{
	char	*h;
	size_t	 len;

	if ((h = strdup(home)) == NULL)
		return NULL;
	len = strlen(h);
	while (len > 1 && h[len - 1] == '/')
		h[--len] = '\0';
	return h;
}

int
db_create(const char *home, const struct db_config *cfg)
{
	char	*h = NULL, *tmp = NULL, *pcopy = NULL, *parent;
	int	 rc = 0, made = 0;

	if ((h = home_clean(home)) == NULL ||
	    (pcopy = strdup(h)) == NULL ||
	    asprintf(&tmp, "%s.tmp-XXXXXX", h) == -1) {
		tmp = NULL;
		err_set("out of memory");
		goto out;
	}
	parent = dirname(pcopy);
	if (home_check(h))
		goto out;
	if (mkdtemp(tmp) == NULL) {
		if (errno == ENOENT)
			err_set("cannot create data directory %s: %s does not "
			    "exist; create it first", h, parent);
		else
			err_set("cannot create data directory %s: cannot write "
			    "in %s (%s): choose a place you can write to", h,
			    parent, strerror(errno));
		goto out;
	}
	made = 1;
	if (populate(tmp, cfg)) {
		err_context("cannot create data directory %s", h);
		goto out;
	}
	if (rename(tmp, h) == -1) {
		if (errno == EEXIST || errno == ENOTEMPTY || errno == ENOTDIR)
			err_set("%s already exists and is not empty: it is "
			    "left as it is; choose a new data directory with "
			    "--home", h);
		else
			err_set("cannot create data directory %s (%s)", h,
			    strerror(errno));
		goto out;
	}
	made = 0;
	if (fsync_dir(parent))
		goto out;
	rc = 1;
out:
	if (made)
		rmtree(tmp);
	free(tmp);
	free(pcopy);
	free(h);
	return !rc;
}
