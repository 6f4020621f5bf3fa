#!/bin/bash
# The TUI under valgrind, driven through tmux: log in, inspect and sign a
# request, issue a CRL, visit every screen, quit; no invalid access, no
# use of uninitialised memory, no definite leak.  Plain build only.
. "$(dirname "$0")/lib.sh"
case $CEREMONY in
*build-asan*) echo "1..0 # SKIP valgrind does not run the ASan build"; exit 0 ;;
esac
. "$(dirname "$0")/tui_lib.sh"
TUI_WAIT=240

H=$T/ca
fixture_root "$H" root || { echo "Bail out! fixture"; exit 1; }
csr_good "$H/requests" issuing
TUI_WRAP="valgrind -q --log-file=$T/vg.log --error-exitcode=99 --leak-check=full \
--errors-for-leak-kinds=definite --show-leak-kinds=definite \
--suppressions=$TOP/tests/valgrind.supp"
tui_start --home "$H"
shows "the TUI starts under valgrind" "slot +label +serial +state"
login "$USER_PIN"
shows "logs in" "LOGGED IN"
keys 3 && wait_for "issuing\.csr +accept" && keys Enter
shows "inspects" "policy policy-subca: accept"
keys Escape s && wait_for "Type SIGN" && typed SIGN && keys Enter
shows "signs" "certificate issued: serial"
keys 5 i && wait_for "Type ISSUE" && typed ISSUE && keys Enter
shows "issues a CRL" "CRL 1 issued for generation 1: 0 entries"
keys 6 Enter
shows "shows a certificate" "history \(index\.txt"
keys Escape 7
shows "reads the audit log" "hash chain intact"
keys 8
shows "lists the exports" "Export directory"
keys 9
shows "draws the rollover timeline" "gen 1  active"
keys 2
shows "shows the root" "Root certificate \(CA generation 1\)"
is "q leaves with status 0 (99 would be valgrind's)" "$(tui_quit)" 0
ok "valgrind ran it (its log is there)" test -e "$T/vg.log"
like "it was the program under valgrind" "$(cat "$T/tui.sh")" "valgrind -q"
is "valgrind found nothing" "$(grep -c 'ERROR SUMMARY: [1-9]\|definitely lost' "$T/vg.log")" 0
done_testing
