/* SPDX-License-Identifier: ISC */
/*
 * One process at a time: db_open takes an exclusive flock on HOME/.lock
 * and writes its pid there, so that a second process can say who holds
 * the directory.  The kernel drops the lock when the holder exits, even
 * after a crash, so a stale .lock file never blocks anyone.  The pid is
 * written over the old one in a fixed width, never truncated, so that the
 * lock can be taken on a full disk (to look, or to free space).
 */
#include <sys/file.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/db_int.h"
#include "util/util.h"

#define PID_WIDTH	20	/* "%-19ld\n" */

/* The pid written in the lock file, as text, or "unknown". */
static void
holder(int fd, char *buf, size_t size)
{
	ssize_t	n;
	size_t	i;

	if ((n = pread(fd, buf, size - 1, 0)) <= 0)
		n = 0;
	buf[n] = '\0';
	for (i = 0; i < (size_t)n && buf[i] >= '0' && buf[i] <= '9'; i++)
		;
	buf[i] = '\0';
	if (i == 0)
		snprintf(buf, size, "unknown");
}

/*
 * A read-only command (ro) takes a shared lock on the file as it is and
 * writes nothing: it changes no file, and readers do not exclude each
 * other; a writer still excludes them, and they it.
 */
int
db_lock(struct db *db, int ro)
{
	char	*path = NULL, pid[32];
	int	 fd = -1, rc = 0, n;

	if ((path = db_path(db, ".lock")) == NULL)
		goto out;
	if ((fd = open(path, ro ? O_RDONLY | O_CLOEXEC | O_NOFOLLOW :
	    O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644)) == -1) {
		err_set("cannot open %s (%s): check the permissions of the "
		    "data directory", path, strerror(errno));
		goto out;
	}
	if (flock(fd, (ro ? LOCK_SH : LOCK_EX) | LOCK_NB) == -1) {
		if (errno == EWOULDBLOCK) {
			holder(fd, pid, sizeof(pid));
			err_set("data directory %s is in use by another "
			    "ceremony process (pid %s): wait for it to finish",
			    db->home, pid);
		} else
			err_set("cannot lock %s (%s)", path, strerror(errno));
		goto out;
	}
	db->lockro = ro;
	n = snprintf(pid, sizeof(pid), "%-*ld\n", PID_WIDTH - 1,
	    (long)getpid());
	if (!ro && pwrite(fd, pid, (size_t)n, 0) != n) {
		err_set("cannot write %s (%s): check the disk", path,
		    strerror(errno));
		goto out;
	}
	db->lockfd = fd;
	fd = -1;
	rc = 1;
out:
	if (fd != -1)
		close(fd);
	free(path);
	return !rc;
}

/* Blank the pid and let go (closing the file drops the flock). */
void
db_unlock(struct db *db)
{
	char	blank[PID_WIDTH];

	if (db->lockfd == -1)
		return;
	memset(blank, ' ', sizeof(blank) - 1);
	blank[sizeof(blank) - 1] = '\n';
	/* A pid left behind does no harm: the next holder overwrites it. */
	if (!db->lockro)
		(void)!pwrite(db->lockfd, blank, sizeof(blank), 0);
	close(db->lockfd);
	db->lockfd = -1;
}
