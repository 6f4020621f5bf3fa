#!/bin/bash
# Revocation: every RFC 5280 reason, invalidity dates read back, a hold
# released or made final, a reason raised to keyCompromise, and every
# refusal (unknown, reserved, void, expired, the CA's own certificate,
# twice, a reason lowered, removeFromCRL, bad or future dates, a locked
# database) exits non-zero with one error line and leaves index.txt
# byte for byte as it was.  db list filters and db show read it back.
. "$(dirname "$0")/lib.sh"

TPL=$TOP/templates
R=$T/root
c() { "$CEREMONY" "$@"; }

NAMES="unspecified keyCompromise cACompromise affiliationChanged superseded
	cessationOfOperation certificateHold privilegeWithdrawn aACompromise
	hold1 hold2 sup1 kc1 inv1 inv2 twice spare"
# shellcheck disable=SC2086
root_home "$R" $NAMES
ROOTSER=$(grep -v '^#' "$R/index.txt" | tail -1 | cut -f6)
ok "root signs the requests" sign_inbox "$R"
declare -A S
while read -r n serial; do S[$n]=$serial; done < "$T/signed"
is "seventeen certificates" "${#S[@]}" 17

# The index as an older ceremony wrote it (eight fields): still read.
perl -F'\t' -lane 'if (/^#/) { print; next } splice(@F, 4, 1); print join("\t", @F)' \
	"$R/index.txt" > "$T/old.txt" && cp "$T/old.txt" "$R/index.txt"
ok "an index of eight-field lines still opens" c db list --home "$R"

last() { grep -P "\t$1\t" "$R/index.txt" | tail -1; }
field() { last "$1" | cut -f"$2"; }

for r in unspecified keyCompromise cACompromise affiliationChanged superseded \
	cessationOfOperation certificateHold privilegeWithdrawn aACompromise; do
	c revoke --home "$R" "${S[$r]}" --reason "$r" > "$T/out" 2> "$T/err" ||
		echo "$r: $(cat "$T/err")"
	[ "$(field "${S[$r]}" 1):$(field "${S[$r]}" 4):$(field "${S[$r]}" 5)" = "R:$r:-" ] ||
		echo "$r: $(last "${S[$r]}")"
done > "$T/bad"
is "revoked with each of the nine reasons, each read back" "$(cat "$T/bad")" ""
like "the new lines have nine fields" "$(last "${S[superseded]}" | awk -F'\t' '{ print NF }')" '^9$'
like "the revocation time is now" "$(field "${S[superseded]}" 3)" "^$(date -u +%Y%m%d)[0-9]{6}Z$"

# Invalidity dates, in both forms, read back from the index and db show.
inv=$(date -u +%Y%m%d%H%M%SZ)
ok "keyCompromise with an invalidity date (YYYYMMDDHHMMSSZ)" c revoke --home "$R" \
	"${S[inv1]}" --reason keyCompromise --invalidity-date "$inv"
is "invalidity date in the index" "$(field "${S[inv1]}" 5)" "$inv"
inv2=$(date -u +%Y-%m-%dT%H:%M:%SZ)
ok "an invalidity date as YYYY-MM-DDTHH:MM:SSZ" c revoke --home "$R" "${S[inv2]}" \
	--reason cessationOfOperation --invalidity-date "$inv2"
is "... written as YYYYMMDDHHMMSSZ" "$(field "${S[inv2]}" 5)" "$(echo "$inv2" | tr -d ':T-')"
ok "db show" c db show --home "$R" "${S[inv1]}"
show=$(cat "$T/out")
like "db show: state and reason" "$show" "status: revoked \(R\)"
like "db show: the invalidity date" "$show" "invalidity date: ${inv:0:4}-${inv:4:2}-${inv:6:2} ${inv:8:2}:${inv:10:2}:${inv:12:2} UTC"
is "db show: the history, line by line" "$(printf '%s\n' "$show" | grep -c -P '^  [PVR]\t')" 3
like "db show: the certificate's subject" "$show" "subject=C = XX, O = Example, CN = Sub inv1"
like "db show: the issuer" "$show" "issuer=C = XX, O = Example Organisation, OU = Offline Root, CN = Example Root CA"
like "db show: validity" "$show" "notAfter=.* GMT"

# Holds: released, or made final; reasons raised to keyCompromise.
ok "certificateHold" c revoke --home "$R" "${S[hold1]}" --reason certificateHold
ok "... released" c revoke --home "$R" "${S[hold1]}" --release
is "... valid again" "$(field "${S[hold1]}" 1):$(field "${S[hold1]}" 3):$(field "${S[hold1]}" 4)" "V:-:-"
ok "... and held again" c revoke --home "$R" "${S[hold1]}" --reason certificateHold
ok "certificateHold" c revoke --home "$R" "${S[hold2]}" --reason certificateHold
t0=$(field "${S[hold2]}" 3)
sleep 1
ok "... made keyCompromise" c revoke --home "$R" "${S[hold2]}" --reason keyCompromise
is "... keeping the first revocation time" "$(field "${S[hold2]}" 1):$(field "${S[hold2]}" 3):$(field "${S[hold2]}" 4)" \
	"R:$t0:keyCompromise"
ok "superseded" c revoke --home "$R" "${S[sup1]}" --reason superseded
ok "... raised to keyCompromise" c revoke --home "$R" "${S[sup1]}" --reason keyCompromise
is "... read back" "$(field "${S[sup1]}" 4)" keyCompromise

# Refusals: one line on stderr, index.txt unchanged.
refused() {	# refused DESC ERE ARGS...: fails, says ERE, changes nothing
	local d=$1 re=$2; shift 2
	cp "$R/index.txt" "$T/before"
	fails "$d" c revoke --home "$R" "$@"
	like "... says why" "$(cat "$T/err")" "$re"
	ok "... index.txt is byte-identical" cmp "$T/before" "$R/index.txt"
}
ok "keyCompromise" c revoke --home "$R" "${S[kc1]}" --reason keyCompromise
refused "keyCompromise to superseded is refused" \
	"already revoked \(keyCompromise since $(date -u +%Y-%m-%d)" "${S[kc1]}" --reason superseded
refused "revoking twice is refused" "already revoked \(keyCompromise" \
	"${S[kc1]}" --reason keyCompromise
refused "superseded to cessationOfOperation is refused" "already revoked \(superseded" \
	"${S[superseded]}" --reason cessationOfOperation
refused "a hold made a hold again is refused" "already revoked \(certificateHold" \
	"${S[hold1]}" --reason certificateHold
refused "an unknown serial is refused" "not in the index" 4ABCDEF0 --reason keyCompromise
refused "a serial that is not hex is refused" "not upper-case hex" xyz --reason keyCompromise
refused "removeFromCRL is refused" "only for delta CRLs" "${S[twice]}" --reason removeFromCRL
refused "an unknown reason is refused" "unknown reason 'compromised'" \
	"${S[twice]}" --reason compromised
refused "a bad date is refused" "not a UTC time" "${S[twice]}" --reason keyCompromise \
	--invalidity-date 2026-02-30
refused "a date without Z is refused" "not a UTC time" "${S[twice]}" --reason keyCompromise \
	--invalidity-date 20260101000000
refused "a future date is refused" "in the future" "${S[twice]}" --reason keyCompromise \
	--invalidity-date "$(date -u -d tomorrow +%Y-%m-%d)"
refused "a date before notBefore is refused" "before the certificate's notBefore" \
	"${S[twice]}" --reason keyCompromise --invalidity-date 2020-01-01
refused "release of a valid certificate is refused" "not on hold \(it is valid\)" \
	"${S[twice]}" --release
refused "release of a keyCompromise is refused" "not on hold \(revoked with keyCompromise" \
	"${S[kc1]}" --release
refused "release with an invalidity date is refused" "takes no --invalidity-date" \
	"${S[hold1]}" --release --invalidity-date 2026-01-01
refused "neither --reason nor --release is refused" "either --reason R or --release" "${S[twice]}"
refused "the root's own certificate is refused" "certificate of CA generation 1 itself" \
	"$ROOTSER" --reason keyCompromise
printf 'P\t20360101000000Z\t-\t-\t-\t7A01\t1\tsubca\tCN=reserved\n' >> "$R/index.txt"
printf 'P\t20360101000000Z\t-\t-\t-\t7A02\t1\tsubca\tCN=void\nX\t20360101000000Z\t-\t-\t-\t7A02\t1\tsubca\tCN=void\n' >> "$R/index.txt"
printf 'P\t20200101000000Z\t-\t-\t-\t7A03\t1\tsubca\tCN=old\nV\t20200101000000Z\t-\t-\t-\t7A03\t1\tsubca\tCN=old\n' >> "$R/index.txt"
refused "a reserved serial is refused" "never recorded as issued \(status P\)" 7A01 --reason keyCompromise
refused "a void serial is refused" "is void" 7A02 --reason keyCompromise
refused "an expired certificate is refused" "expired on 2020-01-01" 7A03 --reason keyCompromise
ok "a profile that reads like a serial is not that serial" true
printf 'P\t20360101000000Z\t-\t-\t-\t7A04\t1\t7A01\tCN=lookalike\n' >> "$R/index.txt"
refused "... 7A01 is still only reserved" "status P" 7A01 --reason keyCompromise

# A torn last line (a crash mid-append) is cut off, then the revoke goes on.
printf 'R\t2036' >> "$R/index.txt"
ok "revoke after a torn last line" c revoke --home "$R" "${S[twice]}" --reason superseded
like "... which was cut off" "$(cat "$T/err")" "an incomplete last line \(6 bytes at byte [0-9]+, an interrupted write\) moved to quarantine/index.txt\.[0-9]{8}T[0-9]{6}Z\.1"
is "... and the index ends with the new line" "$(tail -1 "$R/index.txt" | cut -f1,4,6)" \
	"R	superseded	${S[twice]}"

# A certificate file that holds another certificate.
cp "$R/certs/${S[spare]}.pem" "$T/spare.pem"
cp "$R/certs/${S[kc1]}.pem" "$R/certs/${S[spare]}.pem"
refused "a certificate file with another serial is refused" "holds a certificate with another serial" \
	"${S[spare]}" --reason keyCompromise
cp "$T/spare.pem" "$R/certs/${S[spare]}.pem"

# A locked database: another process holds it.
( exec 9>> "$R/.lock"; flock 9; exec sleep 30 ) &
holder=$!
sleep 0.3
refused "a locked database is refused" "in use by another ceremony process" \
	"${S[spare]}" --reason keyCompromise
kill "$holder" 2> /dev/null
wait "$holder" 2> /dev/null

# The audit log: every change and every refusal, the certificate hashed.
log=$R/audit.log
is "audit: one revoke record per change" "$(grep -c 'op=revoke	result=ok' "$log")" 19
is "audit: one release record" "$(grep -c 'op=release	result=ok' "$log")" 1
like "audit: refusals recorded as failed" "$(grep 'op=revoke	result=failed' "$log")" \
	"already revoked \(keyCompromise"
h=$(openssl x509 -in "$R/certs/${S[inv1]}.pem" -outform DER | sha256sum | cut -d' ' -f1)
like "audit: serial, reason, invalidity and the certificate's hash" \
	"$(grep "serial ${S[inv1]}" "$log" | grep 'result=ok')" \
	"in=cert:$h	out=	detail=serial ${S[inv1]} reason keyCompromise invalidity $inv	"
ok "audit: the hash chain is intact" c audit show --home "$R"

# db list: filters, and the reason and date of revoked certificates.
ok "db list --status R" c db list --home "$R" --status R
is "... lists the revoked" "$(grep -c '^R ' "$T/out")" 16
like "... with reason and date" "$(grep "${S[aACompromise]}" "$T/out")" \
	"\[revoked $(date -u +%Y-%m-%d) [0-9:]{8}Z aACompromise\]"
ok "db list --status V" c db list --home "$R" --status V
is "... the valid ones: root, spare, the expired one" "$(grep -c '^V ' "$T/out")" 3
ok "db list --serial PREFIX" c db list --home "$R" --serial "${S[kc1]:0:12}"
like "... finds it" "$(cat "$T/out")" "^R  ${S[kc1]}"
ok "db list --subject" c db list --home "$R" --subject "sub HOLD"
is "... case-insensitive substring" "$(grep -c 'CN=Sub hold' "$T/out")" 2
ok "db list --status R --subject" c db list --home "$R" --status R --subject kc1
is "... both filters" "$(tail -1 "$T/out")" "1 of 22 certificates"
fails_like "db show of an unknown serial" 'serial 4ABCDEF0 is not in the index' c db show --home "$R" 4ABCDEF0
ok "db show of a released hold" c db show --home "$R" "${S[hold1]}"
is "... its five lines" "$(grep -c -P '^  [PVR]\t' "$T/out")" 5

done_testing
