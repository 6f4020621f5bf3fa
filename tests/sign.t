#!/bin/bash
# Signing with a policy: root -> issuing CA (key on its own token, request
# made by ceremony csr create) -> Expressway-style server certificate and
# an OCSP signer.  Chains and bundles checked by OpenSSL, GnuTLS, NSS and
# Botan; refusals
# leave the database and the export directory as they were.
. "$(dirname "$0")/lib.sh"

TPL=$TOP/templates
R=$T/root
I=$T/issuing
mktoken root
mktoken issuing
c() { "$CEREMONY" "$@"; }

c init --home "$R" --module "$MODULE" --token root > /dev/null
c key generate --home "$R" --pin-file "$T/pin" --label rk --type ec:P-384 > /dev/null
c root create --home "$R" --pin-file "$T/pin" --template "$TPL/root-ca.cnf" \
	--key rk > /dev/null
c init --home "$I" --module "$MODULE" --token issuing > /dev/null
c key generate --home "$I" --pin-file "$T/pin" --label ik --type ec:P-384 > /dev/null

ok "issuing CA: request for its token key" c csr create --home "$I" \
	--pin-file "$T/pin" --template "$TPL/issuing-ca-request.cnf" --key ik \
	--out "$T/ica.csr"
ok "the request verifies (openssl req -verify)" openssl req -in "$T/ica.csr" \
	-verify -noout
ok "root signs it under the subca template" c sign --home "$R" \
	--pin-file "$T/pin" --template "$TPL/subca.cnf" --csr "$T/ica.csr"
S=$(sed -n 's/^  serial *//p' "$T/out")
is "the serial is 20 octets" "${#S}" 40
ok "issuing CA installs its certificate" c ca install --home "$I" \
	--pin-file "$T/pin" --cert "$R/export/$S.pem" --chain "$R/export/chain-gen1.pem"

# The intermediate: template decides, chain verifies everywhere.
ROOT=$R/export/root-gen1.pem
INT=$R/export/$S.pem
text=$(openssl x509 -in "$INT" -noout -text | tr -s '\n ' ' ')
like "intermediate: CA:TRUE, pathlen:0, critical" "$text" \
	"Basic Constraints: critical CA:TRUE, pathlen:0"
like "intermediate: AKI is the root's SKI" "$text" "Authority Key Identifier: $(openssl x509 \
	-in "$ROOT" -noout -ext subjectKeyIdentifier | tail -1 | tr -d ' ')"
like "intermediate: CRL distribution point" "$text" "URI:http://pki.example.org/crl/root-gen1.crl"
like "intermediate: caIssuers" "$text" "CA Issuers - URI:http://pki.example.org/root-gen1.crt"
verify_all_chain "root -> intermediate" "$ROOT" "$INT"
is "index: the intermediate is valid, profile subca" \
	"$(grep -v '^#' "$R/index.txt" | tail -1 | cut -f1,6,8)" "V	$S	subca"
ok "the database keeps the certificate" cmp "$R/certs/$S.pem" "$INT"
ok "DER export" cmp <(openssl x509 -in "$INT" -outform DER) "$R/export/$S.der"
verify_all_p7 "chain-gen1.p7b" "$R/export/chain-gen1.p7b" "$ROOT"
like "PKCS#7 bundle holds the root" "$(openssl x509 -in "$T/p7-first.pem" -noout -subject)" "subject=C = XX, O = Example Organisation, OU = Offline Root, CN = Example Root CA"

# A server certificate from the issuing CA, under the Expressway policy.
openssl ecparam -name prime256v1 -genkey -noout -out "$T/srv.key"
openssl req -new -key "$T/srv.key" -subj "/C=XX/O=Example/CN=vcs.example.com" \
	-addext "subjectAltName=DNS:vcs.example.com,DNS:peer1.example.com" \
	-addext "extendedKeyUsage=serverAuth,clientAuth" \
	-addext "basicConstraints=critical,CA:TRUE" -out "$T/srv-ca.csr" 2>/dev/null
before=$( (tree "$I"; cat "$I/index.txt") | grep -v '^audit\.')
fails_like "a server request asking for CA:TRUE is refused" 'srv-ca.csr fails policy policy-expressway \(1 error\): nothing was signed' c sign --home "$I" \
	--pin-file "$T/pin" --template "$TPL/expressway-server.cnf" --csr "$T/srv-ca.csr"
is "... nothing written" "$( (tree "$I"; cat "$I/index.txt") | grep -v '^audit\.')" "$before"
openssl req -new -key "$T/srv.key" -subj "/C=XX/O=Example/CN=vcs.example.com" \
	-addext "subjectAltName=DNS:vcs.example.com,DNS:peer1.example.com" \
	-addext "extendedKeyUsage=serverAuth,clientAuth" -out "$T/srv.csr"
ok "issuing CA signs the server request" c sign --home "$I" --pin-file "$T/pin" \
	--template "$TPL/expressway-server.cnf" --csr "$T/srv.csr"
L=$(sed -n 's/^  serial *//p' "$T/out")
LEAF=$I/export/$L.pem
cat "$I/export/chain-gen1.pem" > "$T/chain.pem"
verify_all_chain "root -> intermediate -> leaf" "$ROOT" "$LEAF" "$INT"
cat "$LEAF" "$T/chain.pem" > "$T/full.pem"
ok "GnuTLS certtool --verify-chain" certtool --verify-chain --infile "$T/full.pem"
like "GnuTLS says verified" "$(cat "$T/out")" "Chain verification output: Verified"
like "leaf: CDP and AIA name the issuing CA's generation 1" \
	"$(openssl x509 -in "$LEAF" -noout -ext crlDistributionPoints,authorityInfoAccess | tr -s '\n ' '  ')" \
	"URI:http://pki.example.org/crl/issuing-gen1.crl .*URI:http://pki.example.org/issuing-gen1.crt"
verify_all_p7 "the issuing CA's chain-gen1.p7b" "$I/export/chain-gen1.p7b" "$ROOT"
text=$(openssl x509 -in "$LEAF" -noout -text | tr -s '\n ' ' ')
like "leaf: SANs copied from the request" "$text" \
	"Subject Alternative Name: DNS:vcs.example.com, DNS:peer1.example.com"
like "leaf: EKU serverAuth and clientAuth from the template" "$text" \
	"Extended Key Usage: TLS Web Server Authentication, TLS Web Client Authentication"
is "leaf: each extension once" "$(openssl x509 -in "$LEAF" -noout -text |
	grep -c 'X509v3 Extended Key Usage')" 1
like "leaf: CA:FALSE" "$text" "Basic Constraints: critical CA:FALSE"
is "leaf chain export: issuing CA then root" \
	"$(grep -c 'BEGIN CERTIFICATE' "$I/export/chain-gen1.pem")" 2

# Template and request both carry an extension the template may copy:
# the template's wins, once.
sed -e "s|^policy .*|policy = $TPL/policy-expressway.cnf|" \
	-e 's/^copy_extensions .*/copy_extensions = subjectAltName, extendedKeyUsage/' \
	-e 's/^extendedKeyUsage .*/extendedKeyUsage = serverAuth, clientAuth, ipsecIKE/' \
	"$TPL/expressway-server.cnf" > "$T/both.cnf"
ok "template and request both set EKU" c sign --home "$I" --pin-file "$T/pin" \
	--template "$T/both.cnf" --csr "$T/srv.csr"
B=$(sed -n 's/^  serial *//p' "$T/out")
text=$(openssl x509 -in "$I/export/$B.pem" -noout -text)
is "...one EKU extension" "$(printf '%s\n' "$text" | grep -c 'X509v3 Extended Key Usage')" 1
like "...the template's" "$text" "Internet Key Exchange"
like "...the SAN copied from the request" "$text" "DNS:vcs.example.com, DNS:peer1.example.com"

# Refusals: nothing written but the audit record.
snap() { (tree "$1"; cat "$1/index.txt") | grep -v '^audit\.' > "$T/before"; }
same() {
	(tree "$1"; cat "$1/index.txt") | grep -v '^audit\.' > "$T/after"
	ok "$2: nothing written" diff -u "$T/before" "$T/after"
	like "$2: the refusal is audited" "$(audit_last "$1/audit.log")" "op=sign	result=failed"
}
snap "$I"
openssl req -new -key "$T/srv.key" -subj "/C=XX/O=Example/CN=bad_host" \
	-addext "subjectAltName=DNS:bad_host,IP:10.0.0.1,DNS:*.example.com" \
	-out "$T/bad.csr"
fails_like "a request failing its policy" 'bad.csr fails policy policy-expressway \(5 errors\): nothing was signed' c sign --home "$I" --pin-file "$T/pin" \
	--template "$TPL/expressway-server.cnf" --csr "$T/bad.csr"
like "every finding is shown: underscore" "$(cat "$T/out")" "san-not-fqdn"
like "every finding is shown: IP" "$(cat "$T/out")" "san-ip|san-type"
like "every finding is shown: wildcard" "$(cat "$T/out")" "san-wildcard"
same "$I" "policy refusal"

# A request whose signature was tampered with.
openssl req -in "$T/srv.csr" -outform DER -out "$T/srv.der"
cp "$T/srv.der" "$T/flip.der"
size=$(stat -c %s "$T/flip.der")
printf '\xff' | dd of="$T/flip.der" bs=1 seek=$((size - 3)) conv=notrunc 2>/dev/null
fails "a request with a broken signature" c sign --home "$I" --pin-file "$T/pin" \
	--template "$TPL/expressway-server.cnf" --csr "$T/flip.der"
like "proof of possession failed" "$(cat "$T/out" "$T/err")" "pop-failed"
same "$I" "broken signature"

# A wrong PIN: the request passes its policy, the token refuses the login.
snap "$I"
fails "a wrong PIN" c sign --home "$I" --pin-file "$T/badpin" \
	--template "$TPL/expressway-server.cnf" --csr "$T/srv.csr"
like "says the PIN is incorrect" "$(cat "$T/err")" "PIN incorrect"
same "$I" "wrong PIN"

# Validity past the issuer: refused, or cut with --clamp (recorded).
sed 's/^days .*/days = 5000/; s/^max_days .*/max_days = 9000/' \
	"$TPL/expressway-server.cnf" > "$T/long.cnf"
sed -i "s|^policy .*|policy = $TPL/policy-expressway.cnf|" "$T/long.cnf"
snap "$I"
c sign --home "$I" --pin-file "$T/pin" --template "$T/long.cnf" --csr "$T/srv.csr" \
	> "$T/out" 2> "$T/err"
rc=$?
is "a certificate outliving its issuer: refused" "$rc:$(errlines)" "1:1"
like "lint names it" "$(cat "$T/out")" "validity-past-issuer"
same "$I" "validity past the issuer"
ok "with --clamp it is issued" c sign --home "$I" --pin-file "$T/pin" \
	--template "$T/long.cnf" --csr "$T/srv.csr" --clamp
like "...and says it was cut" "$(cat "$T/out")" "notAfter cut to the issuer's"
C=$(sed -n 's/^  serial *//p' "$T/out")
is "...ending with the issuer" "$(openssl x509 -in "$I/export/$C.pem" -noout -enddate)" \
	"$(openssl x509 -in "$I/ca/gen-1.pem" -noout -enddate)"
like "...and the audit records the clamp" "$(audit_last "$I/audit.log")" "clamped"

# A path length deeper than the issuer allows (the issuing CA has pathlen 0).
snap "$I"
fails "an intermediate under a pathlen:0 CA" c sign --home "$I" \
	--pin-file "$T/pin" --template "$TPL/subca.cnf" --csr "$T/ica.csr"
like "refused by the chain rule" "$(cat "$T/out" "$T/err")" "bc-pathlen-issuer|pathlen"
same "$I" "pathLen too deep"

# OCSP responder certificate, issued by the CA it answers for.
openssl ecparam -name prime256v1 -genkey -noout -out "$T/ocsp.key"
openssl req -new -key "$T/ocsp.key" -subj "/C=XX/O=Example/CN=OCSP Responder" \
	-addext "extendedKeyUsage=OCSPSigning" -out "$T/ocsp.csr"
ok "OCSP signer issued" c sign --home "$I" --pin-file "$T/pin" \
	--template "$TPL/ocsp-signer.cnf" --csr "$T/ocsp.csr"
O=$(sed -n 's/^  serial *//p' "$T/out")
text=$(openssl x509 -in "$I/export/$O.pem" -noout -text | tr -s '\n ' ' ')
like "OCSP signer: EKU OCSPSigning" "$text" "Extended Key Usage: critical OCSP Signing"
like "OCSP signer: id-pkix-ocsp-nocheck" "$text" "OCSP No Check"
like "OCSP signer: issued by the issuing CA" "$text" "Issuer: C = XX, O = Example Organisation, CN = Example Issuing CA"
ok "OCSP signer: chain verifies with purpose ocsphelper" openssl verify \
	-purpose ocsphelper -CAfile "$ROOT" -untrusted "$T/chain.pem" "$I/export/$O.pem"
verify_all_chain "OCSP signer" "$ROOT" "$I/export/$O.pem" "$INT"

# Batch: the inbox, after one login.
for n in 1 2 3; do
	openssl req -new -key "$T/srv.key" -subj "/C=XX/O=Example/CN=host$n.example.com" \
		-addext "subjectAltName=DNS:host$n.example.com" \
		-addext "extendedKeyUsage=serverAuth,clientAuth" \
		-out "$I/requests/good$n.csr"
done
cp "$T/bad.csr" "$I/requests/bad.csr"
printf 'not a request\n' > "$I/requests/junk.pem"
before=$(grep -c '^V' "$I/index.txt")
c sign --inbox --home "$I" --pin-file "$T/pin" --template "$TPL/expressway-server.cnf" \
	> "$T/out" 2> "$T/err"
is "batch: exit 1 when some are rejected, one error line" "$?:$(errlines)" "1:1"
like "batch: summary" "$(cat "$T/out")" "3 signed, 2 rejected, 5 in all"
is "batch: three more valid certificates" "$(grep -c '^V' "$I/index.txt")" $((before + 3))
is "batch: signed requests moved to done/" "$(ls "$I/requests/done" | tr '\n' ' ')" \
	"good1.csr good2.csr good3.csr "
is "batch: rejects moved aside" "$(ls "$I/requests/rejected" | grep -v findings | tr '\n' ' ')" \
	"bad.csr junk.pem "
like "batch: findings report beside a reject" \
	"$(cat "$I/requests/rejected/bad.csr.findings")" "san-not-fqdn"
is "batch: the inbox is empty" "$(find "$I/requests" -maxdepth 1 -type f | wc -l)" 0
for s in $(grep '^V' "$I/index.txt" | tail -3 | cut -f6); do
	openssl verify -CAfile "$ROOT" -untrusted "$T/chain.pem" "$I/certs/$s.pem" \
		> /dev/null 2>&1 || echo "bad $s"
done > "$T/bad"
is "batch: every new certificate verifies" "$(cat "$T/bad")" ""
# The exported PEM is the database's file, linked (one file fewer to
# write per certificate); the DER is its own file with the same certificate.
for s in $(grep '^V' "$I/index.txt" | tail -3 | cut -f6); do
	[ "$I/certs/$s.pem" -ef "$I/export/$s.pem" ] || echo "not linked $s"
	[ "$(stat -c %h "$I/export/$s.der")" = 1 ] || echo "der linked $s"
	openssl x509 -in "$I/export/$s.der" -inform DER | cmp -s - "$I/certs/$s.pem" ||
		echo "der differs $s"
done > "$T/bad"
is "batch: each export PEM a link to the database's copy, the DER its own" "$(cat "$T/bad")" ""
# An export directory on another file system (tmpfs) gets a copy.
X=$(mktemp -d /dev/shm/ceremony-export.XXXXXX 2> /dev/null)
if [ -n "$X" ] && [ "$(stat -c %d "$X")" != "$(stat -c %d "$I")" ]; then
	openssl req -new -key "$T/srv.key" -subj "/C=XX/O=Example/CN=far.example.com" \
		-addext "subjectAltName=DNS:far.example.com" \
		-addext "extendedKeyUsage=serverAuth,clientAuth" -out "$I/requests/far.csr"
	ok "batch: export to another file system" c sign --inbox --home "$I" \
		--pin-file "$T/pin" --template "$TPL/expressway-server.cnf" --export "$X"
	s=$(grep '^V' "$I/index.txt" | tail -1 | cut -f6)
	ok "... a copy there, the same bytes" cmp "$X/$s.pem" "$I/certs/$s.pem"
	is "... not a link" "$(stat -c %h "$I/certs/$s.pem")" 1
	rm -rf "$X"
else
	rm -rf "$X"
	skip 3 "no tmpfs at /dev/shm for another file system"
fi

# Batch: a write that fails part way (certs/ is not a directory) stops the
# batch: nothing is valid, every reserved serial is voided, the signable
# requests stay in the inbox for the next run, the reject is filed.
for n in 4 5 6; do
	openssl req -new -key "$T/srv.key" -subj "/C=XX/O=Example/CN=host$n.example.com" \
		-addext "subjectAltName=DNS:host$n.example.com" \
		-addext "extendedKeyUsage=serverAuth,clientAuth" \
		-out "$I/requests/good$n.csr"
done
cp "$T/bad.csr" "$I/requests/bad2.csr"
mv "$I/certs" "$I/certs.saved" && : > "$I/certs"
before=$(grep -c '^V' "$I/index.txt")
voids=$(grep -c '^X' "$I/index.txt")
exports=$(ls "$I/export" | wc -l)
fails "batch: a failed certificate write stops it" c sign --inbox --home "$I" \
	--pin-file "$T/pin" --template "$TPL/expressway-server.cnf"
like "... saying which file" "$(cat "$T/err")" \
	"^ceremony: cannot create a temporary file next to $I/certs/[0-9A-F]+\.pem \(Not a directory\)$"
like "... the summary says what was left" "$(cat "$T/out")" \
	"good4.csr +left +not signed: left in the inbox"
is "... no new valid certificate" "$(grep -c '^V' "$I/index.txt")" "$before"
is "... its three reserved serials voided" "$(grep -c '^X' "$I/index.txt")" $((voids + 3))
is "... nothing exported" "$(ls "$I/export" | wc -l)" "$exports"
is "... the signable requests left in the inbox" \
	"$(find "$I/requests" -maxdepth 1 -type f -printf '%f\n' | sort | tr '\n' ' ')" \
	"good4.csr good5.csr good6.csr "
ok "... the reject filed" test -e "$I/requests/rejected/bad2.csr.findings"
rm "$I/certs" && mv "$I/certs.saved" "$I/certs"
ok "batch: the next run signs them" c sign --inbox --home "$I" --pin-file "$T/pin" \
	--template "$TPL/expressway-server.cnf"
is "... three more valid certificates" "$(grep -c '^V' "$I/index.txt")" $((before + 3))
ok "audit chain intact after all of it" c audit show --home "$I"

done_testing
