#!/bin/bash
# The message log and the foot at 80x24: every message the TUI gives is
# kept with its UTC time and severity; m opens them all, newest first,
# Up/Down and PgUp/PgDn reach the older ones, any other key closes.  A
# long message (an error naming a long path) shows whole on the foot, the
# warnings banner (no CRL yet, the air-gap warning) whole above the menu,
# and no line of any screen seen here is cut with an ellipsis.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui_lib.sh"

H=$T/ca
fixture_root "$H" root 2> /dev/null || { echo "Bail out! fixture"; exit 1; }
# Every screen the test looks at, for the ellipsis check at the end.
seen() { screen >> "$T/screens"; }

tui_start --home "$H"
wait_for "1 ?Token 2 ?Root" || echo "# the menu never showed"
seen

# The banner: no CRL issued yet, and the air-gap warning where this
# machine has an interface up (the tests' machines have eth0), whole.
shows_text "the banner's CRL warning shows whole" \
	"! no CRL issued for generation 1: issue one (5)"
if ip -o link show up 2> /dev/null | grep -vq ': lo:'; then
	shows_text "the air-gap warning shows whole at 80x24" \
		"this machine should be air-gapped"
	like "... above the menu, the screen moved down" \
		"$(screen | sed -n '/1 \{1,\}Token/q; p')" "air-gapped"
else
	skip 2 "no network interface up here: no air-gap warning"
fi
seen

# Messages of three kinds, each reaching the log: a failed action (the
# rollover needs a login), a cancelled prompt, and a long error naming a
# path that does not exist.
for i in 1 2 3 4 5 6; do
	keys 9 && wait_for "p prepare" && keys p
	wait_for "error: log in first" || echo "# no login error ($i)"
	keys 6 && wait_for "Enter details" && keys / && wait_for "^Search: " &&
		keys Escape
	wait_for "cancelled: nothing was done" || echo "# no cancel ($i)"
done
seen
long="$T/a-folder-with-a-long-name-for-the-ceremony/ceremony-script-not-there.script"
keys 0 && wait_for "o open a script" && keys o && wait_for "Path of the ceremony script"
typed "$long" && keys Enter
shows "the error is on the foot" "^error: script not opened"
shows_text "a long message shows whole, wrapped" "error: script not opened: cannot open script $long: No such file or directory"
unlike "... with no m hint (it fits)" "$(screen)" "m: all messages"
seen

keys m
shows "m opens the message log" "Messages, newest first, times in UTC \(1 of [0-9]+\)"
seen
log=$(body)
first=$(printf '%s\n' "$log" | grep -E '^ [0-9]{2}:[0-9]{2}:[0-9]{2} ' | head -1)
like "newest first: the script error" "$first" "^ [0-9:]{8} error +script not opened: "
like "... with the time of day, UTC" "$first" "^ $(date -u +%H):"
cancel=$(printf '%s\n' "$log" | grep -n "cancelled: nothing was done" | head -1 | cut -d: -f1)
login=$(printf '%s\n' "$log" | grep -n "log in first" | head -1 | cut -d: -f1)
ok "... then the cancel, then the failed action" test "${cancel:-99}" -lt "${login:-0}"
like "a cancel is info, a refusal an error" "$log" "info +cancelled: nothing was done"
n=$(screen | sed -n 's/.*Messages, newest first, times in UTC (1 of \([0-9]*\)).*/\1/p')
ok "every message is kept ($n: 6 refusals, 6 cancels, the error, the banner)" \
	test "${n:-0}" -ge 14
unlike "the oldest (the banner's warnings) is not in view yet" "$log" "warning +no CRL issued"
like "... the overlay says there is more" "$log" "Down/PgDn older"
for i in $(seq 1 20); do
	body | grep -q "warning +no CRL issued" && break
	keys Down
	sleep 0.1
done
shows "Down reaches the oldest: the banner's warnings, logged" \
	"^ [0-9:]{8} warning +! ?no CRL issued for generation 1|^ [0-9:]{8} warning +no CRL issued for generation 1"
seen
keys PPage PPage PPage PPage
shows "PgUp goes back to the newest" "\(1 of $n\)"
keys x
sleep 0.3
unlike "any other key closes it" "$(screen)" "Messages, newest first"
shows "the screen is back" "o open a script"

# The log in the help overlay's keys of every screen.
keys '?'
keys NPage
shows "the help overlay lists m (its second page)" "^   m +every message so far, newest first"
keys Escape
seen

no_cut=$(grep -nE '(\.\.\.|…) *$' "$T/screens")
is "no line of any screen seen ends in an ellipsis" "$no_cut" ""
is "the program exits 0" "$(tui_quit)" 0
done_testing
