#!/bin/bash
# Quorum activation in the TUI (issue 8): M custodians log the token in
# with their shares, each typing their name and their share's code in a
# masked field.  A mistyped code is caught by its checksum and named, and
# that custodian is asked again; a share entered twice is refused; M
# shares log in, and the audit records the quorum and the custodians.
# Neither a code nor the PIN is ever on screen.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui_lib.sh"

H=$T/ca
fixture_root "$H" root
mkdir -m 700 "$T/shares"
"$CEREMONY" quorum split --home "$H" --pin-file "$T/pin" --m 2 --n 3 \
	--custodian anna --custodian ben --custodian cleo --out "$T/shares" > /dev/null
code_of() { grep '^code:' "$T/shares/"share-*-"$1".txt | cut -d' ' -f2-; }
A=$(code_of anna)
B=$(code_of ben)
# One character of anna's code changed: the checksum must catch it.
first=${A:0:1}
case $first in 2) other=3 ;; *) other=2 ;; esac
BADA=$other${A:1}

tui_start --home "$H"
keys 1
shows "the token screen offers the custodians' login" "s log in by shares"
keys s
shows "s asks the first custodian's name" "Custodian 1: your name as on your share"
typed anna && keys Enter
shows "then the code, masked" "Share code of anna \(not shown"
typed "$BADA" && keys Enter
shows "a mistyped code is caught and named" "share refused: the share of anna: (group 1 .*does not match its|the checksum does not match)"
shows "... and the custodian is asked again" "Custodian 1: your name"
typed anna && keys Enter && wait_for "Share code of anna"
typed "$A" && keys Enter
shows "the right code is accepted" "share [0-9] of anna accepted \(checksum good\): 1 of 2"
shows "the second custodian is asked" "Custodian 2 of the 2 needed"
typed anna && keys Enter && wait_for "Share code of anna"
typed "$A" && keys Enter
shows "the same share twice is refused" "a share entered already"
shows "... and a second custodian asked again" "Custodian 2 of the 2 needed"
unlike "still logged out with one share (M-1 opens nothing)" "$(screen)" "LOGGED IN"
typed ben && keys Enter && wait_for "Share code of ben"
typed "$B" && keys Enter
shows "two shares log in" "token root: LOGGED IN"
shows "... and say which quorum" "logged in to token \"root\" with quorum [0-9A-F]+, 2 of 3"
scr=$(screen)
unlike "no code and no PIN on screen" "$scr" "${A:0:12}|${B:0:12}|${BADA:0:12}|$USER_PIN"
is "the program exits 0" "$(tui_quit)" 0
like "the audit records the activation: the quorum, the indexes and the custodians" \
	"$(grep 'op=quorum.activate' "$H/audit.log" | tail -1)" "detail=quorum [0-9A-F]+, 2 of 3: shares [0-9] anna, [0-9] ben"
unlike "... and no share's code" "$(cat "$H/audit.log")" "${A:0:12}|${B:0:12}"
ok "the audit log and its seals verify" "$CEREMONY" audit verify --home "$H"

done_testing
