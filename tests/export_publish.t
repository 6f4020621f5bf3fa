#!/bin/bash
# Publication bundles: every CA certificate, the latest CRL of each
# generation, the PKCS#7 bundle and a SHA256SUMS signed by the CA key on
# the token.  The bundles, the CRL and the signature read by OpenSSL,
# GnuTLS, NSS and Botan, and sha256sum -c (independently of ceremony
# export verify); a
# changed byte in any file, an extra file and a missing one are named.
. "$(dirname "$0")/lib.sh"

TPL=$TOP/templates
R=$T/root
I=$T/issuing
mktoken root
mktoken issuing
c() { "$CEREMONY" "$@"; }

c init --home "$R" --module "$MODULE" --token root > /dev/null
c key generate --home "$R" --pin-file "$T/pin" --label rk --type ec:P-384 > /dev/null
c root create --home "$R" --pin-file "$T/pin" --template "$TPL/root-ca.cnf" \
	--key rk > /dev/null
ROOT=$R/ca/gen-1.pem
c crl issue --home "$R" --pin-file "$T/pin" > /dev/null
c crl issue --home "$R" --pin-file "$T/pin" > /dev/null

before=$(tree "$R")
mkdir "$T/full"; echo x > "$T/full/file"
fails_like "publishing into a directory that is not empty is refused" '/full exists and is not an empty directory: give a new one' c export \
	publish "$T/full" --home "$R" --pin-file "$T/pin"
fails_like "a wrong PIN publishes nothing" 'token "root": PIN incorrect' c export publish "$T/b0" --home "$R" \
	--pin-file "$T/badpin"
is "nothing written by the refusals" "$(tree "$T/b0")" "(absent)"
is "the data directory changed only in its audit log" \
	"$(tree "$R" | grep -v "^audit\.")" "$(echo "$before" | grep -v "^audit\.")"

ok "export publish" c export publish "$T/b" --home "$R" --pin-file "$T/pin"
is "the bundle holds what relying parties need" "$(cd "$T/b" && ls | tr '\n' ' ')" \
	"SHA256SUMS SHA256SUMS.p7s ca-certs.p7b gen-1.crl gen-1.crl.pem gen-1.der gen-1.pem "
ok "the CA certificate is the data directory's" cmp "$T/b/gen-1.pem" "$ROOT"
ok "the CRL is the latest (number 2)" cmp "$T/b/gen-1.crl" "$R/crls/gen-1/2.crl"
verify_all_p7 "ca-certs.p7b" "$T/b/ca-certs.p7b" "$ROOT"
like "it holds the root" "$(openssl x509 -in "$T/p7-first.pem" -noout -subject)" "subject=.*CN = Example Root CA"
verify_all_p7s "SHA256SUMS.p7s" "$T/b/SHA256SUMS.p7s" "$T/b/SHA256SUMS" "$ROOT"
# The CRL, checked with a subordinate the root signs now (it lists none).
openssl ecparam -name secp384r1 -genkey -noout -out "$T/s.key"
openssl req -new -key "$T/s.key" -subj "/C=XX/O=Example/CN=Sub" -out "$T/s.csr"
c sign --home "$R" --pin-file "$T/pin" --template "$TPL/subca.cnf" --csr "$T/s.csr" > "$T/s.out"
verify_all_crl "the published CRL" "$T/b/gen-1.crl.pem" "$ROOT" \
	"$R/certs/$(sed -n 's/^  serial *//p' "$T/s.out").pem"
ok "sha256sum -c agrees with the manifest" bash -c "cd '$T/b' && sha256sum -c --strict SHA256SUMS"
ok "openssl cms -verify: the manifest's signature, up to the root" openssl cms \
	-verify -binary -inform DER -in "$T/b/SHA256SUMS.p7s" -content "$T/b/SHA256SUMS" \
	-CAfile "$ROOT" -purpose any -out /dev/null
like "openssl says so" "$(cat "$T/err")" "Verification successful"
ok "openssl cms: the signer is the root certificate" openssl cms -cmsout -print \
	-inform DER -in "$T/b/SHA256SUMS.p7s"
like "its signer is identified by the root's serial" "$(tr -d ' \n' < "$T/out")" \
	"serialNumber:0x$(openssl x509 -in "$ROOT" -noout -serial | cut -d= -f2)"
ok "ceremony export verify" c export verify "$T/b" --ca "$ROOT"
like "it names the files and the signer" "$(cat "$T/out")" \
	"verifies: 5 files as listed in SHA256SUMS, signed by .*CN=Example Root CA"
like "the publication is audited with the manifest's hash" \
	"$(grep op=export.publish "$R/audit.log" | tail -1)" \
	"result=ok.*out=manifest:$(sha256sum < "$T/b/SHA256SUMS" | cut -c1-64),signature:"

# A changed byte in any file is named (and openssl cms sees the manifest's).
for f in $(cd "$T/b" && ls); do
	rm -rf "$T/x"; cp -a "$T/b" "$T/x"
	# the middle byte, one bit changed
	off=$(( $(stat -c %s "$T/x/$f") / 2 ))
	b=$(od -An -tu1 -j "$off" -N1 "$T/x/$f" | tr -d ' ')
	printf "\\$(printf %03o $(( b ^ 1 )))" | dd of="$T/x/$f" bs=1 seek="$off" \
		conv=notrunc 2>/dev/null
	ok "$f was changed" bash -c "! cmp -s '$T/x/$f' '$T/b/$f'"
	fails_like "a changed byte in $f is detected" '/x does not verify: [0-9]+ problems?$' c export verify "$T/x" --ca "$ROOT"
	case $f in
	SHA256SUMS) want="signature over SHA256SUMS does not verify" ;;
	SHA256SUMS.p7s) want="signature" ;;
	*) want="$f has SHA-256 " ;;
	esac
	like "... and named ($f)" "$(cat "$T/out")" "$want"
	case $f in SHA256SUMS*)
		! openssl cms -verify -binary -inform DER -in "$T/x/SHA256SUMS.p7s" \
			-content "$T/x/SHA256SUMS" -CAfile "$ROOT" -purpose any \
			-out /dev/null 2>/dev/null
		_result $? "openssl cms -verify refuses it too ($f)" ;;
	esac
done
rm -rf "$T/x"; cp -a "$T/b" "$T/x"; echo extra > "$T/x/evil.pem"; rm "$T/x/gen-1.der"
fails_like "an extra file and a missing one" '/x does not verify: 2 problems$' c export verify "$T/x" --ca "$ROOT"
like "the extra one is named" "$(cat "$T/out")" "evil.pem is in the bundle but not in the manifest"
like "the missing one is named" "$(cat "$T/out")" "gen-1.der is in the manifest but not in the bundle"

# Another root: the signature does not verify.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout "$T/other.key" -subj /CN=Other -out "$T/other.pem" 2>/dev/null
fails_like "a bundle checked against another root fails" '/b does not verify: 1 problem$' c export verify "$T/b" \
	--ca "$T/other.pem"
fails_like "export verify without --ca" 'export verify takes DIR and --ca ROOT.pem: see ceremony export verify --help' c export verify "$T/b"

# An issuing CA: its chain file is published, the signer is below the root.
c init --home "$I" --module "$MODULE" --token issuing > /dev/null
c key generate --home "$I" --pin-file "$T/pin" --label ik --type ec:P-384 > /dev/null
c csr create --home "$I" --pin-file "$T/pin" --template "$TPL/issuing-ca-request.cnf" \
	--key ik --out "$T/ica.csr" > /dev/null
c sign --home "$R" --pin-file "$T/pin" --template "$TPL/subca.cnf" --csr "$T/ica.csr" > "$T/s"
S=$(sed -n 's/^  serial *//p' "$T/s")
c ca install --home "$I" --pin-file "$T/pin" --cert "$R/export/$S.pem" \
	--chain "$R/export/chain-gen1.pem" > /dev/null
ok "an issuing CA publishes (no CRL yet)" c export publish "$T/ib" --home "$I" \
	--pin-file "$T/pin"
is "its bundle holds its chain" "$(cd "$T/ib" && ls | tr '\n' ' ')" \
	"SHA256SUMS SHA256SUMS.p7s ca-certs.p7b gen-1-chain.der gen-1-chain.pem gen-1.der gen-1.pem "
ok "it verifies up to the root" c export verify "$T/ib" --ca "$ROOT"
verify_all_p7s "the issuing CA's SHA256SUMS.p7s" "$T/ib/SHA256SUMS.p7s" "$T/ib/SHA256SUMS" "$ROOT"
verify_all_p7 "the issuing CA's ca-certs.p7b" "$T/ib/ca-certs.p7b" "$ROOT"
# After a rollover and its switch-over the manifest is signed by the new
# root's key: a holder of the old root verifies it through NewWithOld.
c rollover prepare --home "$R" --pin-file "$T/pin" --template "$TPL/root-ca.cnf" --start now > /dev/null
c rollover switch --home "$R" --pin-file "$T/pin" > /dev/null
ok "publish after the switch-over" c export publish "$T/b2" --home "$R" --pin-file "$T/pin"
ok "... verifies with the new root" c export verify "$T/b2" --ca "$R/ca/gen-2.pem"
ok "... and with the old root, through the link certificate" c export verify "$T/b2" --ca "$ROOT"
fails_like "... but not with an unrelated root" 'ca/gen-1.pem: give one self-signed root certificate' c export verify "$T/b2" --ca "$I/ca/gen-1.pem"
done_testing
