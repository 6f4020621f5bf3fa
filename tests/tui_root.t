#!/bin/bash
# The TUI's root ceremony, driven through tmux: a wrong PIN is refused on
# screen and the TUI carries on; the right one logs in (never shown); an
# RSA-4096 key is generated on the token behind a spinner that ignores a
# second press; a mistyped confirmation creates nothing; CREATE creates
# the root, and the fingerprint groups on screen are the certificate's.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui_lib.sh"

H=$T/ca
mktoken root
"$CEREMONY" init --home "$H" --token root > /dev/null
tui_start --home "$H"
shows "the status bar names the token, the login state, the CA" "token root: logged out \| no CA \| "
shows "the banner says there is no root yet" "! no root yet"

login wrong-pin
shows "a wrong PIN is refused in words" "error: log in refused: .*PIN incorrect"
login "$USER_PIN"
shows "the right PIN logs in" "token root: LOGGED IN"
unlike "the PIN is never on screen" "$(screen)" "$USER_PIN|wrong-pin"

keys 2
shows "the root screen shows the profile to review" "basicConstraints = critical, CA:TRUE, pathlen:1"
keys t t t
shows "t chooses the key type" "New key: type rsa:4096"
keys g
shows "g asks for the new key's label" "Label of the new rsa:4096 key"
keys Enter
shows "the token generates behind a spinner" "the token generates the key \([0-9]+s\): please wait"
keys g Enter g Enter
shows "the key is generated" "generated rsa:4096 key \"root-gen1\" on the token" 300
is "a second press started nothing: one key.generate in the audit log" \
	"$(grep -c 'op=key.generate' "$H/audit.log")" 1

before=$(tree "$H")
keys c
shows "c asks for the typed confirmation" "Type CREATE to have the token sign"
typed create && keys Enter
shows "a mistyped word does nothing" "you typed \"create\", not CREATE: nothing was done"
is "and nothing was written" "$(tree "$H")" "$before"

keys c && wait_for "Type CREATE" && typed CREATE && keys Enter
shows "CREATE creates the root" "Root certificate \(CA generation 1, active\)" 120
shows "with the rollover state line" "rollover +generation 1 active; no rollover pending"
shows "the banner now asks for the first CRL" "no CRL issued for generation 1"
scr=$(screen)
fp=$(openssl x509 -in "$H/ca/gen-1.pem" -noout -fingerprint -sha256 | sed 's/.*=//; s/://g')
groups=$(printf '%s\n' "$scr" | grep -E '^ +[15]  [0-9A-F]{8}' | \
	sed -E 's/ +[1-8]  / /g; s/ //g' | tr -d '\n')
is "the eight groups on screen are the root's SHA-256 fingerprint" "$groups" "$fp"
serial=$(printf '%s\n' "$scr" | sed -n 's/^ *serial *\([0-9A-F]*\)$/\1/p')
is "the serial on screen is the root's" "$serial" \
	"$(openssl x509 -in "$H/ca/gen-1.pem" -noout -serial | sed 's/serial=//')"
shows_text "the root is exported where the screen says" "exported $H/export/root-gen1.pem"
verify_all_chain "the exported root" "$H/export/root-gen1.pem" "$H/export/root-gen1.pem"

is "q leaves with status 0" "$(tui_quit)" 0
is "nothing on stderr" "$(cat "$T/tui.err")" ""
ok "the audit chain holds" "$CEREMONY" audit show --home "$H"
like "the audit log records the key" "$(cat "$T/out")" \
	"key.generate +ok +root-gen1"
like "and the root" "$(cat "$T/out")" "root.create +ok +$serial"
ok "the database lists" "$CEREMONY" db list --home "$H"
like "exactly the root, valid" "$(cat "$T/out")" "^S .*
V  $serial .* CN=Example Root CA.*
1 of 1 certificates"
ok "the key on the token is RSA-4096" "$CEREMONY" key show root-gen1 --home "$H" --pin-file "$T/pin"
like "its type" "$(cat "$T/out")" "rsa:4096"
done_testing
