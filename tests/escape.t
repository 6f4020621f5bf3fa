#!/bin/bash
# What a requester wrote never reaches the terminal raw: an inbox file name
# with escape sequences and a request whose subject and SAN hold control
# characters (C0, DEL, a C1 CSI in UTF-8) are shown escaped (\x1B, \x07,
# \xC2\x9B) by csr show, csr check, sign --inbox, db list, db show, the
# error line and the TUI's sign screen; everything else reads as before.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui_lib.sh"
H=$T/ca
TPL=$TOP/templates
fixture_root "$H" root 2> /dev/null || { echo "Bail out! fixture"; exit 1; }
evil=$'evil\e]2;pwned\a\e[2J.csr'
evil_shown='evil\x1B]2;pwned\x07\x1B[2J.csr'
openssl ecparam -name secp384r1 -genkey -noout -out "$T/evil.key" 2> /dev/null
# O holds ESC [31m, DEL and U+009B (CSI as a C1 control, in UTF-8).
org=$'Bad\e[31mOrg\x7f\xc2\x9b1m'
org_shown='Bad\x1B[31mOrg\x7F\xC2\x9B1m'
# In a certificate's subject text (RFC 2253) OpenSSL escapes C0 and DEL
# itself; the C1 control it leaves is escaped by ceremony.
rfc_shown='Bad\1B[31mOrg\7F\xC2\x9B1m'
openssl req -new -utf8 -key "$T/evil.key" -subj "/C=XX/O=$org/CN=Evil CA" \
	-addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
	-addext "keyUsage=critical,keyCertSign,cRLSign" -out "$H/requests/$evil"
openssl req -new -key "$T/evil.key" -subj "/CN=san.example.org" \
	-addext $'subjectAltName=DNS:a\eb.example.org' \
	-addext $'nsComment=look\e[2Jhere' -out "$T/san.csr"

# raw FILE: the lines of FILE with a control byte other than tab and
# newline, DEL or a C1 control in UTF-8 (none may be left).
raw() { LC_ALL=C grep -cP '[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]' "$1"; }
clean() {	# clean DESC: neither $T/out nor $T/err holds a raw control
	is "$1: nothing raw on stdout" "$(raw "$T/out")" 0
	is "$1: nothing raw on stderr" "$(raw "$T/err")" 0
}

ok "csr show: the evil request" "$CEREMONY" csr show "$H/requests/$evil"
clean "csr show"
like "... the file name escaped" "$(cat "$T/out")" "^file: .*/requests/evil\\\\x1B\]2;pwned\\\\x07\\\\x1B\[2J\.csr "
like "... the subject escaped" "$(cat "$T/out")" "O = Bad\\\\x1B\[31mOrg\\\\x7F\\\\xC2\\\\x9B1m$"
ok "csr show: a SAN and a comment with ESC" "$CEREMONY" csr show "$T/san.csr"
clean "csr show (SAN)"
like "... the SAN escaped" "$(cat "$T/out")" "DNS: a\\\\x1Bb\.example\.org$"
like "... OpenSSL's text of the comment too" "$(cat "$T/out")" "look\\\\x1B\[2Jhere"
like "... its layout kept" "$(cat "$T/out")" "requested extensions:
    basicConstraints|
    subjectAltName"

"$CEREMONY" csr check "$H/requests/$evil" --policy "$TPL/policy-subca.cnf" > "$T/out" 2> "$T/err"
clean "csr check"
like "... the request's name escaped" "$(cat "$T/out")" "^request: .*$(printf '%s' "$evil_shown" | sed 's/[][\\.]/\\&/g')$"
"$CEREMONY" csr check "$T/san.csr" --policy "$TPL/policy-expressway.cnf" --json > "$T/out" 2> "$T/err"
clean "csr check --json"
like "... JSON escapes" "$(cat "$T/out")" 'a\\u001bb\.example\.org'

fails "an error line naming the evil file" "$CEREMONY" csr show "$T/$evil"
clean "the error line"
like "... names it escaped" "$(cat "$T/err")" "^ceremony: .*evil\\\\x1B\]2;pwned\\\\x07\\\\x1B\[2J\.csr"
fails "an unknown command with an escape" "$CEREMONY" $'ro\e[2Jot'
clean "unknown command"
like "... escaped" "$(cat "$T/err")" 'command "ro\\x1B\[2Jot"'

# The TUI's sign screen lists the inbox: the name is painted escaped, the
# pane's title is not set by it, nothing is cleared.
tui_start --home "$H"
keys 3
shows_text "TUI: the inbox shows the name escaped" 'evil\x1B]2;pwned\x07'
is "... the pane's title was not set by it" "$(_tmux display-message -p -t tui '#{pane_title}' | grep -c pwned)" 0
_tmux capture-pane -e -p -t tui > "$T/pane"
is "... no OSC or clear-screen sequence on the screen" "$(LC_ALL=C grep -cP '\x1b\]|\x1b\[2J' "$T/pane")" 0
shows_text "... the subject as OpenSSL escapes it (RFC 2253)" 'O=Bad\1B[31m'
keys q

ok "sign --inbox signs it" "$CEREMONY" sign --home "$H" --pin-file "$T/pin" \
	--template "$TPL/subca.cnf" --inbox
clean "sign --inbox"
like "... its row names it escaped" "$(cat "$T/out")" "^evil\\\\x1B\]2;pwned\\\\x07\\\\x1B\[2J\.csr +signed +[0-9A-F]+$"
like "... the columns as before" "$(head -1 "$T/out")" "^request +verdict +serial or reason$"
serial=$(awk '$2 == "signed" { print $3 }' "$T/out")

ok "db list" "$CEREMONY" db list --home "$H"
clean "db list"
like "... the subject escaped" "$(cat "$T/out")" "O=$(printf '%s' "$rfc_shown" | sed 's/[][\\.]/\\&/g'),C=XX$"
ok "db show" "$CEREMONY" db show "$serial" --home "$H"
clean "db show"
like "... the subject escaped" "$(grep '^subject: ' "$T/out")" "O=$(printf '%s' "$rfc_shown" | sed 's/[][\\.]/\\&/g'),C=XX$"
like "... the index line too (its own escape doubles the backslashes)" "$(cat "$T/out")" \
	'O=Bad\\\\1B\[31mOrg\\\\7F\\xC2\\x9B1m'
like "... the certificate: OpenSSL's one-line form escapes all" "$(cat "$T/out")" '^subject=C = XX, O = Bad\\1B\[31mOrg\\7F\\C2\\9B1m'
like "... tabs between its fields kept" "$(cat "$T/out")" "$(printf '  V\t')"
done_testing
