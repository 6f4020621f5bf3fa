#!/bin/bash
# A CA's templates: found by name through the search path (--templates,
# HOME/templates, ./templates, the installed ones), copied by ceremony init
# into HOME/templates with their hashes in the audit log, and a later
# change named by db verify, audit show and audit verify.  Also the
# messages for the common mistakes: a missing data directory, a template
# name that is nowhere.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui_lib.sh"

mktoken root
H=$T/ca
# Everything runs from a folder that is not the project's: no ./templates.
mkdir "$T/elsewhere"
cd "$T/elsewhere" || exit 1

# --- a missing data directory names --home and $CEREMONY_HOME first.
fails "a command on a missing data directory" "$CEREMONY" db list --home "$T/nope"
like "... names --home and \$CEREMONY_HOME, then ceremony init" "$(cat "$T/err")" \
	"$T/nope is not a ceremony data directory: name yours with --home DIR or \\\$CEREMONY_HOME, or create this one with ceremony init --home $T/nope$"
fails "the default data directory, absent" env -u CEREMONY_HOME "$CEREMONY" db list
like "... is named as ca" "$(cat "$T/err")" "^ceremony: ca is not a ceremony data directory: name yours with --home"
is "... and nothing was made" "$(ls -A "$T/elsewhere")" ""

# --- init copies the templates it will use (here: --templates DIR).
ok "init with --templates DIR" "$CEREMONY" init --home "$H" --module "$MODULE" \
	--token root --templates "$TOP/templates"
like "... says where the templates came from" "$(cat "$T/out")" \
	"templates 9 copied from $TOP/templates into $H/templates"
is "every template is copied" "$(cd "$H/templates" && ls)" "$(cd "$TOP/templates" && ls)"
is "... byte for byte" "$(cd "$H/templates" && sha256sum ./*.cnf)" "$(cd "$TOP/templates" && sha256sum ./*.cnf)"
is "... read-only" "$(stat -c %a "$H"/templates/*.cnf | sort -u)" "444"
is "one template.install record a template" "$(grep -c $'\top=template.install\t' "$H/audit.log")" 9
sub=$(sha256sum < "$TOP/templates/subca.cnf" | cut -c1-64)
like "... with its SHA-256" "$(grep $'\tdetail=subca.cnf from ' "$H/audit.log")" "out=template:$sub	"
ok "db verify: the copies are the recorded ones" "$CEREMONY" db verify --home "$H"
ok "audit verify agrees" "$CEREMONY" audit verify --home "$H"

# --- names are looked up: no --templates, no ./templates, the default too.
ok "key generate" "$CEREMONY" key generate --home "$H" --pin-file "$T/pin" --label root-key --type ec:P-384
ok "root create with the default template, from HOME/templates" "$CEREMONY" root create \
	--home "$H" --pin-file "$T/pin" --key root-key
like "... the CA's copy was used" "$(grep $'\top=root.create\t' "$H/audit.log")" \
	"in=template:$(sha256sum < "$TOP/templates/root-ca.cnf" | cut -c1-64)"
ok "crl issue with the default CRL template" "$CEREMONY" crl issue --home "$H" --pin-file "$T/pin"
ok "the root and its CRL verify (openssl)" openssl crl -in "$H/export/crl-gen1.pem" \
	-CAfile "$H/export/root-gen1.pem" -noout -verify
openssl req -new -newkey rsa:3072 -nodes -keyout "$T/sub.key" -subj "/C=US/O=Example/OU=PKI/CN=Example Issuing CA" \
	-out "$T/sub.csr" 2> /dev/null
ok "sign --template subca (a bare name)" "$CEREMONY" sign --home "$H" --pin-file "$T/pin" \
	--template subca --csr "$T/sub.csr"
ok "csr check --policy policy-subca.cnf (a bare name with .cnf)" "$CEREMONY" csr check \
	"$T/sub.csr" --policy policy-subca.cnf --home "$H"

# --- --templates wins over HOME/templates: its root-ca is the one read.
mkdir "$T/mine"
sed 's/^\[profile\]$/[profile]\nbogus = 1/' "$TOP/templates/root-ca.cnf" > "$T/mine/root-ca.cnf"
fails "rollover status reads --templates DIR's root-ca first" "$CEREMONY" rollover status \
	--home "$H" --templates "$T/mine"
like "... (its unknown key is refused)" "$(cat "$T/err")" "template $T/mine/root-ca.cnf: unknown key \"bogus\""
ok "without it, the CA's own copy" "$CEREMONY" rollover status --home "$H"
# A path is read as given, whatever the search path.
ok "a path is read as given" "$CEREMONY" rollover status --home "$H" \
	--templates "$T/mine" --template "$TOP/templates/root-ca.cnf"

# --- a name that is nowhere lists the templates there are.
before=$(tree "$H")
fails "a template name with a typo" "$CEREMONY" sign --home "$H" --pin-file "$T/pin" \
	--template subcaa --csr "$T/sub.csr"
like "... names the folders and lists the templates" "$(cat "$T/err")" \
	"template \"subcaa\" not found in $H/templates, templates, .*: the templates there are crl, expressway-server, issuing-ca-request, ocsp-signer, policy-expressway, policy-ocsp, policy-subca, root-ca, subca \(or give a path, or --templates DIR\)$"
fails "a CRL template name with a typo" "$CEREMONY" crl issue --home "$H" --pin-file "$T/pin" --template crll
like "... the same way" "$(cat "$T/err")" "CRL template \"crll\" not found in "
fails "a policy name with a typo" "$CEREMONY" csr check "$T/sub.csr" --policy policy-subcaa --home "$H"
like "... the same way" "$(cat "$T/err")" "policy \"policy-subcaa\" not found in "
is "nothing was written" "$(tree "$H")" "$before"
fails "no template folder at all" "$CEREMONY" root create --home "$T/none" --key k --template root-ca
like "... says there are none" "$(cat "$T/err")" "there are no templates there"

# --- a copy changed, added or removed after init is named.
cp -a "$H" "$T/h2"
chmod u+w "$T/h2/templates/subca.cnf"
printf '# edited\n' >> "$T/h2/templates/subca.cnf"
fails "db verify: a changed template" "$CEREMONY" db verify --home "$T/h2"
like "... is named" "$(tr '\n' ' ' < "$T/out")" "template-changed .* templates/subca.cnf has changed since ceremony init recorded it \(SHA-256 ${sub:0:16}\.\.\., now "
like "... and counted" "$(cat "$T/err")" "1 problem found"
fails "audit verify: the changed template" "$CEREMONY" audit verify --home "$T/h2"
like "... says the log is intact and names the template" "$(cat "$T/err")" \
	"^ceremony: audit log intact; the CA's templates are not: templates/subca.cnf has changed"
fails "audit show: the changed template" "$CEREMONY" audit show --home "$T/h2"
like "... after the table" "$(cat "$T/err")" "templates/subca.cnf has changed"
printf '[profile]\n' > "$T/h2/templates/extra.cnf"
rm -f "$T/h2/templates/crl.cnf"
fails "db verify: one changed, one added, one gone" "$CEREMONY" db verify --home "$T/h2"
out=$(tr '\n' ' ' < "$T/out")
like "... the added one" "$out" "template-unrecorded .* templates/extra.cnf is not one the audit log recorded"
like "... the removed one" "$out" "template-missing .* templates/crl.cnf, recorded at ceremony init, is gone"
like "... three problems" "$(cat "$T/err")" "3 problems found"

# --- the TUI from another folder finds the CA's own templates.
TUI_DIR=$T/elsewhere tui_start --home "$H"
shows "the TUI opens outside the project folder, no --templates" "token root: logged out \| gen 1 \| "
keys 3
shows "... its signing screen lists the CA's templates" "subca"
is "... and quits cleanly" "$(tui_quit)" 0
is "... with nothing on stderr" "$(cat "$T/tui.err")" ""

# --- init from a checkout copies ./templates; with no folder, none.
cd "$TOP" || exit 1
mktoken two
ok "init from the project folder" "$CEREMONY" init --home "$T/ca2" --module "$MODULE" --token two
like "... copies ./templates" "$(cat "$T/out")" "templates 9 copied from templates into $T/ca2/templates"
cd "$T/elsewhere" || exit 1
mktoken three
ok "init where there is no template folder" "$CEREMONY" init --home "$T/ca3" --module "$MODULE" --token three
like "... says the CA has none of its own" "$(cat "$T/err")" "no template folder found"
is "... and writes no template record" "$(grep -c 'op=template.install' "$T/ca3/audit.log")" 0
ok "db verify of a CA without copies" "$CEREMONY" db verify --home "$T/ca3"
done_testing
