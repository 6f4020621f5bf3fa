#!/bin/bash
# The TUI's Root screen for an issuing CA whose root is in another room, at
# 80x24 through tmux: r has the chosen key sign a request (csr create's
# core), the root signs it on the command line, i installs the certificate
# with its chain (ca install's core); a wrong file is refused in words and
# installs nothing.  The installed CA then signs as the command line's does.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui_lib.sh"

R=$T/root
I=$T/issuing
fixture_root "$R" root || { echo "Bail out! fixture"; exit 1; }
mktoken issuing
"$CEREMONY" init --home "$I" --token issuing --ca-name "Test Issuing" > /dev/null &&
"$CEREMONY" key generate --home "$I" --pin-file "$T/pin" --label ik \
	--type ec:P-384 > /dev/null || { echo "Bail out! issuing fixture"; exit 1; }

tui_start --home "$I"
keys 2
shows "the Root screen offers the issuing CA's two steps" "r writes a request, i installs its CA"
keys r
shows "r needs a login" "log in first \(screen 1, then l\)"
login "$USER_PIN"
shows "logged in" "LOGGED IN"
keys 2
shows "the key on the token is listed" "> ik "
keys r
shows "r asks for the request's file" "File for the request, signed by the chosen key"
keys Enter
shows_text "the request is written where the screen says" \
	"request for key \"ik\" written to $I/export/ik.csr: carry it to the root, then i installs what it signed" 120
ok "it is a request openssl verifies" openssl req -in "$I/export/ik.csr" -noout -verify
like "... and audited" "$(audit_last "$I/audit.log")" "op=csr\.create	result=ok"

ok "the root signs it as a subordinate CA" "$CEREMONY" sign --home "$R" --pin-file "$T/pin" \
	--template "$TOP/templates/subca.cnf" --csr "$I/export/ik.csr"
S=$(sed -n 's/^  serial *//p' "$T/out")

before=$(tree "$I")
keys i
shows "i asks for the certificate" "The CA certificate its root signed"
typed "$T/none.pem" && keys Enter
shows "then for the chain" "The chain above it, up to the root"
typed "$R/export/chain-gen1.pem" && keys Enter
shows "a file that is not there is refused in words" "error: not installed: .*none\.pem"
is "nothing installed" "$(tree "$I" | grep -v audit)" "$(echo "$before" | grep -v audit)"
keys i && wait_for "The CA certificate its root signed" && typed "$R/export/$S.pem" && keys Enter
wait_for "The chain above it" && typed "$R/export/chain-gen1.pem" && keys Enter
shows_text "i installs it" "installed $R/export/$S.pem as CA generation 1, the chain above it from $R/export/chain-gen1.pem" 120
shows "the screen now shows the installed CA, not a root" "^ CA certificate \(CA generation 1, active\)"
shows "with the rollover's state line" "rollover +generation 1 active; no rollover pending"
ok "it is the root's certificate" cmp "$I/ca/gen-1.pem" "$R/export/$S.pem"
is "q leaves with status 0" "$(tui_quit)" 0
is "nothing on stderr" "$(cat "$T/tui.err")" ""
ok "the audit log records both" "$CEREMONY" audit show --home "$I"
like "the request" "$(cat "$T/out")" "csr\.create +ok"
like "the install" "$(cat "$T/out")" "ca\.install +ok"
ok "the audit chain holds" "$CEREMONY" audit verify --home "$I"
done_testing
