#!/bin/bash
# A ceremony script walked in the TUI, driven through tmux: the initial
# root ceremony opened with tui --script, its hash on screen in groups,
# each step run after its own typed word (a wrong word runs nothing), to
# the end; then the command line and independent verifiers check what it
# made, and the transcript says what happened, in order.  A step that
# fails at run time stops the script with the state "failed"; a step that
# began and never finished is repeated only after RETRY; after the cause
# is fixed the next TUI resumes at that step.  A script with check errors
# cannot be started, nor by someone the script does not name, nor without
# a witness it names (who is added on the Token screen).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui_lib.sh"

PEOPLE="--operator alice --witness bob --witness carol"

# script_copy DIR: the shipped initial root script, its templates found.
script_copy() {
	mkdir -p "$1"
	sed "s#\.\./\.\./templates#$TOP/templates#" \
		"$TOP/docs/scripts/initial-root.cnf" > "$1/initial-root.cnf"
}

# run_step N DONE_ERE: r, the step's word, and the verdict on screen.
run_step() {
	keys Enter r && wait_for "Type RUN $1 to run step $1 " && typed "RUN $1" &&
		keys Enter
	shows "step $1 runs after RUN $1" "$2" 120
}

# shows_joined DESC ERE: the screen's lines joined (a wrapped message).
shows_joined() {
	local end=$(( $(date +%s) + TUI_WAIT )) rc=1
	while [ "$(date +%s)" -le "$end" ]; do
		screen | tr '\n' ' ' | grep -Eq -- "$2" && { rc=0; break; }
		sleep 0.1
	done
	_result $rc "$1"
	[ $rc -eq 0 ] || { diag "the screen never matched /$2/:"; screen | sed 's/^/#   /'; }
}

# fresh HOME DIR TOKEN: a new token and data directory, the script copied
# into DIR, and the TUI opened on it.
fresh() {
	mktoken "$3"
	"$CEREMONY" init --home "$1" --token "$3" > /dev/null
	script_copy "$2"
	tui_start --home "$1" --script "$2/initial-root.cnf" $PEOPLE
}

H=$T/ca
S=$T/s
fresh "$H" "$S" root
shows "tui --script opens on the script" "Script  Initial root ceremony, Example Root CA"
sum=$(sha256sum "$S/initial-root.cnf" | cut -c1-64)
groups=$(screen | sed -n 's/^ SHA-256 \([0-9a-f ]*\)$/\1/p')
is "its SHA-256 on screen, in eight groups, is the file's" "$(printf '%s' "$groups" | tr -d ' ')" "$sum"
like "the groups are of eight" "$groups" "^([0-9a-f]{8} ){7}[0-9a-f]{8}$"
scr=$(screen)
like "the people it names and the session's" "$scr" \
	"people  operator alice, witnesses bob, carol \| here: alice; bob, carol"
like "every step with its action and state, in order" "$(printf '%s\n' "$scr" | tr '\n' '~')" \
	" 1 check_db +db verify +pending[^~]*~ +2 root_key +key generate +pending[^~]*~ +3 root_cert +root create +pending[^~]*~ +4 first_crl +crl issue +pending[^~]*~ +5 publish +export publish +pending"
like "the next step is named" "$scr" "next: step 1 of 5 \[check_db\]: r, then type RUN 1"
like "the selected step's values are shown" "$scr" "values: none"

keys r
shows "a step ahead needs the token: r asks for the login first" "log in first \(l here, or screen 1\)"
keys l && wait_for "User PIN of token" && typed "$USER_PIN" && keys Enter
shows "l logs in from the script screen" "token root: LOGGED IN"
unlike "the PIN is never on screen" "$(screen)" "$USER_PIN"

keys r
shows "r asks for the step's own word" "Type RUN 1 to run step 1 \[check_db\] db verify"
typed "RUN" && keys Enter
shows "a wrong word runs nothing" "you typed \"RUN\", not RUN 1: nothing was done"
is "no script.run in the audit log" "$(grep -c 'op=script\.' "$H/audit.log")" 0
ok "no progress file either" test ! -e "$H/scripts"
keys r && wait_for "Type RUN 1" && keys Escape
shows "Esc cancels" "cancelled: nothing was done"

run_step 1 "step 1 \[check_db\] db verify: done"
shows "the next step follows" "next: step 2 of 5 \[root_key\]: r, then type RUN 2"
run_step 2 "key \"root-2026\" generated on the token"
keys Enter
shows_text "Enter shows the next step's values before it runs" \
	"values: template $TOP/templates/root-ca.cnf, key root-2026"
run_step 3 "step 3 \[root_cert\] root create: done"
serial=$(grep '^V' "$H/index.txt" | cut -f6)
shows_joined "the root's serial on screen is the index's" "serial +$serial"
run_step 4 "CRL 1 of CA generation 1: 0 entries"
run_step 5 "step 5 \[publish\] export publish: done"
shows_text "... the bundle where it was put" "publication bundle in $S/publish-initial-root"
shows "then all is done, and the transcript named" \
	"ALL 5 STEPS DONE: print the record: ceremony audit transcript [0-9]+"
sess=$(screen | sed -n 's/.*ceremony audit transcript \([0-9]*\)$/\1/p' | head -1)
shows_joined "the message line says it too, with the data directory" \
	"all 5 steps done: print the transcript with ceremony audit transcript $sess --home"
keys r
shows "r now runs nothing" "every step of the script is done: nothing to run"
is "q leaves with status 0" "$(tui_quit)" 0
is "nothing on stderr" "$(cat "$T/tui.err")" ""

verify_all_chain "the root" "$H/export/root-gen1.pem" "$H/export/root-gen1.pem"
is "its serial is the index's" \
	"$(openssl x509 -in "$H/export/root-gen1.pem" -noout -serial | sed 's/serial=//')" "$serial"
ok "the CRL verifies (openssl)" openssl crl -in "$H/export/crl-gen1.pem" \
	-CAfile "$H/export/root-gen1.pem" -verify -noout
like "under the root" "$(cat "$T/err")" "verify OK"
ok "the CRL is number 1" openssl crl -in "$H/export/crl-gen1.pem" -noout -crlnumber
like "its number" "$(cat "$T/out")" "crlNumber=(0x)?0*1$"
ok "the published bundle verifies" "$CEREMONY" export verify "$S/publish-initial-root" \
	--ca "$H/export/root-gen1.pem"
ok "the audit log verifies, seals and all" "$CEREMONY" audit verify --home "$H"
ok "script status agrees" "$CEREMONY" script status "$S/initial-root.cnf" --home "$H"
like "all done" "$(cat "$T/out")" "all 5 steps done"

ok "the transcript of session $sess" "$CEREMONY" audit transcript "$sess" --home "$H"
tr=$(cat "$T/out")
is "lists the script and every step's operation in order" \
	"$(printf '%s\n' "$tr" | sed -n 's/^ *[0-9]*\. [0-9:]*Z  \([a-z.]*\) .*/\1/p' | tr '\n' ' ')" \
	"script.run db.verify script.step key.generate script.step root.create script.step crl.issue script.step export.publish script.step script.end "
like "each step done, in order" "$(printf '%s\n' "$tr" | grep -o 'step [0-9]/5 \[[a-z_]*\] [a-z ]*: done' | tr '\n' ';')" \
	"^step 1/5 \[check_db\] db verify: done;step 2/5 \[root_key\] key generate: done;step 3/5 \[root_cert\] root create: done;step 4/5 \[first_crl\] crl issue: done;step 5/5 \[publish\] export publish: done;$"
like "the run says how the steps were confirmed" "$tr" \
	"Initial root ceremony, Example Root CA: 5 steps, from step 1 \[check_db\], each step confirmed in the TUI"
is "every script record carries the script's hash" \
	"$(printf '%s\n' "$tr" | grep -c "input   script     $sum")" 7
like "the root's serial is the index's" "$(printf '%s\n' "$tr" | grep -A1 ' root\.create ')" "detail  $serial$"
like "the CRL's number and generation" "$tr" "detail  generation 1 number 1 entries 0"
like "the publish directory" "$tr" "detail  $S/publish-initial-root: 5 files signed by generation 1"
like "the operator" "$tr" "Operator +alice"
like "the witnesses" "$tr" "Witnesses +bob, carol"
like "and their signature lines" "$tr" "Witness +carol +signature"

# A step that fails at run time: the publish directory made after the
# check.  Then a crash between a step's start and end, then the fix.
H2=$T/ca2
S2=$T/s2
fresh "$H2" "$S2" root2
shows "the second script opens" "next: step 1 of 5"
login "$USER_PIN"
shows "logs in on screen 1" "LOGGED IN"
keys 0
shows "0 comes back to the script" "next: step 1 of 5"
for i in 1 2 3 4; do
	run_step $i "step $i \[[a-z_]*\] [a-z ]*: done"
done
# After the run began (and its check passed): something takes the name.
mkdir "$S2/publish-initial-root" && touch "$S2/publish-initial-root/stale"
keys Enter r && wait_for "Type RUN 5" && typed "RUN 5" && keys Enter
shows "step 5 fails at run time" "step 5 \[publish\] export publish: FAILED \(the script stopped here\)"
shows "the error in words" "error: step 5 \[publish\] failed, the script stopped:"
shows_text "saying why" "stopped: $S2/publish-initial-root exists and is not an empty"
shows "the script says where it stopped" "STOPPED: step 5 \[publish\] FAILED; fix the cause, then r runs it again"
like "and the step's state" "$(screen)" " 5 publish +export publish +FAILED\b"
keys r
shows "r checks again first: the cause is still there" "CHECK FAILED: 1 error \(f shows them\): this script cannot be started"
shows_text "the finding names it" "ERROR step [publish]: $S2/publish-init"
is "q leaves with status 0" "$(tui_quit)" 0
ok "script status says failed" "$CEREMONY" script status "$S2/initial-root.cnf" --home "$H2"
like "at step 5" "$(cat "$T/out")" "next: step 5 \[publish\] \(failed\)"

# A power cut in the middle of the step, as the progress file shows it.
sed -i 's/^\(step\t5\tpublish\t\)failed/\1started/' "$H2"/scripts/*.progress
rm -r "$S2/publish-initial-root"
tui_start --home "$H2" --script "$S2/initial-root.cnf" $PEOPLE
shows "a step begun and never finished is said so" \
	"step 5 \[publish\] began and never ended: see the audit log \(7\), then r, RETRY 5"
like "its state" "$(screen)" " 5 publish +export publish +started\b"
login "$USER_PIN" && keys 0
keys r
shows_joined "r asks for RETRY, not RUN" "began at .* and never finished\. If the audit log \(7\) shows it did not end, type RETRY 5 to run it again"
typed "RUN 5" && keys Enter
shows "RUN is not enough" "you typed \"RUN 5\", not RETRY 5: nothing was done"
keys r && wait_for "RETRY 5 to run" && typed "RETRY 5" && keys Enter
shows_text "RETRY runs it" "publication bundle in $S2/publish-initial-root" 120
shows "and the script is done" "ALL 5 STEPS DONE"
is "q leaves with status 0" "$(tui_quit)" 0
ok "the bundle verifies" "$CEREMONY" export verify "$S2/publish-initial-root" \
	--ca "$H2/export/root-gen1.pem"
ok "the audit log verifies" "$CEREMONY" audit verify --home "$H2"
ok "the audit log lists" "$CEREMONY" audit show --home "$H2"
log=$(cat "$T/out")
like "the resume with the retry recorded" "$log" "script\.run .*resumed at step 5 \[publish\], each step confirmed in the TUI \(an unfinished step repeated"
is "step 5 failed, then was done" \
	"$(printf '%s\n' "$log" | grep -o 'step 5/5 \[publish\] export publish: [a-z]*' | tr '\n' ';')" \
	"step 5/5 [publish] export publish: failed;step 5/5 [publish] export publish: done;"

# A script with an error in its check cannot be started.
sed 's#^template = .*root-ca\.cnf#template = missing.cnf#' "$S/initial-root.cnf" > "$S/bad.cnf"
before=$(tree "$H")
tui_start --home "$H" --script "$S/bad.cnf" $PEOPLE
shows "the check's verdict" "CHECK FAILED: [0-9]+ errors? \(f shows them\): this script cannot be started"
# Not next to the script, so looked up in the template search path.
shows_text "its findings are shown, whole" 'ERROR step [root_cert]: template "missing.cnf" not found in '"$H/templates, templates"
login "$USER_PIN" && keys 0 r
shows_joined "r refuses it" "has [0-9]+ check errors? \(f shows them\): it cannot be started"
is "q leaves with status 0" "$(tui_quit)" 0
is "nothing was written" "$(tree "$H" | grep -v audit)" "$(printf '%s\n' "$before" | grep -v audit)"
is "no script record in the audit log" "$(grep -c "op=script.*$(sha256sum "$S/bad.cnf" | cut -c1-64)" "$H/audit.log")" 0

# Nor by an operator the script does not name.
printf '[script]\ntitle = Only alice\noperator = alice\nwitnesses = bob, carol\nsteps = check_db\n[check_db]\naction = db verify\n' > "$S/alice.cnf"
tui_start --home "$H" --script "$S/alice.cnf" --operator mallory --witness bob --witness carol
shows "it opens" "Script  Only alice"
login "$USER_PIN" && keys 0 r && wait_for "Type RUN 1" && typed "RUN 1" && keys Enter
shows "the wrong operator is refused" "error: script not started: the script names operator alice, and mallory is at"
like "nothing ran" "$(screen)" " 1 check_db +db verify +pending"
is "q leaves with status 0" "$(tui_quit)" 0

# A witness the script names who is not here: the screen says where
# witnesses are added (the Token screen, w), and r runs nothing.
tui_start --home "$H" --script "$S/alice.cnf" --operator alice --witness bob
keys 0
shows_text "the head names the missing witness and where to add one" \
	"here: alice; bob | carol is not here: add each witness on screen 1, w"
keys r
shows_text "r refuses before asking for a word, pointing to the Token screen" \
	"the script names witness carol, who is not recorded for this session: add each witness on the Token screen (1, then w), then r again"
unlike "no word was asked" "$(screen)" "Type RUN 1"
like "nothing ran" "$(screen)" " 1 check_db +db verify +pending"
is "q leaves with status 0" "$(tui_quit)" 0

# A script that cannot be read stops the TUI before it starts.
TUI_WAIT=2 tui_start --home "$H" --script "$S/absent.cnf"
for i in $(seq 300); do [ -s "$T/tui.rc" ] && break; sleep 0.1; done
is "it exits non-zero" "$(cat "$T/tui.rc")" 1
is "with one line on stderr" "$(wc -l < "$T/tui.err")" 1
like "naming the file" "$(cat "$T/tui.err")" "absent\.cnf"
done_testing
