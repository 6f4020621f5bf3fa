/* SPDX-License-Identifier: ISC */
/*
 * The escaping codec (util/escape.c), table-driven: each case under each
 * mode, esc_len agreeing with what esc_text and esc_write produce, a cut
 * never splitting an escape, and text_unescape reading the database's
 * form back to the bytes it came from.
 */
#include <stdlib.h>
#include <string.h>

#include "db/db_int.h"
#include "tests/unit/tap.h"

#define DB	ESC_BACKSLASH
#define TERM	ESC_TERMINAL
#define FIND	(ESC_BACKSLASH | ESC_TERMINAL)
#define LAYOUT	(ESC_TERMINAL | ESC_LAYOUT)

static const struct {
	const char	*in;
	int		 flags;
	const char	*want;
} cases[] = {
	{ "plain text", DB, "plain text" },
	{ "plain text", TERM, "plain text" },
	{ "a\\b", DB, "a\\\\b" },
	{ "a\\b", TERM, "a\\b" },			/* not a control */
	{ "a\\b", FIND, "a\\\\b" },
	{ "t\tn\nr\r", DB, "t\\tn\\nr\\r" },
	{ "t\tn\nr\r", TERM, "t\\tn\\nr\\r" },
	{ "t\tn\nr\r", LAYOUT, "t\tn\nr\\r" },	/* tab, newline: layout */
	{ "\x1b[2J", DB, "\\x1B[2J" },
	{ "\x1b]2;x\x07", TERM, "\\x1B]2;x\\x07" },
	{ "del\x7f", TERM, "del\\x7F" },
	{ "\x01\x1f", FIND, "\\x01\\x1F" },
	/* U+009B (CSI), U+0085 (NEL): C1 controls, in UTF-8 */
	{ "a\xc2\x9b" "1m", TERM, "a\\xC2\\x9B1m" },
	{ "a\xc2\x9b" "1m", DB, "a\xc2\x9b" "1m" },	/* index: as it was */
	{ "\xc2\x85", FIND, "\\xC2\\x85" },
	/* U+00A0 and above are text */
	{ "caf\xc3\xa9 \xc2\xa0", TERM, "caf\xc3\xa9 \xc2\xa0" },
	{ "\xe6\x97\xa5\xe6\x9c\xac", TERM, "\xe6\x97\xa5\xe6\x9c\xac" },
	{ "\xf0\x9f\x94\x91", TERM, "\xf0\x9f\x94\x91" },
	/* not UTF-8: a lone continuation, overlong, surrogate, cut */
	{ "a\x80z", TERM, "a\\x80z" },
	{ "\xc0\xaf", TERM, "\\xC0\\xAF" },
	{ "\xed\xa0\x80", TERM, "\\xED\\xA0\\x80" },
	{ "ab\xe6\x97", TERM, "ab\\xE6\\x97" },
	{ "a\x80z", DB, "a\x80z" },
	{ "", TERM, "" },
};

static void
check_case(size_t i)
{
	char	out[256], *w;
	size_t	n;

	esc_text(out, sizeof(out), cases[i].in, cases[i].flags);
	ok(strcmp(out, cases[i].want) == 0, "case %zu: esc_text gives %s",
	    i, cases[i].want);
	n = esc_len(cases[i].in, cases[i].flags);
	ok(n == strlen(cases[i].want), "case %zu: esc_len %zu", i, n);
	if ((w = calloc(1, n + 1)) == NULL)
		return;
	ok(esc_write(w, cases[i].in, cases[i].flags) == n &&
	    strcmp(w, cases[i].want) == 0, "case %zu: esc_write agrees", i);
	free(w);
}

int
main(void)
{
	const char	*db_form = "a\\\\b\\tc\\x1B\xc2\x9b";
	char		 small[8], *back;
	const char	*why;
	size_t		 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_case(i);
	/* A cut keeps whole escapes: "ab" then \x1B does not fit in 5. */
	esc_text(small, 5, "ab\x1b" "cd", TERM);
	ok(strcmp(small, "ab") == 0, "a cut is before an escape, not in it");
	esc_text(small, sizeof(small), "ab\xc2\x9b", TERM);
	ok(strcmp(small, "ab") == 0, "... nor in a C1 control's two escapes");
	esc_text(small, sizeof(small), "abcdef\xc3\xa9", TERM);
	ok(strcmp(small, "abcdef") == 0, "... nor in a UTF-8 character");
	/* The database's form reads back to the bytes. */
	back = text_unescape(db_form, strlen(db_form), &why);
	ok(back != NULL && strcmp(back, "a\\b\tc\x1b\xc2\x9b") == 0,
	    "text_unescape reads the database's form back");
	free(back);
	return done_testing();
}
