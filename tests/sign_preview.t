#!/bin/bash
# ceremony sign --preview: the certificate that sign would issue, decoded
# from the very to-be-signed certificate the signing builds (subject, SANs,
# validity against the issuer's, every extension with its CDP and AIA
# URLs, the issuer's generation), with no PIN and nothing written: no
# certificate, no index line, no audit record.  A request that fails its
# policy is previewed with its findings and exits non-zero.
. "$(dirname "$0")/lib.sh"

H=$T/ca
TPL=$TOP/templates
root_home "$H" || { echo "Bail out! fixture"; exit 1; }
openssl ecparam -name prime256v1 -genkey -noout -out "$T/srv.key"
openssl req -new -key "$T/srv.key" -subj "/C=XX/O=Example/CN=vcs.example.com" \
	-addext "subjectAltName=DNS:vcs.example.com,DNS:peer1.example.com" \
	-addext "extendedKeyUsage=serverAuth,clientAuth" -out "$T/srv.csr"
openssl req -new -key "$T/srv.key" -subj "/C=XX/O=Example/CN=vcs.example.com" \
	-addext "subjectAltName=DNS:*.example.com" \
	-addext "basicConstraints=critical,CA:TRUE" -out "$T/bad.csr"

# Every file of the data directory with its checksum: what "nothing
# written" is measured by.
sums() { (cd "$H" && find . -type f -print0 | sort -z | xargs -0 sha256sum; find . | sort); }
before=$(sums)
touch "$T/stamp"
sleep 1

ok "the preview of a good request succeeds, without a PIN" "$CEREMONY" sign \
	--preview --home "$H" --template "$TPL/expressway-server.cnf" --csr "$T/srv.csr"
out=$(cat "$T/out")
like "it says what it is" "$out" "To be signed by CA generation 1 \(not signed yet\)"
like "the subject" "$out" "subject +CN=vcs\.example\.com,O=Example,C=XX"
like "the SANs" "$out" "SANs +DNS:vcs\.example\.com, DNS:peer1\.example\.com"
like "the serial is assigned at signing" "$out" "serial +assigned at signing"
like "the issuer" "$out" "issuer +CN=Example Root CA,OU=Offline Root,O=Example Organisation,C=XX"
like "and its generation" "$out" "generation +1"
today=$(date -u +%Y-%m-%d)
like "notBefore is now" "$out" "notBefore +$today [0-9:]+ UTC"
days=$(sed -n 's/^days *= *\([0-9]*\).*/\1/p' "$TPL/expressway-server.cnf" | head -1)
like "notAfter, the template's $days days on" "$out" "notAfter +[0-9-]+ [0-9:]+ UTC \($days days\)"
inb=$(date -u -d "$(openssl x509 -in "$H/export/root-gen1.pem" -noout -startdate | sed 's/.*=//')" +%Y-%m-%d)
ina=$(date -u -d "$(openssl x509 -in "$H/export/root-gen1.pem" -noout -enddate | sed 's/.*=//')" +%Y-%m-%d)
like "the validity is inside the issuer's" "$out" "validity +inside the issuer's: $inb to $ina"
like "basicConstraints" "$out" "X509v3 Basic Constraints: critical"
like "keyUsage" "$out" "X509v3 Key Usage: critical"
like "EKU" "$out" "X509v3 Extended Key Usage:"
like "TLS server and client" "$out" "TLS Web Server Authentication, TLS Web Client Authentication"
like "SKI" "$out" "X509v3 Subject Key Identifier:"
like "AKI, the root's SKI" "$out" "$(openssl x509 -in "$H/export/root-gen1.pem" -noout \
	-ext subjectKeyIdentifier | tail -1 | tr -d ' ')"
like "the CDP URL of generation 1" "$out" "URI:http://pki\.example\.org/crl/issuing-gen1\.crl"
like "the AIA URL" "$out" "CA Issuers - URI:http://pki\.example\.org/issuing-gen1\.crt"
like "it says nothing was written" "$out" "preview only: nothing was signed or written"
is "nothing in the data directory changed" "$(sums)" "$before"
is "no file is newer than the preview" "$(find "$H" -newer "$T/stamp")" ""

fails "a request that fails its policy: the preview exits non-zero" "$CEREMONY" sign \
	--preview --home "$H" --template "$TPL/expressway-server.cnf" --csr "$T/bad.csr"
like "with its findings" "$(cat "$T/out")" "error +san-wildcard"
like "and what to do" "$(errline)" "bad\.csr fails policy policy-expressway \(.* errors?\): nothing was signed"
is "still nothing changed" "$(sums)" "$before"

fails "--preview with --inbox is refused" "$CEREMONY" sign --preview --inbox \
	--home "$H" --template "$TPL/expressway-server.cnf"
like "and says why" "$(errline)" "--preview goes with --csr F or --resign SERIAL"

# The same request signed: the certificate is what the preview showed.
ok "signed for real" "$CEREMONY" sign --home "$H" --pin-file "$T/pin" \
	--template "$TPL/expressway-server.cnf" --csr "$T/srv.csr"
S=$(sed -n 's/^  serial *//p' "$T/out")
cert=$(openssl x509 -in "$H/certs/$S.pem" -noout -ext subjectAltName,crlDistributionPoints | tr -s '\n ' '  ')
like "with the SANs previewed" "$cert" "DNS:vcs\.example\.com, DNS:peer1\.example\.com"
like "and the CDP previewed" "$cert" "URI:http://pki\.example\.org/crl/issuing-gen1\.crl"
done_testing
