/* SPDX-License-Identifier: ISC */
/*
 * The in-memory index: the current record of every serial in an array,
 * found through an open-addressing hash table, so that a lookup costs the
 * same with ten records or a million.  Space is made before anything is
 * written (table_reserve) so that applying a change that is already on
 * disk (table_put) cannot fail.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "db/db_int.h"
#include "util/util.h"

/* FNV-1a: serials are random already, any even spread will do. */
static size_t
serial_hash(const char *s)
{
	uint64_t	h = 14695981039346656037ULL;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return (size_t)(h ^ h >> 32);
}

/* The slot of serial in slots[]: where it is, or the empty one to use. */
static size_t
table_probe(const struct db_index *idx, const char *serial)
{
	size_t		mask = idx->nslots - 1;
	size_t		i = serial_hash(serial) & mask;
	uint32_t	v;

	while ((v = idx->slots[i]) != 0) {
		if (strcmp(idx->recs[v - 1].serial, serial) == 0)
			break;
		i = (i + 1) & mask;
	}
	return i;
}

struct db_record *
table_get(const struct db_index *idx, const char *serial)
{
	uint32_t	v;

	if (idx->nslots == 0)
		return NULL;
	v = idx->slots[table_probe(idx, serial)];
	return v == 0 ? NULL : &idx->recs[v - 1];
}

static int
table_rehash(struct db_index *idx, size_t nslots)
{
	uint32_t	*old = idx->slots;
	size_t		 i;

	if ((idx->slots = calloc(nslots, sizeof(*idx->slots))) == NULL) {
		idx->slots = old;
		err_set("out of memory for the index of %zu records",
		    idx->count);
		return 1;
	}
	idx->nslots = nslots;
	for (i = 0; i < idx->count; i++)
		idx->slots[table_probe(idx, idx->recs[i].serial)] =
		    (uint32_t)(i + 1);
	free(old);
	return 0;
}

/* Room for n more records, in the array and (load <= 1/2) the table. */
int
table_reserve(struct db_index *idx, size_t n)
{
	struct db_record	*r;
	size_t			 want = idx->count + n, cap, nslots;

	if (want >= UINT32_MAX / 2) {
		err_set("the index cannot hold %zu records", want);
		return 1;
	}
	if (want > idx->cap) {
		cap = idx->cap < 64 ? 64 : idx->cap;
		while (cap < want)
			cap *= 2;
		if ((r = reallocarray(idx->recs, cap, sizeof(*r))) == NULL) {
			err_set("out of memory for %zu index records", cap);
			return 1;
		}
		idx->recs = r;
		idx->cap = cap;
	}
	if (want * 2 > idx->nslots) {
		nslots = idx->nslots < 128 ? 128 : idx->nslots;
		while (nslots < want * 2)
			nslots *= 2;
		return table_rehash(idx, nslots);
	}
	return 0;
}

/*
 * Make rec the current state of its serial, taking over its subject.
 * Room must have been made with table_reserve().
 */
void
table_put(struct db_index *idx, struct db_record *rec)
{
	size_t	 i = table_probe(idx, rec->serial);
	uint32_t v = idx->slots[i];

	if (v != 0) {
		db_record_clear(&idx->recs[v - 1]);
		idx->recs[v - 1] = *rec;
	} else {
		idx->recs[idx->count] = *rec;
		idx->slots[i] = (uint32_t)(++idx->count);
	}
	rec->subject = NULL;
}

void
db_index_free(struct db_index *idx)
{
	size_t	i;

	for (i = 0; i < idx->count; i++)
		db_record_clear(&idx->recs[i]);
	free(idx->recs);
	free(idx->slots);
	memset(idx, 0, sizeof(*idx));
}
