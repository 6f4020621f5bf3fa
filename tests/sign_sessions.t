#!/bin/bash
# sign --inbox on several token sessions (docs/batch.md): one login, a
# signing thread per session.  The signers finish out of order, but what
# reaches the disk does not: serials reserved in the inbox's order in P
# lines, each certificate recorded under its own request's serial, every
# one verified, the index and the audit log consistent.  --sessions 1 is
# the single-session path; a bad count is refused before anything is
# touched.  (sign_crash.t crashes a batch on several sessions.)
. "$(dirname "$0")/lib.sh"

TPL=$TOP/templates
R=$T/root
c() { "$CEREMONY" "$@"; }
batch() { c sign --inbox --home "$R" --pin-file "$T/pin" --template "$TPL/subca.cnf" "$@"; }
# reqs FROM TO: requests rNNN.csr (CN=Sub NNN) in the inbox, one key.
reqs() {
	seq -f '%03g' "$1" "$2" | xargs -P2 -I{} openssl req -new -key "$T/k.key" \
		-subj "/C=XX/O=Example/CN=Sub {}" -out "$R/requests/r{}.csr"
}
# The serials of the signed rows of the last batch's table, in its order.
signed_serials() { awk '$2 == "signed" { print $3 }' "$T/out"; }

ok "a root CA" root_home "$R"

# --- One session: the path of one signing thread.
reqs 1 3
ok "--sessions 1 signs the inbox" batch --sessions 1
like "... on one token session" "$(cat "$T/out")" \
	"^3 signed, 0 rejected, 3 in all \(on 1 token session\)$"

# --- Several sessions.
cp "$R/index.txt" "$T/index.before"
reqs 4 133
ok "--sessions 4 signs 130 requests" batch --sessions 4
like "... all of them, on four sessions" "$(tail -1 "$T/out")" \
	"^130 signed, 0 rejected, 130 in all \(on 4 token sessions\)$"
signed_serials > "$T/serials"
tail -n +$(($(wc -l < "$T/index.before") + 1)) "$R/index.txt" > "$T/index.new"
is "... the index before the batch is kept as it was" \
	"$(head -n "$(wc -l < "$T/index.before")" "$R/index.txt" | cmp - "$T/index.before" && echo same)" same
is "... 130 serials, each its own" "$(sort -u "$T/serials" | wc -l)" 130
is "... none of them an earlier one" \
	"$(cut -f6 "$T/index.before" | sort -u | comm -12 - <(sort -u "$T/serials") | wc -l)" 0
is "... reserved (P) in the order of the inbox" \
	"$(awk -F'\t' '$1 == "P" { print $6 }' "$T/index.new" | tr '\n' ' ')" \
	"$(tr '\n' ' ' < "$T/serials")"
is "... each recorded valid (V) once" \
	"$(awk -F'\t' '$1 == "V" { print $6 }' "$T/index.new" | sort | uniq -u | sort | cmp - <(sort "$T/serials") && echo all)" all
is "... each V after its P" \
	"$(awk -F'\t' '$1 == "P" { p[$6] = NR } $1 == "V" && !(NR > p[$6]) { bad++ } END { print bad + 0 }' "$T/index.new")" 0
# Each certificate is its own request's: its serial in the table's row
# certifies the subject that request asked for.
mixed=0
while read -r name verdict serial; do
	[ "$verdict" = signed ] || continue
	subj=$(openssl x509 -in "$R/certs/$serial.pem" -noout -subject -nameopt oneline)
	n=${name#r}; n=${n%.csr}
	case $subj in *"CN = Sub $n") ;; *) mixed=$((mixed + 1)); diag "$name $serial: $subj" ;; esac
done < "$T/out"
is "... each certificate names its own request's subject" "$mixed" 0
sed "s|.*|$R/certs/&.pem|" "$T/serials" |
	xargs openssl verify -x509_strict -CAfile "$R/ca/gen-1.pem" > "$T/verify" 2>&1
is "... all 130 verify (openssl verify -x509_strict)" "$(grep -c ': OK$' "$T/verify")" 130
is "... one audit record of each signing, naming its request and serial" \
	"$(grep -P '\top=sign\tresult=ok\t' "$R/audit.log" | grep -oP 'r\d{3}\.csr [0-9A-F]+' | tail -130 | awk '{ print $2 }' | sort | cmp - <(sort "$T/serials") && echo all)" all
is "... every request moved to done/" "$(ls "$R/requests/done" | grep -c '^r[0-9]*\.csr$')" 133
ok "... db verify: consistent" c db verify --home "$R"
ok "... audit verify: clean" c audit verify --home "$R"

# --- Without a count: one session per core, as far as the token allows
# (SoftHSM2 sets no bound).
reqs 204 206
ok "no --sessions: one per core" batch
like "... as many sessions as cores" "$(tail -1 "$T/out")" \
	"\(on $(nproc) token sessions?\)$"

# --- A bad count is refused in one line, before the token, nothing written.
reqs 207 207
before=$(tree "$R")
for bad in 0 17 -1 two 2x ''; do
	fails_like "--sessions '$bad' is refused" \
		"^ceremony: --sessions $bad: expected a whole number from 1 to 16$" batch --sessions "$bad"
done
fails_like "--sessions without --inbox is refused" "^ceremony: --sessions goes with --inbox" \
	c sign --home "$R" --pin-file "$T/pin" --template "$TPL/subca.cnf" \
	--csr "$R/requests/r207.csr" --sessions 2
is "... nothing written" "$(tree "$R")" "$before"

done_testing
