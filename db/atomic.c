/* SPDX-License-Identifier: ISC */
/*
 * Durable writes.  A file is replaced whole or not at all: it is written
 * to a temporary file in the same directory, synced, renamed over the
 * target and the directory synced.  An append to a log is one write and
 * one fdatasync, cut back to the old length when either fails, so that a
 * full disk never leaves half a line behind.
 */
#include <sys/random.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/db_int.h"
#include "util/util.h"

#define TMP_TRIES	16

/*
 * A write group (atomic_group_begin .. commit): a batch writes thousands
 * of small files; instead of two fsyncs each, the temporary files are
 * written unsynced, then one syncfs per file system makes them durable,
 * then they are renamed into place and each directory synced once.
 * Until the commit, none of them is in place.
 */
struct pending {
	char	*tmp;
	char	*path;
	char	*dir;
	int	 excl;
};
static struct {
	int		 active;
	struct pending	*v;
	size_t		 n, cap;
} group;

int
fsync_dir(const char *dir)
{
	int	fd, rc = 0;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    fsync(fd) == -1) {
		err_set("cannot sync directory %s (%s): check the disk",
		    dir, strerror(errno));
		rc = 1;
	}
	if (fd != -1)
		close(fd);
	return rc;
}

/* The directory part of path, malloc'd. */
static char *
dir_of(const char *path)
{
	char	*copy, *d;

	if ((copy = strdup(path)) == NULL)
		return NULL;
	d = strdup(dirname(copy));
	free(copy);
	return d;
}

/* ".NAME.tmp-XXXXXXXXXXXX" next to path, malloc'd; NULL with errno set. */
static char *
tmp_name(const char *path)
{
	const char	*base = strrchr(path, '/');
	unsigned char	 rnd[6];
	char		*t, r[2 * sizeof(rnd) + 1];
	size_t		 dirlen = base != NULL ? (size_t)(base - path + 1) : 0;

	base = base != NULL ? base + 1 : path;
	if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd))
		return NULL;
	r[hex_write(r, rnd, sizeof(rnd), HEX_LOWER)] = '\0';
	if (asprintf(&t, "%.*s.%s.tmp-%s", (int)dirlen, path, base, r) == -1) {
		errno = ENOMEM;
		return NULL;
	}
	return t;
}

/*
 * Create ".NAME.tmp-XXXXXX" next to path, never following a link and never
 * opening a file that is already there.
 */
static int
tmp_create(const char *path, char **tmp)
{
	char	*t = NULL;
	int	 fd = -1, i;

	for (i = 0; i < TMP_TRIES && fd == -1; i++) {
		free(t);
		if ((t = tmp_name(path)) == NULL)
			break;
		fd = open(t, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, 0600);
		if (fd == -1 && errno != EEXIST)
			break;
	}
	if (fd == -1) {
		err_set("cannot create a temporary file next to %s (%s)",
		    path, strerror(errno));
		free(t);
		return -1;
	}
	*tmp = t;
	return fd;
}

/* Put tmp in place of path, but never over a file that exists. */
static int
rename_excl(const char *tmp, const char *path)
{
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return 1;
	/* No RENAME_NOREPLACE here: link() refuses an existing name too. */
	if (link(tmp, path) == -1)
		return 1;
	unlink(tmp);
	return 0;
}

static int
group_add(char *tmp, const char *path, char *dir, int excl)
{
	struct pending	*v;
	size_t		 cap;

	if (group.n == group.cap) {
		cap = group.cap ? group.cap * 2 : 64;
		if ((v = reallocarray(group.v, cap, sizeof(*v))) == NULL) {
			err_set("out of memory");
			return 1;
		}
		group.v = v;
		group.cap = cap;
	}
	if ((group.v[group.n].path = strdup(path)) == NULL) {
		err_set("out of memory");
		return 1;
	}
	group.v[group.n].tmp = tmp;
	group.v[group.n].dir = dir;
	group.v[group.n].excl = excl;
	group.n++;
	return 0;
}

int
atomic_group_begin(void)
{
	if (group.active) {
		err_set("a write group is already open (this is a bug)");
		return 1;
	}
	group.active = 1;
	group.n = 0;
	return 0;
}

static void
group_end(void)
{
	size_t	i;

	for (i = 0; i < group.n; i++) {
		if (group.v[i].tmp != NULL)
			unlink(group.v[i].tmp);
		free(group.v[i].tmp);
		free(group.v[i].path);
		free(group.v[i].dir);
	}
	free(group.v);
	memset(&group, 0, sizeof(group));
}

/* Make the group's files durable where they are, once per file system. */
static int
group_sync(void)
{
	size_t	i, k;
	int	fd, seen;

	for (i = 0; i < group.n; i++) {
		for (seen = 0, k = 0; k < i && !seen; k++)
			seen = strcmp(group.v[k].dir, group.v[i].dir) == 0;
		if (seen)
			continue;
		if ((fd = open(group.v[i].dir, O_RDONLY | O_DIRECTORY |
		    O_CLOEXEC)) == -1 || syncfs(fd) == -1) {
			err_set("cannot sync %s (%s): nothing was changed",
			    group.v[i].dir, strerror(errno));
			if (fd != -1)
				close(fd);
			return 1;
		}
		close(fd);
	}
	return 0;
}

/* Rename every file into place and sync each directory once. */
int
atomic_group_commit(void)
{
	struct pending	*p;
	size_t		 i, k;
	int		 seen, rc = 1;

	if (group_sync() != 0)
		goto out;
	for (i = 0; i < group.n; i++) {
		p = &group.v[i];
		if (p->excl ? rename_excl(p->tmp, p->path) :
		    rename(p->tmp, p->path) == -1) {
			if (errno == EEXIST)
				err_set("%s already exists and is never "
				    "overwritten", p->path);
			else
				err_set("cannot put %s in place (%s)", p->path,
				    strerror(errno));
			goto out;
		}
		free(p->tmp);
		p->tmp = NULL;
	}
	for (i = 0; i < group.n; i++) {
		for (seen = 0, k = 0; k < i && !seen; k++)
			seen = strcmp(group.v[k].dir, group.v[i].dir) == 0;
		if (!seen && fsync_dir(group.v[i].dir))
			goto out;
	}
	rc = 0;
out:
	group_end();
	return rc;
}

/* Remove what the group wrote: nothing of it was put in place. */
void
atomic_group_abort(void)
{
	group_end();
}

/*
 * Replace (or with excl, create) path with len bytes of buf, mode mode.
 * On failure the temporary file is gone and path is as it was.  Inside a
 * write group it is put in place by atomic_group_commit().
 */
int
atomic_write(const char *path, const void *buf, size_t len, mode_t mode,
    int excl)
{
	char	*tmp = NULL, *dir = NULL;
	int	 fd = -1, rc = 0;

	if ((dir = dir_of(path)) == NULL) {
		err_set("out of memory");
		goto out;
	}
	if ((fd = tmp_create(path, &tmp)) == -1)
		goto out;
	if (file_write_all(fd, buf, len, 0) || fchmod(fd, mode) == -1 ||
	    (!group.active && fsync(fd) == -1)) {
		err_set("cannot write %s (%s): nothing was changed; free some "
		    "space or check the disk, then try again", path,
		    strerror(errno));
		goto out;
	}
	if (close(fd) == -1) {
		fd = -1;
		err_set("cannot write %s (%s): nothing was changed", path,
		    strerror(errno));
		goto out;
	}
	fd = -1;
	if (group.active) {
		if (group_add(tmp, path, dir, excl) != 0)
			goto out;
		tmp = dir = NULL;
		rc = 1;
		goto out;
	}
	if (excl ? rename_excl(tmp, path) : rename(tmp, path) == -1) {
		if (errno == EEXIST)
			err_set("%s already exists and is never overwritten",
			    path);
		else
			err_set("cannot put %s in place (%s)", path,
			    strerror(errno));
		goto out;
	}
	free(tmp);
	tmp = NULL;
	if (fsync_dir(dir))
		goto out;
	rc = 1;
out:
	if (fd != -1)
		close(fd);
	if (tmp != NULL)
		unlink(tmp);
	free(tmp);
	free(dir);
	return !rc;
}

/*
 * path as a hard link to from: a file already in place and durable that
 * holds exactly the bytes path should (a certificate exported as the
 * database keeps it), so no new file is written.  Like atomic_write it
 * replaces path, and inside a write group it lands at the commit.  When
 * this file system cannot link from there (another one, or none with
 * links), *linked is 0 and no error is set: the caller writes the bytes.
 */
int
atomic_link(const char *from, const char *path, int *linked)
{
	char	*tmp = NULL, *dir = NULL;
	int	 i, made = -1, rc = 0;

	*linked = 0;
	if ((dir = dir_of(path)) == NULL) {
		err_set("out of memory");
		goto out;
	}
	for (i = 0; i < TMP_TRIES && made == -1; i++) {
		free(tmp);
		if ((tmp = tmp_name(path)) == NULL)
			break;
		if ((made = link(from, tmp)) == -1 && errno != EEXIST)
			break;
	}
	if (made == -1) {
		if (errno == EXDEV || errno == EPERM || errno == EMLINK ||
		    errno == EOPNOTSUPP)
			rc = 1;
		else
			err_set("cannot link %s to %s (%s)", from, path,
			    strerror(errno));
		free(tmp);
		tmp = NULL;
		goto out;
	}
	if (group.active) {
		if (group_add(tmp, path, dir, 0) != 0)
			goto out;
		tmp = dir = NULL;
		*linked = rc = 1;
		goto out;
	}
	if (rename(tmp, path) == -1) {
		err_set("cannot put %s in place (%s)", path, strerror(errno));
		goto out;
	}
	free(tmp);
	tmp = NULL;
	if (fsync_dir(dir))
		goto out;
	*linked = rc = 1;
out:
	if (tmp != NULL)
		unlink(tmp);
	free(tmp);
	free(dir);
	return !rc;
}

/*
 * Append len bytes to fd (opened O_APPEND) and make them durable.  When
 * the write or the sync fails, the file is cut back to its old length.
 */
int
append_durable(int fd, const void *buf, size_t len)
{
	struct stat	st;
	int		saved;

	if (fstat(fd, &st) == -1) {
		err_set("cannot append (%s)", strerror(errno));
		return 1;
	}
	if (file_write_all(fd, buf, len, 0) == 0 && fdatasync(fd) == 0)
		return 0;
	saved = errno;
	if (ftruncate(fd, st.st_size) == -1 || fsync(fd) == -1) {
		err_set("cannot append (%s), and cannot cut the file back "
		    "(%s): the last line may be incomplete; it is cut off "
		    "the next time the database is opened", strerror(saved),
		    strerror(errno));
		return 1;
	}
	err_set("cannot append (%s): nothing was added; free some space or "
	    "check the disk, then try again", strerror(saved));
	return 1;
}
