#!/bin/bash
# The TUI under valgrind, driven through tmux: log in, inspect and sign a
# request (through its preview), issue a CRL, visit every screen, quit; no invalid access, no
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
keys Escape s && wait_for "Preview: the certificate" && keys s && wait_for "Type SIGN" && typed SIGN && keys Enter
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
printf '[script]\ntitle = vg\nsteps = v, crl\n[v]\naction = db verify\n[crl]\naction = crl issue\ntemplate = %s\n' \
	"$TOP/templates/crl.cnf" > "$T/vg-script.cnf"
keys 0
shows "the script screen says how to open one" "No ceremony script is open"
keys o && wait_for "Path of the ceremony script" && typed "$T/vg-script.cnf" && keys Enter
shows "opens and checks a script" "next: step 1 of 2 \[v\]"
keys r && wait_for "Type RUN 1" && typed "RUN 1" && keys Enter
shows "runs its first step" "step 1 \[v\] db verify: done"
keys Enter r && wait_for "Type RUN 2" && typed "RUN 2" && keys Enter
shows "and its second, on the token" "ALL 2 STEPS DONE"
keys 2
shows "shows the root" "Root certificate \(CA generation 1, active\)"
is "q leaves with status 0 (99 would be valgrind's)" "$(tui_quit)" 0
ok "valgrind ran it (its log is there)" test -e "$T/vg.log"
like "it was the program under valgrind" "$(cat "$T/tui.sh")" "valgrind -q"
is "valgrind found nothing" "$(grep -c 'ERROR SUMMARY: [1-9]\|definitely lost' "$T/vg.log")" 0
done_testing
