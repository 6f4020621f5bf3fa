/* SPDX-License-Identifier: ISC */
/*
 * Reading the append-only files (index.txt, audit.log): the whole file,
 * or only its last line, and telling a last line that only lacks its
 * newline (a whole record) from one a crash cut short.  Nothing here
 * changes a file: repairs are repair.c's, made by writing commands.
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

/*
 * Where the last line of the len bytes at buf starts (len for a file that
 * ends with a newline): the remainder of an append may lack its newline.
 */
size_t
tail_start(const char *buf, size_t len)
{
	const char	*q;

	if (len == 0 || buf[len - 1] == '\n')
		return len;
	q = memrchr(buf, '\n', len);
	return q == NULL ? 0 : (size_t)(q - buf) + 1;
}

/*
 * How many of the len bytes at buf a reader takes as records: all of
 * them when the file ends with a newline or its last line, without one,
 * is still a whole record (whole says); else up to that last line, which
 * is left where it is, with a note: reading never changes a file, and
 * only a writing command moves an incomplete line to quarantine/.
 */
size_t
tail_usable(const char *name, const char *buf, size_t len, tail_whole_fn whole)
{
	size_t	at = tail_start(buf, len);

	if (at == len || whole(buf + at, len - at))
		return len;
	note("%s: its last line is incomplete (%zu bytes, an interrupted "
	    "write) and is left out; the next writing command moves it to "
	    "quarantine/", name, len - at);
	return at;
}

/* The offset of the last newline in the len bytes at p, or -1. */
static ssize_t
last_nl(const char *p, size_t len)
{
	const char	*q = memrchr(p, '\n', len);

	return q == NULL ? -1 : q - p;
}

/*
 * The last line of the file behind fd, read from the end so that a long
 * log costs no more than a short one: t->line (malloc'd, without its
 * newline; NULL for an empty file), where it starts, and whether it
 * lacks its newline (t->open).  Nothing is changed.
 */
int
tail_line(int fd, const char *name, struct tail *t)
{
	struct stat	 st;
	char		*buf = NULL;
	size_t		 chunk = 4096, n;
	off_t		 size, end, start;
	ssize_t		 i;
	int		 rc = 1;

	memset(t, 0, sizeof(*t));
	if (fstat(fd, &st) == -1) {
		err_set("cannot read %s (%s)", name, strerror(errno));
		return 1;
	}
	if ((size = st.st_size) == 0)
		return 0;
	for (;;) {
		start = size > (off_t)chunk ? size - (off_t)chunk : 0;
		n = (size_t)(size - start);
		free(buf);
		if ((buf = malloc(n + 1)) == NULL) {
			err_set("out of memory reading %s", name);
			goto out;
		}
		if (pread(fd, buf, n, start) != (ssize_t)n) {
			err_set("cannot read %s (%s)", name, strerror(errno));
			goto out;
		}
		t->open = buf[n - 1] != '\n';
		end = t->open ? (off_t)n : (off_t)n - 1;
		if ((i = last_nl(buf, (size_t)end)) < 0 && start > 0) {
			chunk *= 2;
			continue;
		}
		t->at = start + i + 1;
		t->len = (size_t)(end - (i + 1));
		memmove(buf, buf + i + 1, t->len);
		buf[t->len] = '\0';
		t->line = buf;
		buf = NULL;
		break;
	}
	rc = 0;
out:
	free(buf);
	return rc;
}
