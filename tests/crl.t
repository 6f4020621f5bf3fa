#!/bin/bash
# CRL issuance on a root: certificates signed by ceremony, revoked by
# ceremony revoke, the CRL read back by OpenSSL and GnuTLS; numbers that
# only go up; a failed signature that takes no number; the previous CRL
# guarding against lost entries; crl status and crl session.
. "$(dirname "$0")/lib.sh"

TPL=$TOP/templates
R=$T/root
mktoken root
c() { "$CEREMONY" "$@"; }
flat() { tr -s '\n\t ' '   ' < "$1"; }
# libfaketime is preloaded: ASan must not insist on coming first.
fk() { ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0" faketime "$@"; }
cr() { c "$@" --home "$R" --pin-file "$T/pin" --template "$T/crl.cnf"; }

c init --home "$R" --module "$MODULE" --token root > /dev/null
c key generate --home "$R" --pin-file "$T/pin" --label rk --type ec:P-384 > /dev/null
c root create --home "$R" --pin-file "$T/pin" --template "$TPL/root-ca.cnf" \
	--key rk > /dev/null
ROOT=$R/export/root-gen1.pem
cp "$TPL/crl.cnf" "$T/crl.cnf"

# Three subordinate CAs: A stays good, B is compromised, C is on hold.
for n in A B C; do
	openssl ecparam -name prime256v1 -genkey -noout -out "$T/$n.key"
	openssl req -new -key "$T/$n.key" -subj "/C=XX/O=Example Organisation/CN=Sub $n" \
		-addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
		-addext "keyUsage=critical,keyCertSign,cRLSign" -out "$T/$n.csr" 2>/dev/null
	c sign --home "$R" --pin-file "$T/pin" --template "$TPL/subca.cnf" \
		--csr "$T/$n.csr" > "$T/$n.out"
	eval "S$n=$(sed -n 's/^  serial *//p' "$T/$n.out")"
	cp "$R/export/$(sed -n 's/^  serial *//p' "$T/$n.out").pem" "$T/$n.pem"
done

ok "an empty CRL first" cr crl issue
like "number 1, no entries" "$(flat "$T/out")" "number 1 entries 0"
sleep 1
INV=$(date -u +%Y-%m-%dT%H:%M:%SZ)
ok "B revoked: keyCompromise, invalidity date" c revoke "$SB" --home "$R" \
	--reason keyCompromise --invalidity-date "$INV"
ok "C on hold" c revoke "$SC" --home "$R" --reason certificateHold
cp "$R/index.txt" "$T/index.with-B"
ok "second CRL" cr crl issue
like "number 2, two entries" "$(flat "$T/out")" "number 2 entries 2"
CRL=$R/crls/gen-1/2.pem
ok "openssl crl -verify accepts it" openssl crl -in "$CRL" -verify -CAfile "$ROOT" -noout
ok "DER and PEM hold the same CRL" cmp <(openssl crl -in "$CRL" -outform DER) "$R/crls/gen-1/2.crl"
ok "exported copy is the latest" cmp "$R/export/crl-gen1.crl" "$R/crls/gen-1/2.crl"
openssl crl -in "$CRL" -noout -text > "$T/text"
text=$(flat "$T/text")
like "v2, issuer is the root" "$text" "Version 2.*Issuer: C = XX, O = Example Organisation, OU = Offline Root, CN = Example Root CA"
like "AKI is the root's SKI" "$text" "Authority Key Identifier: $(openssl x509 -in "$ROOT" -noout -ext subjectKeyIdentifier | tail -1 | tr -d ' ')"
like "root CRL: IDP (the default form uri): generation 1's URI" "$text" \
	"Issuing Distribution Point: Full Name: URI:http://pki.example.org/crl/root-gen1.crl Revoked"
like "B: keyCompromise" "$text" "Serial Number: $SB Revocation Date: [^:]*:[^:]*:[^ ]* [0-9]* GMT CRL entry extensions: X509v3 CRL Reason Code: Key Compromise Invalidity Date: $(date -u -d "$INV" "+%b %e %H:%M:%S %Y" | tr -s " ") GMT"
like "C: certificateHold" "$text" "Serial Number: $SC .* Certificate Hold"
unlike "A is not listed" "$text" "$SA"
# Verification by every relying party: A is good, B revoked.
verify_all_crl "CRL 2" "$CRL" "$ROOT" "$T/A.pem"
verify_all_revoked "CRL 2, B" "$CRL" "$ROOT" "$T/B.pem"
ok "GnuTLS certtool --crl-info reads it" certtool --crl-info --infile "$CRL"
like "GnuTLS: two entries, number 2" "$(flat "$T/out")" "CRL Number \(not critical\): 02 .*Revoked certificates \(2\)"
like "audit: crl.issue with number, entries and SHA-256" "$(grep crl.issue "$R/audit.log" | tail -1)" \
	"number 2 entries 2 sha256 $(sha256sum < "$R/crls/gen-1/2.crl" | cut -c1-64)"

# A failed signature: no file, no number, the index as it was.
before=$(tree "$R/crls"); idx=$(sha256sum < "$R/index.txt")
fails_like "wrong PIN: no CRL" 'token "root": PIN incorrect' c crl issue --home "$R" --pin-file "$T/badpin" --template "$T/crl.cnf"
is "wrong PIN: crls/ unchanged" "$(tree "$R/crls")" "$before"
is "wrong PIN: index unchanged" "$(sha256sum < "$R/index.txt")" "$idx"
like "wrong PIN: audited as a failure, number 3 unused" "$(tail -1 "$R/audit.log")" "crl.issue.*generation 1 number 3 not issued"

# Release from hold: C leaves the CRL, legitimately.
ok "C released" c revoke "$SC" --home "$R" --release
ok "third CRL (after the wrong PIN: number 3)" cr crl issue
like "number 3, one entry" "$(flat "$T/out")" "number 3 entries 1"
unlike "C is gone" "$(openssl crl -in "$R/crls/gen-1/3.pem" -noout -text)" "$SC"

# An index that lost B's revocation: refused, nothing written.
cp "$R/index.txt" "$T/index.good"
grep -v "^R.*$SB" "$R/index.txt" > "$T/index.lost"
cat "$T/index.lost" > "$R/index.txt"
before=$(tree "$R/crls")
fails "an entry would disappear: refused" cr crl issue
like "... naming the serial" "$(cat "$T/err")" "serial $SB is on CRL .*3.crl but the index has no revocation"
is "... and nothing written" "$(tree "$R/crls")" "$before"
printf 'R\tnot a time\n' >> "$R/index.txt"
fails "a corrupt index line: refused" cr crl issue
like "... by line number" "$(cat "$T/err")" "index.txt line $(wc -l < "$R/index.txt") is corrupt"
is "... and nothing written" "$(tree "$R/crls")" "$before"
cat "$T/index.good" > "$R/index.txt"

# Many sessions: strictly increasing numbers.
for i in 1 2 3 4 5; do cr crl issue > /dev/null || echo "issue $i failed"; done
nums=$(for f in "$R"/crls/gen-1/*.crl; do openssl crl -inform DER -in "$f" -noout -crlnumber; done | sed 's/crlNumber=0x//' | sort -n | tr '\n' ' ')
is "numbers 1..8, each once" "$nums" "01 02 03 04 05 06 07 08 "
# Template rules.
printf '[crl]\ndays = 30\nbogus = 1\n' > "$T/bad.cnf"
fails "unknown template key refused" c crl issue --home "$R" --pin-file "$T/pin" --template "$T/bad.cnf"
like "... by name" "$(cat "$T/err")" 'unknown key "bogus"'
printf '[crl]\ndays = 400\nmax_days = 500\n' > "$T/long.cnf"
printf '[crl]\nidp_form = partial\n' > "$T/form.cnf"
before=$(tree "$R/crls")
fails "an unknown idp_form refused" c crl issue --home "$R" --pin-file "$T/pin" --template "$T/form.cnf"
like "... naming the choices" "$(cat "$T/err")" 'idp_form = "partial": use uri, critical or none'
printf '[crl]\nidp_form = none\nidp = http://x.example/c.crl\n' > "$T/form.cnf"
fails_like "idp_form = none with an idp refused" 'form.cnf: idp_form = none but idp is set: remove one of them' c crl issue --home "$R" --pin-file "$T/pin" --template "$T/form.cnf"
sed 's/^idp_form.*/idp_form = critical/' "$T/crl.cnf" > "$T/critical.cnf"
fails "another idp_form within a generation: refused (its scope)" c crl issue --home "$R" --pin-file "$T/pin" --template "$T/critical.cnf"
like "... as a change of scope" "$(cat "$T/err")" "differs from the previous CRL's"
is "... nothing written" "$(tree "$R/crls")" "$before"
fails_like "a root CRL longer than 365 days refused" 'long.cnf: days = 400: a root CA.s CRL lives at most 365 days' c crl issue --home "$R" --pin-file "$T/pin" --template "$T/long.cnf"
is "... nothing written" "$(tree "$R/crls")" "$before"

# What the other idp_forms cost, each on a root of its own (a generation
# keeps its form): "critical" is RFC 5280's, NSS and Botan refuse it;
# "none" has no scope, Botan refuses it for a certificate naming a CDP.
mkform() {	# mkform FORM: a root, A signed, a CRL in that form -> $T/FORM/
	local h=$T/$1
	mktoken "$1"
	c init --home "$h" --module "$MODULE" --token "$1" > /dev/null
	c key generate --home "$h" --pin-file "$T/pin" --label k --type ec:P-384 > /dev/null
	c root create --home "$h" --pin-file "$T/pin" --template "$TPL/root-ca.cnf" --key k > /dev/null
	c sign --home "$h" --pin-file "$T/pin" --template "$TPL/subca.cnf" --csr "$T/A.csr" > "$h.out"
	cp "$h/export/$(sed -n 's/^  serial *//p' "$h.out").pem" "$h/A.pem"
	sed "s/^idp_form.*/idp_form = $1/" "$T/crl.cnf" | { [ "$1" = none ] && grep -v '^idp ' || cat; } > "$h.cnf"
	c crl issue --home "$h" --pin-file "$T/pin" --template "$h.cnf" > /dev/null
}
mkform critical
F=$T/critical
like "critical: IDP critical, the URI, only CA certificates" "$(flat <(openssl crl -in "$F/crls/gen-1/1.pem" -noout -text))" \
	"Issuing Distribution Point: critical Full Name: URI:http://pki.example.org/crl/root-gen1.crl *Only CA Certificates"
ok "critical: OpenSSL accepts it" openssl verify -crl_check -CRLfile "$F/crls/gen-1/1.pem" -CAfile "$F/export/root-gen1.pem" "$F/A.pem"
ok "critical: GnuTLS accepts it" certtool --verify-crl --load-ca-certificate "$F/export/root-gen1.pem" --infile "$F/crls/gen-1/1.pem"
_nss_load "$F/export/root-gen1.pem" > /dev/null
crlutil -I -i "$F/crls/gen-1/1.crl" -d "sql:$T/nss" > "$T/out" 2>&1
like "critical: NSS refuses it (an unknown critical extension)" "$(cat "$T/out")" SEC_ERROR_CRL_UNKNOWN_CRITICAL_EXTENSION
$BOTAN "$F/export/root-gen1.pem" "$F/A.pem" --crl "$F/crls/gen-1/1.pem" > "$T/out"
like "critical: Botan refuses the path (onlyContainsCACerts)" "$(cat "$T/out")" "No CRL with matching distribution point"
mkform none
F=$T/none
unlike "none: no IDP" "$(openssl crl -in "$F/crls/gen-1/1.pem" -noout -text)" "Issuing Distribution Point"
ok "none: NSS imports it" _nss_crl "$F/crls/gen-1/1.crl" "$F/export/root-gen1.pem"
$BOTAN "$F/export/root-gen1.pem" "$F/A.pem" --crl "$F/crls/gen-1/1.pem" > "$T/out"
like "none: Botan refuses the path (the CDP matches no IDP)" "$(cat "$T/out")" "No CRL with matching distribution point"

# crl status, now and (libfaketime) later.
ok "crl status" c crl status --home "$R" --template "$T/crl.cnf"
like "status: number 8, 30 days left" "$(flat "$T/out")" "number 8 .*time left (29 days 23|30 days 0) hours"
ok "status in 25 days: still valid" fk -f '+25d' "$CEREMONY" crl status --home "$R" --template "$T/crl.cnf"
like "... but the session is due" "$(cat "$T/out")" "WARNING: due now"
fails_like "status in 31 days: expired, non-zero" 'a CRL has expired or was never issued: run ceremony crl session' fk -f '+31d' "$CEREMONY" crl status --home "$R" --template "$T/crl.cnf"
like "... says EXPIRED" "$(cat "$T/out")" "EXPIRED 1 days"
ok "issue works under faketime (token included)" fk -f '+31d' "$CEREMONY" crl issue --home "$R" --pin-file "$T/pin" --template "$T/crl.cnf"
like "... number 9, thisUpdate 31 days ahead" "$(flat "$T/out")" "number 9 .*thisUpdate $(date -u -d '+31 days' +%Y-%m-%d)"

# The periodic session.
ok "crl session --export" c crl session --home "$R" --pin-file "$T/pin" \
	--template "$T/crl.cnf" --export "$T/usb" --operator alice
like "report: number, entries, SHA-256, signature lines" "$(flat "$T/out")" \
	"CRL number 10 entries 1 .*SHA-256 $(sha256sum < "$R/crls/gen-1/10.crl" | cut -c1-64).*operator alice .*witness"
ok "session exported CRL, PEM, CA certificate, report" ls "$T/usb/crl-gen1.crl" \
	"$T/usb/crl-gen1.pem" "$T/usb/ca-gen1.pem" "$T/usb/crl-gen1-10-report.txt"
ok "exported CRL verifies with the exported CA" openssl crl -in "$T/usb/crl-gen1.pem" -verify -CAfile "$T/usb/ca-gen1.pem" -noout
# Years later: B's certificate (ten years) has expired.
sed 's/^keep_expired.*/keep_expired = yes/' "$T/crl.cnf" > "$T/keep.cnf"
ok "in 3660 days, keep_expired = yes: B stays" fk -f '+3660d' "$CEREMONY" crl issue \
	--home "$R" --pin-file "$T/pin" --template "$T/keep.cnf"
like "... one entry" "$(flat "$T/out")" "number 11 entries 1"
ok "keep_expired = no: B leaves, legitimately (expired)" fk -f '+3661d' "$CEREMONY" crl issue \
	--home "$R" --pin-file "$T/pin" --template "$T/crl.cnf"
like "... no entries" "$(flat "$T/out")" "number 12 entries 0"
ok "near the root's end: nextUpdate clamped to its notAfter" fk -f '+7300d' "$CEREMONY" crl issue \
	--home "$R" --pin-file "$T/pin" --template "$T/crl.cnf"
like "... and said so" "$(flat "$T/out")" "nextUpdate $(date -u -d "$(openssl x509 -in "$ROOT" -noout -enddate | cut -d= -f2)" '+%Y-%m-%d %H:%M:%S') UTC \(cut to the CA certificate's notAfter\)"
fails "after the root's end: refused" fk -f '+7310d' "$CEREMONY" crl issue \
	--home "$R" --pin-file "$T/pin" --template "$T/crl.cnf"
like "... saying it expired" "$(cat "$T/err")" "CA generation 1.*expired"
before=$(tree "$R/crls")
fails_like "crl session without --export refused" 'crl session needs --export DIR' c crl session --home "$R" --pin-file "$T/pin" --template "$T/crl.cnf"
is "... nothing written" "$(tree "$R/crls")" "$before"
# Deleting the newest CRL does not bring its number back: crlnumber keeps
# the highest number issued.
last=$(cat "$R/crls/gen-1/crlnumber")
is "crlnumber holds the highest number issued" "$last" \
	"$(ls "$R/crls/gen-1" | sed -n 's/^\([0-9]*\)\.crl$/\1/p' | sort -n | tail -1)"
cp "$R/crls/gen-1/$last.crl" "$T/saved.crl"
rm "$R/crls/gen-1/$last.crl" "$R/crls/gen-1/$last.pem"
# Without the mark, the files alone would say $((last - 1)) and number
# $last would be issued a second time.
fails "the newest CRL deleted: refused, its number is not reused" fk -f '+3661d' \
	"$CEREMONY" crl issue --home "$R" --pin-file "$T/pin" --template "$T/crl.cnf"
like "... says which is missing and where a copy is" "$(cat "$T/err")" \
	"previous CRL .*/$last.crl is missing.*export directory"
cp "$T/saved.crl" "$R/crls/gen-1/$last.crl"
ok "with it restored, a CRL" fk -f '+3661d' "$CEREMONY" crl issue \
	--home "$R" --pin-file "$T/pin" --template "$T/crl.cnf"
like "... takes the next number" "$(flat "$T/out")" "number $((last + 1)) "
done_testing
