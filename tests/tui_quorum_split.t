#!/bin/bash
# Quorum split and reshare from the TUI's token screen (k, issue 17), by
# the core functions of ceremony quorum split/reshare: logged in with the
# PIN, M of N and the custodians typed, a folder for the share files, a
# fresh random PIN, the current PIN again (masked); then, logged in with
# two of those shares, a reshare to new custodians, the current shares
# typed again (masked).  Refusals are one line and write nothing.  The
# command line then finds the old PIN and the old shares dead and the new
# shares good; the audit log records both in the witnessed session and
# verifies; no share's code is on screen or in the log.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui_lib.sh"

H=$T/ca
fixture_root "$H" root
mkdir -m 700 "$T/shares" "$T/new"
code_of() { sed -n 's/^code: //p' "$1"/share-*-"$2".txt; }
# quorum SPEC DIR: k, the quorum, the folder.
quorum() {
	keys k && wait_for "M of N and the N" && typed "$1" && keys Enter &&
		wait_for "Folder for the" && typed "$2" && keys Enter
}
# share NAME CODE: one custodian's name and code.
share() {
	wait_for "Custodian [0-9].*your name" && typed "$1" && keys Enter &&
		wait_for "Share code of $1" && typed "$2" && keys Enter
}

tui_start --home "$H" --witness wendy
keys 1
shows "the foot names k" "k quorum"
keys k
shows "k needs a login first" "log in first \(l, or s with the current shares\)"
login "$USER_PIN" && wait_for "LOGGED IN"
keys k && wait_for "Split the PIN: M of N" && typed "3 of 2: anna, ben" && keys Enter
shows_text "M above N is refused in one line" "a quorum is M of N with 2 <= M <= N <= 16"
keys k && wait_for "Split the PIN" && typed "2 of 3: anna, ben" && keys Enter
shows_text "too few custodians" "3 shares need 3 custodians"
quorum "2 of 3: anna, ben, cleo" "$T/nothere"
shows_text "a folder that is not there" "$T/nothere: not a directory"
quorum "2 of 3: anna, ben, cleo" "$T/shares"
shows "FRESH or CURRENT is asked" "Type FRESH for a new random PIN"
typed fresh && keys Enter
shows "another word does nothing" "you typed \"fresh\", not FRESH or CURRENT: nothing was done"
is "nothing written so far" "$(ls "$T/shares")" ""
quorum "2 of 3: anna, ben, cleo" "$T/shares"
wait_for "Type FRESH" && typed FRESH && keys Enter
shows "the current PIN is asked again, masked" "The current user PIN again \(not shown"
typed "$USER_PIN" && keys Enter
shows "the split is done, a new random PIN set" \
	"quorum [0-9A-F]{16}: 2 of 3 shares open the token, one file each in"
is "three share files" "$(ls "$T/shares" | tr '\n' ' ')" \
	"share-1-anna.txt share-2-ben.txt share-3-cleo.txt "
is "... each mode 600" "$(stat -c %a "$T/shares"/* | sort -u)" 600
like "quorum.split recorded, never a share" "$(grep 'op=quorum.split' "$H/audit.log")" \
	"result=ok.*detail=quorum [0-9A-F]+, 2 of 3, new random PIN set on the token: share 1 anna, share 2 ben, share 3 cleo"
A=$(code_of "$T/shares" anna) B=$(code_of "$T/shares" ben)

keys o && wait_for "logged out"
keys s && share anna "$A" && share ben "$B"
shows "two of the new shares log in" "token root: LOGGED IN"
quorum "2 of 2: dave, erin" "$T/new"
shows "a reshare asks the current shares again" "Custodian 1: your name"
share anna "$A" && share ben "$B"
shows "the reshare is done" "quorum [0-9A-F]{16}: 2 of 2 shares open the token"
is "two new share files" "$(ls "$T/new" | tr '\n' ' ')" "share-1-dave.txt share-2-erin.txt "
like "quorum.reshare recorded, with who opened it" "$(grep 'op=quorum.reshare' "$H/audit.log")" \
	"result=ok.*share 1 dave, share 2 erin; opened with quorum [0-9A-F]+, 2 of 3: shares [0-9] anna, [0-9] ben"
unlike "no code on screen" "$(screen)" "${A:0:11}|${B:0:11}|$USER_PIN"
is "the program exits 0" "$(tui_quit)" 0

c() { "$CEREMONY" "$@"; }
fails_like "the first PIN no longer opens the token" "PIN incorrect" \
	c key list --home "$H" --pin-file "$T/pin"
fails_like "nor the first shares" "no longer open it" c key list --home "$H" \
	--share-file "$T/shares/share-1-anna.txt" --share-file "$T/shares/share-2-ben.txt"
ok "the new shares do" c key list --home "$H" \
	--share-file "$T/new/share-1-dave.txt" --share-file "$T/new/share-2-erin.txt"
sess=$(grep -P '\top=quorum\.split\t' -B3 "$H/audit.log" | grep -P '\top=session\.open\t' | tail -1)
like "the split was in a session witnessed by wendy" "$sess" "witnesses=wendy "
ok "the audit log verifies" c audit verify --home "$H"
D=$(code_of "$T/new" dave)
is "no code in any file of the data directory" \
	"$(grep -rlF -e "${A:0:11}" -e "${B:0:11}" -e "${D:0:11}" "$H" | wc -l)" 0

done_testing
