#!/bin/bash
# A certificate is issued only with the record of its signing.  Signing
# writes the certificate file, then its audit record, then the index line
# that says valid.  A crash before the record leaves the serial reserved
# with a file the log never heard of: db recover voids it.  A crash after
# the record leaves it reserved with its record: db recover records it
# valid.  Either way db verify and audit verify find the directory
# consistent afterwards, for one request (sign) as for a batch
# (sign --inbox).  The crash is a preloaded write() that ends the process
# at the signing's record (tests/fault/crash_fault.c).
. "$(dirname "$0")/lib.sh"

TPL=$TOP/templates
R=$T/root
c() { "$CEREMONY" "$@"; }
cc -shared -fPIC -O1 -o "$T/crash.so" "$TOP/tests/fault/crash_fault.c" -ldl ||
	{ echo "Bail out! cannot build the crash shim"; exit 1; }
# The sanitizer build takes a preloaded library after its own runtime.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
MARK=$(printf '\top=sign\t')
crash() {	# crash before|after CMD...
	local when=$1; shift
	if [ "$when" = before ]; then
		LD_PRELOAD=$T/crash.so CEREMONY_CRASH_BEFORE=$MARK "$@"
	else
		LD_PRELOAD=$T/crash.so CEREMONY_CRASH_AFTER=$MARK "$@"
	fi > "$T/out" 2> "$T/err"
}
# The serials whose last line says reserved (the index is append-only).
reserved() {
	awk -F'\t' '{ st[$6] = $1 } END { for (s in st) if (st[s] == "P") print s }' \
		"$R/index.txt" | sort
}
status() { grep -P "\t$1\t" "$R/index.txt" | tail -1 | cut -f1; }
signs() { grep -cP '\top=sign\tresult=ok\t' "$R/audit.log"; }

ok "a root CA and four requests" root_home "$R" a b c d
sign_one() {
	c sign --home "$R" --pin-file "$T/pin" --template "$TPL/subca.cnf" \
		--csr "$R/requests/$1.csr"
}

# --- One request, a crash before its record.
n0=$(signs)
crash before sign_one a
is "sign dies at its record" "$?" 137
s=$(reserved)
like "... its serial is reserved" "$s" '^[0-9A-F]+$'
ok "... its certificate file was written" test -s "$R/certs/$s.pem"
is "... the log has no record of it" "$(signs)" "$n0"
fails "db verify finds it" c db verify --home "$R"
like "... reserved, a file, not recorded" "$(cat "$T/out")" \
	"serial $s is still reserved \(P\): certificate file exists"
ok "db recover settles it" c db recover --home "$R"
like "... void: its signing was never recorded" "$(cat "$T/err")" \
	"serial $s void \(certs/$s.pem was signed but its signing was never recorded in the audit log\); recorded X"
is "... X in the index" "$(status "$s")" X
ok "... db verify: consistent" c db verify --home "$R"
ok "... audit verify: clean" c audit verify --home "$R"

# --- One request, a crash after its record.
crash after sign_one b
is "sign dies right after its record" "$?" 137
s=$(reserved)
like "... its serial is reserved" "$s" '^[0-9A-F]+$'
is "... the log records its signing" "$(signs)" $((n0 + 1))
like "... with the certificate" "$(grep -P '\top=sign\tresult=ok\t' "$R/audit.log" | tail -1)" \
	"out=cert:$(openssl x509 -in "$R/certs/$s.pem" -outform DER | sha256sum | cut -c1-64)"
ok "db recover settles it" c db recover --home "$R"
like "... issued" "$(cat "$T/err")" "serial $s issued: its certificate verifies under CA generation 1; recorded V"
is "... V in the index" "$(status "$s")" V
ok "... db verify: consistent" c db verify --home "$R"
ok "... audit verify: clean" c audit verify --home "$R"
ok "... the certificate verifies" openssl verify -CAfile "$R/ca/gen-1.pem" "$R/certs/$s.pem"

# --- A batch, a crash before its records: both void.
mkdir -p "$T/held" && mv "$R/requests/d.csr" "$T/held/"
rm -f "$R/requests/a.csr" "$R/requests/b.csr"
cp "$T/held/d.csr" "$R/requests/e.csr"
crash before c sign --inbox --home "$R" --pin-file "$T/pin" --template "$TPL/subca.cnf"
is "sign --inbox dies at its records" "$?" 137
is "... two serials reserved" "$(reserved | wc -l)" 2
is "... the requests are still in the inbox" "$(ls "$R/requests" | grep -c '\.csr$')" 2
ok "db recover settles them" c db recover --home "$R"
like "... both void" "$(cat "$T/out")" "2 reserved serials settled: 0 issued \(V\), 2 void \(X\)"
ok "... db verify: consistent" c db verify --home "$R"

# --- The same batch again, a crash after its records: both valid.
crash after c sign --inbox --home "$R" --pin-file "$T/pin" --template "$TPL/subca.cnf"
is "sign --inbox dies right after its records" "$?" 137
is "... two serials reserved" "$(reserved | wc -l)" 2
ok "db recover settles them" c db recover --home "$R"
like "... both issued" "$(cat "$T/out")" "2 reserved serials settled: 2 issued \(V\), 0 void \(X\)"
ok "... db verify: consistent" c db verify --home "$R"
ok "... audit verify: clean" c audit verify --home "$R"

# --- A batch on four sessions, 150 requests: the signers are ahead of the
# recorder, so at its first records many more serials are reserved, some
# signed.  A crash before them voids them all; a crash right after leaves
# the recorded ones valid and the rest void.  Either way no serial is used
# twice, and the next run signs the requests still in the inbox.
for i in $(seq -f '%03g' 1 150); do echo "$i"; done |
	xargs -P2 -I{} openssl req -new -key "$T/k.key" -subj "/C=XX/O=Example/CN=Many {}" \
	-out "$R/requests/m{}.csr"
batch4() { c sign --inbox --home "$R" --pin-file "$T/pin" --template "$TPL/subca.cnf" --sessions 4; }
twice() { awk -F'\t' '$1 == "P" { n[$6]++ } END { for (s in n) if (n[s] > 1) print s }' "$R/index.txt" | wc -l; }
crash before batch4
is "four sessions: sign --inbox dies at its first records" "$?" 137
p=$(reserved | wc -l)
ok "... more than one serial reserved ($p)" test "$p" -gt 1
is "... the requests are still in the inbox" "$(ls "$R/requests" | grep -c '^m.*\.csr$')" 150
ok "db recover settles them" c db recover --home "$R"
like "... all void" "$(cat "$T/out")" "$p reserved serials settled: 0 issued \(V\), $p void \(X\)"
ok "... db verify: consistent" c db verify --home "$R"
n0=$(signs)
crash after batch4
is "four sessions: sign --inbox dies right after its first records" "$?" 137
p=$(reserved | wc -l)
k=$(( $(signs) - n0 ))
ok "... some recorded ($k), more reserved ($p)" test "$k" -gt 0 -a "$p" -ge "$k"
ok "db recover settles them" c db recover --home "$R"
like "... the recorded ones issued, the rest void" "$(cat "$T/out")" \
	"$p reserved serials settled: $k issued \(V\), $((p - k)) void \(X\)"
ok "... db verify: consistent" c db verify --home "$R"
ok "... audit verify: clean" c audit verify --home "$R"
# (db recover settles serials, not requests: those of the recorded
# certificates are still in the inbox too, as docs/batch.md says.)
left=$(ls "$R/requests" | grep -c '\.csr$')
ok "the next run signs what is left ($left)" batch4
like "... all of it" "$(tail -1 "$T/out")" "^$left signed, 0 rejected, $left in all \(on 4 token sessions\)$"
is "... no serial reserved twice" "$(twice)" 0
is "... none left reserved" "$(reserved | wc -l)" 0
ok "... db verify: consistent" c db verify --home "$R"
ok "... audit verify: clean" c audit verify --home "$R"

# --- The root: its record before its index line too.  A crash right
# after root.create's record leaves its serial reserved and no CA
# installed: db recover voids it (nothing verifies under a CA that was
# never installed), and root create runs again.
R=$T/root2
mktoken root2
c init --home "$R" --module "$MODULE" --token root2 > /dev/null 2>&1
c key generate --home "$R" --pin-file "$T/pin" --label rk --type ec:P-384 > /dev/null 2>&1
root_create() {
	c root create --home "$R" --pin-file "$T/pin" \
		--template "$TPL/root-ca.cnf" --key rk
}
LD_PRELOAD=$T/crash.so CEREMONY_CRASH_AFTER=$(printf '\top=root.create\t') \
	root_create > "$T/out" 2> "$T/err"
is "root create dies right after its record" "$?" 137
s=$(reserved)
like "... its serial is reserved, not valid" "$s" '^[0-9A-F]+$'
is "... the log has its record" "$(grep -cP '\top=root\.create\tresult=ok\t' "$R/audit.log")" 1
ok "... no CA is installed" test ! -e "$R/ca/gen-1.pem"
fails "db verify finds it" c db verify --home "$R"
ok "db recover settles it" c db recover --home "$R"
is "... void" "$(status "$s")" X
ok "root create runs again" root_create
ok "... db verify: consistent" c db verify --home "$R"
ok "... audit verify: clean" c audit verify --home "$R"

# issue --generate-key: the key is archived, then the record, then the
# index line.  After the record: db recover records it valid, the
# archive stands.  Before it: the serial is voided and the key archive
# made for it is removed.
printf 'ocsp responder archive pw\n' > "$T/p12pw"
genkey() {	# before|after
	env LD_PRELOAD=$T/crash.so "CEREMONY_CRASH_${1^^}=$(printf '\top=issue.generate-key\t')" \
		"$CEREMONY" issue --generate-key --home "$R" --pin-file "$T/pin" \
		--template "$TPL/ocsp-signer.cnf" --subject /O=Example/CN=ocsp$2.example.org \
		--password-fd 3 3< "$T/p12pw" > "$T/out" 2> "$T/err"
}
genkeys() { grep -cP '\top=issue\.generate-key\tresult=ok\t' "$R/audit.log"; }
genkey after 1
is "issue --generate-key dies right after its record" "$?" 137
s=$(reserved)
like "... its serial is reserved, not valid" "$s" '^[0-9A-F]+$'
is "... the log has its record" "$(genkeys)" 1
ok "... and its key archive" test -s "$R/p12/$s.p12"
ok "db recover settles it" c db recover --home "$R"
is "... valid: the record says it was issued" "$(status "$s")" V
ok "... the archive stays" test -s "$R/p12/$s.p12"
ok "... db verify: consistent" c db verify --home "$R"
genkey before 2
is "issue --generate-key dies right before its record" "$?" 137
s=$(reserved)
like "... its serial is reserved" "$s" '^[0-9A-F]+$'
is "... no record of it" "$(genkeys)" 1
ok "... its archive was written first" test -s "$R/p12/$s.p12"
ok "db recover settles it" c db recover --home "$R"
is "... void: no record says it was issued" "$(status "$s")" X
like "... and says the key archive goes" "$(cat "$T/err" "$T/out")" "recorded X; the key archive made for it is removed"
ok "... which it does" test ! -e "$R/p12/$s.p12"
ok "... db verify: consistent" c db verify --home "$R"
ok "... audit verify: clean" c audit verify --home "$R"

# rollover prepare: each certificate it makes has its rollover.cert
# record before its index line.  A crash right after the new root's
# record leaves that serial reserved with its record, and no generation
# installed: db recover voids it (it verifies under no CA generation of
# this directory), and db verify finds the directory consistent.  The
# claim on generation 2 (its pending state file, no certificate) is
# recorded cancelled, its key named for key destroy; a prepare after it
# makes generation 3, and db verify and audit verify stay clean.
LD_PRELOAD=$T/crash.so CEREMONY_CRASH_AFTER=$(printf '\top=rollover.cert\t') \
	c rollover prepare --home "$R" --pin-file "$T/pin" --template "$TPL/root-ca.cnf" \
	> "$T/out" 2> "$T/err"
is "rollover prepare dies right after the new root's record" "$?" 137
s=$(reserved)
like "... its serial is reserved, not valid" "$s" '^[0-9A-F]+$'
like "... the log has its record" "$(grep -P '\top=rollover\.cert\tresult=ok\t' "$R/audit.log")" "serial $s"
ok "... no generation 2 is installed" test ! -e "$R/ca/gen-2.pem"
c rollover prepare --home "$R" --pin-file "$T/pin" --template "$TPL/root-ca.cnf" > "$T/out" 2> "$T/err"
is "a prepare before db recover is refused" "$?" 1
like "... in words (beside the announced reservation)" "$(grep '^ceremony: ' "$T/err" | grep -v 'not air-gapped')" \
	"^ceremony: generation 2 was claimed by a rollover that never finished \(no ca/gen-2.pem\): run ceremony db recover"
ok "... and claimed nothing" test ! -e "$R/ca/gen-3.rollover"
ok "db recover settles it" c db recover --home "$R"
is "... void: no CA generation here issued it" "$(status "$s")" X
like "... and says why" "$(cat "$T/err" "$T/out")" "serial $s void \(certs/$s.pem does not verify under CA generation 2\)"
like "... and cancels the claim on generation 2" "$(cat "$T/err" "$T/out")" \
	"generation 2 claimed by a rollover that never finished .*recorded cancelled; its key \"[^\"]+\" may be on the token"
like "... its state file says cancelled" "$(cat "$R/ca/gen-2.rollover")" "state *= *cancelled"
like "... after its audit record" "$(grep -P '\top=db\.recover\t' "$R/audit.log" | tail -1)" "generation 2 claimed by a rollover"
ok "... db verify: consistent" c db verify --home "$R"
ok "... audit verify: clean" c audit verify --home "$R"
ok "db recover again finds nothing to settle" c db recover --home "$R"
unlike "... no claim a second time" "$(cat "$T/out")" "generation claim"
ok "a rollover prepare after it" c rollover prepare --home "$R" --pin-file "$T/pin" \
	--template "$TPL/root-ca.cnf"
ok "... makes generation 3" test -e "$R/ca/gen-3.pem"
ok "... db verify: consistent" c db verify --home "$R"
ok "... audit verify: clean" c audit verify --home "$R"
like "... rollover status lists generation 3 pending" "$(c rollover status --home "$R" 2>&1)" "gen(eration)? 3 .*pending|pending.* 3"

done_testing
