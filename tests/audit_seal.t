#!/bin/bash
# The sealed audit log: sessions recorded at login with operator,
# witnesses, token serial and version; each closed session sealed by the
# CA key (audit.seals); ceremony audit verify, with no token, finds every
# kind of tampering and names the first bad record: a changed, removed,
# inserted or reordered record, a log rewritten with its hash chain, a log
# cut after a seal, a forged or altered seal.  The transcript of a session
# is checked against what happened (hashes of the real files).
. "$(dirname "$0")/lib.sh"

TPL=$TOP/templates
R=$T/root
mktoken root
c() { "$CEREMONY" "$@"; }

c init --home "$R" --module "$MODULE" --token root > /dev/null
c key generate --home "$R" --pin-file "$T/pin" --label rk --type ec:P-384 > /dev/null
c root create --home "$R" --pin-file "$T/pin" --template "$TPL/root-ca.cnf" \
	--key rk --operator alice --witness bob > /dev/null
openssl ecparam -name prime256v1 -genkey -noout -out "$T/k.key"
openssl req -new -key "$T/k.key" -subj "/C=XX/O=Example/CN=Sealed Sub" -out "$T/sub.csr"
ok "a signing session with two witnesses" c sign --home "$R" --pin-file "$T/pin" \
	--template "$TPL/subca.cnf" --csr "$T/sub.csr" --operator alice \
	--witness "Bob Jones" --witness carol
SER=$(grep -v '^#' "$R/index.txt" | tail -1 | cut -f6)
c revoke --home "$R" "$SER" --reason superseded > /dev/null
ok "a CRL session" c crl issue --home "$R" --pin-file "$T/pin" --operator dave
fails_like "a bad witness name" '--witness: give a plain name' c key list --home "$R" --pin-file "$T/pin" --witness "a,b"

log=$R/audit.log
seals=$R/audit.seals
ok "audit verify: intact" c audit verify --home "$R"
n=$(wc -l < "$log")
like "... counts records, sessions and seals" "$(cat "$T/out")" \
	"audit log intact: $n records, 4 sessions, 3 seals verified"
is "three seals: root, sign and CRL sessions (none before a CA existed)" "$(wc -l < "$seals")" 3
like "a seal line" "$(tail -1 "$seals")" \
	"^record=$n	time=[0-9TZ:-]{20}	session=[0-9]+	head=[0-9a-f]{64}	generation=1	key=[0-9a-f]{40}	sig=[A-Za-z0-9+/=]+$"
is "the last seal is over the last record" "$(tail -1 "$seals" | cut -f4)" \
	"head=$(tail -1 "$log" | tr -d '\n' | sha256sum | cut -c1-64)"

# The sign session: open, the operation, close, as the log has it.
SID=$(grep -n 'op=sign	' "$log" | cut -d: -f1)
SID=$((SID - 1))
open=$(sed -n "${SID}p" "$log")
like "session.open: operator, version, token serial, witnesses, home" "$open" \
	"operator=alice	op=session.open	result=ok	.*detail=version=0.1.0 token=root serial=[0-9a-f]+ witnesses=Bob Jones, carol home=$R network=warn interfaces=.* clock=not confirmed \(clock = off\)	"
like "... the token serial is the token's" "$open" \
	"serial=$(softhsm2-util --show-slots | sed -n 's/^ *Serial number: *//p' | head -1)"
like "session.close names it" "$(sed -n "$((SID + 2))p" "$log")" "op=session.close	.*detail=session $SID	"
ok "audit sessions lists it" c audit sessions --home "$R"
like "... with its witnesses and seal" "$(cat "$T/out")" \
	"^$SID +[0-9TZ:-]{20} [0-9TZ:-]{20} alice +1  yes +Bob Jones, carol$"
like "... the key generation session, unsealed (no CA yet)" "$(sed -n 2p "$T/out")" "^[0-9]+ .* no +-$"

# The transcript, against what happened.
ok "transcript of the signing session" c audit transcript "$SID" --home "$R"
tr=$(cat "$T/out")
der=$(openssl x509 -in "$R/certs/$SER.pem" -outform DER | sha256sum | cut -c1-64)
csr=$(openssl req -in "$T/sub.csr" -outform DER | sha256sum | cut -c1-64)
like "transcript: the session and its records" "$tr" "Session +$SID \(audit records $SID to $((SID + 2))\)"
like "transcript: the data directory" "$tr" "Data directory +$R"
like "transcript: token and serial" "$tr" "Token +root, serial [0-9a-f]+"
like "transcript: software" "$tr" "Software +ceremony 0.1.0"
like "transcript: operator" "$tr" "Operator +alice"
like "transcript: witnesses" "$tr" "Witnesses +Bob Jones, carol"
like "transcript: the step" "$tr" "  1\. [0-9:]{8}Z  sign +ok  \(record $((SID + 1))\)"
like "transcript: the request's hash" "$tr" "input +csr +$csr"
like "transcript: the template's hash" "$tr" "input +template +$(sha256sum < "$TPL/subca.cnf" | cut -c1-64)"
like "transcript: the certificate's hash" "$tr" "output +cert +$der"
like "transcript: the seal" "$tr" "Record $((SID + 2)), chain head"
like "transcript: verified with the CA certificate" "$tr" "verified with ca/gen-1.pem"
like "transcript: a line for the operator" "$tr" "Operator +alice +signature _+  date _+"
like "transcript: a line for each witness" "$(echo "$tr" | grep -c '^Witness .*signature')" "^2$"
like "transcript: Bob Jones signs" "$tr" "Witness +Bob Jones +signature"
unlike "transcript: no step of another session" "$tr" "crl.issue|root.create|revoke"
ok "transcript of the CRL session" c audit transcript $(( $(grep -n 'op=crl.issue' "$log" | cut -d: -f1) - 1 )) --home "$R"
like "... the CRL's hash as its output" "$(cat "$T/out")" \
	"output +crl +$(sha256sum < "$R/crls/gen-1/1.crl" | cut -c1-64)"
fails "transcript of a record that opens no session" c audit transcript "$((SID + 1))" --home "$R"
like "... says so" "$(cat "$T/err")" "record $((SID + 1)) is a sign record, not the opening of a session"
fails_like "transcript of a session that does not exist" 'the audit log has no session 9999: see ceremony audit sessions' c audit transcript 9999 --home "$R"
fails_like "transcript without a number" 'give one session number: see ceremony audit transcript --help' c audit transcript --home "$R"

# Tampering: each on a copy, each must fail naming the first bad record.
cp -a "$R" "$T/good"
restore() { rm -rf "$R"; cp -a "$T/good" "$R"; }
verify_fails() {	# DESC ERE
	fails "$1" c audit verify --home "$R"
	like "... $1: names it" "$(cat "$T/err")" "$2"
	restore
}
# A record's detail changed (a serial edited).
sed -i "$((SID + 1))s/detail=/detail=X/" "$log"
verify_fails "a changed record" "audit.log line $((SID + 1)) does not match the hash that line $((SID + 2)) records of it"
sed -i "${n}s/session [0-9]*/session 1/" "$log"
verify_fails "the last record changed" "audit.log record $n is not the record sealed by .*audit.seals line 3"
sed -i "$((SID + 1))d" "$log"
verify_fails "a removed record" "audit.log line $((SID + 1)) is not a valid record \(its number does not follow the line before"
sed -i "$((SID + 1))p" "$log"
verify_fails "an inserted (repeated) record" "audit.log line $((SID + 2)) is not a valid record \(its number does not follow"
sed -i -n "$((SID + 1)){h;n;p;g;p;b};p" "$log"
verify_fails "two records swapped" "audit.log line $((SID + 1)) is not a valid record \(its number does not follow"
head -n $((n - 3)) "$log" > "$T/cut" && cat "$T/cut" > "$log"
verify_fails "the log cut after a seal" "audit.log ends at record $((n - 3)), but .*audit.seals line 3 sealed record $n on .*: the records after $((n - 3)) were cut off"
# Rewritten: record SID+1 changed and every later prev= recomputed.
perl -MDigest::SHA=sha256_hex -i -ne 'chomp; $n++; s/detail=/detail=X/ if $n == '"$((SID + 1))"';
	s/\tprev=[0-9a-f]{64}$/\tprev=$p/ if $n > 1; print "$_\n"; $p = sha256_hex($_)' "$log"
ok "(the rewritten chain alone looks intact: audit show passes it)" c audit show --home "$R"
verify_fails "a record changed and the chain rewritten" \
	"audit.log record $((SID + 2)) is not the record sealed by .*audit.seals line 2 .*: a record from $SID to $((SID + 2)) was changed, removed, inserted or reordered and the hash chain rewritten"
# Forged seals.
perl -i -pe 's/(sig=....)(.)/$1 . ($2 eq "A" ? "B" : "A")/e if $. == 2' "$seals"
verify_fails "a seal's signature altered" "audit.seals line 2: the seal of record $((SID + 2)) does not verify with CA generation 1's certificate: it is forged or was altered"
sed -i '2s/session=[0-9]*/session=1/' "$seals"
verify_fails "a seal's fields altered" "audit.seals line 2: the seal of record $((SID + 2)) does not verify"
openssl ecparam -name secp384r1 -genkey -noout -out "$T/other.key"
msg=$(printf 'ceremony audit seal v1\nrecord=%s\ntime=%s\nsession=%s\nhead=%s\ngeneration=1\nkey=%s\n' \
	"$n" "$(tail -1 "$seals" | cut -f2 | cut -d= -f2)" "$(tail -1 "$seals" | cut -f3 | cut -d= -f2)" \
	"$(tail -1 "$seals" | cut -f4 | cut -d= -f2)" "$(tail -1 "$seals" | cut -f6 | cut -d= -f2)")
sig=$(printf '%s\n' "$msg" | openssl dgst -sha256 -sign "$T/other.key" | base64 -w0)
sed -i "3s|sig=.*|sig=$sig|" "$seals"
verify_fails "a seal made with another key" "audit.seals line 3: the seal of record $n does not verify"
sed -i '3s/key=[0-9a-f]*/key=0000000000000000000000000000000000000000/' "$seals"
verify_fails "a seal naming a key of no CA" "audit.seals line 3 \(record $n\) names key 0{40} of CA generation 1, which this data directory does not have"
sed -i '3s/\thead=/\thed=/' "$seals"
verify_fails "a malformed seal line" "audit.seals line 3 is not a valid seal \(a field is missing or out of order\)"
sed -i '2d' "$seals"
sed -i '1p' "$seals"
verify_fails "seals out of order" "audit.seals line 2 seals record [0-9]+, not after the record [0-9]+ of the line before"
# A changed record before a forged seal: the record is the first bad one.
sed -i "3s/detail=/detail=X/" "$log"
perl -i -pe 's/(sig=....)(.)/$1 . ($2 eq "A" ? "B" : "A")/e if $. == 3' "$seals"
verify_fails "a changed record and a later forged seal" "audit.log line 3 does not match the hash that line 4 records"
ok "after all that, the original verifies" c audit verify --home "$R"
ok "audit show still works" c audit show --home "$R"
like "... and says the chain is intact" "$(tail -1 "$T/out")" "hash chain intact"

done_testing
