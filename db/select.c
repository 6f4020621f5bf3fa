/* SPDX-License-Identifier: ISC */
/*
 * Which records of the loaded index a list shows, for ceremony db list
 * and the TUI's list screens alike: every filter given must match.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "db/db.h"
#include "util/util.h"

/* 1 if r passes every filter of q that is given (not NULL, not ""). */
int
db_query_match(const struct db_query *q, const struct db_record *r)
{
	if (q->status != NULL && *q->status != '\0' &&
	    strchr(q->status, r->status) == NULL)
		return 0;
	if (q->serial != NULL && strncasecmp(r->serial, q->serial,
	    strlen(q->serial)) != 0)
		return 0;
	if (q->subject != NULL && *q->subject != '\0' && (r->subject == NULL ||
	    strcasestr(r->subject, q->subject) == NULL))
		return 0;
	return 1;
}

/* The positions in the index of the records q matches, in its order. */
int
db_select(const struct db *db, const struct db_query *q, size_t **out,
    size_t *nout)
{
	size_t	i, n = db_index_count(db);

	free(*out);
	*nout = 0;
	if ((*out = calloc(n + 1, sizeof(**out))) == NULL) {
		err_set("out of memory");
		return 1;
	}
	for (i = 0; i < n; i++)
		if (db_query_match(q, db_index_at(db, i)))
			(*out)[(*nout)++] = i;
	return 0;
}
