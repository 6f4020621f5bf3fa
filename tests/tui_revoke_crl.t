#!/bin/bash
# The TUI's revoke and CRL screens, driven through tmux: search the
# database, choose a certificate and a reason, type REVOKE; then issue the
# next CRL after typing ISSUE.  The index, the CRL (checked by OpenSSL)
# and the audit log then hold exactly what the screens said.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui_lib.sh"

H=$T/ca
fixture_root "$H" root || { echo "Bail out! fixture"; exit 1; }
csr_good "$T" leafca
"$CEREMONY" sign --home "$H" --pin-file "$T/pin" --template "$TOP/templates/subca.cnf" \
	--csr "$T/leafca.csr" > /dev/null
serial=$(grep -v '^#' "$H/index.txt" | awk -F'\t' '$8 == "subca" { s = $6 } END { print s }')
root=$(openssl x509 -in "$H/export/root-gen1.pem" -noout -serial | sed 's/^serial=//')
grep -q "	$root	" "$H/index.txt" || { echo "Bail out! the root $root is not in the index"; exit 1; }
tui_start --home "$H"

keys 4
shows "the revoke screen lists valid certificates" "V $serial"
unlike "but never the root's own certificate (a revoke refuses it)" "$(screen)" "$root"
keys /
shows "/ asks what to search" "Search: subject text, serial=PREFIX or both"
typed leafca && keys Enter
shows "the search keeps the match" "Search: leafca"
unlike "and drops the rest" "$(body | sed -n 1,3p)" "Example Root CA"
issuer=$(openssl x509 -in "$H/export/root-gen1.pem" -noout -subject -nameopt RFC2253 | sed 's/^subject=//')
shows_text "the chosen certificate's issuer, whole" "Issuer  CA generation 1: $issuer"
shows_text "and its subject, whole" "Subject $(grep -v '^#' "$H/index.txt" | awk -F'\t' -v s="$serial" '$6 == s { print substr($7, 2) }' | tr '/' ',' )" 5 ||
	diag "$(grep -v '^#' "$H/index.txt" | tail -1)"
keys Enter
shows "Enter offers the reasons" "Reason for the certificate above"
keys Right
shows "Right moves to the next reason" "\[superseded\]"
keys Enter
shows_text "superseded asks no invalidity date: REVOKE at once" \
	"Type REVOKE to revoke serial $serial for superseded (Esc cancels):"
keys Escape
shows "Esc cancels" "cancelled: nothing was done"
keys Enter Enter
shows "keyCompromise offers an invalidity date" "Invalidity date, when the key was known"
typed 2026-02-30 && keys Enter
shows "a date that does not exist is refused in words" "error: invalidity date: .*2026-02-30"
keys Enter Enter && wait_for "Invalidity date" && keys Enter
shows_text "a typed confirmation is asked, for keyCompromise with no date" \
	"Type REVOKE to revoke serial $serial for keyCompromise (Esc cancels):"
keys Escape
shows "Esc cancels" "cancelled: nothing was done"
is "nothing was revoked" "$(grep -c "^R" "$H/index.txt")" 0
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
keys Enter Enter && wait_for "Invalidity date" && typed "$now" && keys Enter
shows_text "the date is in the question" "for keyCompromise (invalid since $now) (Esc cancels):"
typed REVOKE && keys Enter
shows "REVOKE revokes" "revoked $serial: keyCompromise \(the next CRL"
shows "and the list says so" "R $serial 20"

keys 5
shows "the CRL screen: no CRL yet" "generation 1 \(active\): +NO CRL YET"
keys i
shows "issuing needs a login" "log in first"
login "$USER_PIN"
shows "logged in" "LOGGED IN"
keys 5 i
shows "i asks for ISSUE" "Type ISSUE to have the token sign the next CRL of generation 1"
typed ISSUE && keys Enter
shows "the CRL is issued with the one entry" "CRL 1 issued for generation 1: 1 entries" 120
shows "and the state is current" "generation 1 \(active\): +current"
shows_text "where it was exported" "exported $H/export/crl-gen1.crl and .pem"
unlike "the banner no longer asks for a CRL" "$(screen | sed "/ 1Token 2Root/,\$d")" "CRL"
is "q leaves with status 0" "$(tui_quit)" 0

ok "db show reads the revocation" "$CEREMONY" db show "$serial" --home "$H"
like "revoked" "$(cat "$T/out")" "status: revoked \(R\).*"
like "reason" "$(cat "$T/out")" "reason: keyCompromise"
like "invalidity date" "$(cat "$T/out")" "invalidity date: ${now%%T*} ${now:11:8} UTC"
ok "OpenSSL verifies the CRL with the root" openssl crl -in "$H/crls/gen-1/1.crl" \
	-inform DER -CAfile "$H/export/root-gen1.pem" -noout
like "it says so" "$(cat "$T/err")" "verify OK"
crl=$(openssl crl -in "$H/export/crl-gen1.crl" -inform DER -noout -text)
like "the exported CRL lists the serial" "$crl" "Serial Number: $serial"
like "with its reason" "$crl" "Key Compromise"
like "it is number 1" "$crl" "X509v3 CRL Number: *
 *1"
ok "the audit chain holds" "$CEREMONY" audit show --home "$H"
like "it records the revocation" "$(cat "$T/out")" "revoke +ok +serial $serial reason keyCompromise"
like "and the CRL" "$(cat "$T/out")" "crl.issue +ok +generation 1 number 1 entries 1"
done_testing
