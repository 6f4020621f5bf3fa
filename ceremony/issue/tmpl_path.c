/* SPDX-License-Identifier: ISC */
/*
 * Where templates are found.  A name with a '/' is a path and is read as
 * given; a bare name ("subca", "subca.cnf") is looked up, first hit wins, in
 *
 *   --templates DIR                  the operator's choice
 *   HOME/templates                   the copies ceremony init made, hashed
 *                                    in the audit log
 *   ./templates                      a checkout of the project
 *   PREFIX/share/ceremony/templates  make install, found from the binary
 *                                    (/proc/self/exe/../../share/ceremony)
 *
 * The options (cmd_options) set the path once per command.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ceremony/issue/issue.h"

#define TMPL_DIRS	5

static char	tmpl_dirs[TMPL_DIRS][PATH_MAX];
static size_t	tmpl_ndirs;
static int	tmpl_path_set;	/* 0: not yet (a unit test), the defaults */

static void
tmpl_path_add(const char *fmt, const char *a)
{
	if (tmpl_ndirs < TMPL_DIRS && snprintf(tmpl_dirs[tmpl_ndirs],
	    PATH_MAX, fmt, a) < PATH_MAX)
		tmpl_ndirs++;
}

/* PREFIX/share/ceremony/templates of an installed bin/ceremony. */
static void
tmpl_path_installed(void)
{
	char	 exe[PATH_MAX], *slash;
	ssize_t	 n;

	if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) <= 0)
		return;
	exe[n] = '\0';
	if ((slash = strrchr(exe, '/')) == NULL)
		return;
	*slash = '\0';
	tmpl_path_add("%s/../share/ceremony/templates", exe);
#ifdef CEREMONY_DATADIR
	tmpl_path_add("%s/templates", CEREMONY_DATADIR);
#endif
}

void
tmpl_path_init(const char *templates, const char *home)
{
	tmpl_ndirs = 0;
	tmpl_path_set = 1;
	if (templates != NULL)
		tmpl_path_add("%s", templates);
	if (home != NULL)
		tmpl_path_add("%s/templates", home);
	tmpl_path_add("%s", "templates");
	tmpl_path_installed();
}

static int
is_dir(const char *p)
{
	struct stat	st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The first folder of the path that exists (the TUI's list), or NULL. */
const char *
tmpl_path_dir(void)
{
	size_t	i;

	if (!tmpl_path_set)
		tmpl_path_init(NULL, NULL);
	for (i = 0; i < tmpl_ndirs; i++)
		if (is_dir(tmpl_dirs[i]))
			return tmpl_dirs[i];
	return NULL;
}

/* A template file's name: "NAME.cnf", not hidden. */
int
tmpl_path_is_cnf(const char *name)
{
	size_t	len = strlen(name);

	return name[0] != '.' && len > 4 && strcmp(name + len - 4, ".cnf") == 0;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Every template name (file stem) in the search path, sorted, unique, as
 * "a, b, c" in buf; "none" when there is none.
 */
static void
tmpl_path_names(char *buf, size_t len)
{
	char		*names[256], *stem;
	size_t		 i, n = 0, used = 0;
	DIR		*d;
	struct dirent	*e;

	for (i = 0; i < tmpl_ndirs; i++) {
		if ((d = opendir(tmpl_dirs[i])) == NULL)
			continue;
		while ((e = readdir(d)) != NULL && n < 256) {
			if (!tmpl_path_is_cnf(e->d_name) || (stem = strndup(
			    e->d_name, strlen(e->d_name) - 4)) == NULL)
				continue;
			names[n++] = stem;
		}
		closedir(d);
	}
	qsort(names, n, sizeof(names[0]), name_cmp);
	snprintf(buf, len, "none");
	for (i = 0; i < n; i++)
		if ((i == 0 || strcmp(names[i], names[i - 1]) != 0) &&
		    used < len)
			used += snprintf(buf + used, len - used, "%s%s",
			    used == 0 ? "" : ", ", names[i]);
	for (i = 0; i < n; i++)
		free(names[i]);
}

/* The folders searched, "A, B, C", for a message. */
static void
tmpl_path_list(char *buf, size_t len)
{
	size_t	i, used = 0;

	buf[0] = '\0';
	for (i = 0; i < tmpl_ndirs && used < len; i++)
		used += snprintf(buf + used, len - used, "%s%s",
		    i == 0 ? "" : ", ", tmpl_dirs[i]);
}

/*
 * The file a template argument names: a path as given, a bare name looked
 * up (NAME, then NAME.cnf).  A miss lists the templates there are.
 */
int
tmpl_path_find(const char *what, const char *name, char *out, size_t len)
{
	char	 names[1024], dirs[2048];
	size_t	 i;
	int	 sfx;

	if (!tmpl_path_set)
		tmpl_path_init(NULL, NULL);
	if (strchr(name, '/') != NULL || name[0] == '\0') {
		snprintf(out, len, "%s", name);
		return 0;
	}
	for (i = 0; i < tmpl_ndirs; i++)
		for (sfx = 0; sfx < 2; sfx++) {
			if ((size_t)snprintf(out, len, "%s/%s%s", tmpl_dirs[i],
			    name, sfx ? ".cnf" : "") >= len)
				continue;
			if (access(out, F_OK) == 0)
				return 0;
		}
	tmpl_path_names(names, sizeof(names));
	tmpl_path_list(dirs, sizeof(dirs));
	err_set("%s \"%s\" not found in %s: %s%s (or give a path, or "
	    "--templates DIR)", what, name, dirs, strcmp(names, "none") == 0 ?
	    "there are no templates there" : "the templates there are ",
	    strcmp(names, "none") == 0 ? "" : names);
	return 1;
}
