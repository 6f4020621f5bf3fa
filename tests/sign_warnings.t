#!/bin/bash
# A policy warning is reported once per signature: once in sign's output
# and once in the audit record (the intake vets the request; the signing
# path used to copy its findings a second time).
. "$(dirname "$0")/lib.sh"

R=$T/root
root_home "$R" || exit 1
openssl ecparam -name prime256v1 -genkey -noout -out "$T/srv.key"
openssl req -new -key "$T/srv.key" -out "$T/dup.csr" \
	-subj "/C=JP/ST=Tokyo/L=Minato/O=Example KK/OU=Video/CN=vcs.example.com" \
	-addext "extendedKeyUsage=serverAuth,clientAuth" \
	-addext "subjectAltName=DNS:vcs.example.com,DNS:VCS.example.com"

ok "a request with a duplicate SAN is signed (a warning does not refuse)" \
	"$CEREMONY" sign --home "$R" --pin-file "$T/pin" \
	--template "$TOP/templates/expressway-server.cnf" --csr "$T/dup.csr"
is "sign names the warning once" \
	"$(grep -c 'san-duplicate' "$T/out")" 1
like "as a warning" "$(cat "$T/out")" "^warning +san-duplicate "
rec=$(audit_last "$R/audit.log")
like "the audit record is the signature's" "$rec" "op=sign"
is "the audit record names the warning once" \
	"$(grep -o 'san-duplicate' <<< "$rec" | wc -l)" 1
done_testing
