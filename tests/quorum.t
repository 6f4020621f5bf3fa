#!/bin/bash
# Quorum: the user PIN split 3 of 5 with a fresh random PIN from the
# token; any 3 shares log in and a real certificate is signed (checked by
# openssl); 2 are refused and say how many more are needed; a mistyped
# share is named by its group, another custodian's by its checksum; a
# duplicate share is refused; reshare with 3 old shares makes new ones and
# the old shares are then refused by their quorum id.  Nothing is tried
# on the token after a refusal: the PIN's tries are untouched.  Every
# step is in the audit log, with names and indexes, never share values.
. "$(dirname "$0")/lib.sh"

TPL=$TOP/templates
R=$T/root
mktoken root
c() { "$CEREMONY" "$@"; }
CUST="--custodian alice --custodian bob --custodian carol --custodian dave --custodian erin"

c init --home "$R" --module "$MODULE" --token root > /dev/null
c key generate --home "$R" --pin-file "$T/pin" --label rk --type ec:P-384 > /dev/null
c root create --home "$R" --pin-file "$T/pin" --template "$TPL/root-ca.cnf" \
	--key rk > /dev/null
S=$T/shares
mkdir -m 700 "$S"

# Refused before the token is touched: nothing written.
fails_like "M above N" '--m M --n N: a quorum is M of N with 2 <= M <= N <= 16' c quorum split --home "$R" --pin-file "$T/pin" --m 6 --n 5 $CUST --out "$S"
fails "N custodians needed" c quorum split --home "$R" --pin-file "$T/pin" --m 3 --n 5 \
	--custodian alice --out "$S"
like "... says how many" "$(cat "$T/err")" "5 shares need 5 custodians"
fails_like "a custodian twice" '--custodian "alice" is given twice: one share per custodian' c quorum split --home "$R" --pin-file "$T/pin" --m 2 --n 2 \
	--custodian alice --custodian alice --out "$S"
fails_like "a custodian name with a slash" '--custodian "\.\./bob": a name of letters, digits' c quorum split --home "$R" --pin-file "$T/pin" \
	--m 2 --n 2 --custodian alice --custodian ../bob --out "$S"
fails_like "--out not a directory" '--out .*/nothere: not a directory' c quorum split --home "$R" --pin-file "$T/pin" --m 2 --n 2 \
	--custodian alice --custodian bob --out "$T/nothere"
fails_like "reshare without shares" 'quorum reshare opens the token with the current shares: give M of them' c quorum reshare --home "$R" --pin-file "$T/pin" --m 2 --n 2 \
	--custodian alice --custodian bob --out "$S"
is "nothing written" "$(ls "$S")" ""

ok "split 3 of 5 with a fresh PIN" c quorum split --home "$R" --pin-file "$T/pin" \
	--m 3 --n 5 $CUST --fresh --out "$S" --operator olga --witness wendy
like "the quorum is named" "$(cat "$T/out")" "^quorum [0-9A-F]{16}: 3 of 5 shares open the token \(a new random PIN"
Q1=$(sed -n 's/^quorum \([0-9A-F]*\):.*/\1/p' "$T/out")
is "five share files" "$(ls "$S" | tr '\n' ' ')" \
	"share-1-alice.txt share-2-bob.txt share-3-carol.txt share-4-dave.txt share-5-erin.txt "
is "each mode 600" "$(stat -c %a "$S"/* | sort -u)" 600
like "a share names its custodian, quorum and place" "$(cat "$S/share-2-bob.txt")" \
	"custodian: bob.*" 
like "... share 2 of 5, 3 needed" "$(grep '^share:' "$S/share-2-bob.txt")" "^share: 2 of 5, 3 needed$"
like "... a code of checked groups" "$(grep '^code:' "$S/share-2-bob.txt")" \
	"^code: ([0-9A-HJKMNP-TV-Z]{5}-){19}[0-9A-HJKMNP-TV-Z]{5}$"
fails "the old PIN no longer opens the token" c key list --home "$R" --pin-file "$T/pin"
like "... PIN incorrect" "$(cat "$T/err")" "PIN incorrect"
fails "a reshare refuses to write over a share file" c quorum reshare --home "$R" \
	--share-file "$S/share-1-alice.txt" --share-file "$S/share-2-bob.txt" \
	--share-file "$S/share-3-carol.txt" --m 3 --n 5 $CUST --out "$S"
like "... names it, the token unchanged" "$(cat "$T/err")" "cannot create .*share-1-alice.txt \(File exists\): nothing was changed on the token"

fails "split of the same PIN with shares refused (the old would still work)" c quorum split \
	--home "$R" --share-file "$S/share-1-alice.txt" --share-file "$S/share-2-bob.txt" \
	--share-file "$S/share-3-carol.txt" --m 2 --n 2 --custodian x --custodian y --out "$T"
like "... says to reshare" "$(cat "$T/err")" "use quorum reshare"

# Three shares log in; a real signature is made and checked.
sh() { for n in "$@"; do printf -- '--share-file %s ' "$(ls "$S"/share-"$n"-*.txt)"; done; }
openssl ecparam -name prime256v1 -genkey -noout -out "$T/k.key"
openssl req -new -key "$T/k.key" -subj "/C=XX/O=Example/CN=Quorum Sub" -out "$T/sub.csr"
# shellcheck disable=SC2046
ok "shares 1, 3 and 5 sign a certificate" c sign --home "$R" $(sh 1 3 5) \
	--template "$TPL/subca.cnf" --csr "$T/sub.csr" --witness wendy
SER=$(grep -v '^#' "$R/index.txt" | tail -1 | cut -f6)
verify_all_chain "the quorum-signed certificate" "$R/ca/gen-1.pem" "$R/certs/$SER.pem"
# shellcheck disable=SC2046
ok "shares 4, 2 and 5 (any order) log in" c key list --home "$R" $(sh 4 2 5)
# Shares through descriptors, as a script would pass them.
ok "shares by descriptor" c key list --home "$R" --share-fd 3 --share-fd 4 --share-fd 5 \
	3< "$S/share-2-bob.txt" 4< "$S/share-3-carol.txt" 5< "$S/share-4-dave.txt"

tries() { softhsm2-util --show-slots | grep -c 'User PIN count low'; }
before=$(tries)
# shellcheck disable=SC2046
fails "two shares refused" c key list --home "$R" $(sh 1 3)
like "... says one more is needed" "$(cat "$T/err")" \
	"quorum $Q1 needs 3 of its 5 shares, 2 were given: 1 more custodian's share is needed; nothing was tried on the token"
# shellcheck disable=SC2046
fails "one share refused" c key list --home "$R" $(sh 5)
like "... says two more" "$(cat "$T/err")" "2 more custodians' shares are needed"

# A typing mistake: one character of group 7 of bob's share changed.
awk '/^code:/ { split($2, g, "-"); c = substr(g[7], 2, 1); r = (c == "Z") ? "Y" : "Z";
	g[7] = substr(g[7], 1, 1) r substr(g[7], 3); s = g[1];
	for (i = 2; i <= 20; i++) s = s "-" g[i]; print "code: " s; next } { print }' \
	"$S/share-2-bob.txt" > "$T/typo.txt"
chmod 600 "$T/typo.txt"
# shellcheck disable=SC2046
fails "a mistyped share refused" c key list --home "$R" $(sh 1) --share-file "$T/typo.txt" $(sh 3)
like "... named, with its group" "$(cat "$T/err")" \
	"share file $T/typo.txt: group 7 \(\"[0-9A-Z]{5}\"\) does not match its check character: a typing mistake in that group"
sed 's/^custodian: bob/custodian: carol/' "$S/share-2-bob.txt" > "$T/other.txt"
chmod 600 "$T/other.txt"
# shellcheck disable=SC2046
fails "bob's share under carol's name refused" c key list --home "$R" $(sh 1 3) --share-file "$T/other.txt"
like "... by its checksum" "$(cat "$T/err")" "share file $T/other.txt: the checksum does not match: the share is not carol's"
cp "$S/share-1-alice.txt" "$T/again.txt"
# shellcheck disable=SC2046
fails "a duplicate share refused" c key list --home "$R" $(sh 1 3) --share-file "$T/again.txt"
like "... both named" "$(cat "$T/err")" \
	"share file $S/share-1-alice.txt \(alice\) and share file $T/again.txt \(alice\) are both share 1 of quorum $Q1"
chmod 644 "$T/again.txt"
# shellcheck disable=SC2046
fails_like "a share file others can read refused" 'again.txt is readable by others \(mode 0644\): chmod 600' c key list --home "$R" $(sh 1 3) --share-file "$T/again.txt"
fails_like "--pin-file and --share-file together refused" 'give the PIN \(--pin-file, --pin-fd\) or the custodians. shares .*not both' c key list --home "$R" \
	--pin-file "$T/pin" $(sh 1)
is "no PIN try was spent on any refusal" "$(tries)" "$before"

# Reshare: three old shares open it; new PIN, new shares; old ones dead.
N=$T/new
mkdir -m 700 "$N"
# shellcheck disable=SC2046
ok "reshare 2 of 3 with shares 2, 4, 5" c quorum reshare --home "$R" $(sh 2 4 5) \
	--m 2 --n 3 --custodian frank --custodian grace --custodian heidi --out "$N"
Q2=$(sed -n 's/^quorum \([0-9A-F]*\):.*/\1/p' "$T/out")
like "a new quorum" "$Q2" "^[0-9A-F]{16}$"
is "... not the old one" "$([ "$Q1" != "$Q2" ] && echo new)" new
ok "two new shares log in" c key list --home "$R" --share-file "$N/share-1-frank.txt" \
	--share-file "$N/share-3-heidi.txt"
before=$(tries)
# shellcheck disable=SC2046
fails "three old shares refused" c key list --home "$R" $(sh 1 2 3)
like "... by quorum id, nothing tried" "$(cat "$T/err")" \
	"these shares are of quorum $Q1, but the token's PIN is now the one of quorum $Q2 .*: the old shares no longer open it; nothing was tried on the token"
is "... no PIN try spent" "$(tries)" "$before"
fails "mixing old and new shares refused" c key list --home "$R" \
	--share-file "$N/share-1-frank.txt" --share-file "$S/share-2-bob.txt"
like "... names both quorums" "$(cat "$T/err")" "is a share of quorum .* but .* is of quorum"

# The audit log: every step with names, indexes and M/N, no share value.
log=$R/audit.log
like "audit: the split" "$(grep 'op=quorum.split	result=ok' "$log")" \
	"operator=olga.*quorum $Q1, 3 of 5, new random PIN set on the token: share 1 alice, share 2 bob, share 3 carol, share 4 dave, share 5 erin"
like "audit: the activation by shares 1, 3, 5" "$(grep 'op=quorum.activate' "$log" | sed -n 2p)" \
	"quorum $Q1, 3 of 5: shares 1 alice, 3 carol, 5 erin"
like "audit: the reshare, and which old shares opened it" "$(grep 'op=quorum.reshare' "$log")" \
	"quorum $Q2, 2 of 3, new random PIN set on the token: share 1 frank, share 2 grace, share 3 heidi; opened with quorum $Q1, 3 of 5: shares 2 bob, 4 dave, 5 erin"
codes=$(sed -n 's/^code: //p' "$S"/*.txt "$N"/*.txt | tr -d '-')
leak=0
for k in $codes; do grep -q "${k:0:12}" "$log" "$R/audit.seals" "$R/quorum.txt" && leak=1; done
is "no share value in the audit log, seals or quorum.txt" "$leak" 0
ok "the audit log and its seals verify" c audit verify --home "$R"

done_testing
