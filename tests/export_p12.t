#!/bin/bash
# PKCS#12 export: a signed certificate and its chain, opened by OpenSSL
# (default and legacy), GnuTLS certtool and NSS pk12util; wrong and short
# passwords refused; nothing written by a refusal.
. "$(dirname "$0")/lib.sh"

TPL=$TOP/templates
R=$T/root
mktoken root
c() { "$CEREMONY" "$@"; }
# refused DESC CMD...: an outside tool must not accept it (any output).
refused() {
	local d=$1; shift
	! "$@" > "$T/out" 2> "$T/err"
	_result $? "$d"
}

c init --home "$R" --module "$MODULE" --token root > /dev/null
c key generate --home "$R" --pin-file "$T/pin" --label rk --type ec:P-384 > /dev/null
c root create --home "$R" --pin-file "$T/pin" --template "$TPL/root-ca.cnf" \
	--key rk > /dev/null
openssl ecparam -name prime256v1 -genkey -noout -out "$T/srv.key"
openssl req -new -key "$T/srv.key" -subj "/C=XX/O=Example/CN=vcs.example.com" \
	-addext "subjectAltName=DNS:vcs.example.com" \
	-addext "extendedKeyUsage=serverAuth,clientAuth" -out "$T/srv.csr"
c sign --home "$R" --pin-file "$T/pin" --template "$TPL/expressway-server.cnf" \
	--csr "$T/srv.csr" > "$T/signed"
S=$(sed -n 's/^  serial *//p' "$T/signed")
LEAF=$R/certs/$S.pem
ROOT=$R/ca/gen-1.pem

printf 'correct horse battery\n' > "$T/pw"
printf 'wrong horse battery\n' > "$T/badpw"
printf 'short\n' > "$T/shortpw"
before=$(tree "$R")

fails "a short password is refused" c export p12 "$S" --home "$R" \
	--template "$TPL/expressway-server.cnf" --password-fd 3 3< "$T/shortpw"
like "it says how long it must be" "$(cat "$T/err")" "at least 12 \(p12_min_password\)"
printf 'caf\303\251 au lait 1234\n' > "$T/utf8pw"
fails_like "a non-ASCII password is refused" 'the PKCS#12 password has a character that is not printable ASCII' c export p12 "$S" --home "$R" \
	--password-fd 3 3< "$T/utf8pw"
fails_like "an unknown serial is refused" 'serial 4ABC is not in the index: check it with ceremony db list --serial 4ABC' c export p12 4ABC --home "$R" \
	--password-fd 3 3< "$T/pw"
fails_like "a template of another profile is refused" 'was issued under profile expressway-server, not ocsp-signer: give --template with its own profile' c export p12 "$S" --home "$R" \
	--template "$TPL/ocsp-signer.cnf" --password-fd 3 3< "$T/pw"
fails_like "no terminal and no --password-fd: refused" 'no terminal to ask for the PKCS#12 password: use --password-fd N' setsid "$CEREMONY" export p12 \
	"$S" --home "$R"
is "refusals wrote nothing but audit records" \
	"$(tree "$R" | grep -v audit.log)" "$(echo "$before" | grep -v audit.log)"

ok "export p12 with the template's iteration count" c export p12 "$S" \
	--home "$R" --template "$TPL/expressway-server.cnf" --password-fd 3 3< "$T/pw"
P12=$R/p12/$S.p12
like "it says where the archive went" "$(cat "$T/out")" "archived +$P12"
ok "the export copy is the archive" cmp "$P12" "$R/export/$S.p12"
is "the archive is mode 600" "$(stat -c %a "$P12")" 600
is "p12/ is mode 700" "$(stat -c %a "$R/p12")" 700
ok "openssl pkcs12 -info reads it" openssl pkcs12 -info -in "$P12" \
	-passin "file:$T/pw" -noout
info=$(cat "$T/err")
like "AES-256-CBC with PBKDF2 and HMAC-SHA256" "$info" \
	"PBES2, PBKDF2, AES-256-CBC, Iteration 600000, PRF hmacWithSHA256"
like "a SHA-256 MAC" "$info" "MAC: sha256, Iteration 600000"
ok "openssl pkcs12 gives the certificate and the chain" openssl pkcs12 \
	-in "$P12" -passin "file:$T/pw" -nokeys -out "$T/certs.pem"
is "two certificates in it" "$(grep -c 'BEGIN CERTIFICATE' "$T/certs.pem")" 2
like "the friendly name is the CN" "$(cat "$T/certs.pem")" "friendlyName: vcs.example.com"
ok "the leaf in it is the one issued" bash -c "openssl x509 -in '$T/certs.pem' \
	-outform DER | cmp - <(openssl x509 -in '$LEAF' -outform DER)"
refused "a wrong password does not open it (openssl)" openssl pkcs12 -info \
	-in "$P12" -passin "file:$T/badpw" -noout
like "openssl: the MAC does not verify" "$(cat "$T/err")" "Mac verify error"
ok "GnuTLS certtool --p12-info opens it" certtool --p12-info --inder --infile "$P12" \
	--password "correct horse battery"
like "GnuTLS sees the MAC and the certificates" "$(cat "$T/out")" "MAC info"
refused "GnuTLS refuses the wrong password" certtool --p12-info --inder --infile "$P12" \
	--password "wrong horse battery"
ok "NSS pk12util -l lists it" pk12util -l "$P12" -W "correct horse battery"
like "NSS sees the certificate" "$(cat "$T/out")" "Subject: \"CN=vcs.example.com"
refused "NSS refuses the wrong password" pk12util -l "$P12" -W "wrong horse battery"
like "NSS: bad password" "$(cat "$T/err")" "SEC_ERROR_BAD_PASSWORD"
verify_all_chain "the leaf" "$ROOT" "$LEAF"
verify_all_p12 "the archive" "$P12" "correct horse battery" "$ROOT"
fails "a second export of the same archive is refused" c export p12 "$S" \
	--home "$R" --password-fd 3 3< "$T/pw"
like "it names the archive that exists" "$(cat "$T/err")" "$P12 exists already"

ok "export p12 --legacy" c export p12 "$S" --home "$R" --legacy \
	--password-fd 3 3< "$T/pw"
like "--legacy warns" "$(cat "$T/err")" "warning: --legacy"
L12=$R/p12/$S.legacy.p12
ok "openssl pkcs12 -legacy -info reads it" openssl pkcs12 -legacy -info \
	-in "$L12" -passin "file:$T/pw" -noout
like "a SHA-1 MAC" "$(cat "$T/err")" "MAC: sha1, Iteration 600000"
like "3DES" "$(cat "$T/err")" "pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 600000"
ok "NSS pk12util -l lists the legacy archive" pk12util -l "$L12" \
	-W "correct horse battery"
ok "GnuTLS certtool --p12-info opens the legacy archive" certtool --p12-info \
	--inder --infile "$L12" --password "correct horse battery"
verify_all_p12 "the legacy archive" "$L12" "correct horse battery" "$ROOT"

RS=$(openssl x509 -in "$ROOT" -noout -serial | cut -d= -f2)
ok "the root's certificate exports too" c export p12 "$RS" --home "$R" \
	--password-fd 3 3< "$T/pw"
like "... and it says its key never leaves the token" "$(cat "$T/out")" \
	"key +none: a CA key is generated non-extractable on its token and can never be exported"
ok "openssl reads the root's archive" openssl pkcs12 -info -noenc \
	-in "$R/p12/$RS.p12" -passin "file:$T/pw"
unlike "it holds no key bag" "$(cat "$T/out" "$T/err")" "Keybag|PRIVATE KEY"
verify_all_p12 "the root's archive" "$R/p12/$RS.p12" "correct horse battery" "$ROOT"

# The password asked on the terminal (echo off, twice), through tmux.
if command -v tmux > /dev/null; then
	tty_p12() {	# tty_p12 FIRST SECOND: export p12 --legacy of the root on a pty
		rm -f "$T/tty.rc"
		tmux -S "$TMUX_SOCK" -f /dev/null new-session -d -s pw -x 120 -y 10 \
			env SOFTHSM2_CONF="$SOFTHSM2_CONF" ASAN_OPTIONS="${ASAN_OPTIONS:-}" \
			sh -c "'$CEREMONY' export p12 '$RS' --home '$R' --legacy > '$T/tty.out' 2> '$T/tty.err'; echo \$? > '$T/tty.rc'; sleep 30"
		for i in $(seq 1 300); do
			tmux -S "$TMUX_SOCK" capture-pane -p -t pw | grep -q "PKCS#12 password:" && break
			sleep 0.1
		done
		tmux -S "$TMUX_SOCK" send-keys -t pw -l "$1"
		tmux -S "$TMUX_SOCK" send-keys -t pw Enter
		for i in $(seq 1 300); do
			tmux -S "$TMUX_SOCK" capture-pane -p -t pw | grep -q "(again):" && break
			sleep 0.1
		done
		tmux -S "$TMUX_SOCK" send-keys -t pw -l "$2"
		tmux -S "$TMUX_SOCK" send-keys -t pw Enter
		for i in $(seq 1 600); do [ -s "$T/tty.rc" ] && break; sleep 0.1; done
		tmux -S "$TMUX_SOCK" capture-pane -p -t pw > "$T/tty.screen"
		tmux -S "$TMUX_SOCK" kill-server
		cat "$T/tty.rc"
	}
	is "two different entries on the terminal: refused" "$(tty_p12 "correct horse battery" "correct horse batterx")" 1
	like "... saying so" "$(cat "$T/tty.err")" "the two entries of the PKCS#12 password differ"
	is "... and no archive" "$(ls "$R/p12/$RS.legacy.p12" 2> /dev/null)" ""
	is "the same twice: the archive is made" "$(tty_p12 "correct horse battery" "correct horse battery")" 0
	unlike "... the password never showed" "$(cat "$T/tty.screen")" "horse"
	ok "... and opens with it (openssl)" openssl pkcs12 -legacy -info -noout \
		-in "$R/p12/$RS.legacy.p12" -passin "file:$T/pw"
else
	skip 6 "tmux is not installed"
fi
audit=$(grep -c 'op=export.p12' "$R/audit.log")
is "every export and refusal after the database opened is audited" "$audit" 11
like "the audit names the archive's hash" "$(grep 'op=export.p12	result=ok' \
	"$R/audit.log" | head -1)" "out=p12:$(sha256sum < "$P12" | cut -c1-64)"
done_testing
