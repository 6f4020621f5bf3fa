/* SPDX-License-Identifier: ISC */
/*
 * The in-memory index: the current record of every serial in an array,
 * found through db/'s hash table (hashtab.h), so that a lookup costs the
 * same with ten records or a million.  Space is made before anything is
 * written (table_reserve) so that applying a change that is already on
 * disk (table_put) cannot fail.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "db/db_int.h"
#include "util/util.h"

static int
serial_eq(const void *arg, size_t i, const void *key, size_t len)
{
	const struct db_record	*r = &((const struct db_index *)arg)->recs[i];

	(void)len;
	return strcmp(r->serial, key) == 0;
}

static size_t
serial_hash(const char *serial)
{
	return hashtab_hash(serial, strlen(serial));
}

/*
 * The slot of serial: where it is, or the empty one it would take.  The
 * table must have room (table_reserve).
 */
size_t
table_slot(const struct db_index *idx, const char *serial)
{
	return hashtab_probe(&idx->tab, serial_hash(serial), serial_eq, idx,
	    serial, 0);
}

/* The record in a slot, NULL if it is empty. */
struct db_record *
table_at(const struct db_index *idx, size_t slot)
{
	size_t	i = hashtab_at(&idx->tab, slot);

	return i == (size_t)-1 ? NULL : &idx->recs[i];
}

struct db_record *
table_get(const struct db_index *idx, const char *serial)
{
	if (idx->tab.nslots == 0)
		return NULL;
	return table_at(idx, table_slot(idx, serial));
}

static int
table_rehash(struct db_index *idx, size_t nslots)
{
	size_t	i;

	if (hashtab_resize(&idx->tab, nslots) != 0) {
		err_set("out of memory for the index of %zu records",
		    idx->count);
		return 1;
	}
	for (i = 0; i < idx->count; i++)
		hashtab_insert(&idx->tab, serial_hash(idx->recs[i].serial), i);
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
	if (want * 2 > idx->tab.nslots) {
		nslots = idx->tab.nslots < 128 ? 128 : idx->tab.nslots;
		while (nslots < want * 2)
			nslots *= 2;
		return table_rehash(idx, nslots);
	}
	return 0;
}

/*
 * Make rec the current state of its serial, which table_slot() found in
 * slot, taking over its subject.  Room must have been made with
 * table_reserve().
 */
void
table_put_at(struct db_index *idx, size_t slot, struct db_record *rec)
{
	struct db_record	*cur = table_at(idx, slot);

	if (cur != NULL) {
		db_record_clear(cur);
		*cur = *rec;
	} else {
		idx->recs[idx->count] = *rec;
		hashtab_set(&idx->tab, slot, serial_hash(rec->serial),
		    idx->count);
		idx->count++;
	}
	rec->subject = NULL;
}

void
table_put(struct db_index *idx, struct db_record *rec)
{
	table_put_at(idx, table_slot(idx, rec->serial), rec);
}

void
db_index_free(struct db_index *idx)
{
	size_t	i;

	for (i = 0; i < idx->count; i++)
		db_record_clear(&idx->recs[i]);
	free(idx->recs);
	hashtab_free(&idx->tab);
	memset(idx, 0, sizeof(*idx));
}
