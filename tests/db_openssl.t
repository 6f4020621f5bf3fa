#!/bin/bash
# Migration: a CA built by easy-rsa (openssl ca underneath), with a revoked
# certificate and two CRLs, moves into ceremony with its revocations and
# CRL number; ceremony's database goes back out as an index that openssl
# ca accepts (a CRL and a revocation made by openssl ca on it).
. "$(dirname "$0")/lib.sh"

H=$T/home
ER=$T/er
mktoken imp
c() { "$CEREMONY" "$@"; }
EASYRSA=$(command -v easyrsa || echo /usr/share/easy-rsa/easyrsa)

# The CA run by hand: easy-rsa with crlnumber on, as its users turn it on.
mkdir "$ER"
(
	cd "$ER" || exit 1
	export EASYRSA_BATCH=1 EASYRSA_PKI=$ER/pki EASYRSA_ALGO=ec EASYRSA_CURVE=secp384r1
	"$EASYRSA" init-pki
	sed -i 's|^database\t*=.*|&\ncrlnumber = $dir/crlnumber|' "$ER/pki/openssl-easyrsa.cnf"
	echo 01 > "$ER/pki/crlnumber"
	EASYRSA_REQ_CN="Legacy Root" "$EASYRSA" build-ca nopass
	for n in a b c; do "$EASYRSA" build-server-full $n.example.com nopass; done
	"$EASYRSA" revoke b.example.com keyCompromise
	"$EASYRSA" gen-crl
	"$EASYRSA" gen-crl
) > "$T/easyrsa.log" 2>&1
P=$ER/pki
is "easy-rsa made three certificates, one revoked" "$(cut -f1 "$P/index.txt" | tr -d '\n')" VRV
is "easy-rsa's next CRL number is 3" "$(cat "$P/crlnumber")" 03
B=$(awk -F'\t' '$1 == "R" { print $4 }' "$P/index.txt")
DIRS="$P/certs_by_serial $P/revoked/certs_by_serial"

c init --home "$H" --module "$MODULE" --token imp > /dev/null
before=$(tree "$H")
fails_like "import without --ca" 'db import-openssl takes INDEX, at least one DIR and --ca CA.pem' c db import-openssl "$P/index.txt" $DIRS --home "$H"
fails_like "import without the latest CRL is refused (crlnumber says 2 were issued)" 'crlnumber says 2 CRLs were issued: give the latest with --crl F' \
	c db import-openssl "$P/index.txt" $DIRS --home "$H" --ca "$P/ca.crt"
openssl x509 -req -in "$P/reqs/a.example.com.req" -signkey "$P/private/a.example.com.key" \
	-out "$T/other.pem" 2>/dev/null
fails_like "another CA's certificate is refused" 'other.pem is not a self-signed CA certificate: only a root.s database is imported' c db import-openssl "$P/index.txt" $DIRS \
	--home "$H" --ca "$T/other.pem" --crl "$P/crl.pem"
fails "a missing certificate file is refused" c db import-openssl "$P/index.txt" \
	"$P/certs_by_serial" --home "$H" --ca "$P/ca.crt" --crl "$P/crl.pem"
like "... naming the line and serial" "$(cat "$T/err")" "index.txt line 2 \(serial $B\)"
cp "$P/index.txt" "$T/bad.txt"; sed -i '1s/^V/Q/' "$T/bad.txt"
fails_like "a corrupt index line is refused" 'bad.txt line 1: the status is not V, R or E' c db import-openssl "$T/bad.txt" $DIRS \
	--home "$H" --ca "$P/ca.crt"
is "refusals wrote nothing but audit records" \
	"$(tree "$H" | grep -v audit.log)" "$(echo "$before" | grep -v audit.log)"

ok "import the easy-rsa database" c db import-openssl "$P/index.txt" $DIRS \
	--home "$H" --ca "$P/ca.crt" --crl "$P/crl.pem"
like "it counts them" "$(cat "$T/out")" "2 valid, 1 revoked"
like "the CRL number continues" "$(cat "$T/out")" "latest CRL: number 2; the next is 3"
ok "the CA is generation 1" cmp "$H/ca/gen-1.pem" "$P/ca.crt"
ok "db list" c db list --home "$H" --status R
like "the revoked one, with its reason" "$(cat "$T/out")" "R  $B .*CN=b.example.com  \[revoked .* keyCompromise\]"
is "its revocation time is easy-rsa's" \
	"$(grep "^R" "$H/index.txt" | cut -f3)" \
	"20$(awk -F'\t' '$1 == "R" { print $3 }' "$P/index.txt" | cut -d, -f1)"
ok "the latest CRL is kept under its number" cmp "$H/crls/gen-1/2.crl" \
	<(openssl crl -in "$P/crl.pem" -outform DER)
ok "the imported database verifies" c db verify --home "$H"
like "audited with the index's hash" "$(grep op=db.import-openssl "$H/audit.log" | tail -1)" \
	"result=ok	in=index:$(sha256sum < "$P/index.txt" | cut -c1-64)"
before=$(tree "$H" | grep -v audit.log)
fails_like "a second import is refused" '/home already has a CA or certificates: import into a new data directory' c db import-openssl "$P/index.txt" $DIRS \
	--home "$H" --ca "$P/ca.crt" --crl "$P/crl.pem"
is "... nothing written but audit records" "$(tree "$H" | grep -v audit.log)" "$before"

# And back out, to openssl ca.
ok "export-openssl" c db export-openssl "$T/ox" --home "$H"
is "the same index lines as easy-rsa's" "$(sort "$T/ox/index.txt")" "$(sort "$P/index.txt")"
is "crlnumber continues" "$(cat "$T/ox/crlnumber")" 03
before=$(cd "$T/ox" && sha256sum index.txt crlnumber)
fails_like "export-openssl into a directory that is not empty" '/ox exists and is not an empty directory: give a new one' c db export-openssl \
	"$T/ox" --home "$H"
is "... what is there is left as it was" "$(cd "$T/ox" && sha256sum index.txt crlnumber)" "$before"
cat > "$T/ca.cnf" <<CNF
[ca]
default_ca = x
[x]
database = $T/ox/index.txt
crlnumber = $T/ox/crlnumber
new_certs_dir = $T/ox/newcerts
certificate = $P/ca.crt
private_key = $P/private/ca.key
default_md = sha256
default_crl_days = 30
CNF
ok "openssl ca -gencrl on the exported index" openssl ca -config "$T/ca.cnf" \
	-gencrl -out "$T/next.crl"
crl=$(openssl crl -in "$T/next.crl" -noout -text | tr -s "\n " " ")
like "it is CRL number 3" "$crl" "X509v3 CRL Number: *3"
like "it lists the revoked serial" "$crl" "Serial Number: $B"
like "with its reason" "$crl" "Key Compromise"
A=$(awk -F'\t' 'NR == 1 { print $4 }' "$P/index.txt")
ok "openssl ca -revoke on the exported index" openssl ca -config "$T/ca.cnf" \
	-revoke "$T/ox/newcerts/$A.pem" -crl_reason superseded
like "openssl ca wrote the revocation" "$(grep "	$A	" "$T/ox/index.txt")" "^R.*,superseded"
done_testing
