#!/bin/bash
# The TUI's rollover screen, driven through tmux: the timeline of
# generations; prepare a rollover (typed PREPARE), cancel it (typed
# CANCEL: the key destroyed), prepare again and switch over (typed
# SWITCH).  rollover status, the token and the audit log then say the
# same as the screens.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui_lib.sh"

H=$T/ca
fixture_root "$H" root || { echo "Bail out! fixture"; exit 1; }
tui_start --home "$H"

keys 9
shows "the timeline shows generation 1, active" "gen 1  active +[.=|]+"
shows "with its fingerprint in groups" "^ +([0-9A-F]{8} ){7}[0-9A-F]{8}$"
keys p
shows "prepare needs a login" "log in first"
login "$USER_PIN"
shows "logged in" "LOGGED IN"
keys 9
shows "a new root starts when the active one ends" "A new root \(p\) starts when the active one ends"
keys p
shows "p asks for PREPARE" "Type PREPARE to generate the next root key and a root valid when the active one"
typed PREPARE && keys Enter
shows "generation 2 is prepared, pending" "generation 2 prepared, now pending; key" 120
shows "and on the timeline, pending" "gen 2  pending"
shows "the state line says the same" "Now: generation 1 active; generation 2 pending, switch-over automatic on"
keys s && wait_for "Type SWITCH" && typed SWITCH && keys Enter
shows "a switch before its start is refused in words" "error: no switch-over: generation 2's root is valid from"
keys c && wait_for "Type CANCEL" && typed CANCEL && keys Enter
shows "CANCEL takes it back" "generation 2 cancelled: key \"[^\"]+\" destroyed on" 120
shows "the timeline says cancelled" "gen 2  cancelled"
keys n
shows "n: the next root starts now" "A new root \(p\) starts NOW"
keys p && wait_for "Type PREPARE" && typed PREPARE && keys Enter
shows "a second rollover: generation 3, active at once" "generation 3 prepared, now active, switch-over due: recorded at" 120
shows "starting now, it is due" "gen 3 active, switch-over due,"
# Under a 3-line banner and a 3-line message the generations do not all
# fit: they scroll, newest first, and say so.
shows "the generations say where the list is" "generations 1 to [1-3] of 3, newest first \(Up/Down scroll\)"
keys Down Down
shows "Down reaches the oldest, listed whole" "^ gen 1 retired, "
is "no line of the screen's body fills its width (cut)" \
	"$(body | head -13 | awk 'length($0) >= 79')" ""
shows "the state line says the same" "Now: generation 3 active, switch-over due: recorded at the next"
unlike "and nothing calls it pending" "$(screen)" "gen 3 +pending|generation 3 pending|\(pending\)"
keys s
shows "s asks for SWITCH" "Type SWITCH to make the pending generation the one that signs"
typed switch && keys Enter
shows "a wrong word switches nothing" "you typed \"switch\", not SWITCH"
keys s && wait_for "Type SWITCH" && typed SWITCH && keys Enter
shows "SWITCH records generation 3 active" "generation 3 is active"
shows "the status bar follows" "token root: LOGGED IN \| gen 3 \|"
shows "the state line: generation 3 active, nothing pending" "Now: generation 3 active; no rollover pending"
unlike "no switch-over due any more" "$(body)" "due|pending \(|gen 3 +pending"
keys 2
shows "the Root screen shows the new active generation" "Root certificate \(CA generation 3, active\)"
shows "with the same state line" "rollover +generation 3 active; no rollover pending"
fp3=$(openssl x509 -in "$H/ca/gen-3.pem" -noout -fingerprint -sha256 | sed 's/.*=//; s/://g')
groups=$(screen | grep -E '^ +[15]  [0-9A-F]{8}' | sed -E 's/ +[1-8]  / /g; s/ //g' | tr -d '\n')
is "and generation 3's fingerprint, not generation 1's" "$groups" "$fp3"
shows_text "it says where generation 3 is and how to export it" "recorded ca/gen-3.pem; export it on screen 8 (e, or n with the links)"
unlike "nothing on the screen's body says generation 1" "$(body | head -16)" "generation 1|root-gen1"
is "q leaves with status 0" "$(tui_quit)" 0

ok "rollover status reads the data directory" "$CEREMONY" rollover status --home "$H" \
	--template "$TOP/templates/root-ca.cnf"
out=$(cat "$T/out")
like "generation 1 retired" "$out" "generation 1  retired"
like "generation 2 cancelled" "$out" "generation 2  cancelled"
like "generation 3 active" "$out" "generation 3  active"
like "the same state line as the screens" "$out" "^state: generation 3 active; no rollover pending$"
ok "the audit chain holds" "$CEREMONY" audit show --home "$H"
out=$(cat "$T/out")
is "two prepares recorded" "$(printf '%s\n' "$out" | grep -Ec 'rollover.prepare +ok')" 2
like "the cancel" "$out" "rollover.cancel +ok +generation 2 cancelled"
like "the switch" "$out" "rollover.switch +ok +generation 3 active \(explicit\)"
done_testing
