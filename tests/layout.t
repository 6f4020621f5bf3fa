#!/bin/bash
# The tree's structure rules (docs/architecture.md, scripts/layout-check):
# the checked-in tree keeps them, and a copy with each rule broken once is
# caught, with the file, the line and the rule named.
. "$(dirname "$0")/lib.sh"

CHECK=$TOP/scripts/layout-check
ok "the tree keeps its layout rules" "$CHECK" "$TOP"
[ -s "$T/out" ] && sed 's/^/#   /' "$T/out"

# A copy of the sources to break.
mkdir -p "$T/tree"
(cd "$TOP" && tar cf - util hsm db ceremony tui) | (cd "$T/tree" && tar xf -)
ok "the copy keeps them too" "$CHECK" "$T/tree"

# breaks DESC FILE LINE ERE: with LINE appended to FILE the check fails and
# names FILE and the rule (ERE); the file is put back afterwards.
breaks() {
	cp "$T/tree/$2" "$T/saved"
	printf '%s\n' "$3" >> "$T/tree/$2"
	"$CHECK" "$T/tree" > "$T/out" 2> "$T/err"
	rc=$?
	cp "$T/saved" "$T/tree/$2"
	is "$1: exit 1" "$rc" 1
	like "$1: named" "$(cat "$T/out")" "^$2:[0-9]+: $4"
}
breaks "issue/ including the command line" ceremony/issue/lint.c \
    '#include "ceremony/cli/cli.h"' "a core file includes a front end"
breaks "crl/ including curses" ceremony/crl/crl.c '#include <curses.h>' \
    "a core file includes a front end"
breaks "ceremony.h including the TUI" ceremony/ceremony.h \
    '#include "tui/tui.h"' "a core file includes a front end"
breaks "the policy engine including libp11" ceremony/policy/policy.c \
    '#include <libp11.h>' "the policy engine reaches the token"
breaks "db/ including the ceremony" db/index.c \
    '#include "ceremony/ceremony.h"' "db/ includes a layer above it"
breaks "db/ including PKCS#11" db/index.c '#include "hsm/hsm.h"' \
    "db/ includes a layer above it"
breaks "util/ including db/" util/hex.c '#include "db/db.h"' \
    "util/ includes a layer above it"
breaks "hsm/ including db/" hsm/slots.c '#include "db/db.h"' \
    "hsm/ includes a layer above it"
breaks "tui/ including the command line" tui/draw.c \
    '#include "ceremony/cli/cli.h"' "tui/ goes through the command line"
breaks "the core printing" ceremony/rollover/rollover.c \
    'static void f(void) { printf("x\n"); }' "the core prints or prompts"
breaks "the core writing to stderr" ceremony/export/export.c \
    'static void f(void) { fputs("x", stderr); }' "the core prints or prompts"
breaks "the core asking on the terminal" ceremony/session/seal.c \
    'static void f(void) { tty_ask("q", 0, 0); }' "the core prints or prompts"
long=$(awk 'BEGIN { print "static int\nlong_one(void)\n{"; for (i = 0; i < 59; i++) print "\t;"; print "}" }')
breaks "a function of 62 lines" db/scan.c "$long" "function long_one is 62 lines"

# Not breaches: printing in a comment or a string, a FILE the caller gave,
# a function of exactly 60 lines.
at60=$(awk 'BEGIN { print "static int\nat_sixty(void)\n{"; for (i = 0; i < 57; i++) print "\t;"; print "}" }')
printf '%s\n' '/* printf(stdout) in a comment */' \
    'static const char *s = "printf(\"x\") to stdout";' \
    'static void g(FILE *fp) { fputs("x", fp); }' "$at60" \
    >> "$T/tree/ceremony/issue/lint.c"
ok "comments, strings, a caller's FILE and 60 lines are not breaches" \
    "$CHECK" "$T/tree"

# ceremony.h of 200 lines.
awk 'BEGIN { for (i = 0; i < 200; i++) print "/* */" }' >> "$T/tree/ceremony/ceremony.h"
"$CHECK" "$T/tree" > "$T/out"
like "a ceremony.h of 200 lines or more is caught" "$(cat "$T/out")" \
    "^ceremony/ceremony.h: [0-9]+ lines"

done_testing
