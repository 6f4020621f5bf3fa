/* SPDX-License-Identifier: ISC */
/*
 * Checking audit.log: every line must be well-formed, number itself one
 * after the line before, and carry the SHA-256 of the line before.  The
 * first line that does not is reported, so a person can look at it.
 * (The last line has no successor to vouch for it: compare its hash with
 * the one written down at the end of the ceremony, db_audit_head.)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/db_int.h"
#include "util/util.h"

#define NFIELDS		AUDIT_NFIELDS
#define HEXCHARS	"0123456789abcdef"

static const char *const field_keys[NFIELDS] = {
	"seq", "time", "operator", "op", "result", "in", "out", "detail",
	"prev"
};

void
audit_first_prev(char prev[65])
{
	memset(prev, '0', 64);
	prev[64] = '\0';
}

/* Copy the value of field i (at p, len bytes, "key=value") to v. */
static const char *
field_value(const char *p, size_t len, size_t i, char **v)
{
	size_t	klen = strlen(field_keys[i]);

	if (len <= klen || strncmp(p, field_keys[i], klen) != 0 ||
	    p[klen] != '=')
		return "a field is missing or out of order";
	if ((*v = strndup(p + klen + 1, len - klen - 1)) == NULL)
		return "out of memory";
	return NULL;
}

static int
is_time(const char *v)
{
	static const char	shape[] = "dddd-dd-ddTdd:dd:ddZ";
	size_t			i;

	if (strlen(v) != sizeof(shape) - 1)
		return 0;
	for (i = 0; shape[i] != '\0'; i++)
		if (shape[i] == 'd' ? v[i] < '0' || v[i] > '9' :
		    v[i] != shape[i])
			return 0;
	return 1;
}

/* "" or "role:sha256,role:sha256" */
static int
is_items(const char *v)
{
	size_t	n;

	while (*v != '\0') {
		n = strspn(v, AUDIT_NAME_CHARS);
		if (n == 0 || v[n] != ':' || strspn(v + n + 1, HEXCHARS) != 64)
			return 0;
		v += n + 1 + 64;
		if (*v == ',' && v[1] != '\0')
			v++;
		else if (*v != '\0')
			return 0;
	}
	return 1;
}

static int
is_escaped(const char *v)
{
	const char	*why;
	char		*s;

	if ((s = text_unescape(v, strlen(v), &why)) == NULL)
		return 0;
	free(s);
	return 1;
}

/* What is wrong with value v of field i, NULL if nothing. */
static const char *
value_check(size_t i, const char *v, unsigned long long seq,
    const char *prev)
{
	char	want[32];

	switch (i) {
	case 0:
		snprintf(want, sizeof(want), "%llu", seq);
		return strcmp(v, want) == 0 ? NULL :
		    "its number does not follow the line before (a line was "
		    "removed or inserted)";
	case 1:
		return is_time(v) ? NULL : "the time is not YYYY-MM-DDTHH:MM:SSZ";
	case 2:
	case 7:
		return is_escaped(v) ? NULL : "bad escape in a text field";
	case 3:
		return v[0] != '\0' && strspn(v, AUDIT_NAME_CHARS) ==
		    strlen(v) ? NULL : "the operation name is malformed";
	case 4:
		return strcmp(v, "ok") == 0 || strcmp(v, "failed") == 0 ?
		    NULL : "result is neither ok nor failed";
	case 5:
	case 6:
		return is_items(v) ? NULL : "a role:sha256 list is malformed";
	default:
		return strcmp(v, prev) == 0 ? NULL : "";
	}
}

void
audit_fields_free(char *v[AUDIT_NFIELDS])
{
	size_t	i;

	for (i = 0; i < AUDIT_NFIELDS; i++) {
		free(v[i]);
		v[i] = NULL;
	}
}

/*
 * The 9 values of the line at p (len bytes, no newline), malloc'd into v;
 * NULL, or what is wrong with the line's shape (v then freed).
 */
const char *
audit_fields(const char *p, size_t len, char *v[AUDIT_NFIELDS])
{
	const char	*end = p + len, *t, *why = NULL;
	size_t		 i;

	memset(v, 0, sizeof(char *) * AUDIT_NFIELDS);
	for (i = 0; i < NFIELDS && why == NULL; i++) {
		t = memchr(p, '\t', (size_t)(end - p));
		if ((t == NULL) != (i == NFIELDS - 1)) {
			why = "it does not have the 9 fields seq time operator "
			    "op result in out detail prev";
			break;
		}
		if (t == NULL)
			t = end;
		why = field_value(p, (size_t)(t - p), i, &v[i]);
		p = t + 1;
	}
	if (why != NULL)
		audit_fields_free(v);
	return why;
}

/* What is wrong with the line at p, NULL if nothing. */
static const char *
line_check(const char *p, size_t len, unsigned long long seq,
    const char *prev)
{
	const char	*why;
	char		*v[AUDIT_NFIELDS];
	size_t		 i;

	if ((why = audit_fields(p, len, v)) != NULL)
		return why;
	for (i = 0; i < NFIELDS && why == NULL; i++)
		why = value_check(i, v[i], seq, prev);
	audit_fields_free(v);
	return why;
}

/*
 * Whether the line at p (no newline) has the shape of a whole record,
 * whatever its place in the chain: what tells a last line that only lacks
 * its newline from one cut short.
 */
int
audit_line_whole(const char *p, size_t len)
{
	char	*v[AUDIT_NFIELDS];
	size_t	 i;
	int	 whole;

	if (audit_fields(p, len, v) != NULL)
		return 0;
	whole = strlen(v[0]) > 0 && strspn(v[0], "0123456789") ==
	    strlen(v[0]) && strlen(v[8]) == 64 &&
	    strspn(v[8], "0123456789abcdef") == 64;
	for (i = 1; i < NFIELDS - 1 && whole; i++)
		whole = value_check(i, v[i], 0, "") == NULL;
	audit_fields_free(v);
	return whole;
}

/* Hand a checked line to the walker, its text fields unescaped. */
static int
walk_line(const char *p, size_t len, const char *hash, audit_walk_fn fn,
    void *arg)
{
	struct audit_rec	 r;
	const char		*why;
	char			*v[AUDIT_NFIELDS], *op = NULL, *det = NULL;
	int			 rc = 1;

	if (audit_fields(p, len, v) != NULL ||
	    (op = text_unescape(v[2], strlen(v[2]), &why)) == NULL ||
	    (det = text_unescape(v[7], strlen(v[7]), &why)) == NULL) {
		err_set("out of memory");
		goto out;
	}
	r.seq = strtoull(v[0], NULL, 10);
	r.time = v[1];
	r.operator = op;
	r.op = v[3];
	r.result = v[4];
	r.in = v[5];
	r.out = v[6];
	r.detail = det;
	r.prev = v[8];
	r.hash = hash;
	rc = fn(arg, &r);
out:
	free(op);
	free(det);
	audit_fields_free(v);
	return rc;
}

static int
chain_check(const char *path, const char *buf, size_t len, size_t *bad,
    audit_walk_fn fn, void *arg)
{
	const char	*p = buf, *end = buf + len, *nl, *why;
	char		 prev[65], *h;
	size_t		 line = 0;

	audit_first_prev(prev);
	for (; p < end; p = nl + 1) {
		line++;
		/* A whole record without its newline is still a record. */
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL &&
		    !audit_line_whole(p, (size_t)(end - p))) {
			*bad = line;
			err_set("%s line %zu is incomplete (an interrupted "
			    "write): the next writing command, such as ceremony "
			    "db recover, moves it to quarantine/", path, line);
			return 1;
		}
		if (nl == NULL)
			nl = end;
		if ((why = line_check(p, (size_t)(nl - p), line, prev)) !=
		    NULL) {
			if (*why == '\0') {
				*bad = line - 1;
				err_set("%s line %zu does not match the hash "
				    "that line %zu records of it: one of them "
				    "was changed after it was written; keep "
				    "this copy and compare it with the backup",
				    path, line - 1, line);
			} else {
				*bad = line;
				err_set("%s line %zu is not a valid record (%s): "
				    "keep this copy and compare it with the "
				    "backup", path, line, why);
			}
			return 1;
		}
		if ((h = sha256_hex(p, (size_t)(nl - p))) == NULL) {
			err_set("out of memory");
			return 1;
		}
		memcpy(prev, h, sizeof(prev));
		free(h);
		if (fn != NULL && walk_line(p, (size_t)(nl - p), prev, fn, arg))
			return 2;
	}
	return 0;
}

/*
 * 0 if the audit log at path is an unbroken chain; else 1, with *bad_line
 * the first line found bad (0 when the file cannot be read at all).
 */
int
db_audit_verify(const char *path, long *bad_line)
{
	return db_audit_walk(path, NULL, NULL, bad_line);
}

/*
 * The same check, handing each record to fn (with its hash) as it is
 * read; fn returning non-zero stops the walk, which then returns 2.
 */
int
db_audit_walk(const char *path, audit_walk_fn fn, void *arg, long *bad_line)
{
	char	*buf = NULL;
	size_t	 len, bad = 0;
	int	 fd, rc = 1;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		err_set("cannot read %s (%s)", path, strerror(errno));
		goto out;
	}
	if (read_all(fd, &buf, &len)) {
		err_context("cannot read %s", path);
		goto out;
	}
	rc = chain_check(path, buf, len, &bad, fn, arg);
out:
	if (fd != -1)
		close(fd);
	free(buf);
	if (bad_line != NULL)
		*bad_line = (long)bad;
	return rc;
}

/* The value of "key=" in a tab-separated audit line, copied into buf. */
const char *
db_audit_field(const char *line, const char *key, char *buf, size_t len)
{
	const char	*p = line;
	size_t		 klen = strlen(key), n;

	while (p != NULL && *p != '\0') {
		if (strncmp(p, key, klen) == 0 && p[klen] == '=') {
			p += klen + 1;
			n = strcspn(p, "\t\n");
			snprintf(buf, len, "%.*s", (int)n, p);
			return buf;
		}
		if ((p = strchr(p, '\t')) != NULL)
			p++;
	}
	snprintf(buf, len, "-");
	return buf;
}

/* The fields a person reads of one audit line (audit show, the TUI). */
void
db_audit_row(const char *line, struct audit_row *r)
{
	db_audit_field(line, "seq", r->seq, sizeof(r->seq));
	db_audit_field(line, "time", r->time, sizeof(r->time));
	db_audit_field(line, "operator", r->operator, sizeof(r->operator));
	db_audit_field(line, "op", r->op, sizeof(r->op));
	db_audit_field(line, "result", r->result, sizeof(r->result));
	db_audit_field(line, "detail", r->detail, sizeof(r->detail));
}
