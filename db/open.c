/* SPDX-License-Identifier: ISC */
/*
 * Opening a data directory: check that it is one, take the lock, clear
 * what an interrupted write left behind, read the settings and the index.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/db_int.h"
#include "util/util.h"

char *
db_path(const struct db *db, const char *name)
{
	char	*p;

	if (asprintf(&p, "%s/%s", db->home, name) == -1) {
		err_set("out of memory");
		return NULL;
	}
	return p;
}

const struct db_config *
db_config(const struct db *db)
{
	return &db->cfg;
}

const char *
db_home(const struct db *db)
{
	return db->home;
}

/* A temporary file of atomic_write: ".NAME.tmp-" and 12 hex digits. */
static int
is_tmp(const char *name)
{
	const char	*t;

	if (name[0] != '.' || (t = strstr(name, ".tmp-")) == NULL)
		return 0;
	return strlen(t + 5) == 12 && strspn(t + 5, "0123456789abcdef") == 12;
}

/*
 * Temporary files are only ever left by a process that died before its
 * rename; the lock says none is running now, so they can go.
 */
static void
sweep_dir(const char *dir)
{
	DIR		*d;
	struct dirent	*e;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (!is_tmp(e->d_name))
			continue;
		if (unlinkat(dirfd(d), e->d_name, 0) == 0)
			note("%s: removed %s, left by an interrupted write",
			    dir, e->d_name);
	}
	closedir(d);
}

/*
 * certs/ holds a file per certificate, a million after a large import:
 * a command that writes no certificate (crl issue) leaves it unread.  A
 * temporary file there is a dotfile nothing reads; the next command that
 * writes certificates removes it.
 */
static void
sweep_tmp(const struct db *db, int flags)
{
	char	*p;
	size_t	 i;

	sweep_dir(db->home);
	/* quarantine/ is made when first needed (repair.c). */
	if ((p = db_path(db, "quarantine")) != NULL) {
		sweep_dir(p);
		free(p);
	}
	for (i = 0; db_subdirs[i] != NULL; i++) {
		if ((flags & DB_OPEN_NOCERTS) &&
		    strcmp(db_subdirs[i], "certs") == 0)
			continue;
		if ((p = db_path(db, db_subdirs[i])) != NULL) {
			sweep_dir(p);
			free(p);
		}
	}
}

static int
is_datadir(const struct db *db)
{
	struct stat	 st;
	char		*cnf;
	int		 ok;

	if ((cnf = db_path(db, "ceremony.cnf")) == NULL)
		return -1;
	ok = stat(db->home, &st) == 0 && S_ISDIR(st.st_mode) &&
	    stat(cnf, &st) == 0 && S_ISREG(st.st_mode);
	free(cnf);
	if (!ok)
		err_set("%s is not a ceremony data directory: name yours with "
		    "--home DIR or $CEREMONY_HOME, or create this one with "
		    "ceremony init --home %s", db->home, db->home);
	return ok ? 0 : -1;
}

int
db_open(const char *home, struct db **out)
{
	return db_open_flags(home, 0, out);
}

/*
 * With DB_OPEN_NOINDEX the index is opened for appending but not read:
 * one change to one serial then costs the same in a database of ten or a
 * million (db_index_find, db_index_set).  A writing open (no
 * DB_OPEN_READONLY) first clears what an interrupted command left: its
 * temporary files, a last line without its newline (repair.c), an intent
 * without its result (intent.c); a read-only one changes no file.
 */
int
db_open_flags(const char *home, int flags, struct db **out)
{
	struct db	*db;
	char		*cnf = NULL;
	size_t		 len;
	int		 rc = 0;

	*out = NULL;
	if ((db = calloc(1, sizeof(*db))) == NULL) {
		err_set("out of memory");
		goto out;
	}
	db->lockfd = db->indexfd = -1;
	if ((db->home = strdup(home)) == NULL) {
		err_set("out of memory");
		goto out;
	}
	len = strlen(db->home);
	while (len > 1 && db->home[len - 1] == '/')
		db->home[--len] = '\0';
	if (is_datadir(db) ||
	    db_lock(db, (flags & DB_OPEN_READONLY) != 0))
		goto out;
	if (!(flags & DB_OPEN_READONLY))
		sweep_tmp(db, flags);
	if ((cnf = db_path(db, "ceremony.cnf")) == NULL ||
	    db_config_load(cnf, &db->cfg) ||
	    (!(flags & DB_OPEN_READONLY) && db_repair(db)) ||
	    index_open_file(db, !(flags & DB_OPEN_NOINDEX)) ||
	    (!(flags & DB_OPEN_READONLY) && db_intent_settle(db, 1)))
		goto out;
	*out = db;
	db = NULL;
	rc = 1;
out:
	db_close(db);
	free(cnf);
	return !rc;
}

void
db_close(struct db *db)
{
	if (db == NULL)
		return;
	db_index_free(&db->idx);
	if (db->indexfd != -1)
		close(db->indexfd);
	db_unlock(db);
	db_config_clear(&db->cfg);
	free(db->home);
	free(db);
}
