#!/bin/bash
# Templates, policies, CRL templates, scripts and ceremony.cnf are
# self-contained: what the audit record hashes is all that is read.  A
# ".include" or ".pragma" line (OpenSSL would follow it to other files) is
# refused in one line naming the file and the line, before anything else:
# no token work, nothing written.
. "$(dirname "$0")/lib.sh"
H=$T/ca
TPL=$TOP/templates
mktoken inc
c() { "$CEREMONY" "$@"; }
c init --home "$H" --token inc --ca-name "Include Root" > /dev/null
c key generate --home "$H" --pin-file "$T/pin" --label rk --type ec:P-384 > /dev/null 2>&1
c root create --home "$H" --pin-file "$T/pin" --template "$TPL/root-ca.cnf" --key rk > /dev/null 2>&1
openssl ecparam -name secp384r1 -genkey -noout -out "$T/sub.key" 2> /dev/null
openssl req -new -key "$T/sub.key" -subj "/C=XX/O=Example Organisation/CN=Sub CA" \
	-addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
	-addext "keyUsage=critical,keyCertSign,cRLSign" -out "$T/sub.csr"
# The file an include would bring in: harmless looking, never read.
printf '[subca_ext]\nbasicConstraints = critical, CA:TRUE\n' > "$T/extra.cnf"
before=$(tree "$H")

# with FILE LINE...: FILE is a copy of the template with LINE... added at
# its end (the policy named by a full path, since the copy is elsewhere).
with() {
	local f=$1 base=$2; shift 2
	sed "s#^policy *=.*#policy = $TPL/policy-subca.cnf#" "$base" > "$f"
	printf '%s\n' "$@" >> "$f"
}
nlines() { wc -l < "$1" | tr -d ' '; }

with "$T/inc.cnf" "$TPL/subca.cnf" ".include $T/extra.cnf"
fails "sign: a template with .include" c sign --home "$H" --pin-file "$T/pin" \
	--template "$T/inc.cnf" --csr "$T/sub.csr"
like "... names the file, the line and the directive" "$(cat "$T/err")" \
	"^ceremony: template $T/inc.cnf: line $(nlines "$T/inc.cnf") has .include, which is not accepted: put the text in the file itself"
is "... nothing written" "$(tree "$H")" "$before"

with "$T/eq.cnf" "$TPL/subca.cnf" "  .include = $T/extra.cnf"
fails "sign: '.include = F', indented" c sign --home "$H" --pin-file "$T/pin" \
	--template "$T/eq.cnf" --csr "$T/sub.csr"
like "... refused" "$(cat "$T/err")" "line $(nlines "$T/eq.cnf") has .include"

# OpenSSL joins a line ending in a backslash with the next before it reads it.
with "$T/cont.cnf" "$TPL/subca.cnf" '.inc\' "lude $T/extra.cnf"
fails "sign: .include split over a continued line" c sign --home "$H" --pin-file "$T/pin" \
	--template "$T/cont.cnf" --csr "$T/sub.csr"
like "... refused at the line it starts on" "$(cat "$T/err")" "line $(( $(nlines "$T/cont.cnf") - 1 )) has .include"

with "$T/pragma.cnf" "$TPL/subca.cnf" ".pragma includedir:$T"
fails "sign: .pragma includedir" c sign --home "$H" --pin-file "$T/pin" \
	--template "$T/pragma.cnf" --csr "$T/sub.csr"
like "... refused" "$(cat "$T/err")" "has .pragma, which is not accepted"
is "... nothing written by any of them" "$(tree "$H")" "$before"

# A comment that mentions it is only a comment.
cp "$TPL/policy-subca.cnf" "$T/comment.cnf"
printf '# .include is refused\n  # .pragma too\n' >> "$T/comment.cnf"
ok "csr check: a policy whose comments mention them is read" c csr check "$T/sub.csr" \
	--policy "$T/comment.cnf"
like "... and accepts the request" "$(cat "$T/out")" "^verdict: accept"

cp "$TPL/policy-subca.cnf" "$T/policy.cnf"
printf '.include %s\n' "$T/extra.cnf" >> "$T/policy.cnf"
fails "csr check: a policy with .include" c csr check "$T/sub.csr" --policy "$T/policy.cnf"
like "... names it" "$(cat "$T/err")" "^ceremony: policy $T/policy.cnf: line $(nlines "$T/policy.cnf") has .include"
is "... no verdict on stdout" "$(cat "$T/out")" ""

cp "$TPL/crl.cnf" "$T/crl.cnf"
printf '.include %s\n' "$T/extra.cnf" >> "$T/crl.cnf"
fails "crl issue: a CRL template with .include" c crl issue --home "$H" --pin-file "$T/pin" \
	--template "$T/crl.cnf"
like "... names it" "$(cat "$T/err")" "^ceremony: CRL template $T/crl.cnf: line [0-9]+ has .include"
is "... nothing written" "$(tree "$H")" "$before"

cp "$H/ceremony.cnf" "$T/ceremony.cnf.saved"
chmod u+w "$H/ceremony.cnf"
printf '.include %s\n' "$T/extra.cnf" >> "$H/ceremony.cnf"
before=$(tree "$H")
fails "db list: ceremony.cnf with .include" c db list --home "$H"
like "... names it" "$(cat "$T/err")" "^ceremony: the configuration $H/ceremony.cnf: line [0-9]+ has .include"
is "... nothing written" "$(tree "$H")" "$before"
cp "$T/ceremony.cnf.saved" "$H/ceremony.cnf"
ok "the configuration without it is read again" c db list --home "$H"
done_testing
