#!/bin/bash
# The CRL of an issuing CA whose key is RSA-3072 on its own token (the
# token signs PKCS#1 v1.5 over a precomputed digest through libp11): no
# onlyContainsCACerts, the template's distribution point with {gen}, a
# revoked server certificate found by OpenSSL, GnuTLS, NSS and Botan, a
# good one accepted by each.
. "$(dirname "$0")/lib.sh"

TPL=$TOP/templates
R=$T/root
I=$T/issuing
mktoken root
mktoken issuing
c() { "$CEREMONY" "$@"; }
flat() { tr -s '\n\t ' '   ' < "$1"; }

c init --home "$R" --module "$MODULE" --token root > /dev/null
c key generate --home "$R" --pin-file "$T/pin" --label rk --type ec:P-384 > /dev/null
c root create --home "$R" --pin-file "$T/pin" --template "$TPL/root-ca.cnf" --key rk > /dev/null
c init --home "$I" --module "$MODULE" --token issuing > /dev/null
c key generate --home "$I" --pin-file "$T/pin" --label ik --type rsa:3072 > /dev/null
c csr create --home "$I" --pin-file "$T/pin" --template "$TPL/issuing-ca-request.cnf" \
	--key ik --out "$T/ica.csr" > /dev/null
c sign --home "$R" --pin-file "$T/pin" --template "$TPL/subca.cnf" --csr "$T/ica.csr" > "$T/s.out"
S=$(sed -n 's/^  serial *//p' "$T/s.out")
c ca install --home "$I" --pin-file "$T/pin" --cert "$R/export/$S.pem" \
	--chain "$R/export/chain-gen1.pem" > /dev/null
ROOT=$R/export/root-gen1.pem
ICA=$R/export/$S.pem

for n in good bad; do
	openssl ecparam -name prime256v1 -genkey -noout -out "$T/$n.key"
	openssl req -new -key "$T/$n.key" -subj "/C=XX/O=Example/CN=$n.example.com" \
		-addext "subjectAltName=DNS:$n.example.com" \
		-addext "extendedKeyUsage=serverAuth,clientAuth" -out "$T/$n.csr"
	c sign --home "$I" --pin-file "$T/pin" --template "$TPL/expressway-server.cnf" \
		--csr "$T/$n.csr" > "$T/$n.out"
	cp "$I/export/$(sed -n 's/^  serial *//p' "$T/$n.out").pem" "$T/$n.pem"
done
BAD=$(sed -n 's/^  serial *//p' "$T/bad.out")
ok "the bad one revoked: superseded" c revoke "$BAD" --home "$I" --reason superseded
sed 's|^idp *=.*|idp = http://pki.example.org/crl/issuing-gen{gen}.crl|' "$TPL/crl.cnf" > "$T/crl.cnf"
ok "issuing CA: crl issue (RSA key on the token)" c crl issue --home "$I" \
	--pin-file "$T/pin" --template "$T/crl.cnf"
like "not a root, one entry" "$(flat "$T/out")" "Issuing CA,.*\(generation 1\) number 1 entries 1"
CRL=$I/crls/gen-1/1.pem
openssl crl -in "$CRL" -noout -text > "$T/text"
like "sha256WithRSAEncryption" "$(flat "$T/text")" "Signature Algorithm: sha256WithRSAEncryption"
like "IDP without onlyContainsCACerts" "$(flat "$T/text")" \
	"Issuing Distribution Point: Full Name: URI:http://pki.example.org/crl/issuing-gen1.crl Revoked"
like "reason superseded" "$(flat "$T/text")" "Serial Number: $BAD .*Reason Code: Superseded"
verify_all_crl "the issuing CA's CRL" "$CRL" "$ROOT" "$T/good.pem" "$ICA"
verify_all_revoked "the issuing CA's CRL, the bad one" "$CRL" "$ROOT" "$T/bad.pem" "$ICA"
# A second CRL: the issuing CA's number sequence is its own.
ok "a second CRL" c crl issue --home "$I" --pin-file "$T/pin" --template "$T/crl.cnf"
like "number 2" "$(flat "$T/out")" "number 2 entries 1"
# The IDP cannot change within a generation.
sed 's|^idp *=.*|idp = http://other.example.org/x.crl|' "$TPL/crl.cnf" > "$T/other.cnf"
fails "a changed IDP is refused" c crl issue --home "$I" --pin-file "$T/pin" --template "$T/other.cnf"
like "... saying so" "$(cat "$T/err")" "issuing distribution point differs"
done_testing
