#!/bin/bash
# The TUI's Export screen at 80x24, driven through tmux: a PKCS#12 archive
# of a certificate chosen from the valid ones, its password asked twice in
# masked fields (a second entry that differs, or a short password, makes
# nothing); the archive opened by OpenSSL and NSS with the password and
# refused with another; the publication bundle, which verifies as the
# command line's does; the next CA and links.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui_lib.sh"

H=$T/ca
fixture_root "$H" root || { echo "Bail out! fixture"; exit 1; }
openssl ecparam -name prime256v1 -genkey -noout -out "$T/srv.key" 2> /dev/null
openssl req -new -key "$T/srv.key" -subj "/C=XX/O=Example/CN=vcs.example.com" \
	-addext "subjectAltName=DNS:vcs.example.com" \
	-addext "extendedKeyUsage=serverAuth,clientAuth" -out "$T/srv.csr"
"$CEREMONY" sign --home "$H" --pin-file "$T/pin" --template "$TOP/templates/expressway-server.cnf" \
	--csr "$T/srv.csr" > "$T/signed" 2> /dev/null
S=$(sed -n 's/^  serial *//p' "$T/signed")
ROOT=$H/ca/gen-1.pem
PW="correct horse battery"

tui_start --home "$H"
keys 8
shows "screen 8 names every action in its foot" "e CA cert +p PKCS#12 +b bundle +n next CA"
keys p
shows "p lists the valid certificates" "PKCS#12 archive of which certificate\?"
shows "the signed one among them, with its profile" "^ *$S +[0-9-]{10} expressway-server"
shows "and its subject whole" "CN=vcs\.example\.com,O=Example,C=XX"
# body_uncut DESC: no line of the screen's body fills its width
# (put() stops there: a line that fills it was cut).
body_uncut() { is "$1" "$(body | head -14 | awk 'length($0) >= 79')" ""; }
body_uncut "at 80x24 nothing in the list is cut"

pick() {	# the signed certificate, the last in the list
	keys 8 p && wait_for "of which certificate" && keys End Enter &&
		wait_for "PKCS#12 password for $S"
}
before=$(tree "$H")
audits=$(grep -c 'op=export.p12' "$H/audit.log")
pick
shows_text "Enter asks for its password" "PKCS#12 password for $S (at least 12 printable ASCII characters"
typed "$PW" && keys Enter
shows "then for the same again" "The same PKCS#12 password again"
unlike "the password is never on screen" "$(screen)" "horse"
typed "correct horse batterx" && keys Enter
shows_text "a second entry that differs is refused in words" "error: no PKCS#12 archive: the two entries of the PKCS#12 password differ: press p to try again"
is "it made nothing but its audit record" "$(tree "$H" | grep -v audit.log)" "$(echo "$before" | grep -v audit.log)"
like "... which records the refusal" "$(grep 'op=export.p12	result=failed' "$H/audit.log")" "detail=the two entries of the PKCS#12 password differ"
pick && typed short && keys Enter && wait_for "again" && typed short && keys Enter
shows_text "a short password is refused, saying how long it must be" "the PKCS#12 password is 5 characters: this profile needs at least 12 (p12_min_password)"
is "nothing made either" "$(ls "$H/p12")" ""
keys 8 p && wait_for "of which certificate" && keys Escape
shows "Esc leaves the list" "Export directory"
body_uncut "nor in the files, the path and hashes whole"

pick && typed "$PW" && keys Enter && wait_for "again" && typed "$PW" && keys Enter
P12=$H/p12/$S.p12
shows_text "the same twice: the archive is written where the screen says" \
	"PKCS#12 archive of $S (\"vcs.example.com\", certificate and chain, no key) written: $P12; a copy is in the export directory, listed above" 120
shows "... the copy listed" "^ +$S\.p12 +[0-9]+ bytes"
unlike "the password never showed" "$(screen)" "horse"
ok "the export copy is the archive" cmp "$P12" "$H/export/$S.p12"
printf '%s\n' "$PW" > "$T/pw"
printf 'wrong horse battery\n' > "$T/badpw"
ok "openssl pkcs12 -info opens it with the password" openssl pkcs12 -info -noout \
	-in "$P12" -passin "file:$T/pw"
openssl pkcs12 -info -noout -in "$P12" -passin "file:$T/badpw" > "$T/bad" 2>&1
is "openssl refuses the wrong password" "$?" 1
like "... saying the MAC does not verify" "$(cat "$T/bad")" "Mac verify error"
ok "NSS pk12util -l lists it" pk12util -l "$P12" -W "$PW"
like "... the certificate" "$(cat "$T/out")" "CN=vcs\.example\.com"
pk12util -l "$P12" -W "wrong horse battery" > "$T/bad" 2>&1
is "NSS refuses the wrong password" "$?" 19
like "... saying it is the password" "$(cat "$T/bad")" "SEC_ERROR_BAD_PASSWORD"
is "three attempts audited" "$(( $(grep -c 'op=export.p12' "$H/audit.log") - audits ))" 3
like "the audit names the archive's hash" "$(grep 'op=export.p12	result=ok' "$H/audit.log")" \
	"out=p12:$(sha256sum < "$P12" | cut -c1-64)"

keys 8 b
shows "the bundle needs a login" "log in first \(screen 1, then l\): the token signs the bundle"
login "$USER_PIN"
shows "logged in" "LOGGED IN"
keys 8 b
shows "b asks for a new folder" "Folder for the publication bundle, new or empty"
keys Enter
shows_text "the bundle is written where the screen says" \
	"publication bundle written to $H/export/bundle:" 120
shows "with the manifest signed by generation 1" "SHA256SUMS and SHA256SUMS\.p7s \(signed by CA generation 1\)"
ok "it verifies as export verify checks a bundle" "$CEREMONY" export verify "$H/export/bundle" --ca "$ROOT"
like "... every file listed" "$(cat "$T/out")" "verifies: [0-9]+ files as listed in SHA256SUMS"
keys 8 b && wait_for "Folder for the publication" && keys Enter
shows "a folder that is not empty is refused in words" "error: no publication bundle: .*bundle"

keys 8 n
shows_text "n: no generation pending, and every CA certificate and link written" \
	"no generation is pending, so no next CA certificate; every CA certificate and link: $H/export/ca-certs.pem and ca-certs.p7b"
ok "... which holds the root" openssl x509 -in "$H/export/ca-certs.pem" -noout
is "q leaves with status 0" "$(tui_quit)" 0
is "nothing on stderr" "$(cat "$T/tui.err")" ""

ok "the command line's bundle" "$CEREMONY" export publish "$T/cli" --home "$H" --pin-file "$T/pin"
is "has the same files as the TUI's" "$(ls "$H/export/bundle")" "$(ls "$T/cli")"
ok "and verifies the same way" "$CEREMONY" export verify "$T/cli" --ca "$ROOT"
ok "the audit chain holds" "$CEREMONY" audit verify --home "$H"
done_testing
