#!/bin/bash
# The TUI's sign screen, driven through tmux: the inbox with a verdict per
# request; the inspector shows a rejected request's findings; a rejected
# request cannot be signed; a good one is signed after SIGN is typed, and
# the database, the export and the inbox then hold exactly that.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui_lib.sh"

H=$T/ca
inbox_fixture "$H" || { echo "Bail out! fixture"; exit 1; }
before=$(tree "$H/certs")
index=$(cat "$H/index.txt")
tui_start --home "$H"

keys 3
shows "the inbox lists the bad request, rejected" "bad\.csr +REJECT 5 errors +CN=bad_name"
shows_text "and the good one, accepted, its subject whole" "issuing.csr accept CN=issuing,O=Example Organisation"
like "under the subordinate CA template and its policy" "$(screen)" "Template subca \(policy policy-subca\), validity 3652 days \(the template.s\)"

keys Enter
shows "the inspector shows the verdict first" "policy policy-subca: REJECT"
scr=$(screen)
for code in san-wildcard san-ip digest-weak ext-not-allowed pathlen-too-large; do
	like "finding $code" "$scr" "ERROR +$code"
done
keys End
shows "and below, the decoded request" "signature: ecdsa-with-SHA1 \(digest sha1\)"
keys s
shows "s refuses a rejected request" "bad\.csr fails policy policy-subca \(5 errors\): it cannot be signed"
keys Escape
shows "Esc goes back to the inbox" "Enter inspect +s sign"

keys Down s
shows "signing needs a login first" "log in first \(screen 1, then l\)"
login "$USER_PIN"
shows "logged in" "LOGGED IN"
keys 3 && wait_for "issuing\.csr" && keys Down s
# s shows the certificate the core built, before anything is asked.
shows "s shows the preview first" "Preview: the certificate for issuing\.csr"
unlike "and asks nothing yet" "$(screen)" "Type SIGN"
nb=$(date -u +%Y-%m-%d)
shows "the preview names the subject" "subject +CN=issuing,O=Example Organisation,C=XX"
shows "its validity, 3652 days from today" "notAfter +[0-9-]+ [0-9:]+ UTC \(3652 days\)"
like "from today" "$(screen)" "notBefore +$nb [0-9:]+ UTC"
like "inside the issuer's validity" "$(screen)" "validity +inside the issuer's: $nb to "
like "the issuer and its generation" "$(screen)" "generation +1"
pserial=$(screen | sed -n 's/^ *serial *\([0-9A-F]*\) (reserved at SIGN).*/\1/p')
like "the serial that signing reserves" "$pserial" "^[0-9A-F]{40}$"
is "a preview reserves nothing" "$(cat "$H/index.txt")" "$index"
keys NPage
shows "PgDn scrolls to the CDP" "URI:http://pki\.example\.org/crl/root-gen1\.crl"
like "and the AIA" "$(screen)" "CA Issuers - URI:http://pki\.example\.org/root-gen1\.crt"
keys Escape
shows "Esc leaves the preview, nothing signed" "cancelled: nothing was signed, no serial reserved"
is "no certificate was written" "$(tree "$H/certs")" "$before"
keys s && wait_for "Preview: the certificate" && keys s
shows "s in the preview asks for the typed confirmation" "Type SIGN to have the token sign CN=issuing"
typed sign && keys Enter
shows "a wrong word signs nothing" "you typed \"sign\", not SIGN: nothing was done"
is "no certificate was written" "$(tree "$H/certs")" "$before"
pserial=$(screen | sed -n 's/^ *serial *\([0-9A-F]*\) (reserved at SIGN).*/\1/p')
keys s && wait_for "Type SIGN" && typed SIGN && keys Enter
shows "SIGN signs" "certificate issued: serial [0-9A-F]+" 120
serial=$(screen | tr -d '\n' | sed -n 's/.*certificate issued: serial \([0-9A-F]*\),.*/\1/p')
like "the screen shows the serial" "$serial" "^[0-9A-F]{16,40}$"
is "the serial signed is the one previewed" "$serial" "$pserial"
# The whole fingerprint, on two lines, as openssl computes it.
fp=$(screen | awk '/^ SHA-256 / { a = $2 } a != "" && /^         [0-9A-F]/ { print a ":" $1; exit }')
is "the whole SHA-256 fingerprint is shown" "$fp" \
	"$(openssl x509 -in "$H/certs/$serial.pem" -noout -fingerprint -sha256 | sed 's/.*=//')"
shows "the signed request leaves the inbox" "bad\.csr"
unlike "only the bad one is left" "$(screen)" "issuing\.csr"
is "q leaves with status 0" "$(tui_quit)" 0

ok "the database lists" "$CEREMONY" db list --home "$H"
like "the new certificate, valid, under the subca profile" "$(cat "$T/out")" \
	"V  $serial .* subca +CN=issuing,O=Example Organisation,C=XX"
like "and nothing else but the root" "$(cat "$T/out")" "2 of 2 certificates"
verify_all_chain "the certificate" "$H/export/root-gen1.pem" "$H/certs/$serial.pem"
ok "and its export is the same certificate" cmp "$H/certs/$serial.pem" "$H/export/$serial.pem"
is "its key is the request's" \
	"$(openssl x509 -in "$H/certs/$serial.pem" -noout -pubkey | openssl sha256)" \
	"$(openssl pkey -in "$T/issuing.key" -pubout | openssl sha256)"
ok "the request was moved to requests/done" test -f "$H/requests/done/issuing.csr"
ok "the bad one is still in the inbox" test -f "$H/requests/bad.csr"
ok "the audit chain holds" "$CEREMONY" audit show --home "$H"
like "it records the signature" "$(cat "$T/out")" "sign +ok +$serial"
is "and no refusal (the TUI never offered the bad request)" \
	"$(grep -c 'op=sign' "$H/audit.log")" 1
done_testing
