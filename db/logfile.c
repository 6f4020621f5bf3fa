/* SPDX-License-Identifier: ISC */
/*
 * Reading the append-only files (index.txt, audit.log): the whole file,
 * or only its last line, and cutting off a torn last line that a crash in
 * the middle of an append left behind.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/db_int.h"
#include "util/util.h"

/* The whole file behind fd, NUL-terminated, in one allocation. */
int
read_all(int fd, char **buf, size_t *len)
{
	struct stat	 st;
	char		*b = NULL;
	size_t		 n = 0;
	ssize_t		 r;
	int		 rc = 0;

	if (fstat(fd, &st) == -1) {
		err_set("%s", strerror(errno));
		goto out;
	}
	if ((b = malloc((size_t)st.st_size + 1)) == NULL) {
		err_set("out of memory reading %lld bytes",
		    (long long)st.st_size);
		goto out;
	}
	while (n < (size_t)st.st_size) {
		r = pread(fd, b + n, (size_t)st.st_size - n, (off_t)n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0) {
			err_set("%s", r == 0 ? "file shrank while reading" :
			    strerror(errno));
			goto out;
		}
		n += (size_t)r;
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	b = NULL;
	rc = 1;
out:
	free(b);
	return !rc;
}

/* Cut the file behind fd back to keep bytes, durably, and say so. */
static int
cut_to(int fd, const char *name, off_t keep, off_t size)
{
	if (ftruncate(fd, keep) == -1 || fsync(fd) == -1) {
		err_set("cannot cut the incomplete last line of %s (%s): "
		    "check the disk, then try again", name, strerror(errno));
		return 1;
	}
	note("%s: removed an incomplete last line (%lld bytes) left by an "
	    "interrupted write", name, (long long)(size - keep));
	return 0;
}

/*
 * A file whose last byte is not a newline was cut short by a crash in the
 * middle of an append (which is never reported as done before its fsync):
 * cut it back to the last whole line, durably, and say so.
 */
int
cut_torn_tail(int fd, const char *name, const char *buf, size_t *len)
{
	size_t	keep = *len;

	while (keep > 0 && buf[keep - 1] != '\n')
		keep--;
	if (keep == *len)
		return 0;
	if (cut_to(fd, name, (off_t)keep, (off_t)*len))
		return 1;
	*len = keep;
	return 0;
}

/* The offset of the last newline in the len bytes at p, or -1. */
static ssize_t
last_nl(const char *p, size_t len)
{
	const char	*q = memrchr(p, '\n', len);

	return q == NULL ? -1 : q - p;
}

/*
 * The last whole line of the file behind fd (malloc'd, without its
 * newline; NULL for an empty file), read from the end so that a long log
 * costs no more than a short one.  A torn last line is cut off first.
 */
int
tail_line(int fd, const char *name, char **line, size_t *len)
{
	struct stat	 st;
	char		*buf = NULL;
	size_t		 chunk = 4096, n;
	off_t		 size, start;
	ssize_t		 i;
	int		 rc = 1;

	*line = NULL;
	*len = 0;
	if (fstat(fd, &st) == -1) {
		err_set("cannot read %s (%s)", name, strerror(errno));
		return 1;
	}
	for (size = st.st_size; size > 0; ) {
		start = size > (off_t)chunk ? size - (off_t)chunk : 0;
		n = (size_t)(size - start);
		free(buf);
		if ((buf = malloc(n)) == NULL) {
			err_set("out of memory reading %s", name);
			goto out;
		}
		if (pread(fd, buf, n, start) != (ssize_t)n) {
			err_set("cannot read %s (%s)", name, strerror(errno));
			goto out;
		}
		i = last_nl(buf, buf[n - 1] == '\n' ? n - 1 : n);
		if (buf[n - 1] != '\n' && (i >= 0 || start == 0)) {
			if (cut_to(fd, name, start + i + 1, size))
				goto out;
			size = start + i + 1;
			continue;
		}
		if (i < 0 && start > 0) {
			chunk *= 2;
			continue;
		}
		*len = n - 1 - (size_t)(i + 1);
		memmove(buf, buf + i + 1, *len);
		buf[*len] = '\0';
		*line = buf;
		buf = NULL;
		break;
	}
	rc = 0;
out:
	free(buf);
	return rc;
}
