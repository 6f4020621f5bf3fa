/* SPDX-License-Identifier: ISC */
/*
 * A CA's own templates: ceremony init copies every .cnf of the template
 * folder it would use (tmpl_path.c) into HOME/templates, read-only, and
 * records each one's SHA-256 in the audit log (template.install).  db
 * verify and the audit commands compare the copies with those records, so
 * a profile changed after init is named.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ceremony/issue/issue.h"

#define TMPL_DIR	"templates"
#define TMPL_FILES_MAX	64
#define TMPL_FILE_MAX	(1024 * 1024)
#define TMPL_DETAIL_MAX	512

static int
file_cmp(const void *a, const void *b)
{
	return strcmp(((const struct db_file *)a)->name,
	    ((const struct db_file *)b)->name);
}

void
tmpl_copy_free(struct db_file *files, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free((char *)files[i].name);
		free((unsigned char *)files[i].data);
	}
	free(files);
}

static int
tmpl_copy_one(const char *src, const char *name, struct db_file *f)
{
	char		*path = NULL;
	unsigned char	*buf = NULL;
	int		 rc = 1;

	memset(f, 0, sizeof(*f));
	if (asprintf(&path, "%s/%s", src, name) == -1) {
		path = NULL;
		err_set("out of memory");
		goto out;
	}
	if (file_read_small("template", path, TMPL_FILE_MAX, &buf,
	    &f->len) != 0)
		goto out;
	if ((f->name = strdup(name)) == NULL) {
		err_set("out of memory");
		goto out;
	}
	f->dir = TMPL_DIR;
	f->data = buf;
	buf = NULL;
	rc = 0;
out:
	free(buf);
	free(path);
	return rc;
}

/*
 * Every .cnf of the first template folder there is, read whole, in name
 * order; *src names the folder (NULL and none when there is no folder).
 */
int
tmpl_copy_read(const char **src, struct db_file **out, size_t *nout)
{
	struct db_file	*files = NULL;
	struct dirent	*e;
	DIR		*d = NULL;
	size_t		 n = 0;
	int		 rc = 1;

	*out = NULL;
	*nout = 0;
	if ((*src = tmpl_path_dir()) == NULL)
		return 0;
	if ((files = calloc(TMPL_FILES_MAX, sizeof(*files))) == NULL) {
		err_set("out of memory");
		goto out;
	}
	if ((d = opendir(*src)) == NULL) {
		err_set("cannot read the template folder %s", *src);
		goto out;
	}
	while ((e = readdir(d)) != NULL) {
		if (!tmpl_path_is_cnf(e->d_name))
			continue;
		if (n == TMPL_FILES_MAX) {
			err_set("template folder %s has more than %d .cnf "
			    "files: give --templates DIR with the CA's own",
			    *src, TMPL_FILES_MAX);
			goto out;
		}
		if (tmpl_copy_one(*src, e->d_name, &files[n]) != 0)
			goto out;
		n++;
	}
	qsort(files, n, sizeof(*files), file_cmp);
	*out = files;
	*nout = n;
	files = NULL;
	n = 0;
	rc = 0;
out:
	if (d != NULL)
		closedir(d);
	tmpl_copy_free(files, n);
	return rc;
}

/* One template.install record per copy, all in one append. */
int
tmpl_copy_audit(struct db *db, const char *operator, const char *src,
    const struct db_file *files, size_t n)
{
	struct audit_entry	*e = NULL;
	char			*detail = NULL;
	size_t			 i;
	int			 rc = 1;

	if (n == 0)
		return 0;
	/* The detail starts with the file's name: "root-ca.cnf from DIR". */
	if ((e = calloc(n, sizeof(*e))) == NULL ||
	    (detail = calloc(n, TMPL_DETAIL_MAX)) == NULL) {
		err_set("out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		snprintf(detail + i * TMPL_DETAIL_MAX, TMPL_DETAIL_MAX,
		    "%s from %s", files[i].name, src);
		e[i].operator = operator;
		e[i].op = "template.install";
		e[i].ok = 1;
		e[i].detail = detail + i * TMPL_DETAIL_MAX;
		audit_add_out(&e[i], "template", files[i].data, files[i].len);
	}
	rc = db_audit_many(db, e, n);
out:
	free(detail);
	free(e);
	return rc;
}

/* What the audit log says init installed: name and SHA-256, latest wins. */
struct tmpl_rec {
	char	name[256];
	char	sha256[65];
	int	seen;		/* the copy is there */
};
struct tmpl_recs {
	struct tmpl_rec	v[TMPL_FILES_MAX];
	size_t		n;
};

static int
tmpl_rec_add(void *arg, const struct audit_rec *r)
{
	struct tmpl_recs	*t = arg;
	const char		*sp, *h;
	size_t			 i, len;

	if (strcmp(r->op, "template.install") != 0 ||
	    strcmp(r->result, "ok") != 0 ||
	    (sp = strchr(r->detail, ' ')) == NULL ||
	    strncmp(r->out, "template:", 9) != 0)
		return 0;
	len = (size_t)(sp - r->detail);
	h = r->out + 9;
	for (i = 0; i < t->n; i++)
		if (strlen(t->v[i].name) == len &&
		    strncmp(t->v[i].name, r->detail, len) == 0)
			break;
	if (i == t->n) {
		if (t->n == TMPL_FILES_MAX || len >= sizeof(t->v[i].name))
			return 0;
		t->n++;
	}
	snprintf(t->v[i].name, sizeof(t->v[i].name), "%.*s", (int)len,
	    r->detail);
	snprintf(t->v[i].sha256, sizeof(t->v[i].sha256), "%.64s", h);
	return 0;
}

/* One copy against its record: changed, or not recorded at all. */
static void
tmpl_check_one(struct db *db, struct tmpl_recs *t, const char *name,
    struct findings *f)
{
	unsigned char	*buf = NULL;
	char		*path = NULL, *h = NULL, rel[300];
	size_t		 i, len;

	snprintf(rel, sizeof(rel), "%s/%s", TMPL_DIR, name);
	for (i = 0; i < t->n && strcmp(t->v[i].name, name) != 0; i++)
		;
	if (i == t->n) {
		findings_add(f, 1, "template-unrecorded", "%s is not one the "
		    "audit log recorded at ceremony init: remove it or find out "
		    "who put it there", rel);
		return;
	}
	t->v[i].seen = 1;
	if ((path = db_path(db, rel)) == NULL ||
	    file_read_small("template", path, TMPL_FILE_MAX, &buf, &len) != 0 ||
	    (h = sha256_hex(buf, len)) == NULL) {
		findings_add(f, 1, "template-unreadable", "%s", err_get());
		err_clear();
	} else if (strcmp(h, t->v[i].sha256) != 0)
		findings_add(f, 1, "template-changed", "%s has changed since "
		    "ceremony init recorded it (SHA-256 %.16s..., now %.16s...)",
		    rel, t->v[i].sha256, h);
	free(h);
	free(buf);
	free(path);
}

/*
 * The CA's template copies against the audit log's template.install
 * records: every difference is a finding.  Non-zero only when the check
 * could not run (message set).
 */
int
tmpl_copy_check(struct db *db, struct findings *f)
{
	struct tmpl_recs	*t;
	struct dirent		*e;
	DIR			*d = NULL;
	char			*log = NULL, *dir = NULL;
	size_t			 i;
	int			 rc = 1;

	if ((t = calloc(1, sizeof(*t))) == NULL) {
		err_set("out of memory");
		return 1;
	}
	if ((log = db_path(db, "audit.log")) == NULL ||
	    (dir = db_path(db, TMPL_DIR)) == NULL)
		goto out;
	/* Records past a break cannot be trusted: the chain's finding. */
	if (db_audit_walk(log, tmpl_rec_add, t, NULL) != 0) {
		err_clear();
		rc = 0;
		goto out;
	}
	if ((d = opendir(dir)) != NULL) {
		while ((e = readdir(d)) != NULL)
			if (tmpl_path_is_cnf(e->d_name))
				tmpl_check_one(db, t, e->d_name, f);
		closedir(d);
	}
	for (i = 0; i < t->n; i++)
		if (!t->v[i].seen)
			findings_add(f, 1, "template-missing", "%s/%s, recorded "
			    "at ceremony init, is gone", TMPL_DIR, t->v[i].name);
	rc = 0;
out:
	free(dir);
	free(log);
	free(t);
	return rc;
}

/*
 * The same check as one verdict for the audit commands: 0 when every copy
 * is the recorded one, else 1 and a message naming the first difference.
 */
int
tmpl_copy_verdict(struct db *db)
{
	struct findings	f;
	int		rc = 1;

	memset(&f, 0, sizeof(f));
	if (tmpl_copy_check(db, &f) != 0)
		goto out;
	if (f.errors > 0) {
		err_set("%s%s", f.v[0].text, f.errors > 1 ?
		    " (and more: ceremony db verify lists them)" : "");
		goto out;
	}
	rc = 0;
out:
	findings_free(&f);
	return rc;
}
