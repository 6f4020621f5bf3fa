/* SPDX-License-Identifier: ISC */
/*
 * The one hash table of db/: open addressing with linear probing over an
 * array the caller owns.  A slot is 64 bits: 32 bits of the key's hash
 * (never 0) above the entry's index + 1, and 0 is empty; so a probe
 * rarely has to look at an entry, and the table is 8 bytes an entry at
 * load 1/2.  The in-memory index (table.c, serials as text) and the CRL
 * source (crlsrc.c, serials as bytes) both use it: the caller hashes its
 * key with hashtab_hash and compares its own entries.
 *
 * The probe is inline so that the caller's comparison is too: the CRL
 * source probes once per index line, a million times for a large CA.
 */
#ifndef DB_HASHTAB_H
#define DB_HASHTAB_H

#include <stddef.h>
#include <stdint.h>

struct hashtab {
	uint64_t	*slots;
	size_t		 nslots;	/* a power of two, or 0 */
};

#define HASHTAB_TAG(h)	((uint64_t)((uint64_t)(h) >> 32 | 1) << 32)
#define HASHTAB_IDX(v)	((size_t)((v) & 0xffffffffULL))

size_t	hashtab_hash(const void *, size_t);
int	hashtab_resize(struct hashtab *, size_t nslots);
void	hashtab_free(struct hashtab *);

/* Does entry i of arg hold the key? */
typedef int	(*hashtab_eq)(const void *arg, size_t i, const void *key,
		    size_t len);

/*
 * The slot holding key (hash h), or the empty slot where it would go.
 * The table must have a free slot.
 */
static inline size_t
hashtab_probe(const struct hashtab *t, size_t h, hashtab_eq eq,
    const void *arg, const void *key, size_t len)
{
	size_t		mask = t->nslots - 1, i = h & mask;
	uint64_t	v, tag = HASHTAB_TAG(h);

	while ((v = t->slots[i]) != 0) {
		if ((v & ~0xffffffffULL) == tag &&
		    eq(arg, HASHTAB_IDX(v) - 1, key, len))
			break;
		i = (i + 1) & mask;
	}
	return i;
}

/* The entry index in a slot, or (size_t)-1 when it is empty. */
static inline size_t
hashtab_at(const struct hashtab *t, size_t slot)
{
	return HASHTAB_IDX(t->slots[slot]) - 1;
}

/* Put entry i (hash h) in a slot hashtab_probe found. */
static inline void
hashtab_set(struct hashtab *t, size_t slot, size_t h, size_t i)
{
	t->slots[slot] = HASHTAB_TAG(h) | (uint64_t)(i + 1);
}

/* Add entry i (hash h), known to be absent, after a resize. */
static inline void
hashtab_insert(struct hashtab *t, size_t h, size_t i)
{
	size_t	mask = t->nslots - 1, s = h & mask;

	while (t->slots[s] != 0)
		s = (s + 1) & mask;
	hashtab_set(t, s, h, i);
}

#endif
