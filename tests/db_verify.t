#!/bin/bash
# ceremony db verify: a consistent data directory passes; a deleted
# certificate file, a changed index line, a duplicate serial, an edited
# audit record, a CRL under the wrong number, a revocation or a signing
# whose audit record is gone, a revocation the index lost, a serial stuck
# in P are each named, all of them at once too, and the exit is non-zero.
. "$(dirname "$0")/lib.sh"

TPL=$TOP/templates
R=$T/root
mktoken root
c() { "$CEREMONY" "$@"; }

c init --home "$R" --module "$MODULE" --token root > /dev/null
c key generate --home "$R" --pin-file "$T/pin" --label rk --type ec:P-384 > /dev/null
c root create --home "$R" --pin-file "$T/pin" --template "$TPL/root-ca.cnf" \
	--key rk > /dev/null
for n in a b; do
	openssl ecparam -name prime256v1 -genkey -noout -out "$T/$n.key"
	openssl req -new -key "$T/$n.key" -subj "/C=XX/O=Example/CN=$n.example.com" \
		-addext "subjectAltName=DNS:$n.example.com" \
		-addext "extendedKeyUsage=serverAuth,clientAuth" -out "$T/$n.csr"
	c sign --home "$R" --pin-file "$T/pin" --template "$TPL/expressway-server.cnf" \
		--csr "$T/$n.csr" > "$T/$n.out"
done
A=$(sed -n 's/^  serial *//p' "$T/a.out")
B=$(sed -n 's/^  serial *//p' "$T/b.out")
c revoke "$B" --home "$R" --reason superseded > /dev/null
c crl issue --home "$R" --pin-file "$T/pin" > /dev/null
c crl issue --home "$R" --pin-file "$T/pin" > /dev/null

ok "a consistent data directory verifies" c db verify --home "$R"
like "it says so" "$(tr '\n' ' ' < "$T/out")" "is consistent"
like "the check is audited" "$(tail -1 "$R/audit.log")" "op=db.verify	result=ok.*detail=0 problems found"

copy() { rm -rf "$T/d"; cp -a "$R" "$T/d"; }

copy; rm "$T/d/certs/$A.pem"
fails_like "a deleted certificate file" '/d: 2 problems found$' c db verify --home "$T/d"
like "... is named" "$(tr '\n' ' ' < "$T/out")" "cert-missing .*serial $A \(valid\): cannot read .*certs/$A.pem"

copy; sed -i "s/CN=a.example.com/CN=evil.example.com/" "$T/d/index.txt"
fails_like "a changed index line" '/d: 1 problem found$' c db verify --home "$T/d"
like "... is named" "$(tr '\n' ' ' < "$T/out")" "index-subject .*serial $A: index.txt says subject \"CN=evil.example.com"

copy; grep "	$A	" "$T/d/index.txt" | head -1 >> "$T/d/index.txt"
fails_like "a duplicate serial" '/d: 1 problem found$' c db verify --home "$T/d"
like "... is named" "$(tr '\n' ' ' < "$T/out")" "index-line .*index.txt line [0-9]+: serial $A cannot go from valid \(V\) to reserved \(P\): a serial is reserved once"

copy; sed -i '3s/operator=/operator=x/' "$T/d/audit.log"
fails_like "an edited audit record" '/d: 1 problem found$' c db verify --home "$T/d"
like "... is named" "$(tr '\n' ' ' < "$T/out")" "audit-chain .*audit.log line 3"

copy; sed -i "s/	1	expressway-server	CN=b.example.com/	2	expressway-server	CN=b.example.com/" "$T/d/index.txt"
fails_like "a generation changed in the index" '/d: 1 problem found$' c db verify --home "$T/d"
like "... is named" "$(tr '\n' ' ' < "$T/out")" "cert-generation .*serial $B: its generation 2 has no CA certificate"

copy; cp "$T/d/crls/gen-1/1.crl" "$T/d/crls/gen-1/3.crl"
fails_like "a CRL copied under the next number" '/d: [12] problems? found$' c db verify --home "$T/d"
like "... its number is named" "$(tr '\n' ' ' < "$T/out")" "crl-number .*3.crl carries CRL number 1"

copy; cp "$T/d/certs/$A.pem" "$T/d/certs/4ABC.pem"
fails_like "a certificate file the index does not know" '/d: 1 problem found$' c db verify --home "$T/d"
like "... is named" "$(tr '\n' ' ' < "$T/out")" "cert-unknown .*certs/4ABC.pem is not in index.txt"

# rechain OP SERIAL: audit.log of the copy without the records of OP
# naming SERIAL, renumbered and rechained as if they never were (what a
# forger who rewrote the whole log would leave; the seals would tell).
rechain() {
	perl -MDigest::SHA=sha256_hex -ne '
		BEGIN { $prev = "0" x 64; $seq = 0 }
		chomp; next if /\top=\Q$ENV{OP}\E\t/ && /\Q$ENV{SER}\E/;
		$seq++; s/^seq=\d+/seq=$seq/; s/\tprev=[0-9a-f]{64}$/\tprev=$prev/;
		print "$_\n"; $prev = sha256_hex($_);' "$T/d/audit.log" > "$T/a.log" &&
		cat "$T/a.log" > "$T/d/audit.log"
}

copy; OP=revoke SER=$B rechain
fails_like "a revocation whose audit record is gone" '/d: 1 problem found$' c db verify --home "$T/d"
like "... is named" "$(tr '\n' ' ' < "$T/out")" \
	"revoke-unrecorded .*serial $B: index.txt revokes it 1 time, the audit log records 0"
unlike "... the rewritten chain itself holds" "$(cat "$T/out")" "audit-chain"

copy; OP=sign SER=$A rechain
fails_like "a certificate whose sign record is gone" '/d: 1 problem found$' c db verify --home "$T/d"
like "... is named" "$(tr '\n' ' ' < "$T/out")" "issue-unrecorded .*serial $A: no audit record wrote its certificate"

copy; grep -v -P "^R\t.*\t$B\t" "$T/d/index.txt" > "$T/i" && cat "$T/i" > "$T/d/index.txt"
fails_like "a revocation the index lost" '/d: 1 problem found$' c db verify --home "$T/d"
like "... is named" "$(tr '\n' ' ' < "$T/out")" \
	"revoke-unapplied .*serial $B: the audit log records 1 revocations, index.txt has 0"

copy
printf 'P\t20360101000000Z\t-\t-\t-\t4B4B\t1\tsubca\tCN=never\n' >> "$T/d/index.txt"
fails_like "a serial stuck in P" '/d: 1 problem found$' c db verify --home "$T/d"
like "... is named with its fate" "$(tr '\n' ' ' < "$T/out")" \
	"reserved-stuck .*serial 4B4B is still reserved \(P\): no certificate file: never signed; ceremony db recover settles it"

copy
rm "$T/d/certs/$A.pem"
grep "	$B	" "$T/d/index.txt" | head -1 >> "$T/d/index.txt"
sed -i '2s/alice/mallory/; 2s/operator=[^	]*/operator=mallory/' "$T/d/audit.log"
sed -i "s/CN=b.example.com/CN=bb.example.com/" "$T/d/index.txt"
snap() { (cd "$T/d" && find . -path ./audit.log -prune -o -type f -print0 | sort -z | xargs -0 sha256sum); }
before=$(snap)
fails "four problems at once" c db verify --home "$T/d"
out=$(tr '\n' ' ' < "$T/out")
like "the deleted file is named" "$out" "cert-missing .*$A"
like "the duplicate serial is named" "$out" "serial $B cannot go from revoked \(R\) to reserved"
like "the changed index line is named" "$out" "index-subject .*serial $B"
like "the audit record is named" "$out" "audit-chain .*line 2"
like "the error line counts them" "$(cat "$T/err")" "4 problems found"
is "db verify changed nothing but the audit log" "$(snap)" "$before"
done_testing
