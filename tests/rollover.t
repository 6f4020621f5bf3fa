#!/bin/bash
# Root rollover (issue 5): status before and during the overlap period,
# prepare/cancel/prepare again, the refusal to cancel after use, the
# switch-over, link certificates checked by OpenSSL, GnuTLS, NSS and Botan
# in both directions (and no longer after the old root's end), sign --resign, the
# next CA certificate export, and each generation's own CRL sequence.
# libfaketime stands before, during and after the overlap.
. "$(dirname "$0")/lib.sh"

TPL=$TOP/templates
R=$T/r
mktoken root
c() { "$CEREMONY" "$@" --home "$R"; }
fk() { ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0" faketime "$@"; }
P=(--pin-file "$T/pin")
last_serial() { grep -v '^#' "$R/index.txt" | tail -1 | cut -f6; }
gen_of() { grep -P "\t$1\t" "$R/index.txt" | tail -1 | cut -f7; }

# A root of 400 days (overlap 90: from day 310), a successor of 800.
sed 's/^days .*/days = 400/' "$TPL/root-ca.cnf" > "$T/root.cnf"
sed 's/^days .*/days = 800/' "$TPL/root-ca.cnf" > "$T/root2.cnf"
sed "s|^policy .*|policy = $TPL/policy-subca.cnf|" "$TPL/subca.cnf" > "$T/subca.cnf"
sed 's/^next_update_days.*/next_update_days = 30/' "$TPL/crl.cnf" > "$T/crl.cnf"
"$CEREMONY" init --home "$R" --module "$MODULE" --token root > /dev/null
c key generate "${P[@]}" --label rk --type ec:P-384 > /dev/null
c root create "${P[@]}" --template "$T/root.cnf" --key rk > /dev/null
openssl ecparam -name secp384r1 -genkey -noout -out "$T/k.key"
for n in 1 2 3 4; do
	openssl req -new -key "$T/k.key" -subj "/C=XX/O=Example/CN=Int $n" -out "$T/i$n.csr"
done
ok "an intermediate from generation 1" c sign "${P[@]}" --template "$T/subca.cnf" --csr "$T/i1.csr" --days 100
I1=$(last_serial)

# Before the overlap: one active generation, no warning.
ok "status before the overlap" c rollover status --template "$T/root.cnf"
st=$(cat "$T/out")
like "generation 1 active" "$st" "^generation 1  active"
unlike "no warning yet" "$st" "WARNING"
ok "status during the overlap (faketime +320d)" fk -f +320d "$CEREMONY" rollover status --home "$R" --template "$T/root.cnf"
like "... warns that no rollover is prepared" "$(cat "$T/out")" "WARNING: the overlap period has begun and no rollover is prepared"

# Refusals before anything is made: nothing written.
before=$(tree "$R")
fails "--start after the current root's end is refused" c rollover prepare "${P[@]}" --template "$T/root.cnf" --start 2099-01-01
like "... saying why" "$(cat "$T/err")" "a gap would leave no valid root"
fails_like "--start that is no date is refused" '--start is expiry, now or a UTC date .*not .soon.' c rollover prepare "${P[@]}" --template "$T/root.cnf" --start soon
fails_like "a wrong PIN generates nothing" 'token "root": PIN incorrect' c rollover prepare --pin-file "$T/badpin" --template "$T/root.cnf"
fails "switch with nothing pending" c rollover switch
like "... says so" "$(cat "$T/err")" "no rollover is pending"
fails_like "cancel with nothing made by a rollover" 'no rollover to cancel: no generation was made by ceremony rollover prepare' c rollover cancel "${P[@]}"
fails_like "a subordinate template cannot roll a root over" 'subca.cnf is not a root template with link_extensions: use templates/root-ca.cnf' c rollover prepare "${P[@]}" --template "$T/subca.cnf"
is "nothing was written by the refusals (audit aside)" "$(tree "$R" | grep -v "^audit\.")" "$(echo "$before" | grep -v "^audit\.")"

# Prepare with the default start (IOS: when the current root ends).
ok "prepare (start at the current root's end)" c rollover prepare "${P[@]}" --template "$T/root.cnf"
out=$(cat "$T/out")
like "generation 2 pending" "$out" "generation 2 \(pending\)"
like "the key's label shows its generation" "$out" "\"rk-gen2\", generated on the token"
like "no OldWithNew without an overlap" "$out" "OldWithNew   none"
gen1_end=$(openssl x509 -in "$R/ca/gen-1.pem" -noout -enddate | cut -d= -f2)
gen2_start=$(openssl x509 -in "$R/ca/gen-2.pem" -noout -startdate | cut -d= -f2)
is "the new root starts when the old one ends" "$gen2_start" "$gen1_end"
is "same subject" "$(openssl x509 -in "$R/ca/gen-2.pem" -noout -subject)" "$(openssl x509 -in "$R/ca/gen-1.pem" -noout -subject)"
is "the key is on the token" "$(c key list "${P[@]}" | grep -c rk-gen2)" 1
ok "status: pending" c rollover status --template "$T/root.cnf"
like "... with days until the switch-over" "$(cat "$T/out")" "switch-over  automatic, in (399|400) days"
like "... and the one state line the TUI shows too" "$(cat "$T/out")" "^state: generation 1 active; generation 2 pending, switch-over automatic on [0-9-]{10}"
fails "a second prepare while one is pending" c rollover prepare "${P[@]}" --template "$T/root.cnf"
like "... names the pending one" "$(cat "$T/err")" "generation 2 is already prepared"
fails "switch before the new root is valid" c rollover switch
like "... says when" "$(cat "$T/err")" "valid from .* switches over by itself"
ok "the next CA certificate is exported (GetNextCACert)" c rollover export --export "$T/exp1"
cmp -s "$T/exp1/next-ca.pem" "$R/ca/gen-2.pem"
_result $? "... and it is generation 2's certificate"
is "the bundle holds both roots and the link" "$(openssl pkcs7 -inform DER -in "$T/exp1/ca-certs.p7b" -print_certs -noout | grep -c '^subject')" 3
ok "a signature now still comes from generation 1" c sign "${P[@]}" --template "$T/subca.cnf" --csr "$T/i2.csr" --days 100
I2=$(last_serial)
is "... recorded as generation 1" "$(gen_of "$I2")" 1

# Cancel, and prepare again.
ok "cancel the pending generation" c rollover cancel "${P[@]}"
like "... the key destroyed" "$(cat "$T/out")" "\"rk-gen2\" destroyed on the token"
is "the key is gone from the token" "$(c key list "${P[@]}" | grep -c rk-gen2)" 0
ok "status after cancel" c rollover status --template "$T/root.cnf"
like "generation 2 cancelled" "$(cat "$T/out")" "^generation 2  cancelled"
like "... generation 1 active" "$(cat "$T/out")" "^generation 1  active"
nwo2=$(openssl x509 -in "$R/ca/gen-2-newwithold.pem" -noout -serial | cut -d= -f2)
is "the cancelled NewWithOld is revoked" "$(grep -P "\t$nwo2\t" "$R/index.txt" | tail -1 | cut -f1,4)" "R	cessationOfOperation"

ok "prepare again: start now, manual switch-over, a longer life" c rollover prepare "${P[@]}" --template "$T/root2.cnf" --start now --manual-switch
like "generation 3 (numbers are never reused)" "$(cat "$T/out")" "generation 3 \(pending\)"
like "with both links" "$(cat "$T/out")" "OldWithNew   generation 1's key certified by generation 3's"
ok "a signature before the switch" c sign "${P[@]}" --template "$T/subca.cnf" --csr "$T/i3.csr" --days 100
is "... still generation 1 (manual switch-over)" "$(gen_of "$(last_serial)")" 1
ok "switch over" c rollover switch
like "... generation 3 active" "$(cat "$T/out")" "generation 3 is active"
ok "a signature after the switch" c sign "${P[@]}" --template "$T/subca.cnf" --csr "$T/i4.csr" --days 500
I4=$(last_serial)
is "... by generation 3" "$(gen_of "$I4")" 3
ok "status after the switch" c rollover status --template "$T/root2.cnf"
like "... one state: generation 3 active, nothing pending" "$(cat "$T/out")" "^state: generation 3 active; no rollover pending$"
like "generation 1 retired" "$(cat "$T/out")" "^generation 1  retired"
like "... generation 3 active" "$(cat "$T/out")" "^generation 3  active"
snap=$(tree "$R")
fails "cancel is refused once the new key has signed" c rollover cancel "${P[@]}"
like "... saying how many and how to force" "$(cat "$T/err")" "generation 3 has signed 1 certificate.*--force"
is "... and changes nothing (audit aside)" "$(tree "$R" | grep -v "^audit\.")" "$(echo "$snap" | grep -v "^audit\.")"
is "the key is still there" "$(c key list "${P[@]}" | grep -c rk-gen3)" 1

# Links, both directions, two independent verifiers.
C1=$R/certs/$I1.pem C4=$R/certs/$I4.pem
ok "new-issued, trusting only the old root, through NewWithOld (openssl)" \
	openssl verify -x509_strict -CAfile "$R/ca/gen-1.pem" -untrusted "$R/ca/gen-3-newwithold.pem" "$C4"
ok "old-issued, trusting only the new root, through OldWithNew (openssl)" \
	openssl verify -x509_strict -CAfile "$R/ca/gen-3.pem" -untrusted "$R/ca/gen-3-oldwithnew.pem" "$C1"
fails_v() { ! openssl verify -CAfile "$1" "$2" > /dev/null 2>&1; }
fails_v "$R/ca/gen-1.pem" "$C4"
_result $? "without the link the old root does not accept the new-issued one"
verify_all_chain "new-issued through NewWithOld" "$R/ca/gen-1.pem" "$C4" "$R/ca/gen-3-newwithold.pem"
verify_all_chain "old-issued through OldWithNew" "$R/ca/gen-3.pem" "$C1" "$R/ca/gen-3-oldwithnew.pem"
verify_all_chain "generation 3's root" "$R/ca/gen-3.pem" "$R/ca/gen-3.pem"
like "{gen}: generation 1's intermediate names generation 1" \
	"$(openssl x509 -in "$C1" -noout -ext crlDistributionPoints,authorityInfoAccess | tr -s '\n ' '  ')" \
	"root-gen1.crl .*root-gen1.crt"
like "{gen}: generation 3's names generation 3" \
	"$(openssl x509 -in "$C4" -noout -ext crlDistributionPoints,authorityInfoAccess | tr -s '\n ' '  ')" \
	"root-gen3.crl .*root-gen3.crt"
ok "during the overlap (faketime +50d) (openssl)" fk -f +50d openssl verify -CAfile "$R/ca/gen-1.pem" -untrusted "$R/ca/gen-3-newwithold.pem" "$C4"
fk -f +450d openssl verify -CAfile "$R/ca/gen-1.pem" -untrusted "$R/ca/gen-3-newwithold.pem" "$C4" > "$T/out" 2>&1
is "after the old root's end (faketime +450d) the old root no longer vouches" "$?" 2
ok "... while the new root alone does (faketime +450d)" fk -f +450d openssl verify -CAfile "$R/ca/gen-3.pem" "$C4"
ok "sign --resign: a generation-1 intermediate under the new root" c sign "${P[@]}" --template "$T/subca.cnf" --resign "$I2" --days 100
like "re-signed by generation 3" "$(cat "$T/out")" "\(generation 3\)"
I5=$(last_serial)
is "... same public key" "$(openssl x509 -in "$R/certs/$I5.pem" -noout -pubkey)" "$(openssl x509 -in "$R/certs/$I2.pem" -noout -pubkey)"
is "... same subject" "$(openssl x509 -in "$R/certs/$I5.pem" -noout -subject)" "$(openssl x509 -in "$R/certs/$I2.pem" -noout -subject)"
ok "... verified under the new root" openssl verify -x509_strict -CAfile "$R/ca/gen-3.pem" "$R/certs/$I5.pem"
is "chain-gen3.p7b: root and links" "$(openssl pkcs7 -inform DER -in "$R/export/chain-gen3.p7b" -print_certs -noout | grep -c '^subject')" 3
fails_like "re-signing what the active generation issued" 'was issued by generation 3, the active one: there is nothing to re-issue' c sign "${P[@]}" --template "$T/subca.cnf" --resign "$I5"
fails_like "re-signing a serial that does not exist" 'serial ABCDEF is not in the index \(ceremony db list shows them\)' c sign "${P[@]}" --template "$T/subca.cnf" --resign ABCDEF

# Each generation's CRLs: separate numbers, separate contents.
ok "revoke an intermediate of generation 1" c revoke "$I1" --reason superseded
ok "CRL session: every live generation" c crl session "${P[@]}" --template "$T/crl.cnf" --export "$T/crl"
ok "... and again" c crl session "${P[@]}" --template "$T/crl.cnf" --export "$T/crl"
is "generation 1's CRLs 1 and 2" "$(ls "$R/crls/gen-1" | grep -c '\.crl$')" 2
is "generation 3's CRLs 1 and 2" "$(ls "$R/crls/gen-3" | grep -c '\.crl$')" 2
n1=$(openssl crl -in "$R/crls/gen-1/2.pem" -noout -crlnumber | cut -d= -f2)
n3=$(openssl crl -in "$R/crls/gen-3/2.pem" -noout -crlnumber | cut -d= -f2)
is "each sequence numbered on its own" "$n1:$n3" "0x02:0x02"
ok "generation 1's CRL verifies with the old root" openssl crl -in "$R/crls/gen-1/2.pem" -CAfile "$R/ca/gen-1.pem" -noout
ok "generation 3's CRL verifies with the new root" openssl crl -in "$R/crls/gen-3/2.pem" -CAfile "$R/ca/gen-3.pem" -noout
like "the old CRL lists what the old generation issued and revoked" "$(openssl crl -in "$R/crls/gen-1/2.pem" -noout -text)" "$I1"
unlike "the new CRL does not" "$(openssl crl -in "$R/crls/gen-3/2.pem" -noout -text)" "$I1"
verify_all_crl "generation 1's CRL" "$R/crls/gen-1/2.pem" "$R/ca/gen-1.pem" "$R/certs/$I2.pem"
verify_all_revoked "generation 1's CRL, the revoked one" "$R/crls/gen-1/2.pem" "$R/ca/gen-1.pem" "$C1"
verify_all_crl "generation 3's CRL" "$R/crls/gen-3/2.pem" "$R/ca/gen-3.pem" "$C4"
like "{gen}: each generation's CRL claims its own IDP" \
	"$(for g in 1 3; do openssl crl -in "$R/crls/gen-$g/2.pem" -noout -text | grep -A2 'Issuing Distribution' | tail -1; done | tr -s '\n ' '  ')" \
	"URI:http://pki.example.org/crl/root-gen1.crl .*URI:http://pki.example.org/crl/root-gen3.crl"
ok "crl issue --generation 1 (retired)" c crl issue "${P[@]}" --template "$T/crl.cnf" --generation 1
is "... number 3 of generation 1" "$(ls "$R/crls/gen-1" | grep -c '\.crl$')" 3
fails_like "crl issue --generation 2 (cancelled)" 'CA generation 2 signs no CRLs now: it does not exist, is pending or cancelled' c crl issue "${P[@]}" --template "$T/crl.cnf" --generation 2
ok "after the old root's end only generation 3 issues (faketime +450d)" fk -f +450d "$CEREMONY" crl session --home "$R" "${P[@]}" --template "$T/crl.cnf" --export "$T/crl2"
is "... generation 3's third CRL, nothing more for generation 1" "$(ls "$R/crls/gen-3" | grep -c '\.crl$'):$(ls "$R/crls/gen-1" | grep -c '\.crl$')" "3:3"
ok "the audit chain is intact" c audit show
audit=$(cat "$T/out")
is "... with every rollover step" "$(echo "$audit" | awk '$5 == "ok" && $4 ~ /^rollover\./ && $4 != "rollover.cert" { print $4 }' | tr '\n' ' ')" \
	"rollover.prepare rollover.export rollover.cancel rollover.prepare rollover.switch "
is "... and a rollover.cert record before each of the rollovers' certificates" \
	"$(grep -P '\top=rollover\.cert\tresult=ok\t' "$R/audit.log" | grep -o 'serial [0-9A-F]*' | cut -d' ' -f2 | sort -u)" \
	"$( { grep -v '^#' "$R/index.txt" | awk -F'\t' '$8 ~ /^link-/ { print $6 }'
	for g in "$R"/ca/gen-[2-9].pem; do openssl x509 -in "$g" -noout -serial | cut -d= -f2; done; } | sort -u)"
done_testing
