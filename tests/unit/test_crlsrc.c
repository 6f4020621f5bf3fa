/* SPDX-License-Identifier: ISC */
/*
 * crlsrc, table-driven: which serials of an index a CRL lists and why the
 * others are not listed (never revoked, released from hold, expired,
 * another generation), the last line of a serial winning, comments,
 * reserved and void lines skipped, a corrupt line refused by number; and
 * a large index (many batches, many rehashes) read back exactly.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/db_int.h"
#include "util/util.h"
#include "tests/unit/tap.h"

#define NA	"20360101000000Z"
#define OLD	"20200101000000Z"
#define RV	"20260101000000Z"
#define L(st, na, rv, rs, iv, ser, gen) \
	st "\t" na "\t" rv "\t" rs "\t" iv "\t" ser "\t" gen "\tsrv\tCN=x\n"
#define NOW	1798761600	/* 2027-01-01 */

static const char *const index_text =
	"# ceremony index v2: header\n"
	L("P", NA, "-", "-", "-", "0A01", "1")
	L("V", NA, "-", "-", "-", "0A01", "1")			/* good */
	L("P", NA, "-", "-", "-", "0A02", "1")
	L("V", NA, "-", "-", "-", "0A02", "1")
	L("R", NA, RV, "keyCompromise", "20251231000000Z", "0A02", "1")
	L("V", NA, "-", "-", "-", "0A03", "1")
	L("R", NA, RV, "certificateHold", "-", "0A03", "1")
	L("V", NA, "-", "-", "-", "0A03", "1")			/* released */
	L("V", OLD, "-", "-", "-", "0A04", "1")
	L("R", OLD, RV, "superseded", "-", "0A04", "1")		/* expired */
	L("R", NA, RV, "superseded", "-", "0A05", "2")		/* gen 2 */
	L("V", NA, "-", "-", "-", "FA06", "1")
	L("R", NA, RV, "certificateHold", "-", "FA06", "1")
	L("R", NA, RV, "keyCompromise", "-", "FA06", "1")	/* raised */
	L("X", NA, "-", "-", "-", "0A07", "1")
	L("R", NA, RV, "-", "-", "0A08", "1");			/* no reason */

static const struct {
	const char	*serial;
	int		 state;		/* 0: unknown */
	int		 reason;
	int		 invalidity;
} want[] = {
	{ "0A01", 0, 0, 0 },
	{ "0A02", CRLSRC_LISTED, 1, 1 },
	{ "0A03", CRLSRC_RELEASED, 0, 0 },
	{ "0A04", CRLSRC_EXPIRED, 0, 0 },
	{ "0A05", 0, 0, 0 },
	{ "FA06", CRLSRC_LISTED, 1, 0 },
	{ "0A07", 0, 0, 0 },
	{ "0A08", CRLSRC_LISTED, -1, 0 },
};

static char *
write_index(const char *text)
{
	char	*path;
	FILE	*f;

	if ((path = strdup("/tmp/test_crlsrc.XXXXXX")) == NULL ||
	    mkstemp(path) == -1 || (f = fopen(path, "w")) == NULL)
		exit(2);
	fputs(text, f);
	fclose(f);
	return path;
}

static void
test_table(void)
{
	struct crlsrc		 c;
	const struct crl_entry	*e;
	unsigned char		 s[2];
	char			*path = write_index(index_text);
	size_t			 i, n;

	ok(crlsrc_read(path, 1, NOW, 0, &c) == 0, "the index reads");
	ok(c.listed == 3, "three listed (%zu)", c.listed);
	ok(c.lines == 17, "every line counted (%zu)", c.lines);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		hex_decode(want[i].serial, s, sizeof(s), &n);
		e = crlsrc_find(&c, s, n);
		ok(want[i].state == 0 ? e == NULL : e != NULL &&
		    e->state == want[i].state, "%s: state %d", want[i].serial,
		    want[i].state);
		if (e != NULL && want[i].state == CRLSRC_LISTED) {
			ok(e->reason == want[i].reason, "%s: reason %d",
			    want[i].serial, want[i].reason);
			ok((e->invalidity != 0) == want[i].invalidity,
			    "%s: invalidity date %s", want[i].serial,
			    want[i].invalidity ? "kept" : "none");
		}
	}
	crlsrc_free(&c);
	ok(crlsrc_read(path, 1, NOW, 1, &c) == 0 && c.listed == 4,
	    "keep_expired: the expired one listed too");
	crlsrc_free(&c);
	ok(crlsrc_read(path, 2, NOW, 0, &c) == 0 && c.listed == 1,
	    "generation 2: its own entry only");
	crlsrc_free(&c);
	unlink(path);
	free(path);
}

static void
test_corrupt(void)
{
	struct crlsrc	 c;
	char		*path = write_index(L("V", NA, "-", "-", "-", "0A01", "1")
			    "R\tnot a time\n");

	ok(crlsrc_read(path, 1, NOW, 0, &c) != 0 &&
	    strstr(err_get(), "line 2 is corrupt") != NULL,
	    "a corrupt line refused by number");
	unlink(path);
	free(path);
}

/* 200,000 certificates, every other revoked, every tenth then released. */
static void
test_large(void)
{
	struct crlsrc		 c;
	const struct crl_entry	*e;
	unsigned char		 s[8];
	char			*path, line[256];
	size_t			 i, n, bad = 0;
	FILE			*f;

	path = write_index("");
	if ((f = fopen(path, "w")) == NULL)
		exit(2);
	for (i = 1; i <= 200000; i++) {
		fprintf(f, "V\t" NA "\t-\t-\t-\t7%07zX\t1\tsrv\tCN=x\n", i);
		if (i % 2 == 0)
			fprintf(f, "R\t" NA "\t" RV "\tcertificateHold\t-\t"
			    "7%07zX\t1\tsrv\tCN=x\n", i);
	}
	for (i = 10; i <= 200000; i += 10)
		fprintf(f, "V\t" NA "\t-\t-\t-\t7%07zX\t1\tsrv\tCN=x\n", i);
	fclose(f);
	ok(crlsrc_read(path, 1, NOW, 0, &c) == 0, "a large index reads");
	ok(c.listed == 80000, "80,000 listed (%zu)", c.listed);
	for (i = 1; i <= 200000; i++) {
		snprintf(line, sizeof(line), "7%07zX", i);
		hex_decode(line, s, sizeof(s), &n);
		e = crlsrc_find(&c, s, n);
		if ((i % 2 != 0 && e != NULL) ||
		    (i % 2 == 0 && i % 10 != 0 && (e == NULL ||
		    e->state != CRLSRC_LISTED)) ||
		    (i % 10 == 0 && (e == NULL ||
		    e->state != CRLSRC_RELEASED)))
			bad++;
	}
	ok(bad == 0, "every serial in its state (%zu wrong)", bad);
	crlsrc_free(&c);
	unlink(path);
	free(path);
}

int
main(void)
{
	test_table();
	test_corrupt();
	test_large();
	return done_testing();
}
