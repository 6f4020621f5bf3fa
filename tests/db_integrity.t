#!/bin/bash
# Nothing recorded is ever lost.  A revocation and its audit record stand
# or fall together: with the audit log missing, a directory, a symbolic
# link or on a full disk the revoke fails with one line and index.txt is
# byte for byte as it was; a revocation whose index line never came is
# rolled back, recorded, by the next writing command.  Read-only commands
# change no file: a last line without its newline is read as the record
# it is; only a writing command completes it, or moves a truly torn one
# to quarantine/, with an audit record.  db verify finds a revocation
# without its record and a serial stuck in P with its fate; db recover
# settles those.
. "$(dirname "$0")/lib.sh"

TPL=$TOP/templates
R=$T/root
c() { "$CEREMONY" "$@"; }

ok "a root CA and eight requests" root_home "$R" a b c d e f g h
ok "root signs the requests" sign_inbox "$R"
declare -A S
while read -r n serial; do S[$n]=$serial; done < "$T/signed"
is "eight certificates" "${#S[@]}" 8
ok "the root's first CRL" c crl issue --home "$R" --pin-file "$T/pin"
ok "the fresh data directory is consistent" c db verify --home "$R"

last() { grep -P "\t$1\t" "$R/index.txt" | tail -1; }
sums() { (cd "$R" && find . -type f ! -name .lock | sort | xargs sha256sum); }

# --- The audit log cannot take the record: nothing is revoked.
# refused_unaudited HOW ERE: revoke a fails, its one line matching ERE,
# and index.txt is byte for byte as it was.
refused_unaudited() {
	cp "$R/index.txt" "$T/index.before"
	fails "revoke with the audit log $1 fails" c revoke --home "$R" "${S[a]}" --reason superseded
	like "... saying that nothing was revoked, and why" "$(cat "$T/err")" \
		"^ceremony: nothing was revoked \(no change is made without its audit record\): $2"
	ok "... index.txt byte for byte as it was" cmp "$R/index.txt" "$T/index.before"
}
mv "$R/audit.log" "$T/audit.keep"
refused_unaudited missing "$R/audit.log is missing: restore it from the backup"
mkdir "$R/audit.log"
refused_unaudited "a directory" "cannot open $R/audit.log \(Is a directory\)$"
rmdir "$R/audit.log"
ln -s "$T/audit.keep" "$R/audit.log"
refused_unaudited "a symbolic link" "cannot open $R/audit.log \(Too many levels of symbolic links\)$"
rm "$R/audit.log"
mv "$T/audit.keep" "$R/audit.log"

# A full disk: the data directory copied to a small tmpfs, then filled.
MNT=$T/mnt
mkdir -p "$MNT"
if [ "$(id -u)" -eq 0 ] && mount -t tmpfs -o size=2m,mode=0700 tmpfs "$MNT" 2> /dev/null; then
	trap 'umount "$MNT" 2> /dev/null; rm -rf "$T" "$TMUX_SOCK"' EXIT
	cp -a "$R" "$MNT/ca"
	# Refusals (each a failed record) until the revocation's record no
	# longer fits in the last page of audit.log, then the disk filled.
	while [ $((4096 - $(stat -c %s "$MNT/ca/audit.log") % 4096)) -gt 280 ]; do
		c revoke --home "$MNT/ca" 7E57 --reason superseded 2> /dev/null
	done
	dd if=/dev/zero of="$MNT/filler" bs=4k 2> /dev/null
	dd if=/dev/zero of="$MNT/filler2" bs=1 2> /dev/null
	cp "$MNT/ca/index.txt" "$T/full.before"
	cp "$MNT/ca/audit.log" "$T/audit.before"
	fails "revoke on a full disk fails" c revoke --home "$MNT/ca" "${S[a]}" --reason superseded
	like "... saying so" "$(cat "$T/err")" \
		"nothing was revoked .*: cannot record revoke in $MNT/ca/audit.log: cannot append \(No space left on device\): nothing was added"
	ok "... index.txt byte for byte as it was" cmp "$MNT/ca/index.txt" "$T/full.before"
	ok "... audit.log too" cmp "$MNT/ca/audit.log" "$T/audit.before"

	# The record fits, the index line does not: rolled back at once.
	# A tmpfs file grows into its last page without taking space, so
	# audit.log is left room in its page and index.txt none (a comment
	# fills it).
	rm "$MNT/filler" "$MNT/filler2"
	gap() { echo $((4096 - $(stat -c %s "$1") % 4096)); }
	while [ "$(gap "$MNT/ca/audit.log")" -lt 1200 ]; do
		c revoke --home "$MNT/ca" 7E57 --reason superseded 2> /dev/null
	done
	g=$(gap "$MNT/ca/index.txt")
	[ "$g" -gt 60 ] && printf '#%*s\n' $((g - 52)) '' >> "$MNT/ca/index.txt"
	dd if=/dev/zero of="$MNT/filler" bs=4k 2> /dev/null
	dd if=/dev/zero of="$MNT/filler2" bs=1 2> /dev/null
	cp "$MNT/ca/index.txt" "$T/full.before"
	fails "revoke whose index line finds the disk full" c revoke --home "$MNT/ca" "${S[a]}" --reason superseded
	like "... saying that nothing was revoked and the rollback is recorded" "$(cat "$T/err")" \
		"cannot record serial ${S[a]} in $MNT/ca/index.txt: cannot append \(No space left on device\).*; nothing was revoked \(the audit log records the rollback\)$"
	ok "... index.txt byte for byte as it was" cmp "$MNT/ca/index.txt" "$T/full.before"
	like "... the revoke record is followed by its rollback" \
		"$(tail -2 "$MNT/ca/audit.log" | cut -f4,5,8 | tr '\n' ' ')" \
		"^op=revoke	result=ok	detail=serial ${S[a]} reason superseded invalidity - op=revoke\.rollback	result=ok	detail=record [0-9]+ \(revoke of serial ${S[a]}\) has no index line: nothing was changed $"
	rm "$MNT/filler" "$MNT/filler2"
	ok "... db verify: consistent" c db verify --home "$MNT/ca"
	ok "... audit verify: clean" c audit verify --home "$MNT/ca"
	umount "$MNT"
else
	skip 10 "full disk: needs root to mount a tmpfs"
fi

# --- A revocation whose index line never came (a crash between the two).
ok "revoke a" c revoke --home "$R" "${S[a]}" --reason superseded
head -n -1 "$R/index.txt" > "$T/i" && cat "$T/i" > "$R/index.txt"
is "... its R line gone (as if the process died before it)" "$(last "${S[a]}" | cut -f1)" V
fails_like "db verify finds the revocation the index lacks" '/root: 1 problem found$' c db verify --home "$R"
like "... naming it" "$(cat "$T/out")" \
	"serial ${S[a]}: the audit log records 1 revocations, index.txt has 0"
ok "the next writing command settles it" c revoke --home "$R" "${S[b]}" --reason superseded
like "... announcing the rollback" "$(cat "$T/err")" \
	"the revocation of serial ${S[a]} \(audit record [0-9]+\) was interrupted before index.txt recorded it: rolled back \(audit record [0-9]+\); run it again"
like "... recorded in the audit log" "$(grep -P '\top=revoke\.rollback\t' "$R/audit.log")" \
	"detail=record [0-9]+ \(revoke of serial ${S[a]}\) has no index line: nothing was changed"
is "... a stays valid" "$(last "${S[a]}" | cut -f1)" V
is "... b is revoked" "$(last "${S[b]}" | cut -f1)" R
ok "... db verify: consistent" c db verify --home "$R"
ok "... audit verify: clean" c audit verify --home "$R"

# --- A last R line without its newline is a whole record.
ok "revoke c" c revoke --home "$R" "${S[c]}" --reason keyCompromise
truncate -s -1 "$R/index.txt"
cp "$R/index.txt" "$T/nonl"
# Every file with its bytes, its mode and its change time.
snapshot() { find "$R" -type f -printf '%P %m %C@\n' | sort; find "$R" -type f -print0 | sort -z | xargs -0 sha256sum; }
snap=$(snapshot)
ok "db list on an index without its final newline" c db list --home "$R" --status R
like "... shows c revoked" "$(cat "$T/out")" "^R  ${S[c]} .*\[revoked .* keyCompromise\]"
ok "... index.txt byte for byte as it was" cmp "$R/index.txt" "$T/nonl"
ok "db show reads it too" c db show --home "$R" "${S[c]}"
like "... as revoked" "$(cat "$T/out")" "status: revoked"
ok "audit show reads the log" c audit show --home "$R"
is "... and no file of the data directory changed at all, .lock included" \
	"$(snapshot)" "$snap"
ok "crl status reads it" c crl status --home "$R"
ok "db verify: consistent" c db verify --home "$R"
ok "... index.txt byte for byte as it was" cmp "$R/index.txt" "$T/nonl"
ok "audit verify leaves it too" c audit verify --home "$R"
ok "... index.txt byte for byte as it was" cmp "$R/index.txt" "$T/nonl"
ok "a writing command completes the newline" c db recover --home "$R"
like "... saying so" "$(cat "$T/err")" "index.txt: the last line \(byte [0-9]+\) had no end of line; completed"
ok "... the index is the same bytes and a newline" cmp "$R/index.txt" <(cat "$T/nonl"; echo)
is "... c is still revoked" "$(last "${S[c]}" | cut -f1,4)" "R	keyCompromise"
like "... recorded" "$(grep -P '\top=db\.repair\t' "$R/audit.log" | tail -1)" "had no end of line; completed"

# --- A truly torn last line: left alone by readers, quarantined by a writer.
printf 'R\t2036010' >> "$R/index.txt"
cp "$R/index.txt" "$T/torn"
ok "db list with a torn last line" c db list --home "$R"
like "... says it is left out" "$(cat "$T/err")" \
	"its last line is incomplete \(9 bytes, an interrupted write\) and is left out; the next writing command moves it to quarantine/"
ok "... index.txt byte for byte as it was" cmp "$R/index.txt" "$T/torn"
fails_like "db verify reports it" '/root: 1 problem found$' c db verify --home "$R"
like "... as a finding" "$(cat "$T/out")" "the last line is incomplete"
ok "... index.txt byte for byte as it was" cmp "$R/index.txt" "$T/torn"
ok "the next writing command quarantines it" c revoke --home "$R" "${S[d]}" --reason superseded
Q=$(ls "$R/quarantine")
like "... into quarantine/" "$Q" '^index\.txt\.[0-9]{8}T[0-9]{6}Z\.1$'
is "... its bytes kept" "$(cat "$R/quarantine/$Q")" "$(printf 'R\t2036010')"
like "... recorded with their hash" "$(grep -P '\top=db\.repair\t' "$R/audit.log" | tail -1)" \
	"out=quarantine:$(sha256sum < "$R/quarantine/$Q" | cut -d' ' -f1).*moved to quarantine/$Q"
is "... the index ends with d's R line" "$(tail -1 "$R/index.txt" | cut -f1,6)" "R	${S[d]}"
ok "... audit verify: clean" c audit verify --home "$R"
ok "... db verify: consistent" c db verify --home "$R"

# --- A torn audit log: completed or quarantined the same way.
printf 'seq=99\ttime=2026' >> "$R/audit.log"
cp "$R/audit.log" "$T/atorn"
fails_like "audit verify names the torn audit line" 'audit.log line [0-9]+ is incomplete \(an interrupted write\): the next writing command, such as ceremony db recover, moves it to quarantine/' c audit verify --home "$R"
ok "... audit.log byte for byte as it was" cmp "$R/audit.log" "$T/atorn"
ok "a writing command quarantines it" c db recover --home "$R"
ok "... audit verify: clean" c audit verify --home "$R"
like "... quarantined" "$(ls "$R/quarantine" | tr '\n' ' ')" 'audit\.log\.[0-9]{8}T[0-9]{6}Z\.1'

# --- A lost revocation: an R line with no audit record.
sed -e 's/^V/R/' -e "s/\t-\t-\t-\t/\t$(date -u +%Y%m%d%H%M%SZ)\tsuperseded\t-\t/" \
	<<< "$(last "${S[e]}")" >> "$R/index.txt"
fails_like "db verify finds a revocation without its audit record" '/root: 1 problem found$' c db verify --home "$R"
like "... naming the serial" "$(cat "$T/out")" \
	"serial ${S[e]}: index.txt revokes it 1 time, the audit log records 0"
head -n -1 "$R/index.txt" > "$T/i" && cat "$T/i" > "$R/index.txt"
ok "... consistent again without it" c db verify --home "$R"

# --- Serials stuck in P: one never signed, one signed and not recorded.
printf 'P\t20360101000000Z\t-\t-\t-\t5A5A5A5A\t1\tsubca\tCN=never\n' >> "$R/index.txt"
grep -v -P "^V\t.*\t${S[f]}\t" "$R/index.txt" > "$T/i" && cat "$T/i" > "$R/index.txt"
is "f's V line gone (its certificate file stays)" "$(last "${S[f]}" | cut -f1)" P
fails_like "db verify reports the stuck serials" '/root: 3 problems found$' c db verify --home "$R"
like "... one with no certificate" "$(cat "$T/out")" \
	"serial 5A5A5A5A is still reserved \(P\): no certificate file: never signed"
like "... one issued but not recorded" "$(cat "$T/out")" \
	"serial ${S[f]} is still reserved \(P\): certificate file exists: issued but not recorded"
ok "the next writing session announces them" c sign --home "$R" --pin-file "$T/pin" \
	--template "$TPL/subca.cnf" --csr "$R/requests/done/g.csr"
like "... and says what to run" "$(cat "$T/err")" \
	"2 serials are reserved \(P\) but never recorded as issued or void.*ceremony db recover settles them"
ok "db recover settles them" c db recover --home "$R"
like "... announcing the issued one" "$(cat "$T/err")" \
	"serial ${S[f]} issued: its certificate verifies under CA generation 1; recorded V"
like "... and the void one" "$(cat "$T/err")" \
	"serial 5A5A5A5A void \(no certificate file: never signed\); recorded X"
like "... with a summary" "$(cat "$T/out")" "2 reserved serials settled: 1 issued \(V\), 1 void \(X\)"
is "... f is valid" "$(last "${S[f]}" | cut -f1)" V
is "... 5A5A5A5A is void" "$(last 5A5A5A5A | cut -f1)" X
is "... two db.recover records" "$(grep -cP '\top=db\.recover\t' "$R/audit.log")" 2
ok "... db verify: consistent" c db verify --home "$R"
ok "... audit verify: clean" c audit verify --home "$R"
ok "db recover again: nothing to do" c db recover --home "$R"
is "... says so" "$(cat "$T/out")" "nothing to recover: no serial is left reserved"
fails_like "db recover takes no argument" 'unexpected argument "extra": see ceremony db recover --help' c db recover --home "$R" extra
before=$(sums)
fails_like "db recover on something that is not a data directory" '/none is not a ceremony data directory: .*ceremony init --home' c db recover --home "$T/none"
is "... nothing written" "$(sums)" "$before"

done_testing
