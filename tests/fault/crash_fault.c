/* SPDX-License-Identifier: ISC */
/*
 * A crash a test cannot otherwise place: preloaded (LD_PRELOAD) into
 * ceremony by tests/sign_crash.t, this write() ends the process as a
 * power cut would, at the one write whose bytes hold a marker:
 *
 *   CEREMONY_CRASH_BEFORE=M   the write is never made
 *   CEREMONY_CRASH_AFTER=M    the write is made and synced, then the end
 *
 * The marker is the text of an audit record ("\top=sign\t"), so the
 * crash falls just before or just after the signing's record.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int
marked(const void *buf, size_t len, const char *env)
{
	const char	*m = getenv(env);

	return m != NULL && *m != '\0' && len > 0 &&
	    memmem(buf, len, m, strlen(m)) != NULL;
}

ssize_t
write(int fd, const void *buf, size_t len)
{
	ssize_t	(*real)(int, const void *, size_t);
	ssize_t	n;

	real = (ssize_t (*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
	if (marked(buf, len, "CEREMONY_CRASH_BEFORE"))
		_exit(137);
	n = real(fd, buf, len);
	if (marked(buf, len, "CEREMONY_CRASH_AFTER")) {
		fsync(fd);
		_exit(137);
	}
	return n;
}
