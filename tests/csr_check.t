#!/bin/bash
# ceremony csr check on the CSR corpus (tests/csr_corpus.sh): every valid
# request accepted (exit 0), every request breaking one rule rejected
# (exit 1) with the finding named after it, malformed input exit 2 with
# one error line; a request breaking many rules lists them all; --json
# parses and says the same.
. "$(dirname "$0")/lib.sh"

C=$T/corpus
sh "$TOP/tests/csr_corpus.sh" "$C" "$BUILD" || { echo "Bail out! corpus"; exit 1; }

policy_of() {	# policy_of FILE: the policy its name asks for
	case ${1%%--*} in
	dns)	echo "$C/policy-dns.cnf" ;;
	*)	echo "$TOP/templates/policy-${1%%--*}.cnf" ;;
	esac
}

codes() {	# the finding codes of the last text report, one line
	awk '/^(error|warning) /{ print $2 }' "$T/out" | sort -u | tr '\n' ' '
}

cd "$C"
for f in *--*.csr *--*.der; do
	case $f in bad--*|*--multi.csr) continue ;; esac
	want=${f#*--}
	want=${want%%.*}
	"$CEREMONY" csr check "$f" --policy "$(policy_of "$f")" > "$T/out" 2> "$T/err"
	rc=$?
	case $want in
	ok-*)
		is "$f: accepted" "$rc $(codes)" "0 " ;;
	san-duplicate|subject-multi-valued-rdn)	# warnings do not reject
		is "$f: accepted with warning $want" "$rc $(codes)" "0 $want " ;;
	*)
		is "$f: rejected with $want alone" "$rc $(codes)" "1 $want " ;;
	esac
done

# Malformed input: exit 2, one line that says what is wrong.
bad() {		# bad FILE ERE
	fails "$1: no verdict" "$CEREMONY" csr check "$1" \
		--policy "$TOP/templates/policy-expressway.cnf"
	is "$1: exit 2" "$("$CEREMONY" csr check "$1" \
		--policy "$TOP/templates/policy-expressway.cnf" > /dev/null 2>&1; echo $?)" 2
	like "$1: says why" "$(cat "$T/err")" "$2"
}
bad bad--empty.csr "is empty"
bad bad--truncated.der "truncated DER"
bad bad--trailing.der "trailing data after the .*request"
bad bad--base64.csr "bad base64"
bad bad--text.csr "not a certificate request in PEM or DER"
bad bad--certificate.csr "this is a certificate, not a certificate request"
bad bad--certificate.der "this is a certificate, not a certificate request"
bad bad--pubkey.csr 'a PEM "PUBLIC KEY", not a certificate request'
fails "missing file: one line" "$CEREMONY" csr check nosuch.csr \
	--policy "$TOP/templates/policy-expressway.cnf"

# Proof of possession: a readable request, rejected, nothing else looked at.
"$CEREMONY" csr check expressway--pop-failed.der \
	--policy "$TOP/templates/policy-expressway.cnf" > "$T/out" 2>&1
like "flipped signature: finding pop-failed" "$(cat "$T/out")" "^error +pop-failed"
like "flipped signature: says why" "$(cat "$T/out")" \
	"proof of possession failed: the request's signature does not verify with its own key"

# Every finding, not the first.
"$CEREMONY" csr check expressway--multi.csr \
	--policy "$TOP/templates/policy-expressway.cnf" > "$T/out" 2> "$T/err"
is "many rules broken: all listed" "$(codes)" "ca-not-allowed cn-not-fqdn \
cn-not-in-san digest-weak eku-missing key-size san-ip san-not-fqdn \
san-wildcard subject-c-format "
like "the rule that set each finding is a [policy] key" "$(cat "$T/out")" \
	"san-ip +san_types +IP:192.0.2.1"
like "the verdict counts them" "$(cat "$T/out")" "verdict: REJECT \(10 errors"

# --json: one object a JSON parser reads, with the same findings.
json() {	# json FILE POLICY PERL-EXPR: evaluate EXPR on the parsed object
	"$CEREMONY" csr check "$1" --policy "$2" --json > "$T/json" 2> /dev/null
	perl -MJSON::PP -e '
		local $/; open my $f, "<", $ARGV[0] or die; my $j = decode_json(<$f>);
		print eval $ARGV[1]; die $@ if $@' "$T/json" "$3"
}
P=$TOP/templates/policy-expressway.cnf
is "--json: verdict and codes" "$(json expressway--multi.csr "$P" \
	'$j->{verdict} . " " . join(",", sort map { $_->{code} } @{$j->{findings}})')" \
	"reject ca-not-allowed,cn-not-fqdn,cn-not-in-san,digest-weak,eku-missing,key-size,san-ip,san-not-fqdn,san-wildcard,subject-c-format"
is "--json: value, rule, severity, text" "$(json expressway--san-ip.csr "$P" \
	'my ($x) = @{$j->{findings}}; "$x->{value}|$x->{rule}|$x->{severity}|" . ($x->{text} ne "")')" \
	"IP:192.0.2.10|san_types|error|1"
is "--json: accept" "$(json expressway--ok-p256.csr "$P" \
	'"$j->{verdict} $j->{errors} " . scalar @{$j->{findings}} . " $j->{policy}"')" \
	"accept 0 0 policy-expressway"
is "--json: unreadable" "$(json bad--truncated.der "$P" '$j->{verdict}')" "unreadable"
# SHA-1: refused by its stable code, in the text and the JSON alike.
"$CEREMONY" csr check expressway--digest-weak.csr --policy "$P" > "$T/out" 2> "$T/err"
is "SHA-1 signed: exit 1" "$?" 1
like "SHA-1 signed: text names digest-weak, its rule and value" "$(cat "$T/out")" \
	"^error +digest-weak +digests +sha1$"
like "SHA-1 signed: ... says why and what to do" "$(cat "$T/out")" \
	"signed with sha1, which is broken: sign it with SHA-256 or better"
like "SHA-1 signed: ... the verdict is a reject" "$(cat "$T/out")" "^verdict: REJECT \(1 error, 0 warnings\)$"
is "SHA-1 signed: --json gives the same code, rule, value, severity" \
	"$(json expressway--digest-weak.csr "$P" '"$j->{verdict} $j->{errors} " .
	join(";", map { "$_->{code},$_->{rule},$_->{value},$_->{severity}" } @{$j->{findings}})')" \
	"reject 1 digest-weak,digests,sha1,error"
# Escaping: a quote, a backslash and a control character in a value.
printf '[policy]\nkey_types = ec:P-256\nextensions_allowed = subjectAltName\n' > "$T/p.cnf"
openssl req -new -key k-P-256.pem -subj "$(printf '/CN=a"b\\\\c\001d')" \
	-addext "subjectAltName=DNS:x.example.com" -out "$T/q.csr" 2>/dev/null
is "--json: escaped strings parse back" "$(json "$T/q.csr" "$T/p.cnf" \
	'join "|", map { $_->{value} } @{$j->{findings}}')" \
	"$(printf 'CN=a"b\\c\001d')"
"$CEREMONY" csr check "$T/q.csr" --policy "$T/p.cnf" > "$T/out"
like "text: control characters shown escaped" "$(cat "$T/out")" 'CN=a"b\\\\c\\x01d'

# A bad policy: one line naming the file and the key, exit 2.
printf '[policy]\nkey_types = ec:P-256\nextensions_allowed = subjectAltName\ncolour = blue\n' > "$T/bad.cnf"
fails "bad policy: one line" "$CEREMONY" csr check expressway--ok-p256.csr --policy "$T/bad.cnf"
like "bad policy: names file and key" "$(cat "$T/err")" "bad.cnf: unknown key \"colour\""
printf '[policy]\nkey_types = ec:P-256\nextensions_allowed = subjectAltName\ndigests = sha1\n' > "$T/bad.cnf"
fails_like "policy allowing SHA-1: refused" 'bad.cnf: digests: "sha1" is not allowed: use sha256, sha384 or sha512' "$CEREMONY" csr check expressway--ok-p256.csr --policy "$T/bad.cnf"
is "policy allowing SHA-1: no verdict printed" "$(cat "$T/out")" ""
printf '[policy\nkey_types = ec:P-256\n' > "$T/bad.cnf"
fails "unreadable policy: one line" "$CEREMONY" csr check expressway--ok-p256.csr --policy "$T/bad.cnf"
like "unreadable policy: names the line" "$(cat "$T/err")" "bad.cnf: line 1"
fails_like "no --policy: one line" 'csr check: give the policy with --policy FILE' "$CEREMONY" csr check expressway--ok-p256.csr

done_testing
