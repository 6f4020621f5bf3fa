/* SPDX-License-Identifier: ISC */
/* The one hash table of db/ (hashtab.h): its hash and its storage. */
#include <stdlib.h>
#include <string.h>

#include "db/hashtab.h"

/*
 * Serials are random already: eight bytes at a time, multiplied and
 * folded, spreads them evenly at a fraction of a byte-wise hash's cost.
 */
size_t
hashtab_hash(const void *key, size_t len)
{
	const unsigned char	*s = key;
	uint64_t		 h = 0x9e3779b97f4a7c15ULL, w;
	size_t			 n = len;

	for (; n >= 8; s += 8, n -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	w = 0;
	memcpy(&w, s, n);
	h = (h ^ w ^ len) * 0xc4ceb9fe1a85ec53ULL;
	return (size_t)(h ^ h >> 29);
}

/*
 * An empty table of nslots (a power of two) in place of the old one,
 * which is kept if there is no memory; the caller inserts its entries
 * again.
 */
int
hashtab_resize(struct hashtab *t, size_t nslots)
{
	uint64_t	*slots;

	if ((slots = calloc(nslots, sizeof(*slots))) == NULL)
		return 1;
	free(t->slots);
	t->slots = slots;
	t->nslots = nslots;
	return 0;
}

void
hashtab_free(struct hashtab *t)
{
	free(t->slots);
	t->slots = NULL;
	t->nslots = 0;
}
