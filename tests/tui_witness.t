#!/bin/bash
# Witnesses named in the TUI (issue 17): on the token screen w names one,
# by the rule --witness has (one-line refusal, nothing recorded), x strikes
# a mistaken one off before the login records them; the session.open
# record and the transcript name them as --witness does, and the shipped
# initial-root script, which names its witnesses, runs in a TUI started
# without any --witness once they are named there.  Once logged in the list
# is the session's: w and x are refused until the officer logs out.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui_lib.sh"

H=$T/ca
S=$T/s
mktoken root
"$CEREMONY" init --home "$H" --token root > /dev/null
mkdir -p "$S"
sed "s#\.\./\.\./templates#$TOP/templates#" "$TOP/docs/scripts/initial-root.cnf" \
	> "$S/initial-root.cnf"
# add NAME: w, the name, Enter.
add() { keys w && wait_for "Witness's name" && typed "$1" && keys Enter; }
# strike N: x, the number, Enter.
strike() { keys x && wait_for "Remove which witness" && typed "$1" && keys Enter; }

tui_start --home "$H" --script "$S/initial-root.cnf" --operator alice
shows "the script names its witnesses, none here yet" \
	"people  operator alice, witnesses bob, carol \| here: alice \| bob is not here:"
shows "... and says where to add them" "add each witness on screen 1, w"
keys 1
shows "the token screen says none is named" "witness  none named yet: w names each"
shows "... and its keys" "w add witness  x remove"
log=$(sha256sum < "$H/audit.log")
add "a,b"
shows_text "a name with a comma is refused, as --witness refuses it" \
	"witness not named: give a plain name (no tab, newline, backslash, comma or '=')"
keys x
shows "x with none named says so" "no witness is named: w names one"
add bob
shows "bob is named" "witness 1: bob \(recorded when you log in\)"
add carol
add mallory
shows "a third, by mistake" "1.{1,2}bob,  2.{1,2}carol,  3.{1,2}mallory  \(recorded at the login\)"
add bob
shows "a name twice is refused" "witness not named: bob is named as a witness already"
strike 7
shows "a number not listed is refused" "there is no witness 7: give a number from 1 to 3"
strike x
shows "... and what is not a number" "give the witness's number, from 1 to 3"
strike 3
shows "x 3 strikes mallory off" "witness 3, mallory, removed"
shows "the list is bob and carol" "witness  1.{1,2}bob,  2.{1,2}carol  \(recorded at the login\)"
is "nothing was recorded while naming" "$(sha256sum < "$H/audit.log")" "$log"

keys 0
shows "the script screen sees them" "here: alice; bob, carol"
keys l && wait_for "User PIN of token" && typed "$USER_PIN" && keys Enter
shows "logged in from the script screen" "token root: LOGGED IN"
keys 1
shows "the token screen says they are recorded" "1.{1,2}bob,  2.{1,2}carol  \(recorded in this session\)"
keys w
shows "w while logged in is refused" "the witnesses were recorded when this session opened: log out"
keys x
shows "... and so is x" "the witnesses were recorded when this session opened"
keys 0
keys Enter r && wait_for "Type RUN 1 to run step 1" && typed "RUN 1" && keys Enter
shows "the script's first step runs with the witnesses named here" \
	"step 1 \[check_db\] db verify: done" 120
is "the program exits 0" "$(tui_quit)" 0

open=$(grep -P '\top=session\.open\t' "$H/audit.log" | tail -1)
like "session.open names the witnesses, as --witness does" "$open" \
	"operator=alice	op=session.open	.*witnesses=bob, carol home="
unlike "... and not the one struck off" "$(cat "$H/audit.log")" "mallory|dave"
sess=$(echo "$open" | sed 's/^seq=\([0-9]*\).*/\1/')
ok "the transcript of that session" "$CEREMONY" audit transcript "$sess" --home "$H"
cp "$T/out" "$T/transcript"
like "... names both witnesses" "$(cat "$T/transcript")" "Witnesses +bob, carol"
like "... with a signature line for each" "$(grep -E '^Witness +(bob|carol) +signature' "$T/transcript" | wc -l)" "^2$"
ok "the audit log verifies" "$CEREMONY" audit verify --home "$H"

done_testing
