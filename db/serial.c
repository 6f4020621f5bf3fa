/* SPDX-License-Identifier: ISC */
/*
 * Serial numbers: 20 random octets from the token, made positive and
 * exactly 20 octets long in DER, written as upper-case hex.  A serial is
 * reserved in the index (status P, durably) before the token signs, so a
 * crash after signing can never lead to the same serial twice; a
 * reservation that is given up is voided (X) and never used again.
 */
#include <stdlib.h>
#include <string.h>

#include "db/db_int.h"
#include "util/util.h"

#define SERIAL_OCTETS	20

/*
 * The serial made of the first 20 octets of rnd: the top bit cleared (so
 * it is positive) and the next one set (so DER needs no leading zero and
 * the number is exactly 20 octets, the most RFC 5280 allows).
 */
int
db_serial_make(const unsigned char *rnd, size_t len,
    char serial[DB_SERIAL_MAX])
{
	unsigned char	 b[SERIAL_OCTETS];
	char		*hex;

	if (len < SERIAL_OCTETS) {
		err_set("a serial needs %d random octets, got %zu (this is a "
		    "bug)", SERIAL_OCTETS, len);
		return 1;
	}
	memcpy(b, rnd, sizeof(b));
	b[0] = (b[0] & 0x7f) | 0x40;
	if ((hex = hex_encode(b, sizeof(b), 1)) == NULL) {
		err_set("out of memory");
		return 1;
	}
	memcpy(serial, hex, DB_SERIAL_MAX);
	free(hex);
	return 0;
}

int
db_serial_reserve(struct db *db, const char *serial, const char *subject,
    const char *profile, int generation, time_t not_after)
{
	const struct db_record	*cur;
	struct db_record	 r;

	memset(&r, 0, sizeof(r));
	if (!serial_valid(serial, strlen(serial))) {
		err_set("serial '%.48s' is not upper-case hex of 1 to 20 "
		    "octets (this is a bug)", serial);
		return 1;
	}
	if ((cur = db_index_get(db, serial)) != NULL) {
		err_set("serial %s is already in the index (status %c): the "
		    "token's random generator repeated itself; do not issue "
		    "with this token until it is checked", serial,
		    cur->status);
		return 1;
	}
	if (strlen(profile) >= sizeof(r.profile)) {
		err_set("profile name '%.64s...' is too long (at most %zu "
		    "characters)", profile, sizeof(r.profile) - 1);
		return 1;
	}
	r.status = DB_RESERVED;
	memcpy(r.serial, serial, strlen(serial) + 1);
	memcpy(r.profile, profile, strlen(profile) + 1);
	r.not_after = not_after;
	r.reason = -1;
	r.generation = generation;
	r.subject = (char *)subject;
	return db_index_append(db, &r, 1);
}

int
db_serial_void(struct db *db, const char *serial)
{
	const struct db_record	*cur;

	if ((cur = db_index_get(db, serial)) == NULL) {
		err_set("serial %s is not in the index: nothing to void",
		    serial);
		return 1;
	}
	if (cur->status != DB_RESERVED) {
		err_set("serial %s is %s, not reserved: only a reservation "
		    "the token never signed can be voided", serial,
		    db_status_name(cur->status));
		return 1;
	}
	return db_index_mark(db, serial, DB_VOID, 0, -1);
}
