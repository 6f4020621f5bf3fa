#!/bin/bash
# The whole root ceremony under valgrind: no invalid access, no use of
# uninitialised memory, no definite leak.  On the plain build only
# (valgrind cannot run an AddressSanitizer binary; that build has its own
# pass of the suite).
. "$(dirname "$0")/lib.sh"
case $CEREMONY in
*build-asan*) echo "1..0 # SKIP valgrind does not run the ASan build"; exit 0 ;;
esac

# valgrind's own words go to a log, so the program's stderr stays its own.
vg() {
	valgrind -q --log-file="$T/vg.log" --error-exitcode=99 --leak-check=full \
		--errors-for-leak-kinds=definite --show-leak-kinds=definite \
		--suppressions="$TOP/tests/valgrind.supp" "$CEREMONY" "$@"
}

mktoken vg
ok "init under valgrind" vg init --home "$T/ca" --module "$MODULE" --token vg
ok "token list under valgrind" vg token list --module "$MODULE"
ok "key generate under valgrind" vg key generate --home "$T/ca" \
	--pin-file "$T/pin" --label k --type ec:P-256
ok "key show under valgrind" vg key show k --home "$T/ca" --pin-file "$T/pin"
sed -e 's/^key_types .*/key_types = ec:P-256/' -e 's/^digest .*/digest = sha256/' \
	"$TOP/templates/root-ca.cnf" > "$T/root.cnf"
ok "root create under valgrind" vg root create --home "$T/ca" \
	--pin-file "$T/pin" --template "$T/root.cnf" --key k
fails "wrong PIN under valgrind" vg root create --home "$T/ca" \
	--pin-file "$T/badpin" --template "$T/root.cnf" --key k
is "...fails as the program, not as valgrind" "$(grep -c 'ERROR SUMMARY: [1-9]' "$T/vg.log")" 0
openssl ecparam -name prime256v1 -genkey -noout -out "$T/k.pem"
for n in 1 2 3; do
	openssl req -new -key "$T/k.pem" -subj "/C=XX/O=Example/CN=h$n.example.com" \
		-addext "subjectAltName=DNS:h$n.example.com" \
		-addext "extendedKeyUsage=serverAuth,clientAuth" -out "$T/r$n.csr"
done
sed -e "s|^policy .*|policy = $TOP/templates/policy-expressway.cnf|" \
	"$TOP/templates/expressway-server.cnf" > "$T/leaf.cnf"
ok "csr show under valgrind" vg csr show "$T/r1.csr"
ok "csr check under valgrind" vg csr check "$T/r1.csr" \
	--policy "$TOP/templates/policy-expressway.cnf"
ok "sign under valgrind" vg sign --home "$T/ca" --pin-file "$T/pin" \
	--template "$T/leaf.cnf" --csr "$T/r1.csr"
cp "$T/r2.csr" "$T/r3.csr" "$T/ca/requests/"
ok "sign --inbox (two threads) under valgrind" vg sign --inbox --home "$T/ca" \
	--pin-file "$T/pin" --template "$T/leaf.cnf"
S=$(grep '^V' "$T/ca/index.txt" | tail -1 | cut -f6)
ok "revoke under valgrind" vg revoke "$S" --home "$T/ca" --reason certificateHold
ok "release under valgrind" vg revoke "$S" --home "$T/ca" --release
ok "revoke for good under valgrind" vg revoke "$S" --home "$T/ca" \
	--reason keyCompromise --invalidity-date "$(date -u +%Y%m%d%H%M%SZ)"
ok "db show under valgrind" vg db show "$S" --home "$T/ca"
ok "crl issue under valgrind" vg crl issue --home "$T/ca" --pin-file "$T/pin" \
	--template "$TOP/templates/crl.cnf"
ok "crl issue again (checked against the first) under valgrind" vg crl issue \
	--home "$T/ca" --pin-file "$T/pin" --template "$TOP/templates/crl.cnf"
ok "crl status under valgrind" vg crl status --home "$T/ca" \
	--template "$TOP/templates/crl.cnf"
ok "db list under valgrind" vg db list --home "$T/ca"
ok "audit show under valgrind" vg audit show --home "$T/ca"
mkdir -m 700 "$T/shares"
ok "quorum split --fresh under valgrind" vg quorum split --home "$T/ca" \
	--pin-file "$T/pin" --m 2 --n 3 --custodian a --custodian b --custodian c \
	--fresh --out "$T/shares" --witness w
ok "login with two shares under valgrind" vg key list --home "$T/ca" \
	--share-file "$T/shares/share-1-a.txt" --share-file "$T/shares/share-3-c.txt"
fails "one share refused under valgrind" vg key list --home "$T/ca" \
	--share-file "$T/shares/share-2-b.txt"
mkdir -m 700 "$T/shares2"
ok "quorum reshare under valgrind" vg quorum reshare --home "$T/ca" \
	--share-file "$T/shares/share-2-b.txt" --share-fd 3 --m 2 --n 2 \
	--custodian d --custodian e --out "$T/shares2" 3< "$T/shares/share-1-a.txt"
ok "audit verify under valgrind" vg audit verify --home "$T/ca"
ok "audit sessions under valgrind" vg audit sessions --home "$T/ca"
ok "audit transcript under valgrind" vg audit transcript 1 --home "$T/ca"
sed -i '2s/detail=/detail=X/' "$T/ca/audit.log"
fails "audit verify of a changed log under valgrind" vg audit verify --home "$T/ca"
is "...fails as the program, not as valgrind" "$(grep -c 'ERROR SUMMARY: [1-9]' "$T/vg.log")" 0

done_testing
