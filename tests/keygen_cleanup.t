#!/bin/bash
# A key generation that fails after the token made the pair destroys both
# halves; when the token also refuses to destroy them, the error names
# each half left on the token and what to do, in one line.  The faults
# come from tests/fault/p11_fault.c, a module in front of SoftHSM2 that
# fails the calls named in P11_FAULT_FAIL: a real token does not fail
# C_SetAttributeValue and then C_DestroyObject on demand.
. "$(dirname "$0")/lib.sh"

cc -shared -fPIC -O1 -I/usr/include/p11-kit-1 -o "$T/fault.so" \
	"$TOP/tests/fault/p11_fault.c" -ldl ||
	{ echo "Bail out! cannot build the fault module"; exit 1; }
export P11_FAULT_MODULE=$MODULE
H=$T/ca
mktoken root
"$CEREMONY" init --home "$H" --module "$T/fault.so" --token root > /dev/null ||
	{ echo "Bail out! init through the fault module failed"; exit 1; }
gen() { "$CEREMONY" key generate --home "$H" --pin-file "$T/pin" --label "$1" --type ec:P-256; }
p11objects() {
	pkcs11-tool --module "$MODULE" --token-label root --login \
		--pin "$USER_PIN" --list-objects 2>/dev/null
}

P11_FAULT_FAIL= ok "the module passes every call through when told no fault" gen good
like "... and the key is on the token" "$(p11objects)" "label: +good"

export P11_FAULT_FAIL=C_SetAttributeValue
fails_like "setting CKA_ID fails after the pair was made" \
	"cannot set CKA_ID of the public key" gen half
unlike "... and neither half stays on the token" "$(p11objects)" "label: +half"

export P11_FAULT_FAIL=C_SetAttributeValue,C_DestroyObject
fails_like "the pair cannot be destroyed either: the private half is named" \
	'the half-made private key "stuck" could not be destroyed \(.*\): delete it with the token.s own tool before generating again' \
	gen stuck
like "... the public half too, and the first reason" "$(errline)" \
	'the half-made public key "stuck" could not be destroyed .*cannot set CKA_ID of the public key'
like "... which are on the token as it says" "$(p11objects)" "label: +stuck"
unset P11_FAULT_FAIL
like "the audit log records the failed generation" \
	"$(grep -P '\top=key\.generate\t' "$H/audit.log" | tail -1)" 'result=failed.*could not be destroyed' 
ok "the audit log verifies" "$CEREMONY" audit verify --home "$H"
done_testing
