/* SPDX-License-Identifier: ISC */
/*
 * Every CA certificate file of a data directory, by name: ca/gen-N.pem
 * (generation N), ca/gen-N-chain.pem (the chain above an installed
 * issuing CA) and the link certificates of a rollover
 * (ca/gen-N-newwithold.pem, ca/gen-N-oldwithnew.pem).  What a
 * publication bundle carries and db verify checks.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db_int.h"
#include "util/util.h"

/* N of "gen-N.pem" or "gen-N-WORD.pem" (N from 1, no leading 0), else 0. */
int
db_ca_file_gen(const char *name)
{
	const char	*p = name + 4, *end;
	long		 n = 0;
	size_t		 len = strlen(name);

	if (strncmp(name, "gen-", 4) != 0 || len < 9 || *p == '0' ||
	    strcmp(name + len - 4, ".pem") != 0)
		return 0;
	end = name + len - 4;
	for (; p < end && *p >= '0' && *p <= '9'; p++) {
		n = n * 10 + (*p - '0');
		if (n > INT_MAX)
			return 0;
	}
	if (p == name + 4)
		return 0;
	if (p < end && (*p != '-' || p + 1 == end ||
	    strspn(p + 1, "abcdefghijklmnopqrstuvwxyz") != (size_t)(end - p - 1)))
		return 0;
	return (int)n;
}

static int
name_cmp(const void *a, const void *b)
{
	const char	*x = *(char *const *)a, *y = *(char *const *)b;
	int		 gx = db_ca_file_gen(x), gy = db_ca_file_gen(y);

	if (gx != gy)
		return gx < gy ? -1 : 1;
	return strcmp(x, y);
}

/* The names (not paths) in ca/, by generation then name. */
int
db_ca_files(const struct db *db, char ***out, size_t *n)
{
	DIR		*d;
	struct dirent	*e;
	char		*dir, **v = NULL, **nv;
	size_t		 cap = 0;
	int		 rc = 1;

	*out = NULL;
	*n = 0;
	if ((dir = db_path(db, "ca")) == NULL)
		return 1;
	if ((d = opendir(dir)) == NULL) {
		err_set("cannot read %s (%s): restore it from the backup", dir,
		    strerror(errno));
		free(dir);
		return 1;
	}
	while ((e = readdir(d)) != NULL) {
		if (db_ca_file_gen(e->d_name) == 0)
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			if ((nv = realloc(v, cap * sizeof(*v))) == NULL)
				goto oom;
			v = nv;
		}
		if ((v[*n] = strdup(e->d_name)) == NULL)
			goto oom;
		(*n)++;
	}
	if (*n > 0)
		qsort(v, *n, sizeof(*v), name_cmp);
	*out = v;
	v = NULL;
	rc = 0;
	goto out;
oom:
	err_set("out of memory");
out:
	if (v != NULL)
		db_ca_files_free(v, *n);
	if (rc != 0)
		*n = 0;
	closedir(d);
	free(dir);
	return rc;
}

void
db_ca_files_free(char **v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}
