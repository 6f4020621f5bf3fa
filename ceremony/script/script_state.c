/* SPDX-License-Identifier: ISC */
/*
 * Where a script's run stands: HOME/scripts/ID.progress, ID the first 16
 * hex digits of the script's SHA-256, so a script changed after a step
 * ran is a different script and starts from its first step.  One line
 * per step that has begun, tab-separated, for less and grep:
 *
 *   script  SHA256  PATH
 *   step    N  NAME  started|done|failed  TIME  WHAT
 *
 * The file is rewritten whole, atomically, before a step starts and
 * after it ends: a crash in between leaves the step "started", which a
 * resume does not repeat without the operator's word (docs/scripts.md).
 * The audit log, not this file, is the record; this is the bookmark.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ceremony/script/script.h"

#define LINE_MAX_	1024

static const char *const names[] = { "pending", "started", "done", "failed" };

const char *
script_state_name(enum script_state s)
{
	return names[s];
}

static char *
progress_path(struct db *db, const struct script *sc, int mkdirs)
{
	char	*dir, *path = NULL;

	if ((dir = db_path(db, "scripts")) == NULL)
		return NULL;
	if (mkdirs && mkdir(dir, 0755) == -1 && errno != EEXIST) {
		err_set("cannot create %s: %s", dir, strerror(errno));
		goto out;
	}
	if (asprintf(&path, "%s/%.16s.progress", dir, sc->sha256) == -1) {
		err_set("out of memory");
		path = NULL;
	}
out:
	free(dir);
	return path;
}

static void
progress_next(const struct script *sc, struct script_progress *p)
{
	for (p->next = 0; p->next < sc->n; p->next++)
		if (p->state[p->next] != SS_DONE)
			break;
}

/* One step line: "step N NAME STATE TIME WHAT", tabs between. */
static int
progress_line(const struct script *sc, struct script_progress *p, char *line)
{
	char		*f[6], *save = NULL;
	unsigned long	 n;
	size_t		 i;
	int		 k;

	for (k = 0; k < 6; k++)
		if ((f[k] = strtok_r(k == 0 ? line : NULL, "\t\n", &save)) ==
		    NULL && k < 5)
			return 1;
	if (strcmp(f[0], "step") != 0)
		return 1;
	n = strtoul(f[1], NULL, 10);
	if (n < 1 || n > sc->n || strcmp(sc->v[n - 1].name, f[2]) != 0)
		return 1;
	for (i = 1; i < 4; i++)
		if (strcmp(f[3], names[i]) == 0)
			break;
	if (i == 4)
		return 1;
	p->state[n - 1] = (enum script_state)i;
	snprintf(p->when[n - 1], sizeof(p->when[0]), "%s", f[4]);
	snprintf(p->detail[n - 1], sizeof(p->detail[0]), "%s",
	    f[5] != NULL ? f[5] : "");
	return 0;
}

/* The progress of sc in db; all pending when it has not run. */
int
script_progress_read(struct db *db, const struct script *sc,
    struct script_progress *p)
{
	char	*path, line[LINE_MAX_];
	FILE	*fp = NULL;
	int	 lineno = 0, rc = 1;

	memset(p, 0, sizeof(*p));
	if ((path = progress_path(db, sc, 0)) == NULL)
		return 1;
	if ((fp = fopen(path, "re")) == NULL) {
		if (errno != ENOENT) {
			err_set("cannot read %s: %s", path, strerror(errno));
			goto out;
		}
		rc = 0;
		goto out;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		lineno++;
		if (lineno == 1 ? strncmp(line, "script\t", 7) != 0 ||
		    strncmp(line + 7, sc->sha256, 64) != 0 :
		    progress_line(sc, p, line) != 0) {
			err_set("%s line %d is not what ceremony wrote: "
			    "restore it, or move it aside to run the script "
			    "from its first step (the audit log says what "
			    "ran)", path, lineno);
			goto out;
		}
	}
	progress_next(sc, p);
	rc = 0;
out:
	if (fp != NULL)
		fclose(fp);
	free(path);
	return rc;
}

/* what, on one line without tabs: the state file is a table. */
static void
flat(char *to, size_t len, const char *what)
{
	size_t	i;

	snprintf(to, len, "%s", what != NULL ? what : "");
	for (i = 0; to[i] != '\0'; i++)
		if (to[i] == '\t' || to[i] == '\n' || to[i] == '\r')
			to[i] = ' ';
}

/* Step i is now state, and the file says so before this returns. */
int
script_progress_set(struct db *db, const struct script *sc,
    struct script_progress *p, size_t i, enum script_state state,
    const char *what)
{
	char	*path, *text = NULL;
	size_t	 len = 0, k;
	FILE	*m;
	int	 rc = 1;

	p->state[i] = state;
	utc_text(time(NULL), p->when[i]);
	flat(p->detail[i], sizeof(p->detail[i]), what);
	progress_next(sc, p);
	if ((path = progress_path(db, sc, 1)) == NULL)
		return 1;
	if ((m = open_memstream(&text, &len)) == NULL) {
		err_set("out of memory");
		goto out;
	}
	fprintf(m, "script\t%s\t%s\n", sc->sha256, sc->path);
	for (k = 0; k < sc->n; k++)
		if (p->state[k] != SS_PENDING)
			fprintf(m, "step\t%zu\t%s\t%s\t%s\t%s\n", k + 1,
			    sc->v[k].name, names[p->state[k]], p->when[k],
			    p->detail[k][0] != '\0' ? p->detail[k] : "-");
	if (fclose(m) != 0) {
		err_set("out of memory");
		goto out;
	}
	rc = atomic_write(path, text, len, 0644, 0);
out:
	free(text);
	free(path);
	return rc;
}
