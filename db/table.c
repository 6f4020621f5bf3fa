/* SPDX-License-Identifier: ISC */
/*
 * The in-memory index: the current record of every serial in an array,
 * found through an open-addressing hash table (its slots keep part of the
 * hash, so a probe rarely has to look at a record), so that a lookup costs the
 * same with ten records or a million.  Space is made before anything is
 * written (table_reserve) so that applying a change that is already on
 * disk (table_put) cannot fail.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "db/db_int.h"
#include "util/util.h"

/* A slot: 32 bits of the serial's hash (never 0), 32 of index + 1. */
#define TAG_MASK	0xffffffff00000000ULL
#define INDEX_MASK	0x00000000ffffffffULL

/*
 * Serials are random already: eight bytes at a time, multiplied and
 * folded, spreads them evenly at a fraction of a byte-wise hash's cost.
 */
static size_t
serial_hash(const char *s)
{
	uint64_t	h = 0x9e3779b97f4a7c15ULL, w;
	size_t		len = strlen(s);

	for (; len >= 8; s += 8, len -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	w = 0;
	memcpy(&w, s, len);
	h = (h ^ w ^ len) * 0xc4ceb9fe1a85ec53ULL;
	return (size_t)(h ^ h >> 29);
}

/*
 * The slot of serial in slots[]: where it is, or the empty one it would
 * take.  The table must have room (table_reserve).
 */
size_t
table_slot(const struct db_index *idx, const char *serial)
{
	size_t		h = serial_hash(serial), mask = idx->nslots - 1;
	size_t		i = h & mask;
	uint64_t	v, tag = (uint64_t)(h >> 32 | 1) << 32;

	while ((v = idx->slots[i]) != 0) {
		if ((v & TAG_MASK) == tag &&
		    strcmp(idx->recs[(v & INDEX_MASK) - 1].serial, serial) == 0)
			break;
		i = (i + 1) & mask;
	}
	return i;
}

/* The record in a slot, NULL if it is empty. */
struct db_record *
table_at(const struct db_index *idx, size_t slot)
{
	uint64_t	v = idx->slots[slot];

	return v == 0 ? NULL : &idx->recs[(v & INDEX_MASK) - 1];
}

/* What goes in the slot of the record at index i. */
static uint64_t
slot_value(const struct db_index *idx, size_t i)
{
	size_t	h = serial_hash(idx->recs[i].serial);

	return (uint64_t)(h >> 32 | 1) << 32 | (uint64_t)(i + 1);
}

struct db_record *
table_get(const struct db_index *idx, const char *serial)
{
	if (idx->nslots == 0)
		return NULL;
	return table_at(idx, table_slot(idx, serial));
}

static int
table_rehash(struct db_index *idx, size_t nslots)
{
	uint64_t	*old = idx->slots;
	size_t		 i;

	if ((idx->slots = calloc(nslots, sizeof(*idx->slots))) == NULL) {
		idx->slots = old;
		err_set("out of memory for the index of %zu records",
		    idx->count);
		return 1;
	}
	idx->nslots = nslots;
	for (i = 0; i < idx->count; i++)
		idx->slots[table_slot(idx, idx->recs[i].serial)] =
		    slot_value(idx, i);
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
		idx->slots[slot] = slot_value(idx, idx->count);
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
	free(idx->slots);
	memset(idx, 0, sizeof(*idx));
}
