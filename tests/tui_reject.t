#!/bin/bash
# The TUI's reject (x on the sign screen, in the inbox or the inspector):
# REJECT typed moves the request to requests/rejected/ with NAME.findings
# beside it and writes its audit record, by the core's inbox_reject (the
# same report and record as sign --inbox); Esc at the prompt, or another
# word, leaves everything as it was; a record that cannot be written
# leaves the request in the inbox.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui_lib.sh"

H=$T/ca
inbox_fixture "$H" || { echo "Bail out! fixture"; exit 1; }
state() { tree "$H/requests"; sha256sum "$H/audit.log" "$H/index.txt"; }
before=$(state)
tui_start --home "$H"

keys 3
shows "the inbox lists the bad request" "bad\.csr +REJECT 5 errors"
keys x
shows "x asks for REJECT typed" "Type REJECT to move bad\.csr to requests/rejected/"
keys Escape
shows "Esc cancels" "cancelled: nothing was done"
is "Esc leaves the inbox and the audit log as they were" "$(state)" "$before"
like "the request is still listed" "$(screen)" "bad\.csr +REJECT"
keys x && wait_for "Type REJECT" && typed reject && keys Enter
shows "another word rejects nothing" "you typed \"reject\", not REJECT: nothing was done"
is "nothing moved" "$(state)" "$before"

# From the inspector, with the findings on screen.
keys Enter
shows "the inspector" "policy policy-subca: REJECT"
keys x && wait_for "Type REJECT" && typed REJECT && keys Enter
shows "REJECT rejects" "bad\.csr rejected: moved to requests/rejected/ with bad\.csr\.findings"
shows "back in the inbox, the good one is left" "issuing\.csr +accept"
unlike "the list no longer shows the rejected one" "$(body)" "bad\.csr +REJECT"
ok "the request is in requests/rejected/" test -f "$H/requests/rejected/bad.csr"
ok "and no longer in the inbox" test ! -e "$H/requests/bad.csr"
ok "it is the same file" cmp "$H/requests/rejected/bad.csr" <(openssl req -in "$H/requests/rejected/bad.csr" -outform PEM)
rep=$(cat "$H/requests/rejected/bad.csr.findings" 2> /dev/null)
like "its findings beside it, with the reason" "$rep" "^request bad\.csr rejected: rejected by the officer: fails policy policy-subca"
for code in san-wildcard san-ip digest-weak ext-not-allowed pathlen-too-large; do
	like "the report names $code" "$rep" "error +$code"
done
like "the audit log records the rejection as sign --inbox does" \
	"$(audit_last "$H/audit.log")" "op=sign	result=failed.*bad\.csr rejected by the officer: fails policy policy-subca"

# The record cannot be written (audit.log is a directory): the request stays.
mv "$H/audit.log" "$T/audit.log.kept" && mkdir "$H/audit.log"
keys x && wait_for "Type REJECT to move issuing\.csr" && typed REJECT && keys Enter
shows "a rejection whose record fails is refused" "issuing\.csr stays in the inbox"
ok "the request is still in the inbox" test -f "$H/requests/issuing.csr"
ok "nothing of it in rejected/" test ! -e "$H/requests/rejected/issuing.csr" -a \
	! -e "$H/requests/rejected/issuing.csr.findings"
like "and it is still listed" "$(screen)" "issuing\.csr +accept"
rmdir "$H/audit.log" && mv "$T/audit.log.kept" "$H/audit.log"
is "q leaves with status 0" "$(tui_quit)" 0
ok "the audit chain holds" "$CEREMONY" audit verify --home "$H"
done_testing
