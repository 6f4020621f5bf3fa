#!/bin/bash
# Failed logins in the TUI (issue 17): a wrong PIN typed on the token
# screen and a mistyped custodian's share each leave a login.failed record
# from the core, as the command line's do (tests/login_failed.t), counted
# through the run; the right PIN then logs in and the count starts again.
# The audit log verifies; neither the wrong PIN nor a code is in any file
# of the data directory, nor on screen.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui_lib.sh"

H=$T/ca
fixture_root "$H" root
mkdir -m 700 "$T/shares"
"$CEREMONY" quorum split --home "$H" --pin-file "$T/pin" --m 2 --n 2 \
	--custodian anna --custodian ben --out "$T/shares" > /dev/null
A=$(sed -n 's/^code: //p' "$T/shares/"share-*-anna.txt)
case ${A:0:1} in 2) o=3 ;; *) o=2 ;; esac
BADA=$o${A:1}
BAD=wrong-pin-48213
failed() { grep -P '\top=login\.failed\t' "$H/audit.log"; }

tui_start --home "$H"
login "$BAD"
shows "a wrong PIN is refused, the token's words shown" \
	'log in refused: token "root": PIN incorrect'
is "... one login.failed record" "$(failed | wc -l)" 1
like "... naming the token, the first failure and why" "$(failed | tail -1)" \
	'detail=token=root serial=[0-9a-f]{16} failures=1 reason=token "root": PIN incorrect'
login "$BAD"
shows "a second wrong PIN" 'log in refused: token "root": PIN incorrect'
like "... is the second failure of this run" "$(failed | tail -1)" "failures=2 reason=token"

keys s && wait_for "Custodian 1: your name" && typed anna && keys Enter &&
	wait_for "Share code of anna" && typed "$BADA" && keys Enter
shows "a mistyped share is refused on screen" "share refused: the share of anna"
is "... and audited" "$(failed | wc -l)" 3
like "... in fixed words, the third failure" "$(failed | tail -1)" \
	"failures=3 reason=a custodian's share was refused \(mistyped, or not of the token's quorum\)"
keys Escape
unlike "neither PIN nor code on screen" "$(screen)" "$BAD|${A:0:11}|${BADA:0:11}"

login "$USER_PIN"
shows "the right PIN logs in" "token root: LOGGED IN"
keys o
shows "o logs out" "logged out; the audit session is sealed"
login "$BAD"
shows "a wrong PIN after a good login" 'log in refused'
like "... counts from 1 again" "$(failed | tail -1)" "failures=1 reason=token"
# Ctrl-U clears a mistyped PIN in the masked field: what follows is the
# whole PIN, and no failure is counted.
keys 1 && wait_for "l log in" && keys l && wait_for "User PIN of token" &&
	typed "$BAD" && keys C-u && typed "$USER_PIN" && keys Enter
shows "Ctrl-U cleared the wrong PIN: the right one logs in" "token root: LOGGED IN"
like "... and no failure was recorded for it" "$(failed | tail -1)" "failures=1 reason=token"
is "the program exits 0" "$(tui_quit)" 0

ok "the audit log and its seals verify" "$CEREMONY" audit verify --home "$H"
is "the wrong PIN and the codes are in no file of the data directory" \
	"$(grep -rlF -e "$BAD" -e "${A:0:11}" -e "${BADA:0:11}" "$H" | wc -l)" 0

done_testing
