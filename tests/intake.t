#!/bin/bash
# The request intake (ceremony/policy/intake.c): requests are parsed in confined
# processes, one per request, that hold no token session; the signing
# process builds certificates from what they vetted.  A request whose key
# parameters are of an unexpected type (it once crashed the signer) is
# signed with the key re-encoded; a parser that crashes, hangs or tries
# what its confinement forbids is a finding for that request alone: the
# batch goes on, every serial is settled, the session is sealed.
. "$(dirname "$0")/lib.sh"

mktoken ca
c() { "$CEREMONY" "$@"; }
# Serials whose last line in the index is a reservation (P).
reserved() { awk -F'\t' '!/^#/ { s[$6] = $1 } END { for (k in s) n += s[k] == "P"; print n + 0 }' "$H/index.txt"; }
H=$T/ca
c init --home "$H" --module "$MODULE" --token ca > /dev/null
c key generate --home "$H" --pin-file "$T/pin" --label k --type ec:P-256 > /dev/null
sed -e 's/^key_types .*/key_types = ec:P-256/' -e 's/^digest .*/digest = sha256/' \
	"$TOP/templates/root-ca.cnf" > "$T/root.cnf"
c root create --home "$H" --pin-file "$T/pin" --template "$T/root.cnf" --key k > /dev/null
sed -e "s|^policy .*|policy = $TOP/templates/policy-expressway.cnf|" \
	"$TOP/templates/expressway-server.cnf" > "$T/leaf.cnf"
ROOT=$H/export/root-gen1.pem
S=(--home "$H" --pin-file "$T/pin" --template "$T/leaf.cnf")

req() {	# req NAME CN [KEY]: a request for CN with its SAN
	openssl req -new -key "${3:-$T/ec.pem}" -subj "/C=XX/O=Example/CN=$2" \
		-addext "subjectAltName=DNS:$2" \
		-addext "extendedKeyUsage=serverAuth,clientAuth" -out "$T/$1" 2> /dev/null
}
openssl ecparam -name prime256v1 -genkey -noout -out "$T/ec.pem"
openssl genrsa -out "$T/rsa.pem" 2048 2> /dev/null
req rsa.csr odd.example.com "$T/rsa.pem"
openssl req -in "$T/rsa.csr" -outform DER -out "$T/rsa.der"
/usr/bin/python3 "$TOP/tests/fault/odd_spki.py" "$T/rsa.der" "$T/rsa.pem" "$T/odd.der"

# --- the request with odd key parameters ---------------------------------
ok "the odd request's proof of possession holds (openssl req -verify)" \
	openssl req -inform DER -in "$T/odd.der" -verify -noout
is "its key parameters are an OCTET STRING" "$(openssl asn1parse -inform DER \
	-in "$T/odd.der" | grep -A1 rsaEncryption | grep -c 'OCTET STRING')" 1
c csr check --policy "$TOP/templates/policy-expressway.cnf" "$T/odd.der" > "$T/out"
is "csr check rejects it: a verdict (exit 1), not a crash" "$?" 1
like "... for its key's encoding" "$(cat "$T/out")" "error +key-encoding"
like "... every other rule passing" "$(cat "$T/out")" "verdict: REJECT \(1 error,"
idx=$(cat "$H/index.txt")
fails "sign refuses it (no crash)" c sign "${S[@]}" --csr "$T/odd.der"
like "... one line: fails its policy" "$(cat "$T/err")" "odd.der fails policy"
is "... nothing reserved or written in the index" "$(cat "$H/index.txt")" "$idx"
ok "the same key in a standard request is signed" c sign "${S[@]}" --csr "$T/rsa.csr"
serial=$(sed -n 's/^  serial *//p' "$T/out")
cert=$H/export/$serial.pem
is "... it certifies the request's key" \
	"$(openssl x509 -in "$cert" -noout -pubkey | openssl pkey -pubin -outform DER | sha256sum)" \
	"$(openssl pkey -in "$T/rsa.pem" -pubout -outform DER | sha256sum)"
hex=$(openssl x509 -in "$cert" -outform DER | od -An -tx1 | tr -d ' \n')
is "... rsaEncryption with NULL parameters, as the encoder writes them" \
	"$(echo "$hex" | grep -c 06092a864886f70d0101010500)" 1
verify_all_chain "the RSA request's certificate" "$ROOT" "$cert"

# --- the same request in a batch of good ones -----------------------------
seals=$(wc -l < "$H/audit.seals")
for n in 1 2 3; do req "good$n.csr" "g$n.example.com"; done
cp "$T/good1.csr" "$T/good2.csr" "$T/good3.csr" "$H/requests/"
cp "$T/odd.der" "$H/requests/odd.der"
fails_like "a batch with the odd request among three good ones" '1 of 4 requests rejected: see .*/requests/rejected/' c sign --inbox "${S[@]}"
like "... signs the three, rejects the odd one" "$(cat "$T/out")" "3 signed, 1 rejected, 4 in all"
like "... its report names the key's encoding" \
	"$(cat "$H/requests/rejected/odd.der.findings")" "key-encoding"
is "... nothing is left reserved (P) in the index" "$(reserved)" 0
is "... the session is sealed" "$(wc -l < "$H/audit.seals")" $((seals + 1))
ok "... audit verify is clean" c audit verify --home "$H"
ok "... db verify is clean" c db verify --home "$H"

# --- faults a real request cannot be counted on to produce ---------------
cc -shared -fPIC -O1 -o "$T/fault.so" "$TOP/tests/fault/intake_fault.c" -ldl
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
fault() { LD_PRELOAD=$T/fault.so FAULT_FILE=$T/written "$CEREMONY" "$@"; }
req crash.csr fault-crash.example.com
req escape.csr fault-open.example.com
req write.csr fault-write.example.com
for n in 4 5 6; do req "good$n.csr" "g$n.example.com"; done
cp "$T"/crash.csr "$T"/escape.csr "$T"/write.csr "$T"/good[456].csr "$H/requests/"
before=$(grep -c '^V' "$H/index.txt")
seals=$(wc -l < "$H/audit.seals")
fails_like "a batch with a crashing, an escaping and a writing parser" '3 of 6 requests rejected: see .*/requests/rejected/' fault sign --inbox "${S[@]}"
like "... the good three are signed" "$(cat "$T/out")" "3 signed, 3 rejected, 6 in all"
is "... three more valid certificates" "$(grep -c '^V' "$H/index.txt")" $((before + 3))
like "... the crash is a finding for that request" "$(cat "$T/out")" \
	"crash.csr +rejected +.*/crash.csr could not be parsed safely"
like "... its report is beside it" "$(cat "$H/requests/rejected/crash.csr.findings")" \
	"could not be parsed safely: its parser (was killed by signal|failed)"
like "... a parser that opens a file is killed by its confinement" \
	"$(cat "$H/requests/rejected/escape.csr.findings")" "killed by signal 31"
like "... so is one that creates a file" \
	"$(cat "$H/requests/rejected/write.csr.findings")" "killed by signal 31"
ok "... and the file was not created" test ! -e "$T/written"
is "... the signed ones are in done/" "$(ls "$H/requests/done" | grep -c good[456])" 3
is "... nothing is left reserved (P)" "$(reserved)" 0
is "... the session is sealed" "$(wc -l < "$H/audit.seals")" $((seals + 1))
ok "... audit verify is clean" c audit verify --home "$H"
ok "... db verify is clean" c db verify --home "$H"

# A request that took its parser over answers for the next one with its
# own key and names: the signing process finds them not in that request.
openssl ecparam -name prime256v1 -genkey -noout -out "$T/evil.pem"
req aa-poison.csr fault-poison.example.com "$T/evil.pem"
req bb-victim.csr victim.example.com
cp "$T/aa-poison.csr" "$T/bb-victim.csr" "$H/requests/"
before=$(grep -c '^V' "$H/index.txt")
fault sign --inbox "${S[@]}" > "$T/out" 2> "$T/err"
like "a parser's answer for another request's key is refused" "$(cat "$T/out")" \
	"bb-victim.csr +rejected +.*could not be parsed safely: its parser's answer is not about this request's bytes"
like "... the poisoning request itself is signed as what it is" "$(cat "$T/out")" \
	"aa-poison.csr +signed"
is "... one certificate, for the poisoning request's key only" \
	"$(grep -c '^V' "$H/index.txt")" $((before + 1))
unlike "... none names the victim" "$(grep '^V' "$H/index.txt")" "victim"

req loud.csr fault-stderr.example.com
ok "a parser that writes escape sequences to stderr" fault csr show "$T/loud.csr"
is "... reaches no terminal: the command's stderr has no ESC" \
	"$(grep -c "$(printf '\033')" "$T/err")" 0

req hang.csr fault-hang.example.com
cp "$T/hang.csr" "$T/good1.csr" "$H/requests/"
LD_PRELOAD=$T/fault.so "$CEREMONY" sign --inbox "${S[@]}" > "$T/out" 2> "$T/err" &
bg=$!
sleep 3
intake=$(ps -o pid= --ppid $bg | head -1 | tr -d ' ')
parser=$(ps -o pid= --ppid "$intake" | head -1 | tr -d ' ')
ok "while a parser works, the intake process exists" test -n "$intake" -a -n "$parser"
is "... the intake has no PKCS#11 module in its memory (forked before the token was opened)" \
	"$(grep -c -i softhsm "/proc/$intake/maps")" 0
is "... the signing process has it" "$(grep -c -i -m1 softhsm "/proc/$bg/maps")" 1
fds=$(for f in /proc/$intake/fd/*; do n=${f##*/}; [ "$n" -gt 2 ] && readlink "$f"; done | sed 's/:.*//' | sort | uniq -c | xargs)
is "... beyond stdin, stdout and stderr the intake holds its socket and its parser's two pipes" \
	"$fds" "2 pipe 1 socket"
is "... stdin, stdout and stderr are /dev/null (nothing of a parser reaches the terminal)" \
	"$(readlink "/proc/$intake/fd/0") $(readlink "/proc/$intake/fd/1") $(readlink "/proc/$intake/fd/2")" \
	"/dev/null /dev/null /dev/null"
is "... the intake is under a seccomp filter" "$(awk '/^Seccomp:/ { print $2 }' "/proc/$intake/status")" 2
is "... so is the parser" "$(awk '/^Seccomp:/ { print $2 }' "/proc/$parser/status")" 2
is "... the parser may create no descriptor" "$(awk '/open files/ { print $4 }' "/proc/$parser/limits")" 0
wait $bg
is "a parser that hangs is stopped: the batch fails" "$?" 1
like "... after its timeout, for that request only" "$(cat "$T/out")" \
	"1 signed, 1 rejected, 2 in all"
like "... its report says so" "$(cat "$H/requests/rejected/hang.csr.findings")" \
	"did not finish within 10 s"

fails "a single sign of a crashing request" fault sign "${S[@]}" --csr "$T/crash.csr"
like "... one line: could not be parsed safely" "$(cat "$T/err")" \
	"^ceremony: .*crash.csr could not be parsed safely"
fails "csr show of a crashing request" fault csr show "$T/crash.csr"
like "... one line" "$(cat "$T/err")" "^ceremony: .*could not be parsed safely"

# --- what the intake holds -------------------------------------------------
pid_tree() { ps -o pid= --ppid "$1"; }
"$CEREMONY" sign "${S[@]}" --csr "$T/good2.csr" > /dev/null 2>&1 &
wait $!
ok "the intake process is gone when the command ends" \
	test -z "$(ps -eo args | grep -c '[c]eremony sign' | grep -v '^0$')"

done_testing
