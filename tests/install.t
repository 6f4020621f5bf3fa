#!/bin/bash
# make install, then the installed program used like any other: a root
# ceremony from a folder that is not the project's, with no --templates
# (the installed templates are found next to the binary), its manual
# pages through man, its bash completion.  The binary installed is the
# one under test ($CEREMONY); everything make writes goes below $T.
. "$(dirname "$0")/lib.sh"

inst() { make -s -C "$TOP" BUILD="$T/build" CEREMONY="$CEREMONY" "$@"; }

# --- the layout, below DESTDIR.
ok "make install DESTDIR=... PREFIX=/usr/local" inst install DESTDIR="$T/d" PREFIX=/usr/local
U=$T/d/usr/local
is "the binary, executable" "$(stat -c %a "$U/bin/ceremony")" 755
is "the templates" "$(cd "$U/share/ceremony/templates" && ls)" "$(cd "$TOP/templates" && ls)"
is "the example scripts" "$(cd "$U/share/ceremony/scripts" && ls)" "$(cd "$TOP/docs/scripts" && ls)"
is "... naming their templates, found by the search path" \
	"$(grep -h '^template' "$U"/share/ceremony/scripts/*.cnf | sort -u | tr '\n' ' ')" \
	"template = crl template = root-ca template = subca "
ok "the docs" test -f "$U/share/doc/ceremony/README.md" -a -f "$U/share/doc/ceremony/templates.md"
for m in man1/ceremony.1 man5/ceremony-templates.5 man5/ceremony-database.5; do
	ok "the manual page $m" test -s "$U/share/man/$m"
done
ok "the bash completion" test -f "$U/share/bash-completion/completions/ceremony"
unlike "nothing names the build or the checkout" "$(grep -rl "$TOP\|$T/build" "$U" 2>/dev/null | grep -v '/bin/ceremony$')" "."
ok "make uninstall" inst uninstall DESTDIR="$T/d" PREFIX=/usr/local
is "... leaves no file" "$(find "$T/d" -type f)" ""

# --- installed in PREFIX, used from elsewhere.
ok "make install PREFIX=\$T/p" inst install PREFIX="$T/p"
C=$T/p/bin/ceremony
mkdir "$T/elsewhere"
cd "$T/elsewhere" || exit 1
mktoken root
H=$T/elsewhere/ca
ok "init, no --templates" "$C" init --module "$MODULE" --token root
like "... copies the installed templates" "$(cat "$T/out")" "templates 9 copied from $T/p/bin/../share/ceremony/templates into ca/templates"
ok "key generate" "$C" key generate --pin-file "$T/pin" --label root-key --type ec:P-384
ok "root create with the default template" "$C" root create --pin-file "$T/pin" --key root-key
ok "crl issue with the default CRL template" "$C" crl issue --pin-file "$T/pin"
ok "openssl verifies the root" openssl verify -x509_strict -CAfile "$H/export/root-gen1.pem" "$H/export/root-gen1.pem"
ok "... and its CRL" openssl crl -in "$H/export/crl-gen1.pem" -CAfile "$H/export/root-gen1.pem" -noout -verify
openssl req -new -newkey rsa:3072 -nodes -keyout "$T/sub.key" -subj "/C=US/O=Example/OU=PKI/CN=Example Issuing CA" \
	-out "$T/sub.csr" 2> /dev/null
ok "sign --template subca, by name" "$C" sign --pin-file "$T/pin" --template subca --csr "$T/sub.csr"
serial=$(sed -n 's/^  serial *//p' "$T/out")
ok "openssl verifies the subordinate CA" openssl verify -x509_strict -CAfile "$H/export/root-gen1.pem" "$H/certs/$serial.pem"
ok "an installed example script checks against the CA" "$C" script check "$T/p/share/ceremony/scripts/crl-session.cnf"
ok "db verify" "$C" db verify

# ceremony-database(5) names what a data directory holds: each is there
# (quorum.txt comes with ceremony quorum split, tests/quorum.t).
missing=
for f in $(sed -n 's/^[├└]── \([^ ]*\).*/\1/p' "$TOP/docs/database.md" | sed 's#/.*#/#; s#SERIAL#*#'); do
	[ "$f" = quorum.txt ] && continue
	compgen -G "$H/$f" > /dev/null || missing="$missing $f"
done
is "every file of ceremony-database(5) is in the data directory" "$missing" ""

# --- the manual pages through man.
export MANPATH=$T/p/share/man
ok "man ceremony" man -P cat ceremony
for c in "root create" "crl issue" revoke "db verify"; do
	like "... has $c" "$(cat "$T/out")" "^   $c$"
done
like "... explains revoke's reasons" "$(tr -s ' \n' ' ' < "$T/out")" "--reason R the RFC 5280 reason: unspecified, keyCompromise"
ok "man 5 ceremony-templates" man -P cat 5 ceremony-templates
like "... has the profile keys" "$(cat "$T/out")" "^       p12_min_password$"
ok "man 5 ceremony-database" man -P cat 5 ceremony-database
like "... has the data directory's files" "$(cat "$T/out")" "audit.log"
unset MANPATH

# --- bash completion, from the installed script and binary.
# comp WORDS...: what the completion offers for the last word.
comp() {
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _ceremony
		[ ${#COMPREPLY[@]} -eq 0 ] || printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "' comp \
		"$T/p/share/bash-completion/completions/ceremony" "$@"
}
like "completion is registered for ceremony" \
	"$(bash -c '. "$1"; complete -p ceremony' x "$T/p/share/bash-completion/completions/ceremony")" \
	"complete -F _ceremony ceremony"
is "commands: the first word" "$(comp "$C" ro)" "rollover room root "
is "commands: the second word" "$(comp "$C" rollover s)" "status switch "
like "options of the command" "$(comp "$C" sign --)" "--clamp .*--csr .*--days .*--inbox .*--resign .*--template "
is "... only those beginning so" "$(comp "$C" revoke --re)" "--reason --release "
is "revocation reasons" "$(comp "$C" revoke 01 --reason c)" "cACompromise certificateHold cessationOfOperation "
is "values of a choice" "$(comp "$C" init --network "")" "refuse warn "
like "template names: the CA's and the installed ones" "$(comp "$C" sign --template "")" \
	"^crl expressway-server issuing-ca-request ocsp-signer policy-expressway policy-ocsp policy-subca root-ca subca $"
printf '[profile]\n' > "$T/mine.cnf"
mkdir "$T/tpl" && cp "$T/mine.cnf" "$T/tpl/mine.cnf"
like "... and --templates DIR's" "$(comp "$C" sign --templates "$T/tpl" --template m)" "^mine $"
is "serials from db list" "$(comp "$C" revoke "")" "$("$C" db list | awk '$1 ~ /^[VRPX]$/ { print $2 }' | sort | tr '\n' ' ')"
like "... there are two" "$(comp "$C" db show "")" "^[0-9A-F]+ [0-9A-F]+ $"
is "... of the data directory --home names" "$(comp "$C" export p12 --home "$T/nope" "")" ""
done_testing
