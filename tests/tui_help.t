#!/bin/bash
# The help overlay (? F1 h): on every screen it lists each key of that
# screen's help list (read here from the screen's source, so a key added
# to a screen and to its list is checked too), the keys of every screen
# and what is command-line only; any other key closes it.  At 80x24.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui_lib.sh"

H=$T/ca
fixture_root "$H" root 2> /dev/null || { echo "Bail out! fixture"; exit 1; }

# help_keys FILE: the keys of the help list in tui/FILE.
help_keys() {
	awk '/_help\[\] = \{/ { on = 1 } on && /NULL, NULL/ { exit }
		on' "$TOP/tui/$1" | sed -n 's/^[[:space:]]*{ "\([^"]*\)".*/\1/p'
}
# overlay: every page of the open overlay, Down pressed until the end.
overlay() {
	local i all=
	for i in $(seq 1 40); do
		all+=$(screen)$'\n'
		screen | grep -q "Down/PgDn more" || break
		keys Down
		sleep 0.15
	done
	printf '%s' "$all"
}

tui_start --home "$H"
wait_for "1 ?Token 2 ?Root" || echo "# the menu never showed"
for pair in 1:Token:token.c 2:Root:root.c 3:Sign:sign.c 4:Revoke:revoke.c \
	5:CRL:crl.c 6:DB:db.c 7:Audit:audit.c 8:Export:export.c \
	9:Rollover:rollover.c 0:Script:script.c; do
	IFS=: read -r hot name file <<< "$pair"
	keys "$hot"
	sleep 0.3
	keys '?'
	shows "$name: ? opens its help" "Help: $name screen"
	text=$(overlay)
	n=$(help_keys "$file" | wc -l)
	ok "$name: its help list is not empty ($n keys)" test "$n" -gt 0
	missing=$(help_keys "$file" | while IFS= read -r k; do
		printf '%s\n' "$text" | awk -v k="   $k " 'index($0, k) == 1 { f = 1 } END { exit !f }' ||
			printf '%s ' "$k"; done)
	is "$name: the overlay lists each of its keys" "$missing" ""
	like "$name: ... the keys of every screen" "$text" "Keys of every screen"
	like "$name: ... and what is command-line only, and why" "$text" \
		"Command line only, and why.*"$'\n'".*db recover +ceremony db recover: settles"
	keys Escape
	sleep 0.3
	unlike "$name: Esc closes it" "$(screen)" "Help: $name screen"
done
keys 5
sleep 0.3
keys F1
shows "F1 opens it too" "Help: CRL screen"
keys x
sleep 0.3
keys h
shows "and h, where the screen has no h of its own" "Help: CRL screen"
keys Escape
is "the program exits 0" "$(tui_quit)" 0
done_testing
