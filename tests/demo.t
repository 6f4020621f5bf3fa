#!/bin/bash
# The README's main command, scripts/demo, end to end in a temporary
# folder: the root is created and accepted by the four verifiers, the
# good request is signed and the bad one refused, the root's CRL accepted
# by the four, the audit chain holds.
. "$(dirname "$0")/lib.sh"
case $CEREMONY in
*build-asan*) echo "1..0 # SKIP the demo runs the plain build"; exit 0 ;;
esac

DEMO_DIR=$T/demo "$TOP/scripts/demo" > "$T/demo.out" 2> "$T/demo.err"
is "scripts/demo exits 0" "$?" 0
out=$(cat "$T/demo.out")
like "OpenSSL accepts the root" "$out" "OpenSSL: .*root-gen1.pem: OK"
like "GnuTLS accepts the root" "$out" "GnuTLS: +Verified"
like "NSS accepts the root" "$out" "NSS: +certutil: certificate is valid"
like "Botan accepts the root" "$out" "Botan: +botan: self-signature valid"
crl=$(sed -n '/first CRL/,/^Botan/p' "$T/demo.out")
like "the CRL: OpenSSL verifies it" "$crl" "OpenSSL: +verify OK"
like "the CRL: GnuTLS verifies it" "$crl" "GnuTLS: +Verified"
like "the CRL: NSS crlutil imports it" "$crl" "NSS: +crlutil: CRL imported"
like "the CRL: Botan validates the intermediate with it" "$crl" "Botan: +botan: 0 Verified"
like "the bad request's findings are shown" "$out" "verdict: REJECT \(5 errors"
like "the batch signs one and sets one aside" "$out" "1 signed, 1 rejected, 2 in all"
like "the intermediate verifies against the root" "$out" "/certs/[0-9A-F]+\.pem: OK"
like "the audit chain is intact" "$out" "hash chain intact"
is "its index holds the root and the intermediate, valid" \
	"$(grep -c '^V' "$T/demo/ca/index.txt")" 2
like "it leaves sample requests in the inbox for the TUI" "$out" \
	"new requests in the inbox for the TUI: two good, three bad"
verdicts=$(for f in "$T"/demo/ca/requests/*.csr; do
	"$CEREMONY" csr check "$f" --policy "$TOP/templates/policy-subca.cnf" > /dev/null 2>&1
	rc=$?
	echo "$(basename "$f") $rc"
done)
is "two the policy accepts, three it rejects" "$verdicts" "$(printf '%s\n' \
	'bad-subject.csr 1' 'bad-weak-key.csr 1' 'bad-wildcard.csr 1' \
	'issuing-ca-eu.csr 0' 'issuing-ca-jp.csr 0')"
before=$(tree "$T/demo/ca")
DEMO_DIR=$T/demo "$TOP/scripts/demo" --no-tui > "$T/demo2.out" 2> "$T/demo2.err"
is "a second run exits 0" "$?" 0
like "reusing the token and data directory" "$(cat "$T/demo2.out")" "reusing the demo token"
is "and changing nothing" "$(tree "$T/demo/ca")" "$before"
done_testing
