#!/bin/bash
# ceremony csr show: the decoded request, checked against the openssl CLI
# that made it.  No data directory and no token are needed.
. "$(dirname "$0")/lib.sh"

cd "$T"
export CEREMONY_HOME=$T/no-such-home
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out k.pem 2>/dev/null
cat > req.cnf <<'EOF'
oid_section = new_oids
[new_oids]
testAttr = 1.3.6.1.4.1.55555.1.1
[req]
distinguished_name = dn
req_extensions = ext
prompt = no
[dn]
C = JP
O = Example KK
1.OU = Video
1.CN = vcs.example.com
testAttr = hello
[ext]
subjectAltName = DNS:vcs.example.com, DNS:peer1.example.com, IP:192.0.2.7, email:pki@example.com, URI:https://vcs.example.com/
extendedKeyUsage = serverAuth, clientAuth
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
1.3.6.1.4.1.55555.2.1 = critical, DER:05:00
EOF
openssl req -new -key k.pem -config req.cnf -sha384 -out req.csr 2>/dev/null
ok "csr show runs without a data directory or token" "$CEREMONY" csr show req.csr
S=$(cat "$T/out")
like "proof of possession verdict" "$S" "^proof of possession: ok"
like "format" "$S" "^file: req.csr \(PEM"
like "subject: C" "$S" "^    C = JP$"
like "subject: O" "$S" "^    O = Example KK$"
like "unknown OID shown dotted, value kept" "$S" "^    1\.3\.6\.1\.4\.1\.55555\.1\.1 = hello$"
like "key: EC P-384" "$S" "^public key: EC P-384"
like "signature algorithm and digest" "$S" "^signature: ecdsa-with-SHA384 \(digest sha384\)"
want=$(openssl req -in req.csr -pubkey -noout | openssl pkey -pubin -outform DER | sha256sum | cut -d' ' -f1)
like "public key SHA-256 equals openssl's" "$S" "^public key SHA-256: $want$"
like "SAN DNS, one per line" "$S" "^      DNS: vcs\.example\.com$"
like "SAN second DNS" "$S" "^      DNS: peer1\.example\.com$"
like "SAN IP" "$S" "^      IP: 192\.0\.2\.7$"
like "SAN email" "$S" "^      email: pki@example\.com$"
like "SAN URI" "$S" "^      URI: https://vcs\.example\.com/$"
is "five SAN lines" "$(printf '%s\n' "$S" | grep -cE '^      (DNS|IP|email|URI): ')" 5
like "EKU name and OID" "$S" "^      serverAuth \(1\.3\.6\.1\.5\.5\.7\.3\.1\)$"
like "EKU clientAuth" "$S" "^      clientAuth \(1\.3\.6\.1\.5\.5\.7\.3\.2\)$"
like "basicConstraints critical" "$S" "^    basicConstraints \(2\.5\.29\.19\) \(critical\):"
like "basicConstraints value" "$S" "^      CA:FALSE"
like "keyUsage decoded" "$S" "Digital Signature, Key Encipherment"
like "unknown extension: OID and critical" "$S" "^    1\.3\.6\.1\.4\.1\.55555\.2\.1 \(critical\):$"
like "unknown extension: its size" "$S" "unknown extension, 2 bytes"

# A multi-valued RDN is shown as such.
openssl req -new -key k.pem -subj "/O=Example KK/OU=Video+CN=vcs.example.com" \
	-out multi.csr 2>/dev/null
ok "multi-valued RDN: shown" "$CEREMONY" csr show multi.csr
like "multi-valued RDN: marked with +" "$(cat "$T/out")" "^  \+ CN = vcs\.example\.com$"

# DER in, the same subject out.
openssl req -in req.csr -outform DER -out req.der
ok "DER request" "$CEREMONY" csr show req.der
like "DER detected by content" "$(cat "$T/out")" "^file: req.der \(DER"

# RSA: size and exponent.
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out r.pem 2>/dev/null
openssl req -new -key r.pem -subj /CN=r.example.com -out r.csr 2>/dev/null
ok "RSA request" "$CEREMONY" csr show r.csr
like "RSA size and exponent" "$(cat "$T/out")" "^public key: RSA 1024 bits, exponent 65537$"

# A flipped signature byte: shown, with the verdict first.
len=$(wc -c < req.der)
head -c $((len - 1)) req.der > pop.der
last=$(tail -c 1 req.der | od -An -tu1 | tr -d ' ')
printf "\\$(printf %o $(( (last ^ 1) & 255 )))" >> pop.der
ok "broken signature: still shown" "$CEREMONY" csr show pop.der
like "broken signature: verdict" "$(sed -n 2p "$T/out")" \
	"^proof of possession: FAILED"

# Not a request: one line, exit 2.
openssl req -x509 -new -key k.pem -subj /CN=x -days 1 -out cert.pem 2>/dev/null
fails "a certificate: one error line" "$CEREMONY" csr show cert.pem
like "a certificate: says so" "$(cat "$T/err")" "this is a certificate, not a certificate request"
"$CEREMONY" csr show cert.pem > /dev/null 2>&1
is "a certificate: exit 2" $? 2
fails_like "no FILE: one error line" 'csr show: give the request FILE: see ceremony csr show --help' "$CEREMONY" csr show

done_testing
