/* SPDX-License-Identifier: ISC */
/*
 * Room on the data directory's file system, checked before the token is
 * asked to sign: a full disk is refused up front, with nothing written.
 * The atomic writes still guard the race where the disk fills afterwards.
 */
#include <sys/statvfs.h>

#include <errno.h>
#include <string.h>

#include "db/db.h"
#include "util/util.h"

int
db_space_check(const struct db *db, size_t need)
{
	struct statvfs	st;
	unsigned long long free_bytes;

	if (statvfs(db_home(db), &st) == -1) {
		err_set("cannot see the free space of %s: %s", db_home(db),
		    strerror(errno));
		return 1;
	}
	free_bytes = (unsigned long long)st.f_bavail * st.f_frsize;
	if (free_bytes < need) {
		err_set("data directory %s has %llu KiB free, %zu KiB are "
		    "needed: No space left on device; free some space and try "
		    "again (nothing was signed)", db_home(db),
		    free_bytes / 1024, need / 1024);
		return 1;
	}
	return 0;
}
