/* SPDX-License-Identifier: ISC */
/*
 * index.txt lines, table-driven: good lines parse and format back byte for
 * byte; every kind of bad field is rejected with a reason naming it; the
 * subject escaping covers every control byte; the status transitions.
 * Lines of eight fields (before the invalidity date) still read and are
 * written back with nine.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db_int.h"
#include "util/util.h"
#include "tests/unit/tap.h"

#define SER	"4A1B2C3D4E5F60718293A4B5C6D7E8F901234567"
#define LINE9(st, na, rv, rs, iv, ser, gen, prof, subj) \
	st "\t" na "\t" rv "\t" rs "\t" iv "\t" ser "\t" gen "\t" prof "\t" \
	subj "\n"
#define LINE(st, na, rv, rs, ser, gen, prof, subj) \
	LINE9(st, na, rv, rs, "-", ser, gen, prof, subj)
#define OLD8(st, na, rv, rs, ser, gen, prof, subj) \
	st "\t" na "\t" rv "\t" rs "\t" ser "\t" gen "\t" prof "\t" subj "\n"
#define GOODV(subj)	LINE("V", "20360101000000Z", "-", "-", SER, "1", \
			    "server", subj)

static const struct {
	const char	*name;
	const char	*line;
	char		 status;
	const char	*subject;	/* unescaped */
} good[] = {
	{ "reserved", LINE("P", "20360101000000Z", "-", "-", SER, "1",
	  "server", "CN=www.example.org,O=Example"), 'P',
	  "CN=www.example.org,O=Example" },
	{ "valid", GOODV("CN=a"), 'V', "CN=a" },
	{ "void", LINE("X", "20360101000000Z", "-", "-", SER, "3", "client",
	  "CN=a"), 'X', "CN=a" },
	{ "revoked with reason", LINE("R", "20360101000000Z",
	  "20260315120000Z", "keyCompromise", SER, "1", "server", "CN=a"),
	  'R', "CN=a" },
	{ "revoked on hold", LINE("R", "20360101000000Z", "20260315120000Z",
	  "certificateHold", SER, "2", "server", "CN=a"), 'R', "CN=a" },
	{ "revoked without reason", LINE("R", "20360101000000Z",
	  "20260315120000Z", "-", SER, "1", "server", "CN=a"), 'R', "CN=a" },
	{ "aACompromise", LINE("R", "20360101000000Z", "20260315120000Z",
	  "aACompromise", SER, "1", "server", "CN=a"), 'R', "CN=a" },
	{ "no well-defined expiry", LINE("V", "99991231235959Z", "-", "-",
	  SER, "1", "server", "CN=a"), 'V', "CN=a" },
	{ "leap day, 1950", LINE("V", "19500101000000Z", "-", "-", "01",
	  "999999999", "a.b_c-D9", "CN=a"), 'V', "CN=a" },
	{ "29 February", LINE("V", "20240229235959Z", "-", "-", "7F", "1",
	  "p", "CN=a"), 'V', "CN=a" },
	{ "empty subject", GOODV(""), 'V', "" },
	{ "RFC 2253 escapes", GOODV("CN=a\\\\,b\\\\+c,O=x\\\\\\\\y"), 'V',
	  "CN=a\\,b\\+c,O=x\\\\y" },
	{ "tab newline CR", GOODV("CN=a\\tb\\nc\\rd"), 'V', "CN=a\tb\nc\rd" },
	{ "other control bytes", GOODV("CN=\\x01\\x1F\\x7F"), 'V',
	  "CN=\x01\x1f\x7f" },
	{ "UTF-8", GOODV("CN=M\xc3\xbcller \xe2\x82\xac"), 'V',
	  "CN=M\xc3\xbcller \xe2\x82\xac" },
	{ "invalidity date", LINE9("R", "20360101000000Z", "20260315120000Z",
	  "keyCompromise", "20260301000000Z", SER, "1", "server", "CN=a"), 'R',
	  "CN=a" },
	{ "invalidity date on hold", LINE9("R", "20360101000000Z",
	  "20260315120000Z", "certificateHold", "20260315115959Z", SER, "1",
	  "server", "CN=a"), 'R', "CN=a" },
	{ "invalidity without reason", LINE9("R", "20360101000000Z",
	  "20260315120000Z", "-", "19700101000001Z", SER, "1", "server",
	  "CN=a"), 'R', "CN=a" },
};

/* Lines of eight fields, and the nine they are written back as. */
static const struct {
	const char	*name;
	const char	*line;
	const char	*written;
} old8[] = {
	{ "old valid", OLD8("V", "20360101000000Z", "-", "-", SER, "1",
	  "server", "CN=a"), LINE("V", "20360101000000Z", "-", "-", SER, "1",
	  "server", "CN=a") },
	{ "old revoked", OLD8("R", "20360101000000Z", "20260315120000Z",
	  "superseded", SER, "2", "server", "CN=a\\tb"), LINE("R",
	  "20360101000000Z", "20260315120000Z", "superseded", SER, "2",
	  "server", "CN=a\\tb") },
	{ "old reserved", OLD8("P", "20360101000000Z", "-", "-", "7F", "1",
	  "p", ""), LINE("P", "20360101000000Z", "-", "-", "7F", "1", "p", "") },
};

static const struct {
	const char	*name;
	const char	*line;
	const char	*why;		/* in the message */
} bad[] = {
	{ "7 fields", "V\t20360101000000Z\t-\t-\t" SER "\t1\tserver\n",
	  "7 tab-separated fields, 9 expected" },
	{ "10 fields", GOODV("CN=a\tx"), "more than 9" },
	{ "old line with a tab in the subject", OLD8("V", "20360101000000Z",
	  "-", "-", SER, "1", "s", "CN=a\tb"), "invalidity date '" SER },
	{ "invalidity garbage", LINE9("R", "20360101000000Z",
	  "20260101000000Z", "keyCompromise", "last week", SER, "1", "s",
	  "CN=a"), "invalidity date 'last week'" },
	{ "invalidity empty", LINE9("R", "20360101000000Z", "20260101000000Z",
	  "keyCompromise", "", SER, "1", "s", "CN=a"), "invalidity date ''" },
	{ "invalidity before 1970", LINE9("R", "20360101000000Z",
	  "20260101000000Z", "keyCompromise", "19691231235959Z", SER, "1", "s",
	  "CN=a"), "invalidity date '19691231235959Z'" },
	{ "invalidity no Z", LINE9("R", "20360101000000Z", "20260101000000Z",
	  "keyCompromise", "202601010000000", SER, "1", "s", "CN=a"),
	  "invalidity date" },
	{ "V with invalidity", LINE9("V", "20360101000000Z", "-", "-",
	  "20260101000000Z", SER, "1", "s", "CN=a"), "only R has them" },
	{ "X with invalidity", LINE9("X", "20360101000000Z", "-", "-",
	  "20260101000000Z", SER, "1", "s", "CN=a"), "only R has them" },
	{ "empty line", "", "1 tab-separated fields" },
	{ "status Q", LINE("Q", "20360101000000Z", "-", "-", SER, "1", "s",
	  "CN=a"), "status 'Q'" },
	{ "status VV", LINE("VV", "20360101000000Z", "-", "-", SER, "1", "s",
	  "CN=a"), "status 'VV'" },
	{ "status empty", LINE("", "20360101000000Z", "-", "-", SER, "1", "s",
	  "CN=a"), "status ''" },
	{ "notAfter short", LINE("V", "2036010100000Z", "-", "-", SER, "1",
	  "s", "CN=a"), "notAfter '2036010100000Z'" },
	{ "notAfter no Z", LINE("V", "203601010000000", "-", "-", SER, "1",
	  "s", "CN=a"), "notAfter" },
	{ "notAfter month 13", LINE("V", "20361301000000Z", "-", "-", SER,
	  "1", "s", "CN=a"), "notAfter" },
	{ "notAfter 29 Feb 2023", LINE("V", "20230229000000Z", "-", "-", SER,
	  "1", "s", "CN=a"), "notAfter" },
	{ "notAfter hour 24", LINE("V", "20360101240000Z", "-", "-", SER,
	  "1", "s", "CN=a"), "notAfter" },
	{ "notAfter second 60", LINE("V", "20360101000060Z", "-", "-", SER,
	  "1", "s", "CN=a"), "notAfter" },
	{ "notAfter 1949", LINE("V", "19491231000000Z", "-", "-", SER, "1",
	  "s", "CN=a"), "notAfter" },
	{ "notAfter sign", LINE("V", "+0360101000000Z", "-", "-", SER, "1",
	  "s", "CN=a"), "notAfter" },
	{ "revoked garbage", LINE("R", "20360101000000Z", "yesterday",
	  "keyCompromise", SER, "1", "s", "CN=a"), "revocation time" },
	{ "revoked empty", LINE("R", "20360101000000Z", "", "-", SER, "1",
	  "s", "CN=a"), "revocation time" },
	{ "revoked before 1970", LINE("R", "20360101000000Z",
	  "19600101000000Z", "-", SER, "1", "s", "CN=a"), "revocation time" },
	{ "reason case", LINE("R", "20360101000000Z", "20260101000000Z",
	  "KeyCompromise", SER, "1", "s", "CN=a"), "reason 'KeyCompromise'" },
	{ "reason number", LINE("R", "20360101000000Z", "20260101000000Z",
	  "1", SER, "1", "s", "CN=a"), "reason '1'" },
	{ "reason empty", LINE("R", "20360101000000Z", "20260101000000Z",
	  "", SER, "1", "s", "CN=a"), "reason ''" },
	{ "serial lower case", LINE("V", "20360101000000Z", "-", "-", "4a",
	  "1", "s", "CN=a"), "serial '4a'" },
	{ "serial odd length", LINE("V", "20360101000000Z", "-", "-", "ABC",
	  "1", "s", "CN=a"), "serial 'ABC'" },
	{ "serial 21 octets", LINE("V", "20360101000000Z", "-", "-", SER "AB",
	  "1", "s", "CN=a"), "serial" },
	{ "serial leading zero", LINE("V", "20360101000000Z", "-", "-", "00FF",
	  "1", "s", "CN=a"), "serial '00FF'" },
	{ "serial zero", LINE("V", "20360101000000Z", "-", "-", "00",
	  "1", "s", "CN=a"), "serial '00'" },
	{ "serial empty", LINE("V", "20360101000000Z", "-", "-", "",
	  "1", "s", "CN=a"), "serial ''" },
	{ "serial not hex", LINE("V", "20360101000000Z", "-", "-", "G1",
	  "1", "s", "CN=a"), "serial 'G1'" },
	{ "generation 0", LINE("V", "20360101000000Z", "-", "-", SER, "0",
	  "s", "CN=a"), "generation '0'" },
	{ "generation 01", LINE("V", "20360101000000Z", "-", "-", SER, "01",
	  "s", "CN=a"), "generation '01'" },
	{ "generation -1", LINE("V", "20360101000000Z", "-", "-", SER, "-1",
	  "s", "CN=a"), "generation '-1'" },
	{ "generation too big", LINE("V", "20360101000000Z", "-", "-", SER,
	  "1000000000", "s", "CN=a"), "generation '1000000000'" },
	{ "generation empty", LINE("V", "20360101000000Z", "-", "-", SER, "",
	  "s", "CN=a"), "generation ''" },
	{ "profile empty", LINE("V", "20360101000000Z", "-", "-", SER, "1",
	  "", "CN=a"), "profile ''" },
	{ "profile space", LINE("V", "20360101000000Z", "-", "-", SER, "1",
	  "a b", "CN=a"), "profile 'a b'" },
	{ "profile slash", LINE("V", "20360101000000Z", "-", "-", SER, "1",
	  "a/b", "CN=a"), "profile 'a/b'" },
	{ "profile 64 long", LINE("V", "20360101000000Z", "-", "-", SER, "1",
	  "0123456789012345678901234567890123456789012345678901234567890123",
	  "CN=a"), "profile" },
	{ "subject bad escape", GOODV("CN=\\q"), "subject: bad backslash" },
	{ "subject lone backslash", GOODV("CN=a\\"), "subject: bad backslash" },
	{ "subject raw CR", GOODV("CN=a\rb"), "subject: unescaped control" },
	{ "subject \\x09 for tab", GOODV("CN=\\x09"), "subject: bad backslash" },
	{ "subject \\x41 not control", GOODV("CN=\\x41"),
	  "subject: bad backslash" },
	{ "subject \\x00", GOODV("CN=\\x00"), "subject: bad backslash" },
	{ "subject lower-case hex", GOODV("CN=\\x1f"),
	  "subject: bad backslash" },
	{ "subject short \\x", GOODV("CN=\\x1"), "subject: bad backslash" },
	{ "R without time", LINE("R", "20360101000000Z", "-",
	  "keyCompromise", SER, "1", "s", "CN=a"), "status R without" },
	{ "V with time", LINE("V", "20360101000000Z", "20260101000000Z", "-",
	  SER, "1", "s", "CN=a"), "only R has them" },
	{ "P with reason", LINE("P", "20360101000000Z", "-", "superseded",
	  SER, "1", "s", "CN=a"), "only R has them" },
};

static void
test_good(void)
{
	struct db_record	r;
	char			buf[1024];
	size_t			i;
	int			n, pass;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		err_clear();
		pass = index_parse_line(good[i].line, &r) == 0;
		if (pass) {
			n = index_format_line(&r, buf, sizeof(buf));
			pass = n == (int)strlen(good[i].line) &&
			    strcmp(buf, good[i].line) == 0 &&
			    r.status == good[i].status &&
			    strcmp(r.subject, good[i].subject) == 0;
			if (!pass)
				printf("# formatted: %s", buf);
			db_record_clear(&r);
		}
		ok(pass, "round trip: %s", good[i].name);
	}
}

/* A V record of serial 01 with the given subject (not owned). */
static void
valid_record(struct db_record *r, const char *subject)
{
	memset(r, 0, sizeof(*r));
	r->status = DB_VALID;
	memcpy(r->serial, "01", 3);
	memcpy(r->profile, "p", 2);
	r->not_after = 2000000000;
	r->reason = -1;
	r->generation = 1;
	r->subject = (char *)subject;
}

static void
test_old8(void)
{
	struct db_record	r;
	char			buf[1024];
	size_t			i;
	int			pass;

	for (i = 0; i < sizeof(old8) / sizeof(old8[0]); i++) {
		err_clear();
		pass = index_parse_line(old8[i].line, &r) == 0;
		if (pass) {
			pass = r.invalidity == 0 &&
			    index_format_line(&r, buf, sizeof(buf)) > 0 &&
			    strcmp(buf, old8[i].written) == 0;
			db_record_clear(&r);
		}
		ok(pass, "eight fields read, nine written: %s", old8[i].name);
	}
}

/* The invalidity date reads back as the time it says. */
static void
test_invalidity(void)
{
	struct db_record	r;

	ok(index_parse_line(good[15].line, &r) == 0 &&
	    r.invalidity == 1772323200 && r.revoked_at == 1773576000 &&
	    r.reason == 1, "invalidity 20260301000000Z is 1772323200");
	db_record_clear(&r);
	ok(index_parse_line(good[17].line, &r) == 0 && r.invalidity == 1 &&
	    r.reason == -1, "invalidity 19700101000001Z is 1");
	db_record_clear(&r);
	valid_record(&r, "CN=a");
	r.invalidity = 1772323200;
	{
		char	buf[512];

		ok(index_format_line(&r, buf, sizeof(buf)) == -1 &&
		    strstr(err_get(), "only R has them") != NULL,
		    "format refuses an invalidity date on V");
		r.status = DB_REVOKED;
		r.revoked_at = 1773576000;
		r.reason = 1;
		r.invalidity = 253402300800LL;
		ok(index_format_line(&r, buf, sizeof(buf)) == -1 &&
		    strstr(err_get(), "1950 to 9999") != NULL,
		    "format refuses an invalidity date past 9999");
	}
}

static void
test_bad(void)
{
	struct db_record	r;
	size_t			i;
	int			pass;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err_clear();
		memset(&r, 0x55, sizeof(r));
		pass = index_parse_line(bad[i].line, &r) != 0 &&
		    r.subject == NULL &&
		    strstr(err_get(), bad[i].why) != NULL;
		ok(pass, "rejected: %s", bad[i].name);
	}
}

/* Every byte 1..255 in a subject survives format then parse. */
static void
test_escape_all(void)
{
	struct db_record	r = { 0 }, back;
	char			subj[256], buf[2048];
	int			i, pass;

	for (i = 1; i < 256; i++)
		subj[i - 1] = (char)i;
	subj[255] = '\0';
	valid_record(&r, subj);
	pass = index_format_line(&r, buf, sizeof(buf)) > 0 &&
	    strchr(buf, '\t') != NULL && strchr(buf, '\n') ==
	    buf + strlen(buf) - 1 && index_parse_line(buf, &back) == 0;
	if (pass) {
		pass = strcmp(back.subject, subj) == 0 &&
		    back.not_after == 2000000000;
		db_record_clear(&back);
	}
	ok(pass, "every byte 1..255 in a subject round-trips on one line");
	r.status = 'Q';
	ok(index_format_line(&r, buf, sizeof(buf)) == -1 &&
	    strstr(err_get(), "status") != NULL, "format refuses status Q");
	r.status = DB_VALID;
	ok(index_format_line(&r, buf, 100) == -1,
	    "format refuses a buffer that is too small");
	r.not_after = 253402300800LL;	/* year 10000 */
	ok(index_format_line(&r, buf, sizeof(buf)) == -1 &&
	    strstr(err_get(), "1950 to 9999") != NULL,
	    "format refuses a notAfter past 9999");
}

static void
test_reasons(void)
{
	int	i, pass = 1;

	for (i = 0; i <= 10; i++)
		if (i == 7)
			pass &= db_reason_name(i) == NULL;
		else
			pass &= db_reason_parse(db_reason_name(i)) == i;
	pass &= db_reason_name(-1) == NULL && db_reason_name(11) == NULL &&
	    db_reason_parse("nonsense") == -1 &&
	    strcmp(db_reason_name(6), "certificateHold") == 0;
	ok(pass, "reason names and codes map both ways");
}

/* Reasons: -1 none, 0 unspecified, 1 keyCompromise, 4 superseded, 6 hold. */
static const struct {
	char	from;		/* 0: not in the index */
	int	from_reason;
	char	to;
	int	to_reason;
	int	allowed;
} moves[] = {
	{ 0, -1, 'P', -1, 1 }, { 0, -1, 'V', -1, 0 }, { 0, -1, 'R', 1, 0 },
	{ 0, -1, 'X', -1, 0 },
	{ 'P', -1, 'P', -1, 0 }, { 'P', -1, 'V', -1, 1 },
	{ 'P', -1, 'R', 1, 0 }, { 'P', -1, 'X', -1, 1 },
	{ 'V', -1, 'P', -1, 0 }, { 'V', -1, 'V', -1, 0 },
	{ 'V', -1, 'R', 1, 1 }, { 'V', -1, 'R', 6, 1 }, { 'V', -1, 'R', -1, 1 },
	{ 'V', -1, 'R', 8, 0 }, { 'V', -1, 'X', -1, 0 },
	{ 'R', 6, 'P', -1, 0 }, { 'R', 6, 'V', -1, 1 }, { 'R', 6, 'R', 6, 0 },
	{ 'R', 6, 'R', 0, 1 }, { 'R', 6, 'R', 1, 1 }, { 'R', 6, 'R', 4, 1 },
	{ 'R', 6, 'R', -1, 1 }, { 'R', 6, 'R', 8, 0 }, { 'R', 6, 'X', -1, 0 },
	{ 'R', 4, 'R', 1, 1 }, { 'R', 0, 'R', 1, 1 }, { 'R', -1, 'R', 1, 1 },
	{ 'R', 1, 'R', 4, 0 }, { 'R', 1, 'R', 1, 0 }, { 'R', 1, 'R', 6, 0 },
	{ 'R', 4, 'R', 4, 0 }, { 'R', 4, 'R', 0, 0 }, { 'R', 4, 'R', 6, 0 },
	{ 'R', 1, 'V', -1, 0 }, { 'R', -1, 'V', -1, 0 },
	{ 'X', -1, 'P', -1, 0 }, { 'X', -1, 'V', -1, 0 },
	{ 'X', -1, 'R', 1, 0 }, { 'X', -1, 'X', -1, 0 },
};

static void
test_transitions(void)
{
	struct db_record	cur = { 0 }, next = { 0 };
	char			why[256];
	size_t			i;
	int			rc;

	memcpy(next.serial, "AB", 3);
	for (i = 0; i < sizeof(moves) / sizeof(moves[0]); i++) {
		cur.status = moves[i].from;
		cur.reason = moves[i].from_reason;
		cur.revoked_at = moves[i].from == 'R' ? 1700000000 : 0;
		next.status = moves[i].to;
		next.reason = moves[i].to_reason;
		next.revoked_at = moves[i].to == 'R' ? 1700000000 : 0;
		why[0] = '\0';
		rc = index_transition(moves[i].from ? &cur : NULL, &next, why,
		    sizeof(why));
		ok(rc == !moves[i].allowed && (rc == 0 || (strstr(why, "AB") &&
		    strlen(why) > 20)), "%c(%s) to %c(%s) is %s",
		    moves[i].from ? moves[i].from : '-',
		    db_reason_name(moves[i].from_reason) ?
		    db_reason_name(moves[i].from_reason) : "-", moves[i].to,
		    db_reason_name(moves[i].to_reason) ?
		    db_reason_name(moves[i].to_reason) : "-",
		    moves[i].allowed ? "allowed" : "refused");
	}
	cur.status = next.status = DB_REVOKED;
	cur.reason = 6;
	next.reason = 1;
	cur.revoked_at = 1700000000;
	next.revoked_at = 1700000001;
	ok(index_transition(&cur, &next, why, sizeof(why)) != 0 &&
	    strstr(why, "keeps the revocation time") != NULL,
	    "a new reason keeps the first revocation time");
}

int
main(void)
{
	test_good();
	test_old8();
	test_invalidity();
	test_bad();
	test_escape_all();
	test_reasons();
	test_transitions();
	return done_testing();
}
