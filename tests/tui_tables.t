#!/bin/bash
# Tables wrap instead of clipping (issue 17): at 80x24 a certificate whose
# subject is longer than a line is read whole in the database list and its
# details, in the revoke list and confirmation, in the sign inbox with a
# long file name, and in the audit list; every word of it stands whole on
# one line (a wrap breaks at spaces, never inside a word), and no line of
# the body ends in an ellipsis.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui_lib.sh"

H=$T/ca
fixture_root "$H" root || { echo "Bail out! fixture"; exit 1; }
subj="/C=XX/O=Example Organisation of Very Long Names Limited/OU=Certificate Services Division/CN=Issuing CA for the Northern Region"
openssl ecparam -name secp384r1 -genkey -noout -out "$T/long.key" 2> /dev/null
openssl req -new -key "$T/long.key" -subj "$subj" \
	-addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
	-addext "keyUsage=critical,keyCertSign,cRLSign" -out "$T/long.csr"
"$CEREMONY" sign --home "$H" --pin-file "$T/pin" --template "$TOP/templates/subca.cnf" \
	--csr "$T/long.csr" > /dev/null || { echo "Bail out! sign"; exit 1; }
serial=$(grep -v '^#' "$H/index.txt" | awk -F'\t' '$8 == "subca" { s = $6 } END { print s }')
name="request-from-the-northern-region-issuing-ca-for-the-year-2027-renewal.csr"
cp "$T/long.csr" "$H/requests/$name"
rfc=$(openssl x509 -in "$H/certs/$serial.pem" -noout -subject -nameopt RFC2253 | sed 's/^subject=//')
[ -n "$rfc" ] || { echo "Bail out! no subject for $serial"; exit 1; }

# whole DESC: every word of the long subject on one line of the screen,
# and no body line ending in an ellipsis.
whole() {
	local s w cut=""
	s=$(screen)
	for w in $rfc; do
		grep -Fq -- "$w" <<< "$s" || cut="$cut '$w'"
	done
	_result "$([ -z "$cut" ] && echo 0 || echo 1)" "$1: no word cut"
	[ -z "$cut" ] || { diag "cut:$cut"; screen | sed 's/^/#   /'; }
	unlike "$1: no line ends in an ellipsis" "$(body)" '(…|\.\.\.)$'
}

tui_start --home "$H"
shows_text "the status bar's data directory, whole on its own line" "data directory $H"
unlike "no part of the status bar is cut" "$(screen | sed -n 1,2p)" '\.\.\.|…'

keys 6
shows "the database screen" "$serial"
until=$(date -u -d "$(openssl x509 -in "$H/certs/$serial.pem" -noout -enddate | sed 's/^notAfter=//')" +%Y-%m-%d)
shows_text "its row: serial, not after, generation, profile" "V $serial $until 1 subca"
shows_text "the subject, whole" "$rfc"
whole "the database list"
keys Down Enter
shows "Enter opens the details" "history \(index\.txt, oldest first\)"
shows_text "the history's line whole, the subject with it" "$serial 1 subca $rfc"
shows_text "and the certificate's subject" "subject $rfc"
whole "the details"
keys Escape

keys 4
shows "the revoke screen" "V $serial"
shows_text "the row's subject whole" "$serial"
whole "the revoke list"
keys Enter
shows "the reasons are offered" "Reason for the certificate above \(Left/Right, Enter chooses, Esc cancels\):"
shows_text "the confirmation panel names the subject whole" "Subject $rfc"
whole "the revoke reasons"
keys Escape

keys 3
shows "the sign screen" "Inbox "
shows_text "the long file name whole" "$name"
shows_text "its verdict and subject" "accept $rfc"
whole "the sign inbox"
like "a wrapped row's further lines hang under its first column" "$(body)" "^   accept "

keys 7
shows "the audit screen" "Audit log, [0-9]+ records"
keys End
shows_text "the sign record with its serial" "sign ok $serial"
unlike "no audit row is cut with an ellipsis" "$(body)" '(…|\.\.\.)$'
is "no body line fills the width (a cut)" "$(body | head -12 | awk 'length($0) >= 80')" ""
is "q leaves with status 0" "$(tui_quit)" 0
done_testing
