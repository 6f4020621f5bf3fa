#!/bin/bash
# The root key ceremony end to end on real SoftHSM2 tokens: EC P-384 and
# RSA-4096 roots, checked by every relying party (OpenSSL, GnuTLS, NSS,
# Botan), by OpenSC's pkcs11-tool on the token, and in the database.
. "$(dirname "$0")/lib.sh"

# ceremony_root LABEL TYPE: token, data directory, key and root certificate.
ceremony_root() {
	local tok=$1 type=$2 home=$T/$1
	mktoken "$tok"
	ok "$tok: init data directory" "$CEREMONY" init --home "$home" \
		--module "$MODULE" --token "$tok" --ca-name "Test $tok"
	ok "$tok: generate $type key on the token" "$CEREMONY" key generate \
		--home "$home" --pin-file "$T/pin" --label root-key --type "$type"
	ok "$tok: create the root certificate" "$CEREMONY" root create \
		--home "$home" --pin-file "$T/pin" --operator alice \
		--template "$TOP/templates/root-ca.cnf" --key root-key
	cp "$T/out" "$T/$tok.out"
}

# verify_root LABEL: every relying party accepts the exported root.
verify_root() {
	local tok=$1 pem=$T/$1/export/root-gen1.pem
	verify_all_chain "$tok: the root" "$pem" "$pem"
	ok "$tok: GnuTLS certtool --verify-chain accepts the root" \
		certtool --verify-chain --infile "$pem"
}

# inspect_root LABEL: extensions, dates, key identifiers, database.
inspect_root() {
	local tok=$1 home=$T/$1 pem=$T/$1/export/root-gen1.pem text serial id
	text=$(openssl x509 -in "$pem" -noout -text | tr -s '\n ' ' ')
	like "$tok: basicConstraints critical CA:TRUE pathlen 1" "$text" \
		"Basic Constraints: critical.{1,20}CA:TRUE, pathlen:1"
	like "$tok: keyUsage critical keyCertSign cRLSign" "$text" \
		"Key Usage: critical.{1,20}Certificate Sign, CRL Sign"
	like "$tok: certificate policy" "$text" "Policy: X509v3 Any Policy"
	like "$tok: version 3" "$text" "Version: 3"
	like "$tok: self-issued" "$text" "Issuer: C = XX, O = Example Organisation"
	serial=$(openssl x509 -in "$pem" -noout -serial | cut -d= -f2)
	is "$tok: serial is 20 octets" "${#serial}" 40
	ok "$tok: DER export matches PEM" cmp \
		<(openssl x509 -in "$pem" -outform DER) "$home/export/root-gen1.der"
	ok "$tok: certs/SERIAL.pem kept in the database" cmp \
		"$home/certs/$serial.pem" "$pem"
	ok "$tok: ca/gen-1.pem is the root" cmp "$home/ca/gen-1.pem" "$pem"
	like "$tok: index holds the root as valid" "$(grep -v '^#' "$home/index.txt" | tail -1)" \
		"^V	[0-9]{14}Z	-	-	-	$serial	1	root-ca	"
	like "$tok: audit log records root.create by alice" \
		"$(audit_last "$home/audit.log")" "operator=alice.*op=root.create.*result=ok"
	# SKI = CKA_ID = SHA-1 of the public key's BIT STRING.
	ski=$(openssl x509 -in "$pem" -noout -ext subjectKeyIdentifier | tail -1 |
		tr -d ' :' | tr A-F a-f)
	objs=$(pkcs11-tool --module "$MODULE" --token-label "$tok" --login \
		--pin "$USER_PIN" --list-objects 2>/dev/null)
	cert=$(printf '%s\n' "$objs" | p11_block "Certificate Object")
	priv=$(printf '%s\n' "$objs" | p11_block "Private Key Object")
	like "$tok: token holds the certificate under the key's label" "$cert" \
		"label: +root-key"
	like "$tok: token certificate has CKA_ID = SKI" "$cert" "ID: +$ski\$"
	like "$tok: private key has CKA_ID = SKI" "$priv" "ID: +$ski\$"
	like "$tok: private key is sensitive and never extractable" "$priv" \
		"Access: +sensitive, always sensitive, never extractable, local"
	objs=$priv
	unlike "$tok: private key is not extractable" "$objs" \
		"Access:( +|.*, )extractable"
}

ceremony_root rootec ec:P-384
like "EC root: the operator sees the fingerprint" "$(cat "$T/rootec.out")" \
	"SHA-256 +([0-9A-F]{2}:){31}[0-9A-F]{2}"
verify_root rootec
inspect_root rootec
like "EC root: signed with ecdsa-with-SHA384" \
	"$(openssl x509 -in "$T/rootec/export/root-gen1.pem" -noout -text)" \
	"Signature Algorithm: ecdsa-with-SHA384"

ceremony_root rootrsa rsa:4096
verify_root rootrsa
inspect_root rootrsa
text=$(openssl x509 -in "$T/rootrsa/export/root-gen1.pem" -noout -text)
like "RSA root: signed with sha384WithRSAEncryption" "$text" \
	"Signature Algorithm: sha384WithRSAEncryption"
like "RSA root: 4096-bit key" "$text" "Public-Key: \(4096 bit\)"

# Dates past 2049 are GeneralizedTime, earlier ones UTCTime (RFC 5280).
mktoken root2051
"$CEREMONY" init --home "$T/g" --module "$MODULE" --token root2051 > /dev/null
"$CEREMONY" key generate --home "$T/g" --pin-file "$T/pin" --label k \
	--type ec:P-256 > /dev/null
sed -e 's/^days .*/not_before = 20260101000000Z\nnot_after = 20510101000000Z/' \
	-e 's/^digest .*/digest = sha256/' -e 's/^key_types .*/key_types = ec:P-256/' \
	"$TOP/templates/root-ca.cnf" > "$T/2051.cnf"
ok "root valid until 2051" "$CEREMONY" root create --home "$T/g" \
	--pin-file "$T/pin" --template "$T/2051.cnf" --key k
times=$(openssl asn1parse -in "$T/g/export/root-gen1.pem" | grep -E 'UTCTIME|GENERALIZEDTIME')
like "notBefore 2026 is UTCTime" "$(echo "$times" | sed -n 1p)" "UTCTIME +:260101000000Z"
like "notAfter 2051 is GeneralizedTime" "$(echo "$times" | sed -n 2p)" \
	"GENERALIZEDTIME +:20510101000000Z"
verify_all_chain "the 2051 root" "$T/g/export/root-gen1.pem" "$T/g/export/root-gen1.pem"
like "signed with the template's digest" \
	"$(openssl x509 -in "$T/g/export/root-gen1.pem" -noout -text)" "ecdsa-with-SHA256"

# The PIN never reaches a file: not the database, not the exports, not
# the audit log, not what the program printed.
mktoken pinfd
"$CEREMONY" init --home "$T/pinfd" --module "$MODULE" --token pinfd > /dev/null
"$CEREMONY" key generate --home "$T/pinfd" --pin-fd 3 --label root-key \
	--type ec:P-384 3< "$T/pin" > /dev/null
ok "root create with --pin-fd" "$CEREMONY" root create --home "$T/pinfd" \
	--pin-fd 3 --template "$TOP/templates/root-ca.cnf" --key root-key 3< "$T/pin"
is "the PIN appears in no file of any data directory" \
	"$(grep -rl -- "$USER_PIN" "$T/rootec" "$T/rootrsa" "$T/g" "$T/pinfd" "$T"/*.out | wc -l)" 0

fails "a second root in the same data directory is refused" "$CEREMONY" \
	root create --home "$T/rootec" --pin-file "$T/pin" \
	--template "$TOP/templates/root-ca.cnf" --key root-key
like "the refusal says to roll over instead" "$(cat "$T/err")" "rollover"

done_testing
