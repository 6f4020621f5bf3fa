/* SPDX-License-Identifier: ISC */
/*
 * Reading a small file whole (a template, a policy, a request): a regular
 * file under a size limit, so that a device node or a huge file given by
 * mistake is refused before anything parses it.  Templates and policies
 * keep the bytes for the audit record (their SHA-256).
 */
#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/util.h"

int
file_read_small(const char *what, const char *path, size_t max,
    unsigned char **buf, size_t *len)
{
	struct stat	 st;
	ssize_t		 n;
	int		 fd, rc = 1;

	*buf = NULL;
	*len = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		err_set("cannot open %s %s: %s", what, path, strerror(errno));
		return 1;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		err_set("%s %s is not a regular file", what, path);
		goto out;
	}
	if ((size_t)st.st_size > max) {
		err_set("%s %s is %lld bytes, more than the %zu it may have: "
		    "is it the right file?", what, path, (long long)st.st_size,
		    max);
		goto out;
	}
	if ((*buf = malloc(st.st_size + 1)) == NULL) {
		err_set("out of memory reading %s", path);
		goto out;
	}
	if ((n = read(fd, *buf, st.st_size)) != st.st_size) {
		err_set("cannot read %s %s: %s", what, path,
		    n == -1 ? strerror(errno) : "short read");
		goto out;
	}
	*len = n;
	rc = 0;
out:
	if (rc != 0) {
		free(*buf);
		*buf = NULL;
	}
	close(fd);
	return rc;
}

/* "templates/policy-subca.cnf" -> "policy-subca". */
char *
file_stem(const char *path)
{
	const char	*b = strrchr(path, '/');
	char		*name, *dot;

	if ((name = strdup(b != NULL ? b + 1 : path)) == NULL)
		return NULL;
	if ((dot = strrchr(name, '.')) != NULL && strcmp(dot, ".cnf") == 0)
		*dot = '\0';
	return name;
}

/*
 * All len bytes to fd, again after a signal.  sock: fd is a socket,
 * written with MSG_NOSIGNAL, so that a peer that died is an error here
 * rather than a SIGPIPE.
 */
int
file_write_all(int fd, const void *buf, size_t len, int sock)
{
	const unsigned char	*p = buf;
	ssize_t			 n;

	while (len > 0) {
		if ((n = sock ? send(fd, p, len, MSG_NOSIGNAL) :
		    write(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			return 1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}
