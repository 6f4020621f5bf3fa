#!/bin/bash
# db import-openssl on a database ceremony did not make, of a few hundred
# certificates: three made and revoked by openssl ca itself, the rest by
# bench/ossl-gen.c in openssl ca's formats, each signed by the CA key, all
# revoked with six reasons.  The CRL ceremony issues for the imported
# database lists what openssl ca -gencrl lists, field by field; one thread
# or several give the same database; a bad signature in the middle is
# refused under threads with its serial named and nothing imported; an
# import killed in the middle leaves a database db verify finds clean.
. "$(dirname "$0")/lib.sh"

N=300
D=$T/ossl
c() { "$CEREMONY" "$@"; }
GEN=$BUILD/bench-ossl-gen
[ -x "$GEN" ] || { echo "Bail out! no $GEN (make all builds it)"; exit 1; }

# The openssl ca database.
mkdir -p "$D/newcerts"
cat > "$D/ca.cnf" <<CNF
[ca]
default_ca = c
[c]
dir = $D
database = \$dir/index.txt
new_certs_dir = \$dir/newcerts
serial = \$dir/serial
crlnumber = \$dir/crlnumber
certificate = \$dir/ca.pem
private_key = \$dir/ca.key
default_md = sha384
default_days = 3650
default_crl_days = 30
policy = p
unique_subject = no
crl_extensions = crl_ext
x509_extensions = leaf
[p]
commonName = supplied
[leaf]
basicConstraints = critical, CA:FALSE
authorityKeyIdentifier = keyid:always
[crl_ext]
authorityKeyIdentifier = keyid:always
CNF
{
	openssl ecparam -name secp384r1 -genkey -noout -out "$D/ca.key" &&
	openssl req -x509 -new -key "$D/ca.key" -sha384 -days 7300 -subj "/CN=Legacy Root" \
		-addext "basicConstraints=critical,CA:TRUE" \
		-addext "keyUsage=critical,keyCertSign,cRLSign" -out "$D/ca.pem" &&
	: > "$D/index.txt" && echo 01 > "$D/serial" && echo 01 > "$D/crlnumber" &&
	openssl ecparam -name prime256v1 -genkey -noout -out "$D/leaf.key" &&
	for i in 1 2 3; do
		openssl req -new -key "$D/leaf.key" -subj "/CN=ca$i.example.com" -out "$D/r$i.csr" &&
		openssl ca -config "$D/ca.cnf" -batch -notext -in "$D/r$i.csr" -out "$D/c$i.pem" || exit 1
	done &&
	openssl ca -config "$D/ca.cnf" -revoke "$D/c1.pem" -crl_compromise 20261031120000Z &&
	openssl ca -config "$D/ca.cnf" -revoke "$D/c2.pem" -crl_reason superseded &&
	openssl ca -config "$D/ca.cnf" -revoke "$D/c3.pem" -crl_hold holdInstructionReject
} > "$T/setup.log" 2>&1
ok "openssl ca made three certificates and revoked them" test "$(cut -c1 "$D/index.txt" | tr -d '\n')" = RRR
ok "the generator adds $((N - 3)) more, signed by the CA key" "$GEN" "$D" $((N - 3)) "$D/ca.key" "$D/ca.pem"
is "the index has $N revoked lines" "$(grep -c '^R	' "$D/index.txt")" "$N"
is "six reasons" "$(cut -f3 "$D/index.txt" | cut -d, -f2 | sort -u | tr '\n' ' ')" \
	"affiliationChanged cessationOfOperation holdInstruction keyTime superseded unspecified "
ok "openssl accepts the generated certificates" openssl verify -CAfile "$D/ca.pem" "$D/newcerts/$(sed -n 100p "$D/index.txt" | cut -f4).pem"

# One thread and two give the same database.
mktoken osc
softhsm2-util --import <(openssl pkcs8 -topk8 -nocrypt -in "$D/ca.key") --token osc --label rk \
	--id 01 --pin "$USER_PIN" > /dev/null 2>&1 ||
	{ openssl pkcs8 -topk8 -nocrypt -in "$D/ca.key" -out "$T/ca.p8"
	  softhsm2-util --import "$T/ca.p8" --token osc --label rk --id 01 --pin "$USER_PIN" > /dev/null; }
imp() {	# imp HOME THREADS [INDEX]
	c init --home "$1" --module "$MODULE" --token osc > /dev/null &&
	CEREMONY_THREADS=$2 c db import-openssl "${3:-$D/index.txt}" "$D/newcerts" --ca "$D/ca.pem" --home "$1"
}
ok "import with one thread" imp "$T/h1" 1
ok "import with four threads" imp "$T/h4" 4
like "... all $N revoked" "$(cat "$T/out")" "0 valid, $N revoked"
is "the same index" "$(sha256sum < "$T/h4/index.txt")" "$(sha256sum < "$T/h1/index.txt")"
like "... with the index's header kept" "$(head -1 "$T/h4/index.txt")" '^# ceremony index v2: '
is "the same certificate files" "$(cd "$T/h4/certs" && sha256sum -- * | sha256sum)" \
	"$(cd "$T/h1/certs" && sha256sum -- * | sha256sum)"
is "$N certificate files" "$(ls "$T/h4/certs" | wc -l)" "$N"
is "the index in the source's order: P, V, R for each" \
	"$(awk -F'\t' '$1 == "R" { print $6 }' "$T/h4/index.txt" | tr -d '\n')" "$(cut -f4 "$D/index.txt" | tr -d '\n')"
like "audited with the index's hash" "$(grep op=db.import-openssl "$T/h4/audit.log" | tail -1)" \
	"result=ok	in=index:$(sha256sum < "$D/index.txt" | cut -c1-64)"
unlike "no staging folder left" "$(ls -a "$T/h4")" '^\.import'
ok "the imported database verifies" c db verify --home "$T/h4"

# The verifying threads under helgrind (the plain build: valgrind and the
# sanitizers do not mix): no data race, no lock misuse.
if command -v valgrind > /dev/null && [ "${BUILD##*/}" = build ]; then
	head -16 "$D/index.txt" > "$T/i16.txt"
	c init --home "$T/hg" --module "$MODULE" --token osc > /dev/null
	ok "import with four threads under helgrind" env CEREMONY_THREADS=4 valgrind -q --tool=helgrind \
		--log-file="$T/hg.log" --error-exitcode=99 --suppressions="$TOP/tests/helgrind.supp" \
		"$CEREMONY" db import-openssl "$T/i16.txt" "$D/newcerts" --ca "$D/ca.pem" --home "$T/hg" ||
		sed 's/^/#   /' "$T/hg.log" | head -40
	is "... the same index as one thread's first 16" "$(awk -F'\t' '$1 == "R" { print $6 }' "$T/hg/index.txt" | tr -d '\n')" \
		"$(cut -f4 "$T/i16.txt" | tr -d '\n')"
else
	skip 2 "helgrind runs on the plain build with valgrind"
fi

# The CRL of the imported database, field by field against openssl's own.
sed '/^idp/d' "$TOP/templates/crl.cnf" > "$T/crl.cnf"
ok "crl issue on the imported database" c crl issue --home "$T/h4" --pin-file "$T/pin" --template "$T/crl.cnf"
# On a copy: -gencrl counts crlnumber up, and the import reads it.
cp -a "$D" "$T/oc" && sed -i "s|^dir = .*|dir = $T/oc|" "$T/oc/ca.cnf"
ok "openssl ca -gencrl on the same database" openssl ca -config "$T/oc/ca.cnf" -gencrl -out "$T/ossl.crl"
# entries TEXT: serial, revocation date, reason, invalidity date, one line
# each.  openssl ca writes reasonCode unspecified; ceremony leaves it out,
# as RFC 5280 5.3.1 says it should: both read as no reason here.
entries() {
	awk '/Serial Number:/ { if (s != "") print s "|" d "|" r "|" i; s = $3; d = r = i = ""; next }
		/Revocation Date:/ { sub(/.*Revocation Date: */, ""); d = $0; next }
		/CRL Reason Code/ { getline; gsub(/^ +/, ""); r = ($0 == "Unspecified" ? "" : $0); next }
		/Invalidity Date/ { getline; gsub(/^ +/, ""); i = $0; next }
		/Signature Algorithm/ && s != "" { print s "|" d "|" r "|" i; s = "" }
		END { if (s != "") print s "|" d "|" r "|" i }' | sort
}
ours=$(openssl crl -inform DER -in "$T/h4/crls/gen-1/1.crl" -noout -text | entries)
theirs=$(openssl crl -in "$T/ossl.crl" -noout -text | entries)
is "ceremony's CRL lists $N serials" "$(echo "$ours" | wc -l)" "$N"
is "every serial, revocation date, reason and invalidity date as openssl ca's" "$ours" "$theirs"
like "... keyCompromise with its invalidity date among them" "$ours" '\|Key Compromise\|Oct 3[01] .* 2026 GMT$'
ok "ceremony's CRL verifies under the CA" openssl crl -inform DER -in "$T/h4/crls/gen-1/1.crl" -noout -verify -CAfile "$D/ca.pem"
# A later CRL does not read certs/ (a file per certificate) for what an
# interrupted write left; the next command that writes certificates does.
touch "$T/h4/certs/.X.pem.tmp-0123456789ab"
ok "a later crl issue" c crl issue --home "$T/h4" --pin-file "$T/pin" --template "$T/crl.cnf"
ok "... leaves certs/ as it is" test -e "$T/h4/certs/.X.pem.tmp-0123456789ab"
ok "db recover, a command that writes certificates" c db recover --home "$T/h4"
ok "... removes the temporary file" test ! -e "$T/h4/certs/.X.pem.tmp-0123456789ab"

# A bad signature in the middle, under threads.
B=$T/bad
mkdir -p "$B"
cp -a "$D/newcerts" "$B/"
S=$(sed -n 150p "$D/index.txt" | cut -f4)
openssl x509 -in "$D/newcerts/$S.pem" -outform DER -out "$T/x.der"
len=$(stat -c %s "$T/x.der")
printf '\x01' | dd of="$T/x.der" bs=1 seek=$((len - 5)) conv=notrunc status=none
openssl x509 -inform DER -in "$T/x.der" -out "$B/newcerts/$S.pem"
c init --home "$T/hb" --module "$MODULE" --token osc > /dev/null
before=$(tree "$T/hb" | grep -v audit.log)
fails_like "a certificate with a bad signature at line 150 is refused under two threads" \
	"index.txt line 150 \(serial $S\): its certificate is not signed by the CA given" \
	env CEREMONY_THREADS=2 "$CEREMONY" db import-openssl "$D/index.txt" "$B/newcerts" --ca "$D/ca.pem" --home "$T/hb"
is "... nothing imported, no staging folder left" "$(tree "$T/hb" | grep -v audit.log)" "$before"

# Killed in the middle: as a power cut would, at the write of certificate 200.
cc -shared -fPIC -O1 -o "$T/crash.so" "$TOP/tests/fault/crash_fault.c" -ldl ||
	{ echo "Bail out! cannot build the crash shim"; exit 1; }
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
S=$(sed -n 200p "$D/index.txt" | cut -f4)
MARK=$(sed -n 3p "$D/newcerts/$S.pem")
c init --home "$T/hk" --module "$MODULE" --token osc > /dev/null
c db list --home "$T/hk" > /dev/null	# the index as a first open leaves it
idx0=$(sha256sum < "$T/hk/index.txt")
LD_PRELOAD=$T/crash.so CEREMONY_CRASH_BEFORE=$MARK CEREMONY_THREADS=2 "$CEREMONY" db import-openssl \
	"$D/index.txt" "$D/newcerts" --ca "$D/ca.pem" --home "$T/hk" > "$T/out" 2>&1
is "the import died at certificate 200" "$?" 137
ok "db verify finds the database clean" c db verify --home "$T/hk"
is "... nothing of it in the index" "$(sha256sum < "$T/hk/index.txt")" "$idx0"
ok "... and succeeds" env CEREMONY_THREADS=2 "$CEREMONY" db import-openssl "$D/index.txt" "$D/newcerts" \
	--ca "$D/ca.pem" --home "$T/hk"
like "... removing what the killed one left" "$(cat "$T/err")" "removed \.import\.tmp-.*, left by an interrupted import"
is "... the same index as an import never interrupted" "$(sha256sum < "$T/hk/index.txt")" "$(sha256sum < "$T/h1/index.txt")"
ok "... and db verify is clean" c db verify --home "$T/hk"
done_testing
