/* SPDX-License-Identifier: ISC */
/*
 * Where db import-openssl puts what it has checked until everything is
 * checked: HOME/.import.tmp-XXXXXX, holding certs/ (one file per
 * certificate, written by the verifying threads) and index.txt (the P,
 * V, R lines, written in the source's order).  Nothing in it is part of
 * the database: db verify never looks there, and an import killed before
 * its commit leaves only this folder, which the next import removes (it
 * holds the lock, so no other import is running).  The commit makes all
 * of it durable with one syncfs, then puts it in place with two renames:
 * certs/ over the new data directory's empty certs/, then index.txt over
 * its empty index.  The index comes last: until it names the
 * certificates, nothing is imported.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ceremony/migrate/migrate.h"

#define STAGE_PREFIX	".import.tmp-"

struct ossl_stage {
	char	*dir;		/* HOME/.import.tmp-XXXXXX */
	char	*certs;		/* dir/certs */
	char	*index;		/* dir/index.txt */
	int	 certsfd;
	FILE	*out;		/* the staged index */
};

/* What an import killed before its commit left behind. */
static void
stage_sweep(const char *home)
{
	struct dirent	*e;
	DIR		*d;
	char		*p;

	if ((d = opendir(home)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, STAGE_PREFIX, strlen(STAGE_PREFIX)) != 0
		    || asprintf(&p, "%s/%s", home, e->d_name) == -1)
			continue;
		if (rmtree(p) == 0)
			note("%s: removed %s, left by an interrupted import",
			    home, e->d_name);
		free(p);
	}
	closedir(d);
}

/*
 * The staged index takes the place of the empty one: it starts with what
 * that holds (its header, no record: import_check saw to that), its mode.
 */
static int
stage_index_open(struct db *db, struct ossl_stage *st)
{
	struct stat	 sb;
	unsigned char	*head = NULL;
	char		*cur;
	size_t		 len = 0;
	mode_t		 mode = 0600;
	int		 fd = -1, rc = 1;

	if ((cur = db_path(db, "index.txt")) == NULL)
		return 1;
	if (stat(cur, &sb) == 0) {
		mode = sb.st_mode & 0777;
		if (file_read_small("index", cur, 65536, &head, &len) != 0)
			goto out;
	}
	if ((fd = open(st->index, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, mode)) == -1 || fchmod(fd, mode) == -1 ||
	    (st->out = fdopen(fd, "w")) == NULL ||
	    fwrite(head, 1, len, st->out) != len) {
		err_set("cannot create %s (%s): check the disk", st->index,
		    strerror(errno));
		goto out;
	}
	fd = -1;
	rc = 0;
out:
	if (fd != -1 && st->out == NULL)
		close(fd);
	free(head);
	free(cur);
	return rc;
}

int
ossl_stage_open(struct db *db, struct ossl_stage **out)
{
	struct ossl_stage	*st;

	*out = NULL;
	stage_sweep(db_home(db));
	if ((st = calloc(1, sizeof(*st))) == NULL) {
		err_set("out of memory");
		return 1;
	}
	st->certsfd = -1;
	if (asprintf(&st->dir, "%s/" STAGE_PREFIX "XXXXXX", db_home(db)) == -1)
		st->dir = NULL;
	if (st->dir != NULL && mkdtemp(st->dir) == NULL) {
		err_set("cannot make a folder in %s for the import (%s): check "
		    "the disk", db_home(db), strerror(errno));
		free(st->dir);
		st->dir = NULL;
		goto fail;
	}
	if (st->dir == NULL || asprintf(&st->certs, "%s/certs", st->dir) == -1
	    || asprintf(&st->index, "%s/index.txt", st->dir) == -1) {
		err_set("out of memory");
		goto fail;
	}
	if (mkdir(st->certs, 0700) == -1 || (st->certsfd = open(st->certs,
	    O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		err_set("cannot make %s (%s): check the disk", st->certs,
		    strerror(errno));
		goto fail;
	}
	*out = st;
	return stage_index_open(db, st);
fail:
	ossl_stage_free(st);
	return 1;
}

/*
 * certs/SERIAL.pem in the staging folder, never over a file: a serial the
 * index names twice finds its first file there (2).  Any thread may call
 * this; the folder's descriptor is only read.
 */
int
ossl_stage_cert(struct ossl_stage *st, const char *serial, const void *pem,
    size_t len)
{
	char	name[DB_SERIAL_MAX + 8];
	int	fd;

	snprintf(name, sizeof(name), "%s.pem", serial);
	if ((fd = openat(st->certsfd, name, O_WRONLY | O_CREAT | O_EXCL |
	    O_NOFOLLOW | O_CLOEXEC, 0644)) == -1) {
		if (errno == EEXIST)
			return 2;
		err_set("cannot write %s/%s (%s): check the disk", st->certs,
		    name, strerror(errno));
		return 1;
	}
	if (file_write_all(fd, pem, len, 0) != 0) {
		err_set("cannot write %s/%s (%s): free some space and import "
		    "again", st->certs, name, strerror(errno));
		close(fd);
		return 1;
	}
	return close(fd) != 0;
}

/* Index lines, in order, to the staged index (the main thread only). */
int
ossl_stage_records(struct ossl_stage *st, const struct db_record *r,
    size_t n)
{
	char	*buf;
	size_t	 i, size;
	int	 len, rc = 0;

	for (i = 0; i < n && rc == 0; i++) {
		size = 512 + 6 * strlen(r[i].subject);
		if ((buf = malloc(size)) == NULL) {
			err_set("out of memory");
			return 1;
		}
		if ((len = index_format_line(&r[i], buf, size)) < 0)
			rc = 1;
		else if (fwrite(buf, 1, (size_t)len, st->out) != (size_t)len) {
			err_set("cannot write %s (%s): free some space and "
			    "import again", st->index, strerror(errno));
			rc = 1;
		}
		free(buf);
	}
	return rc;
}

static int
stage_rename(const char *from, struct db *db, const char *name)
{
	char	*to;
	int	 rc = 0;

	if ((to = db_path(db, name)) == NULL)
		return 1;
	if (rename(from, to) == -1) {
		if (errno == ENOTEMPTY || errno == EEXIST)
			err_set("%s is not empty: import into a new data "
			    "directory (ceremony init)", to);
		else
			err_set("cannot put %s in place (%s)", to,
			    strerror(errno));
		rc = 1;
	}
	free(to);
	return rc || fsync_dir(db_home(db));
}

/*
 * Everything staged made durable at once (the staged index flushed, one
 * syncfs for the certificates), then certs/, then the index, in place.
 */
int
ossl_stage_commit(struct db *db, struct ossl_stage *st)
{
	FILE	*out = st->out;

	st->out = NULL;
	if (fflush(out) != 0 || fdatasync(fileno(out)) == -1 ||
	    syncfs(st->certsfd) == -1) {
		err_set("cannot write %s (%s): nothing was imported; free some "
		    "space or check the disk", st->dir, strerror(errno));
		fclose(out);
		return 1;
	}
	if (fclose(out) != 0) {
		err_set("cannot write %s (%s): nothing was imported", st->index,
		    strerror(errno));
		return 1;
	}
	return stage_rename(st->certs, db, "certs") ||
	    stage_rename(st->index, db, "index.txt");
}

/* The staging folder and whatever is still in it. */
void
ossl_stage_free(struct ossl_stage *st)
{
	if (st == NULL)
		return;
	if (st->out != NULL)
		fclose(st->out);
	if (st->certsfd != -1)
		close(st->certsfd);
	if (st->dir != NULL && access(st->dir, F_OK) == 0)
		rmtree(st->dir);
	free(st->dir);
	free(st->certs);
	free(st->index);
	free(st);
}
