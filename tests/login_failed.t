#!/bin/bash
# Failed logins are audited by the core (ceremony/session/), so every
# command that logs in leaves the record: a wrong PIN, a mistyped share,
# shares of a quorum the token no longer has, a locked PIN.  Each is one
# login.failed record naming the token, the count of failures in this
# process and why in words; never the PIN nor any share's code.  The
# audit log still verifies.  Where there is no data directory nothing is
# tried and nothing is written.  (The TUI's side: tests/tui_login_failed.t.)
. "$(dirname "$0")/lib.sh"

H=$T/ca
c() { "$CEREMONY" "$@"; }
mktoken room
c init --home "$H" --module "$MODULE" --token room --ca-name "Room Root" > /dev/null
c key generate --home "$H" --pin-file "$T/pin" --label rk --type ec:P-384 > /dev/null
c root create --home "$H" --pin-file "$T/pin" --template "$TOP/templates/root-ca.cnf" \
	--key rk > /dev/null
BAD=wrong-pin-73915
printf '%s\n' "$BAD" > "$T/badpin"
chmod 600 "$T/pin" "$T/badpin"
failed() { grep -P '\top=login\.failed\t' "$H/audit.log"; }

fails_like "a wrong PIN is refused" 'token "room": PIN incorrect' \
	c key generate --home "$H" --pin-file "$T/badpin" --label k2 --type ec:P-256
is "... one login.failed record" "$(failed | wc -l)" 1
like "... naming the token, the count and the token's words" "$(failed | tail -1)" \
	'result=fail.*detail=token=room serial=[0-9a-f]{16} failures=1 reason=token "room": PIN incorrect \(tries are running low\)'
like "... by the operator" "$(failed | tail -1)" "operator=$(id -un)"
is "... and no session was opened for it" "$(grep -c 'op=session.open' "$H/audit.log")" \
	"$(grep -c 'op=session.close' "$H/audit.log")"
ok "the audit log verifies after it" c audit verify --home "$H"

# Shares: split 2 of 2, then one code mistyped.
mkdir -m 700 "$T/shares"
ok "a quorum of two" c quorum split --home "$H" --pin-file "$T/pin" --m 2 --n 2 \
	--custodian anna --custodian ben --fresh --out "$T/shares"
A=$T/shares/share-1-anna.txt B=$T/shares/share-2-ben.txt
code=$(sed -n 's/^code: //p' "$A")
case ${code:0:1} in 2) o=3 ;; *) o=2 ;; esac
sed "s/^code: ./code: $o/" "$A" > "$T/mistyped.txt"
chmod 600 "$T/mistyped.txt"
fails "a mistyped share is refused" c key generate --home "$H" \
	--share-file "$T/mistyped.txt" --share-file "$B" --label k2 --type ec:P-256
is "... two login.failed records now" "$(failed | wc -l)" 2
like "... the share refused, in fixed words" "$(failed | tail -1)" \
	"detail=token=room serial=[0-9a-f]{16} failures=1 reason=a custodian's share was refused \(mistyped, or not of the token's quorum\)"
unlike "... no group of the code in the log" "$(cat "$H/audit.log")" "${code:0:5}|$o${code:1:4}"

mkdir -m 700 "$T/new"
ok "a reshare makes these shares old" c quorum reshare --home "$H" \
	--share-file "$A" --share-file "$B" --m 2 --n 2 --custodian anna --custodian ben \
	--out "$T/new"
fails_like "the old shares are refused by their quorum" 'no longer open it; nothing was tried on the token' \
	c key generate --home "$H" --share-file "$A" --share-file "$B" --label k2 --type ec:P-256
like "... and audited" "$(failed | tail -1)" \
	"failures=1 reason=the shares are of an old quorum, not the token's \(nothing was tried on the token\)"

# token_flags LABEL BITS: SoftHSM's stored token flags, as a token that
# counts tries sets them (SoftHSM 2.6 itself never locks; tests/hsm_token.t).
token_flags() {
	local f
	f=$(grep -l "$1" "$T"/tokens/*/token.object) || return 1
	perl -0777 -pi -e 's/(\x00{4}\x80\x00SK\x00{7}\x02\x00{4})(....)/$1.pack("N", unpack("N", $2) | '"$2"')/se' "$f"
}
ok "the token's PIN locked" token_flags room 0x40000
fails_like "a locked PIN is refused, the new shares right" 'token "room": PIN locked' \
	c key generate --home "$H" --share-file "$T/new/share-1-anna.txt" \
	--share-file "$T/new/share-2-ben.txt" --label k2 --type ec:P-256
like "... and audited" "$(failed | tail -1)" \
	'failures=1 reason=token "room": PIN locked: the security officer must unlock it'
is "four failures recorded in all" "$(failed | wc -l)" 4
ok "the audit log still verifies" c audit verify --home "$H"
new=$(sed -n 's/^code: //p' "$T/new/share-1-anna.txt")
is "neither the wrong PIN nor a code in any file of the data directory" \
	"$(grep -rlF -e "$BAD" -e "${code:0:11}" -e "${new:0:11}" "$H" | wc -l)" 0

# No data directory: nothing to record in, and nothing is tried.
fails_like "no data directory: refused before the token" "$T/none" \
	c key generate --home "$T/none" --pin-file "$T/badpin" --label k2 --type ec:P-256
is "... nothing written" "$(tree "$T/none")" "(absent)"

done_testing
