/* SPDX-License-Identifier: ISC */
/*
 * quorum.txt: which M-of-N split of the user PIN is the current one, so
 * that shares of a split made before a reshare (whose PIN the token no
 * longer has) are refused by their quorum id before a PIN try is spent.
 * Nothing secret: the id, M, N and the custodians' names.
 *
 *   # ceremony quorum (docs/assurance.md): the shares that open the token
 *   quorum=7F3A9C21E0B4D5A6	m=3	n=5	time=2026-11-23T13:06:22Z	custodians=alice,bob,...
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "db/db_int.h"
#include "util/util.h"

#define QUORUM_FILE	"quorum.txt"

int
db_quorum_set(struct db *db, const char *qid, int m, int n,
    const char *const *custodians)
{
	char		*path = NULL, *buf = NULL, when[32];
	size_t		 len = 0;
	FILE		*f;
	time_t		 now = time(NULL);
	int		 i, rc = 1;

	utc_format(now, UTC_ISO, when);
	if ((path = db_path(db, QUORUM_FILE)) == NULL ||
	    (f = open_memstream(&buf, &len)) == NULL) {
		err_set("out of memory");
		goto out;
	}
	fprintf(f, "# ceremony quorum (docs/assurance.md): the shares that "
	    "open the token\nquorum=%s\tm=%d\tn=%d\ttime=%s\tcustodians=",
	    qid, m, n, when);
	for (i = 0; i < n; i++)
		fprintf(f, "%s%s", i > 0 ? "," : "", custodians[i]);
	fprintf(f, "\n");
	if (fclose(f) != 0) {
		err_set("out of memory");
		goto out;
	}
	rc = atomic_write(path, buf, len, 0644, 0);
out:
	free(buf);
	free(path);
	return rc;
}

/* The current quorum's id into qid (17 bytes), "" when none was made. */
int
db_quorum_get(const struct db *db, char *qid)
{
	unsigned char	*buf = NULL;
	char		*path, *p;
	size_t		 len;
	int		 rc = 1;

	qid[0] = '\0';
	if ((path = db_path(db, QUORUM_FILE)) == NULL)
		return 1;
	if (access(path, F_OK) == -1 && errno == ENOENT) {
		free(path);
		return 0;
	}
	if (file_read_small("quorum file", path, 4096, &buf, &len) != 0)
		goto out;
	buf[len] = '\0';
	if ((p = strstr((char *)buf, "\nquorum=")) == NULL ||
	    strspn(p + 8, "0123456789ABCDEF") != 16 || p[24] != '\t') {
		err_set("%s is corrupt: restore it from the backup", path);
		goto out;
	}
	memcpy(qid, p + 8, 16);
	qid[16] = '\0';
	rc = 0;
out:
	free(buf);
	free(path);
	return rc;
}
