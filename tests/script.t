#!/bin/bash
# Ceremony scripts on the command line (issue 8): script check reports
# every finding of every step without a token and a script with a bad
# step is refused before anything is signed; script run goes through the
# shipped initial-root and subordinate scripts to the end, the results
# checked by OpenSSL and ceremony export verify, the transcript matching
# what happened; a failed step stops the script and a second run resumes
# at it; an interrupted step is repeated only with --retry.
. "$(dirname "$0")/lib.sh"

R=$T/ca
mktoken root
c() { "$CEREMONY" "$@" --home "$R"; }
P=(--pin-file "$T/pin")
PEOPLE=(--operator alice --witness bob --witness carol)
# A script's paths are relative to its folder: the shipped ones point at
# ../../templates, which is $S/../../templates here.
mkdir -p "$T/x/y"
ln -s "$TOP/templates" "$T/templates"
S=$T/x/y
cp "$TOP"/docs/scripts/*.cnf "$S/"
tokobjs() { pkcs11-tool --module "$MODULE" --token-label root --login --pin "$USER_PIN" --list-objects 2>/dev/null | grep -c 'Object;'; }

# --- check: before the data directory exists, then against it.
ok "check of the initial-root script, no data directory yet" c script check "$S/initial-root.cnf"
like "... ready, nothing run" "$(cat "$T/out")" "is ready: 5 steps checked; nothing was run"
like "... with a warning that the data directory was not there" "$(cat "$T/out")" "warning  no-data-directory"
"$CEREMONY" init --home "$R" --module "$MODULE" --token root > /dev/null
ok "check against the new data directory" c script check "$S/initial-root.cnf"
unlike "... no warning then" "$(cat "$T/out")" "warning"
for f in subordinate-signing crl-session rollover; do
	fails_like "the $f script needs a CA first" "$f.cnf has [24] errors: fix them before the ceremony; nothing was run" c script check "$S/$f.cnf"
	like "... finding no-ca" "$(cat "$T/out")" "error +no-ca "
done

# --- a script with a bad step in every way a script can be bad.
openssl req -new -newkey rsa:1024 -nodes -keyout /dev/null -subj "/CN=weak" -out "$S/weak.csr" 2>/dev/null
cat > "$S/bad.cnf" <<'EOF'
[script]
title = A script with mistakes
colour = blue
steps = genkey, genkey, root, signweak, revokeit, typo, nothing, crl2, missing

[genkey]
action = key generate
label = rk
type = rsa:1024

[root]
action = root create
template = ../../templates/subca.cnf
key = other

[signweak]
action = sign
template = ../../templates/subca.cnf
csr = weak.csr
days = 99999

[revokeit]
action = revoke
serial = 01
reason = becauseisaidso

[typo]
action = crl issue
tempate = ../../templates/crl.cnf

[nothing]
title = no action at all

[crl2]
action = crl issue
generation = first
EOF
before=$(tree "$R")
objs=$(tokobjs)
fails "script check rejects the bad script" c script check "$S/bad.cnf"
is "... exit 1 (errors), not 2 (unreadable)" "$(c script check "$S/bad.cnf" > /dev/null 2>&1; echo $?)" 1
out=$(cat "$T/out")
for code in script-key-unknown step-repeated step-no-section key-type template-kind key-not-made \
	key-size subject-attr-missing days revoke step-key-unknown step-no-action generation; do
	like "... finding $code" "$out" "(error|warning) +($code)"
done
like "... the weak request's policy finding names its step" "$out" "step \[signweak\] .*weak.csr"
like "... counts the errors on one line" "$(cat "$T/err")" "^ceremony: script .*bad.cnf has [0-9]+ errors: fix them before the ceremony; nothing was run$"
fails "script run refuses it before any signing" c script run "$S/bad.cnf" "${P[@]}" --yes
like "... with the same verdict" "$(cat "$T/err")" "has [0-9]+ errors: fix them before the ceremony; nothing was run"
is "nothing was written (not even the audit log)" "$(tree "$R")" "$before"
is "nothing was made on the token" "$(tokobjs)" "$objs"

# --- unreadable scripts: one line, exit 2.
: > "$S/empty.cnf"
printf '[script\ntitle = x\n' > "$S/broken.cnf"
for f in missing broken; do
	fails_like "script check of a $f file" "/$f.cnf(: No such file or directory|: line 1 cannot be read: fix it)" c script check "$S/$f.cnf"
	is "... exit 2" "$(c script check "$S/$f.cnf" > /dev/null 2>&1; echo $?)" 2
done
fails_like "an empty script has no [script]" 'empty.cnf has 1 error: fix them before the ceremony; nothing was run' c script check "$S/empty.cnf"
like "... says what a script starts with" "$(cat "$T/out")" "script-no-section"

# --- the people the script names.
fails "run by someone else than the script's operator" c script run "$S/initial-root.cnf" "${P[@]}" --yes --operator mallory --witness bob --witness carol
like "... names the operator" "$(cat "$T/err")" "names operator alice, and mallory is at the keyboard"
fails "run without a witness the script names" c script run "$S/initial-root.cnf" "${P[@]}" --yes --operator alice --witness bob
like "... names the witness" "$(cat "$T/err")" "names witness carol, who is not recorded"
fails "run without a terminal and without --yes" setsid -w "$CEREMONY" script run "$S/initial-root.cnf" --home "$R" "${P[@]}" "${PEOPLE[@]}"
like "... asks for the TUI or --yes" "$(cat "$T/err")" "no terminal to confirm the steps on"
is "none of these touched the data directory" "$(tree "$R")" "$before"

# --- the initial root ceremony, to the end.
ok "script run initial-root" c script run "$S/initial-root.cnf" "${P[@]}" --yes "${PEOPLE[@]}"
out=$(cat "$T/out")
like "... all 5 steps done" "$out" "all 5 steps done"
verify_all_chain "the root" "$R/export/root-gen1.pem" "$R/export/root-gen1.pem"
ok "its CRL verifies (openssl crl -verify)" openssl crl -in "$R/export/crl-gen1.pem" -CAfile "$R/export/root-gen1.pem" -noout -verify
ok "the published bundle verifies" "$CEREMONY" export verify "$S/publish-initial-root" --ca "$R/export/root-gen1.pem"
ok "the audit log verifies" c audit verify
serial=$(grep -v '^#' "$R/index.txt" | tail -1 | cut -f6)
ok "the transcript of the session" c audit transcript "$(first_session "$R/audit.log")"
tr=$(cat "$T/out")
order=$(grep -oP '(script\.(run|step|end)|db\.verify|key\.generate|root\.create|crl\.issue|export\.publish)(?= )' <<< "$tr" | tr '\n' ' ')
is "... lists the steps in the order they ran" "$order" "script.run db.verify script.step key.generate script.step root.create script.step crl.issue script.step export.publish script.step script.end "
like "... the root's serial as the index has it" "$tr" "root.create .*
      detail  $serial"
like "... the CRL number" "$tr" "step 4/5 \[first_crl\] crl issue: done: CRL 1 of CA generation 1"
like "... the publish folder" "$tr" "step 5/5 \[publish\] export publish: done: publication bundle in $S/publish-initial-root"
like "... the operator" "$tr" "Operator   alice"
like "... each witness" "$tr" "Witness    bob .*
.*
Witness    carol"
like "... the script's hash" "$tr" "input   script     $(sha256sum "$S/initial-root.cnf" | cut -d' ' -f1)"
ok "script status" c script status "$S/initial-root.cnf"
like "... all done" "$(cat "$T/out")" "all 5 steps done"
fails "running it again" c script run "$S/initial-root.cnf" "${P[@]}" --yes "${PEOPLE[@]}"
like "... says there is nothing to run" "$(cat "$T/err")" "every step of script .* is done .*: nothing to run"

# --- a step that fails at run time stops the script; a second run resumes.
# A key labelled "dup" made outside the script: the check cannot see the
# token, so the script's key generation fails on it.
c key generate "${P[@]}" --label dup --type ec:P-256 > /dev/null
cat > "$S/resume.cnf" <<'EOF'
[script]
title = A second key, then a CRL
steps = check_db, newkey, crl

[check_db]
action = db verify

[newkey]
action = key generate
label = dup
type = ec:P-384

[crl]
action = crl issue
template = ../../templates/crl.cnf
EOF
ok "the check passes (it cannot see the token)" c script check "$S/resume.cnf"
crls=$(ls "$R/crls" | wc -l)
fails "run: step 2 fails on the token" c script run "$S/resume.cnf" "${P[@]}" --yes
like "... the error names the step, the cause and how to resume" "$(cat "$T/err")" \
	"^ceremony: script stopped at step 2 \[newkey\]; fix the cause and run the script again to resume there: .*already has an object labelled \"dup\""
is "... step 3 did not run" "$(ls "$R/crls" | wc -l)" "$crls"
ok "status after the failure" c script status "$S/resume.cnf"
st=$(cat "$T/out")
like "... step 1 done" "$st" " 1 check_db .*
     done "
like "... step 2 failed, with why" "$st" " 2 newkey .*
     failed .*already has an object labelled"
like "... next: step 2" "$st" "next: step 2 \[newkey\] \(failed\)"
for t in privkey pubkey; do
	pkcs11-tool --module "$MODULE" --token-label root --login --pin "$USER_PIN" --delete-object --type $t --label dup > /dev/null 2>&1
done
ok "run again once the old key is gone" c script run "$S/resume.cnf" "${P[@]}" --yes
out=$(cat "$T/out")
like "... checked from step 2" "$out" "steps 1 to 1 are done: checked from step 2"
unlike "... step 1 is not repeated" "$out" "step 1/3"
like "... it resumes at step 2" "$out" "step 2/3 \[newkey\] key generate
  ec:P-384 key \"dup\" generated on the token"
like "... and goes on to the end" "$out" "all 3 steps done"
like "... the audit says it resumed" "$(grep 'op=script.run' "$R/audit.log" | tail -1)" "resumed at step 2 \[newkey\]"
is "... the failed attempt is in the audit too" "$(grep -c 'op=script.step.*result=failed.*\[newkey\]' "$R/audit.log")" 1

# --- a subordinate signing session, to the end.
openssl ecparam -name secp384r1 -genkey -noout -out "$T/i.key"
openssl req -new -key "$T/i.key" -subj "/C=XX/O=Example/CN=Example Issuing CA 1" -out "$S/issuing-ca-1.csr"
ok "check of the subordinate script" c script check "$S/subordinate-signing.cnf"
ok "run it" c script run "$S/subordinate-signing.cnf" "${P[@]}" --yes "${PEOPLE[@]}"
like "... the issuing CA is signed" "$(cat "$T/out")" "certificate [0-9A-F]+ issued to CN=Example Issuing CA 1"
sub=$(grep -v '^#' "$R/index.txt" | grep -P '^V\t' | tail -1 | cut -f6)
verify_all_chain "the issuing CA" "$R/export/root-gen1.pem" "$R/export/$sub.pem"
verify_all_crl "the initial ceremony's CRL" "$R/export/crl-gen1.pem" "$R/export/root-gen1.pem" "$R/export/$sub.pem"
mkdir "$S/publish-subca2"
sed 's/publish-subca/publish-subca2/' "$S/subordinate-signing.cnf" > "$S/sub2.cnf"
fails_like "a publish folder that exists is found by the check" 'sub2.cnf has 1 error: fix them before the ceremony; nothing was run' c script run "$S/sub2.cnf" "${P[@]}" --yes "${PEOPLE[@]}"
like "... before anything ran" "$(cat "$T/out")" "error +dir-exists"

# --- a certificate issued and recorded whose export then fails: the step
# is done (a resume must not issue a second one), yet the script stops.
openssl req -new -key "$T/i.key" -subj "/C=XX/O=Example/CN=Example Issuing CA 2" -out "$S/issuing-ca-2.csr"
printf '[script]\ntitle = Issuing CA 2\nsteps = sign2, check\n[sign2]\naction = sign\ntemplate = ../../templates/subca.cnf\ncsr = issuing-ca-2.csr\n[check]\naction = db verify\n' > "$S/sign2.cnf"
: > "$T/not-a-folder"
n_issued=$(grep -c '^V' "$R/index.txt")
fails "the export fails after the certificate is recorded" c script run "$S/sign2.cnf" "${P[@]}" --yes --export "$T/not-a-folder"
like "... the error says it is issued and where it stopped" "$(cat "$T/err")" \
	"^ceremony: script stopped at step 1 \[sign2\]; .*certificate [0-9A-F]+ is issued and recorded, but not all of it was exported"
is "... one certificate was issued" "$(grep -c '^V' "$R/index.txt")" $((n_issued + 1))
ok "status" c script status "$S/sign2.cnf"
like "... the step is done" "$(cat "$T/out")" " 1 sign2 .*
     done "
ok "run again: it goes on after the issued step" c script run "$S/sign2.cnf" "${P[@]}" --yes
unlike "... without signing again" "$(cat "$T/out")" "step 1/2"
is "... still one certificate more" "$(grep -c '^V' "$R/index.txt")" $((n_issued + 1))

# --- a step interrupted by a crash: the state file says "started".
# A crash cannot be produced on demand; the state file is what a crash
# between "started" and the end leaves behind.
ok "check of the CRL session" c script check "$S/crl-session.cnf"
prog=$R/scripts/$(sha256sum "$S/crl-session.cnf" | cut -c1-16).progress
printf 'script\t%s\t%s\nstep\t1\tcheck_db\tdone\t2026-11-23 10:00:00 UTC\tok\nstep\t2\tcrl\tstarted\t2026-11-23 10:00:01 UTC\tcrl issue\n' \
	"$(sha256sum "$S/crl-session.cnf" | cut -d' ' -f1)" "$S/crl-session.cnf" > "$prog"
crls=$(ls "$R/crls" | wc -l)
fails "an unfinished step is not repeated without --retry" c script run "$S/crl-session.cnf" "${P[@]}" --yes --witness bob
like "... says what to do" "$(cat "$T/err")" "step 2 \[crl\] began at 2026-11-23 10:00:01 UTC and never finished .*run it again with --retry"
is "... no CRL was issued" "$(ls "$R/crls" | wc -l)" "$crls"
ok "with --retry it is" c script run "$S/crl-session.cnf" "${P[@]}" --yes --witness bob --retry
like "... from step 2" "$(cat "$T/out")" "step 2/3 \[crl\].*
  CRL [0-9]+ of CA generation 1"
like "... the audit records the retry" "$(grep 'op=script.run' "$R/audit.log" | tail -1)" "an unfinished step repeated on the operator.s word: --retry"
printf 'script\tnot-this-one\n' > "$prog"
fails "a progress file that is not ceremony's" c script status "$S/crl-session.cnf"
like "... names it" "$(cat "$T/err")" "^ceremony: $prog line 1 is not what ceremony wrote"

# --- the room checks apply to a script's login too (docs/assurance.md).
if unshare -n true 2> /dev/null; then
	cp "$R/ceremony.cnf" "$T/ceremony.cnf.kept"
	printf '[room]\nnetwork = refuse\n' >> "$R/ceremony.cnf"
	before=$(tree "$R" | grep -v '^audit\.')
	fails "a script in a room whose network is up, with network = refuse" netns_wired "$CEREMONY" script run "$S/rollover.cnf" "${P[@]}" --yes "${PEOPLE[@]}" --home "$R"
	like "... refused before the login, naming the interfaces" "$(cat "$T/err")" "not air-gapped: v0 \(up"
	is "... no step ran" "$(tree "$R" | grep -v '^audit\.')" "$before"
	cp "$T/ceremony.cnf.kept" "$R/ceremony.cnf"
else
	skip 3 "unshare -n is not permitted here (needs root)"
fi

# --- the rollover script, to the end.
ok "check of the rollover script" c script check "$S/rollover.cnf"
ok "run the rollover script" c script run "$S/rollover.cnf" "${P[@]}" --yes "${PEOPLE[@]}"
like "... generation 2 prepared" "$(cat "$T/out")" "generation 2 prepared \(pending\)"
verify_all_chain "the link certificate under the old root" "$R/export/root-gen1.pem" "$R/ca/gen-2-newwithold.pem"
ok "the bundle verifies" "$CEREMONY" export verify "$S/publish-rollover" --ca "$R/export/root-gen1.pem"
ok "db verify after everything" c db verify

# --- the PIN split among custodians, then reshared: ceremony steps too.
mkdir -m 700 "$S/shares" "$S/shares2"
cat > "$S/custodians.cnf" <<'EOF'
[script]
title = The PIN of the token to three custodians
steps = split

[split]
title = A new random PIN, in shares: any two of three open the token
action = quorum split
m = 2
n = 3
custodians = anna, ben, cleo
out = shares
fresh = yes
EOF
sed 's/^n = 3/n = 2/; s/^m = 2/m = 3/' "$S/custodians.cnf" > "$S/badq.cnf"
fails_like "a quorum of 3 of 2 is found by the check" 'badq.cnf has 1 error: fix them before the ceremony; nothing was run' c script check "$S/badq.cnf"
like "... named" "$(cat "$T/out")" "error +quorum +split"
ok "run the split" c script run "$S/custodians.cnf" "${P[@]}" --yes
like "... a new random PIN" "$(cat "$T/out")" "quorum [0-9A-F]+: 2 of 3 shares open the token \(a new random PIN"
is "... three share files, for their custodians only" "$(stat -c '%a %n' "$S"/shares/* | sed "s|$S/shares/||" | tr '\n' ' ')" \
	"600 share-1-anna.txt 600 share-2-ben.txt 600 share-3-cleo.txt "
fails_like "the old PIN opens nothing now" 'token "root": PIN incorrect' c key list "${P[@]}"
cat > "$S/reshare.cnf" <<'EOF'
[script]
title = New shares for two new custodians; the old ones die
steps = reshare, check

[reshare]
action = quorum reshare
m = 2
n = 2
custodians = dora, emil
out = shares2

[check]
action = db verify
EOF
ok "run the reshare, opened by two custodians' shares" c script run "$S/reshare.cnf" --yes \
	--share-file "$S/shares/share-1-anna.txt" --share-file "$S/shares/share-3-cleo.txt"
like "... the audit names who opened it" "$(grep 'op=quorum.reshare' "$R/audit.log" | tail -1)" "opened with quorum [0-9A-F]+, 2 of 3: shares 1 anna, 3 cleo"
fails_like "the old shares open nothing" 'these shares are of quorum [0-9A-F]{16}, but the token.s PIN is now the one of quorum [0-9A-F]{16}' c key list --share-file "$S/shares/share-1-anna.txt" --share-file "$S/shares/share-2-ben.txt"
ok "the new ones do" c key list --share-file "$S/shares2/share-1-dora.txt" --share-file "$S/shares2/share-2-emil.txt"

done_testing
