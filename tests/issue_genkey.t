#!/bin/bash
# ceremony issue --generate-key: a key made in software for a subject
# that cannot make one, issued under its template's policy through the
# signing path, archived as PKCS#12 with the key; a CA key never.
. "$(dirname "$0")/lib.sh"

TPL=$TOP/templates
R=$T/root
mktoken root
c() { "$CEREMONY" "$@"; }

c init --home "$R" --module "$MODULE" --token root > /dev/null
c key generate --home "$R" --pin-file "$T/pin" --label rk --type ec:P-384 > /dev/null
c root create --home "$R" --pin-file "$T/pin" --template "$TPL/root-ca.cnf" \
	--key rk > /dev/null
ROOT=$R/ca/gen-1.pem
printf 'ocsp responder archive pw\n' > "$T/pw"
printf 'too short pw\n' > "$T/shortpw"
before=$(tree "$R")
idx=$(cat "$R/index.txt")

fails "a CA template is refused: a CA key never leaves the token" c issue \
	--generate-key --home "$R" --pin-file "$T/pin" --template "$TPL/subca.cnf" \
	--subject /CN=Sub --password-fd 3 3< "$T/pw"
like "it says so" "$(cat "$T/err")" "a CA key is generated on the token .* marked non-extractable, and can never be exported"
fails_like "the root template too" 'root-ca.cnf makes a root certificate: a CA key is generated on the token' c issue --generate-key --home "$R" --pin-file "$T/pin" \
	--template "$TPL/root-ca.cnf" --subject /CN=Root --password-fd 3 3< "$T/pw"
fails_like "a password shorter than the OCSP profile's 16 is refused" 'the PKCS#12 password is 12 characters: this profile needs at least 16 \(p12_min_password\)' c issue \
	--generate-key --home "$R" --pin-file "$T/pin" --template "$TPL/ocsp-signer.cnf" \
	--subject /O=Example/CN=ocsp.example.org --password-fd 3 3< "$T/shortpw"
fails_like "a bad subject is refused" '--subject "CN=x": give /TYPE=VALUE/' c issue --generate-key --home "$R" \
	--pin-file "$T/pin" --template "$TPL/ocsp-signer.cnf" --subject CN=x \
	--password-fd 3 3< "$T/pw"
fails_like "a key type the policy refuses (ec:P-192 unknown)" 'unknown key type "ec:P-192": use one of' c issue --generate-key \
	--home "$R" --pin-file "$T/pin" --template "$TPL/ocsp-signer.cnf" \
	--subject /CN=ocsp.example.org --key-type ec:P-192 --password-fd 3 3< "$T/pw"
fails_like "a policy finding refuses it (server SAN on a wildcard)" 'the generated key.s request fails policy policy-expressway \(1 error\): nothing was signed' c issue \
	--generate-key --home "$R" --pin-file "$T/pin" \
	--template "$TPL/expressway-server.cnf" --subject "/CN=*.example.com" \
	--san "DNS:*.example.com" --password-fd 3 3< "$T/pw"
is "refusals issued nothing and archived nothing" \
	"$(tree "$R" | grep -v -e audit.log -e index.txt)" \
	"$(echo "$before" | grep -v -e audit.log -e index.txt)"
is "... and the index is unchanged" "$(cat "$R/index.txt")" "$idx"

ok "an OCSP responder's key and certificate" c issue --generate-key --home "$R" \
	--pin-file "$T/pin" --template "$TPL/ocsp-signer.cnf" \
	--subject /O=Example/CN=ocsp.example.org --password-fd 3 3< "$T/pw"
S=$(sed -n 's/^  serial *//p' "$T/out")
P12=$R/p12/$S.p12
like "it says the key was wiped" "$(cat "$T/out")" "generated in software, now wiped"
is "index: valid, profile ocsp-signer" "$(grep -v '^#' "$R/index.txt" | tail -1 | cut -f1,6,8)" \
	"V	$S	ocsp-signer"
ok "the archive opens with the password (openssl)" openssl pkcs12 -in "$P12" \
	-passin "file:$T/pw" -noenc -out "$T/all.pem"
ok "the key in it is the certificate's" bash -c "cmp <(openssl pkey -in '$T/all.pem' \
	-pubout) <(openssl x509 -in '$R/certs/$S.pem' -noout -pubkey)"
is "it holds the certificate and the root" "$(grep -c 'BEGIN CERTIFICATE' "$T/all.pem")" 2
verify_all_chain "the OCSP responder" "$ROOT" "$R/certs/$S.pem"
verify_all_p12 "its archive" "$P12" "ocsp responder archive pw" "$ROOT"
text=$(openssl x509 -in "$R/certs/$S.pem" -noout -text | tr -s '\n ' ' ')
like "the template's extensions: OCSPSigning and noCheck" "$text" "OCSP Signing.*OCSP No Check"
ok "GnuTLS certtool --p12-info opens it" certtool --p12-info --inder --infile "$P12" \
	--password "ocsp responder archive pw"
like "GnuTLS sees the key bag" "$(cat "$T/out")" "PKCS #8 Encrypted key"
ok "NSS pk12util -l lists it" pk12util -l "$P12" -W "ocsp responder archive pw"
like "NSS sees the key" "$(cat "$T/out")" "Key\(shrouded\)"
is "the archive is mode 600 in p12/" "$(stat -c %a "$P12")" 600
ok "the export copy is the archive" cmp "$P12" "$R/export/$S.p12"
is "no private key anywhere else in the data directory (grep finds none)" \
	"$(grep -rl 'PRIVATE KEY' "$R"; echo "exit $?")" "exit 1"
like "audited with the certificate and the archive" \
	"$(grep 'op=issue.generate-key	result=ok' "$R/audit.log")" \
	"out=cert:[0-9a-f]{64},p12:$(sha256sum < "$P12" | cut -c1-64)"

ok "a device key (RSA 4096), legacy archive for an old device" c issue \
	--generate-key --home "$R" --pin-file "$T/pin" \
	--template "$TPL/expressway-server.cnf" --subject /O=Example/CN=vcs.example.com \
	--san DNS:vcs.example.com --key-type rsa:4096 --legacy --password-fd 3 3< "$T/pw"
like "--legacy warns" "$(cat "$T/err")" "warning: --legacy"
S2=$(sed -n 's/^  serial *//p' "$T/out")
ok "openssl pkcs12 -legacy opens it" openssl pkcs12 -legacy -info -in \
	"$R/p12/$S2.legacy.p12" -passin "file:$T/pw" -noenc
like "3DES key bag" "$(cat "$T/err")" "Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC"
like "an RSA 4096 key" "$(openssl x509 -in "$R/certs/$S2.pem" -noout -text)" "Public-Key: \(4096 bit\)"
verify_all_chain "the device" "$ROOT" "$R/certs/$S2.pem"
verify_all_p12 "its legacy archive" "$R/p12/$S2.legacy.p12" "$(cat "$T/pw")" "$ROOT"
# The records name the certificates and the archives; db verify matches
# only the certificates with the index.
ok "db verify: every generated key's certificate and record agree" \
	c db verify --home "$R"
done_testing
