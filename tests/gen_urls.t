#!/bin/bash
# Per-generation addresses (docs/templates.md, docs/crl.md): {gen} in a
# template names the signing generation, before and after a rollover's
# switch-over, in certificates' CDP/AIA and in each generation's CRL IDP;
# a template that names another generation is refused by the lint, and a
# CRL that would claim another generation's IDP is refused, with one line
# and nothing written.  Every output is checked by all four verifiers.
. "$(dirname "$0")/lib.sh"

TPL=$TOP/templates
R=$T/r
mktoken root
c() { "$CEREMONY" "$@" --home "$R"; }
P=(--pin-file "$T/pin")
last_serial() { grep -v '^#' "$R/index.txt" | tail -1 | cut -f6; }
ext() { openssl x509 -in "$1" -noout -ext crlDistributionPoints,authorityInfoAccess | tr -s '\n ' '  '; }
idp() { openssl crl -in "$1" -noout -text | grep -A2 'Issuing Distribution Point' | tr -s '\n ' '  '; }
state() { tree "$R" | grep -v '^audit\.'; }

sed "s|^policy .*|policy = $TPL/policy-subca.cnf|" "$TPL/subca.cnf" > "$T/subca.cnf"
# Generation 1 of this site published at addresses that name no generation.
sed 's|root-gen{gen}|root|g' "$T/subca.cnf" > "$T/subca-plain.cnf"
sed 's|root-gen{gen}|root|' "$TPL/crl.cnf" > "$T/crl-plain.cnf"
# And a template written for generation 1 and never edited.
sed 's|{gen}|1|g' "$T/subca.cnf" > "$T/subca-gen1.cnf"
sed 's|{gen}|1|' "$TPL/crl.cnf" > "$T/crl-gen1.cnf"

"$CEREMONY" init --home "$R" --module "$MODULE" --token root > /dev/null
c key generate "${P[@]}" --label rk --type ec:P-384 > /dev/null
c root create "${P[@]}" --template "$TPL/root-ca.cnf" --key rk > /dev/null
G1=$R/ca/gen-1.pem
openssl ecparam -name secp384r1 -genkey -noout -out "$T/k.key"
for n in 1 2 3 4 5 6; do
	openssl req -new -key "$T/k.key" -subj "/C=XX/O=Example/CN=Sub $n" -out "$T/s$n.csr"
done
sub() {	# sub N TEMPLATE: sign request N, its certificate in $T/sN.pem
	c sign "${P[@]}" --template "$2" --csr "$T/s$1.csr" > /dev/null &&
		cp "$R/certs/$(last_serial).pem" "$T/s$1.pem"
}

ok "generation 1 signs with {gen}" sub 1 "$T/subca.cnf"
like "... CDP and AIA name generation 1" "$(ext "$T/s1.pem")" \
	"URI:http://pki.example.org/crl/root-gen1.crl .*CA Issuers - URI:http://pki.example.org/root-gen1.crt"
ok "generation 1 signs with addresses that name no generation" sub 2 "$T/subca-plain.cnf"
like "... (the lint lets a URL without genN pass)" "$(ext "$T/s2.pem")" "URI:http://pki.example.org/crl/root.crl"
ok "... twice" sub 3 "$T/subca-plain.cnf"
ok "revoke the second" c revoke "$(last_serial)" --reason superseded
ok "generation 1's CRL, with an IDP that names no generation" c crl issue "${P[@]}" --template "$T/crl-plain.cnf"
CRL1=$R/crls/gen-1/1.pem
like "... IDP http://pki.example.org/crl/root.crl" "$(idp "$CRL1")" "URI:http://pki.example.org/crl/root.crl"
verify_all_chain "generation 1's root" "$G1" "$G1"
verify_all_chain "sub 1 under generation 1" "$G1" "$T/s1.pem"
verify_all_crl "generation 1's CRL" "$CRL1" "$G1" "$T/s2.pem"
verify_all_revoked "generation 1's CRL, sub 3" "$CRL1" "$G1" "$T/s3.pem"

# The rollover: prepared, generation 1 still signs; switched, generation 2.
ok "rollover prepare (start now, manual switch-over)" c rollover prepare "${P[@]}" \
	--template "$TPL/root-ca.cnf" --start now --manual-switch
G2=$R/ca/gen-2.pem
ok "a signature while generation 2 is pending" sub 4 "$T/subca.cnf"
like "... names generation 1" "$(ext "$T/s4.pem")" \
	"URI:http://pki.example.org/crl/root-gen1.crl .*CA Issuers - URI:http://pki.example.org/root-gen1.crt"
ok "switch over" c rollover switch
ok "a signature after the switch, the same template" sub 5 "$T/subca.cnf"
like "... names generation 2" "$(ext "$T/s5.pem")" \
	"URI:http://pki.example.org/crl/root-gen2.crl .*CA Issuers - URI:http://pki.example.org/root-gen2.crt"
verify_all_chain "generation 2's root" "$G2" "$G2"
verify_all_chain "sub 5 under generation 2" "$G2" "$T/s5.pem"
verify_all_chain "sub 5 under generation 1, through NewWithOld" "$G1" "$T/s5.pem" "$R/ca/gen-2-newwithold.pem"
verify_all_chain "sub 4 under generation 2, through OldWithNew" "$G2" "$T/s4.pem" "$R/ca/gen-2-oldwithnew.pem"

# The refusals: one line, nothing written (the audit records the attempt).
before=$(state)
fails "a template that still names generation 1: refused by the lint" c sign "${P[@]}" --template "$T/subca-gen1.cnf" --csr "$T/s6.csr"
like "... saying which URL and what to write" "$(cat "$T/err" "$T/out")" \
	"crlDistributionPoints URI http://pki.example.org/crl/root-gen1.crl names generation 1 but generation 2 signs: write \{gen\}"
like "... the AIA too" "$(cat "$T/err" "$T/out")" "authorityInfoAccess URI http://pki.example.org/root-gen1.crt names generation 1"
is "... nothing written" "$(state)" "$before"
fails "generation 2's CRL with generation 1's IDP: refused" c crl issue "${P[@]}" --template "$T/crl-gen1.cnf"
like "... saying so" "$(cat "$T/err")" "idp http://pki.example.org/crl/root-gen1.crl names generation 1 but generation 2 signs"
is "... nothing written" "$(state)" "$before"
fails "generation 2's CRL with the IDP generation 1's CRL has: refused" c crl issue "${P[@]}" --template "$T/crl-plain.cnf"
like "... naming generation 1's CRL" "$(cat "$T/err")" "issuing distribution point is generation 1's .*crls/gen-1/1.crl.*write \{gen\}"
is "... nothing written" "$(state)" "$before"

# Each generation's CRL: its own IDP, every relying party accepts it.
ok "generation 2's CRL, the default template" c crl issue "${P[@]}" --template "$TPL/crl.cnf"
CRL2=$R/crls/gen-2/1.pem
like "... IDP names generation 2" "$(idp "$CRL2")" "URI:http://pki.example.org/crl/root-gen2.crl"
ok "generation 1's next CRL keeps its own IDP" c crl issue "${P[@]}" --template "$T/crl-plain.cnf" --generation 1
verify_all_crl "generation 2's CRL" "$CRL2" "$G2" "$T/s5.pem"
verify_all_crl "generation 1's second CRL" "$R/crls/gen-1/2.pem" "$G1" "$T/s2.pem"
done_testing
