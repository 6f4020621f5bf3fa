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
ok "room check under valgrind" vg room check --home "$T/ca"
ok "a login with --clock-confirmed under valgrind" vg key list --home "$T/ca" \
	--pin-file "$T/pin" --clock-confirmed
sed -e 's/^key_types .*/key_types = ec:P-256/' -e 's/^digest .*/digest = sha256/' \
	"$TOP/templates/root-ca.cnf" > "$T/root.cnf"
ok "root create under valgrind" vg root create --home "$T/ca" \
	--pin-file "$T/pin" --template "$T/root.cnf" --key k
fails_like "wrong PIN under valgrind" 'token "vg": PIN incorrect' vg root create --home "$T/ca" \
	--pin-file "$T/badpin" --template "$T/root.cnf" --key k
is "...fails as the program, not as valgrind" "$(grep -c 'ERROR SUMMARY: [1-9]' "$T/vg.log")" 0
openssl ecparam -name prime256v1 -genkey -noout -out "$T/k.pem"
for n in 1 2 3 4 5 6 7 8 9 10 11 12; do
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
# The pipeline's threads under helgrind: no data race, no lock misuse.
# Nine requests: reserved in chunks of 4 and 5 while three signers (three
# token sessions, whatever the cores) take them in turn.
cp "$T"/r[4-9].csr "$T"/r1[0-2].csr "$T/ca/requests/"
hg() {
	valgrind -q --tool=helgrind --log-file="$T/hg.log" --error-exitcode=99 \
		--suppressions="$TOP/tests/helgrind.supp" \
		"$CEREMONY" "$@"
}
ok "sign --inbox (the pipeline, three sessions) under helgrind" hg sign --inbox \
	--home "$T/ca" --pin-file "$T/pin" --template "$T/leaf.cnf" --sessions 3 ||
	sed 's/^/#   /' "$T/hg.log" | head -80
like "... all nine signed" "$(cat "$T/out")" "9 signed, 0 rejected, 9 in all \(on 3 token sessions\)"
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
# A script of two steps (its CRL step issues CRL 3, which the import below
# gives as the latest), and one with findings.
printf '[script]\ntitle = vg\nsteps = v, crl, bad\n[v]\naction = db verify\n[crl]\naction = crl issue\ntemplate = %s\n[bad]\naction = revoke\nserial = 01\nreason = nope\n' \
	"$TOP/templates/crl.cnf" > "$T/bad-script.cnf"
fails_like "script check with findings under valgrind" 'bad-script.cnf has 1 error: fix them before the ceremony; nothing was run' vg script check "$T/bad-script.cnf" --home "$T/ca"
sed '$d' "$T/bad-script.cnf" | sed '$d' | sed '$d' | sed '$d' | sed 's/, bad//' > "$T/script.cnf"
ok "script run under valgrind" vg script run "$T/script.cnf" --home "$T/ca" --pin-file "$T/pin" --yes
ok "script status under valgrind" vg script status "$T/script.cnf" --home "$T/ca"
ok "rollover prepare under valgrind" vg rollover prepare --home "$T/ca" \
	--pin-file "$T/pin" --template "$T/root.cnf" --start now
ok "rollover status under valgrind" vg rollover status --home "$T/ca" \
	--template "$TOP/templates/root-ca.cnf"
ok "rollover export under valgrind" vg rollover export --home "$T/ca"
ok "rollover cancel under valgrind" vg rollover cancel --home "$T/ca" \
	--pin-file "$T/pin"
ok "db list under valgrind" vg db list --home "$T/ca"
ok "audit show under valgrind" vg audit show --home "$T/ca"
printf 'valgrind archive pw\n' > "$T/p12pw"
sed -i 's/^p12_iterations .*/p12_iterations = 10000/' "$T/leaf.cnf"
L=$(awk -F'\t' '$1 == "V" && $8 == "leaf" { print $6; exit }' "$T/ca/index.txt")
ok "export p12 under valgrind" vg export p12 "$L" --home "$T/ca" \
	--template "$T/leaf.cnf" --password-fd 3 3< "$T/p12pw"
fails_like "export p12 with a short password under valgrind" 'the PKCS#12 password is 9 characters: this profile needs at least 12 \(p12_min_password\)' vg export p12 "$L" \
	--home "$T/ca" --password-fd 3 3< "$T/badpin"
sed -e "s|^policy .*|policy = $TOP/templates/policy-ocsp.cnf|" \
	-e 's/^p12_iterations .*/p12_iterations = 10000/' \
	"$TOP/templates/ocsp-signer.cnf" > "$T/ocsp.cnf"
ok "issue --generate-key under valgrind" vg issue --generate-key --home "$T/ca" \
	--pin-file "$T/pin" --template "$T/ocsp.cnf" --subject /CN=ocsp.example.org \
	--legacy --password-fd 3 3< "$T/p12pw"
ok "export publish under valgrind" vg export publish "$T/pub" --home "$T/ca" \
	--pin-file "$T/pin"
ok "export verify under valgrind" vg export verify "$T/pub" --ca "$T/ca/ca/gen-1.pem"
echo x >> "$T/pub/gen-1.pem"
fails_like "export verify of a changed bundle under valgrind" '/pub does not verify: 1 problem$' vg export verify "$T/pub" \
	--ca "$T/ca/ca/gen-1.pem"
ok "db verify under valgrind" vg db verify --home "$T/ca"
ok "db export-openssl under valgrind" vg db export-openssl "$T/ox" --home "$T/ca"
vg init --home "$T/imp" --module "$MODULE" --token vg > /dev/null
ok "db import-openssl under valgrind" vg db import-openssl "$T/ox/index.txt" \
	"$T/ox/newcerts" --home "$T/imp" --ca "$T/ca/ca/gen-1.pem" \
	--crl "$T/ca/crls/gen-1/3.crl"
mkdir -m 700 "$T/shares"
ok "quorum split --fresh under valgrind" vg quorum split --home "$T/ca" \
	--pin-file "$T/pin" --m 2 --n 3 --custodian a --custodian b --custodian c \
	--fresh --out "$T/shares" --witness w
ok "login with two shares under valgrind" vg key list --home "$T/ca" \
	--share-file "$T/shares/share-1-a.txt" --share-file "$T/shares/share-3-c.txt"
fails_like "one share refused under valgrind" 'needs 2 of its 3 shares, 1 was given: 1 more custodian.s share is needed; nothing was tried on the token' vg key list --home "$T/ca" \
	--share-file "$T/shares/share-2-b.txt"
mkdir -m 700 "$T/shares2"
ok "quorum reshare under valgrind" vg quorum reshare --home "$T/ca" \
	--share-file "$T/shares/share-2-b.txt" --share-fd 3 --m 2 --n 2 \
	--custodian d --custodian e --out "$T/shares2" 3< "$T/shares/share-1-a.txt"
ok "audit verify under valgrind" vg audit verify --home "$T/ca"
ok "audit sessions under valgrind" vg audit sessions --home "$T/ca"
ok "audit transcript under valgrind" vg audit transcript "$(first_session "$T/ca/audit.log")" --home "$T/ca"
sed -i '2s/detail=/detail=X/' "$T/ca/audit.log"
fails_like "audit verify of a changed log under valgrind" 'audit.log line 2 does not match the hash that line 3 records of it' vg audit verify --home "$T/ca"
is "...fails as the program, not as valgrind" "$(grep -c 'ERROR SUMMARY: [1-9]' "$T/vg.log")" 0
# The TUI's screens run under valgrind in tests/tui_valgrind.t (tmux);
# here, its refusal without a terminal, after the data directory checks.
fails_like "tui without a terminal under valgrind" 'the TUI needs a terminal' vg tui --home "$T/ca"
is "...fails as the program, not as valgrind" "$(grep -c 'ERROR SUMMARY: [1-9]' "$T/vg.log")" 0

done_testing
