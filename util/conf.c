/* SPDX-License-Identifier: ISC */
/*
 * Parsing a configuration file (template, policy, CRL template) with
 * OpenSSL's own reader, from the bytes already read: the bytes hashed into
 * the audit record are the bytes parsed, not a second read of the file.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/bio.h>
#include <openssl/conf.h>

#include "util/util.h"

/*
 * The start of the logical line at *p (physical lines joined where one ends
 * in a single backslash, as OpenSSL joins them, leading blanks left out)
 * into head; *p moves past it, *lines counts the physical lines.
 */
static void
conf_line_head(const unsigned char **p, const unsigned char *e, char *head,
    size_t size, long *lines)
{
	const unsigned char	*nl, *end, *q;
	size_t			 n = 0;
	int			 more;

	do {
		nl = memchr(*p, '\n', (size_t)(e - *p));
		end = nl != NULL ? nl : e;
		if (end > *p && end[-1] == '\r')
			end--;
		more = end > *p && end[-1] == '\\' &&
		    (end - *p < 2 || end[-2] != '\\');
		if (more)
			end--;
		for (q = *p; q < end; q++) {
			if (n == 0 && (*q == ' ' || *q == '\t' || *q == '\r'))
				continue;
			if (n + 1 < size)
				head[n++] = (char)*q;
		}
		*p = nl != NULL ? nl + 1 : e;
		(*lines)++;
	} while (more && *p < e);
	head[n] = '\0';
}

/*
 * A configuration file ceremony reads must be self-contained: what is
 * hashed into the audit record is all that is parsed.  OpenSSL's reader
 * would follow ".include" (and ".pragma includedir") to other files, even
 * from a memory buffer, so such lines are refused before it sees them.
 * Every reader of a template, policy, CRL template, script or
 * ceremony.cnf calls this.
 */
int
conf_self_contained(const char *what, const char *path,
    const unsigned char *buf, size_t len)
{
	static const char *const	 refused[] = { ".include", ".pragma" };
	const unsigned char		*p = buf, *e = buf + len;
	char				 head[16];
	long				 first, lines = 0;
	size_t				 i;

	while (p < e) {
		first = lines + 1;
		conf_line_head(&p, e, head, sizeof(head), &lines);
		for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
			if (strncmp(head, refused[i], strlen(refused[i])) == 0) {
				err_set("%s %s: line %ld has %s, which is not "
				    "accepted: put the text in the file itself "
				    "(what is recorded must be all that is "
				    "read)", what, path, first, refused[i]);
				return 1;
			}
	}
	return 0;
}

/* what: "template", "policy"; doc: where its keys are described. */
int
conf_parse(const char *what, const char *path, const unsigned char *buf,
    size_t len, const char *doc, CONF **out)
{
	BIO	*bio = NULL;
	CONF	*conf = NULL;
	long	 eline = -1;
	int	 rc = 1;

	*out = NULL;
	if (conf_self_contained(what, path, buf, len) != 0)
		return 1;
	if ((conf = NCONF_new(NULL)) == NULL ||
	    (bio = BIO_new_mem_buf(buf, (int)len)) == NULL) {
		err_set("out of memory reading %s %s", what, path);
		goto out;
	}
	if (!NCONF_load_bio(conf, bio, &eline)) {
		if (eline > 0)
			err_ossl("%s %s: line %ld cannot be read: fix it (see "
			    "%s)", what, path, eline, doc);
		else
			err_ossl("%s %s cannot be read as an OpenSSL config "
			    "file", what, path);
		goto out;
	}
	*out = conf;
	conf = NULL;
	rc = 0;
out:
	NCONF_free(conf);
	BIO_free(bio);
	return rc;
}

/*
 * The one reading of a yes/no setting (templates, policies, scripts):
 * yes, true, no or false in any case.  0 with *out set; 1 when v is none
 * of them (the caller's message names the file and key).
 */
int
conf_bool(const char *v, int *out)
{
	if (strcasecmp(v, "yes") == 0 || strcasecmp(v, "true") == 0)
		*out = 1;
	else if (strcasecmp(v, "no") == 0 || strcasecmp(v, "false") == 0)
		*out = 0;
	else
		return 1;
	return 0;
}

/*
 * A configuration list, "a, b,c" or "a b": its items in order, each a new
 * string, in *out (*n of them, maybe none: the caller says whether an
 * empty list is allowed).  The one list reader of templates, policies
 * and CRL templates.
 */
int
conf_list(const char *value, char ***out, size_t *n)
{
	char	*copy, *tok, *save = NULL, **v = NULL, **nv;
	size_t	 cnt = 0;
	int	 rc = 1;

	*out = NULL;
	*n = 0;
	if ((copy = strdup(value)) == NULL) {
		err_set("out of memory");
		return 1;
	}
	for (tok = strtok_r(copy, ", \t", &save); tok != NULL;
	    tok = strtok_r(NULL, ", \t", &save)) {
		if ((nv = reallocarray(v, cnt + 1, sizeof(*v))) == NULL) {
			err_set("out of memory");
			goto out;
		}
		v = nv;
		if ((v[cnt] = strdup(tok)) == NULL) {
			err_set("out of memory");
			goto out;
		}
		cnt++;
	}
	*out = v;
	*n = cnt;
	v = NULL;
	rc = 0;
out:
	conf_list_free(v, cnt);
	free(copy);
	return rc;
}

void
conf_list_free(char **v, size_t n)
{
	size_t	i;

	for (i = 0; v != NULL && i < n; i++)
		free(v[i]);
	free(v);
}
