#!/bin/bash
# The token-facing flow on a second PKCS#11 implementation, opencryptoki's
# soft token (tests/lib_p11.sh starts its daemon and stops it): a key
# type the token lacks refused by its mechanism list, RSA key generation
# with the attributes read back (by us and by pkcs11-tool), a root checked
# by openssl, a subordinate CA signed, a CRL, a rollover prepared and
# switched, a quorum of shares logging in (a fresh PIN within the token's
# 4-8 characters), the context-specific login where the token keeps
# CKA_ALWAYS_AUTHENTICATE, and a wrong PIN saying how many tries remain.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_p11.sh"
ock_start
ock_token ock-root
_result $? "opencryptoki: a soft token initialised by pkcs11-tool"

TPL=$TOP/templates
R=$T/r
P=(--pin-file "$T/pin")
c() { "$CEREMONY" "$@" --home "$R"; }
last_serial() { grep -v '^#' "$R/index.txt" | tail -1 | cut -f6; }
printf '135790\n' > "$T/badpin"	# within the token's 4 to 8 characters

ok "token list sees it" "$CEREMONY" token list --module "$OCK_MODULE"
like "...by its label, as opencryptoki's soft token" "$(cat "$T/out")" "ock-root .*IBM SoftTok"
ok "init a data directory on it" "$CEREMONY" init --home "$R" --module "$OCK_MODULE" --token ock-root

# --- key types, by what the token says it can do ------------------------------
before=$(tree "$R" | grep -v '^audit\.')
fails "ec:P-384: no EC key generation on this token" c key generate "${P[@]}" --label ek --type ec:P-384
like "...names the mechanism and what to use instead" "$(cat "$T/err")" \
	'^ceremony: token "ock-root" cannot generate ec:P-384 keys \(it has no CKM_EC_KEY_PAIR_GEN\): use rsa:3072 or rsa:4096$'
is "...nothing written (audit aside)" "$(tree "$R" | grep -v '^audit\.')" "$before"
ok "...and nothing on the token" pkcs11-tool --module "$OCK_MODULE" --login --pin "$USER_PIN" --list-objects
unlike "...no object labelled ek" "$(cat "$T/out")" "label: +ek$"

ok "rsa:3072 key generate" c key generate "${P[@]}" --label rk --type rsa:3072
like "...on the token" "$(cat "$T/out")" 'generated rsa:3072 key "rk" on token "ock-root"'
ok "key show reads the attributes back" c key show rk "${P[@]}"
show=$(cat "$T/out")
for a in "CKA_TOKEN true" "CKA_PRIVATE true" "CKA_SENSITIVE true" \
	"CKA_ALWAYS_SENSITIVE true" "CKA_EXTRACTABLE false" \
	"CKA_NEVER_EXTRACTABLE true" "CKA_SIGN true" "CKA_DECRYPT false" \
	"CKA_UNWRAP false" "CKA_DERIVE false"; do
	like "...${a% *} ${a#* }" "$show" "^  ${a% *} +${a#* }$"
done
id=$(sed -n 's/^  id  *//p' <<< "$show")
pkcs11-tool --module "$OCK_MODULE" --login --pin "$USER_PIN" --list-objects > "$T/objs" 2>/dev/null
b=$(p11_block "Private Key Object" < "$T/objs")
like "...pkcs11-tool: sensitive, never extractable" "$b" "Access: +sensitive, always sensitive, never extractable"
like "...pkcs11-tool: the same CKA_ID" "$b" "ID: +$id"

# --- root, subordinate CA, CRL ------------------------------------------------
ok "root create with the RSA key" c root create "${P[@]}" --template "$TPL/root-ca.cnf" --key rk
ok "...openssl verifies the self-signed root" openssl verify -x509_strict -CAfile "$R/ca/gen-1.pem" "$R/ca/gen-1.pem"
like "...an RSA 3072 key" "$(openssl x509 -in "$R/ca/gen-1.pem" -noout -text)" "Public-Key: \(3072 bit\)"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$T/sub.key" 2>/dev/null
for n in 1 2 3; do
	openssl req -new -key "$T/sub.key" -subj "/C=XX/O=Example/CN=Sub $n" -out "$T/sub$n.csr"
done
ok "sign a subordinate CA request" c sign "${P[@]}" --template "$TPL/subca.cnf" --csr "$T/sub1.csr"
S1=$(last_serial)
ok "...openssl verifies it under the root" openssl verify -x509_strict -CAfile "$R/ca/gen-1.pem" "$R/certs/$S1.pem"
ok "revoke it" c revoke "$S1" "${P[@]}" --reason superseded
ok "crl issue" c crl issue "${P[@]}"
crl=$(ls "$R"/crls/gen-1/*.pem | tail -1)
ok "...openssl verifies the CRL's signature" openssl crl -in "$crl" -CAfile "$R/ca/gen-1.pem" -verify -noout
like "...it lists the revoked serial" "$(openssl crl -in "$crl" -noout -text)" "Serial Number: 0*$S1"

# --- rollover -----------------------------------------------------------------
ok "rollover prepare (start now, manual switch-over)" c rollover prepare "${P[@]}" \
	--template "$TPL/root-ca.cnf" --start now --manual-switch
like "...an RSA key like the old one, on the token" "$(cat "$T/out")" '"rk-gen2", generated on the token'
ok "...the new root verifies" openssl verify -x509_strict -CAfile "$R/ca/gen-2.pem" "$R/ca/gen-2.pem"
ok "...NewWithOld links it to the old root" openssl verify -CAfile "$R/ca/gen-1.pem" \
	-untrusted "$R/ca/gen-2-newwithold.pem" "$R/ca/gen-2-newwithold.pem"
ok "rollover switch" c rollover switch
ok "a signature after the switch" c sign "${P[@]}" --template "$TPL/subca.cnf" --csr "$T/sub2.csr"
ok "...verifies under the new root" openssl verify -x509_strict -CAfile "$R/ca/gen-2.pem" "$R/certs/$(last_serial).pem"

# --- quorum -------------------------------------------------------------------
SH=$T/shares
mkdir -m 700 "$SH"
ok "quorum split 2 of 3, a fresh PIN" c quorum split "${P[@]}" --m 2 --n 3 \
	--custodian alice --custodian bob --custodian carol --fresh --out "$SH"
fails_like "...the old PIN no longer logs in" 'token "ock-root": PIN incorrect' c key list "${P[@]}"
ok "two shares log in and sign" c sign --share-file "$SH/share-1-alice.txt" \
	--share-file "$SH/share-3-carol.txt" --template "$TPL/subca.cnf" --csr "$T/sub3.csr"
ok "...verifies" openssl verify -x509_strict -CAfile "$R/ca/gen-2.pem" "$R/certs/$(last_serial).pem"
fails "one share is not enough" c key list --share-file "$SH/share-2-bob.txt"
like "...says how many more" "$(cat "$T/err")" "1 more"

# --- context-specific login (CKA_ALWAYS_AUTHENTICATE) ---------------------------
hsm() { "$BUILD/test_hsm" -m "$OCK_MODULE" -t ock-root -p "$T/pin" "$@"; }
printf '%s\n' "$USER_PIN" > "$T/pin"
ok "the user PIN set back by the SO (C_InitPIN)" pkcs11-tool --module "$OCK_MODULE" \
	--init-pin --login --login-type so --so-pin "$OCK_SO_PIN" --pin "$USER_PIN"
fails "a key that wants the PIN before each use" hsm genkey rsa:3072 reauth always-auth
like "...refused: the token keeps the attribute but signs without the PIN" "$(cat "$T/err")" \
	'token "ock-root" keeps CKA_ALWAYS_AUTHENTICATE but signs without the PIN again: the key pair was destroyed'
ok "...gone from the token" pkcs11-tool --module "$OCK_MODULE" --login --pin "$USER_PIN" --list-objects
unlike "...no object labelled reauth" "$(cat "$T/out")" "label: +reauth$"

# --- a wrong PIN: what the token tells -----------------------------------------
fails "a wrong PIN" c key list --pin-file "$T/badpin"
like "...tries are running low" "$(cat "$T/err")" \
	'^ceremony: token "ock-root": PIN incorrect \(tries are running low\)$'
unlike "...never shows the PIN" "$(cat "$T/err")" "135790"
fails "a wrong PIN again" c key list --pin-file "$T/badpin"
like "...the final try" "$(cat "$T/err")" \
	'^ceremony: token "ock-root": PIN incorrect \(final try before the PIN locks\)$'
fails "the final try, wrong" c key list --pin-file "$T/badpin"
like "...now locked" "$(cat "$T/err")" \
	'^ceremony: token "ock-root": PIN incorrect \(the PIN is now locked: the security officer must unlock it \(C_InitPIN\)\)$'
like "...as the token says" "$(ock_flags)" "user PIN locked"
fails "the right PIN, locked" c key list "${P[@]}"
like "...refused without trying" "$(cat "$T/err")" 'PIN locked: the security officer must unlock it'

done_testing
