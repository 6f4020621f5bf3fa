#!/bin/bash
# Ctrl-C while the token generates a key: the TUI lets the token finish,
# records it, then leaves; the terminal is back in its normal modes and
# the data directory whole (the key generated and audited, the session
# closed, the chain intact).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui_lib.sh"

H=$T/ca
mktoken root
"$CEREMONY" init --home "$H" --token root > /dev/null
tui_start --home "$H"
login "$USER_PIN"
shows "logged in" "LOGGED IN"
keys 2 && wait_for "New key: type ec:P-384" && keys t t t
shows "rsa:4096 chosen" "New key: type rsa:4096"
keys g && wait_for "Label of the new rsa:4096 key" && keys Enter
# Ctrl-C as soon as the spinner shows (or the key is already made).
wait_for "the token generates the key|generated rsa:4096 key"
keys C-c
end=$(( $(date +%s) + 300 )); while [ ! -s "$T/tui.rc" ] && [ "$(date +%s)" -le "$end" ]; do sleep 0.1; done
is "Ctrl-C ends the TUI with status 0" "$(cat "$T/tui.rc" 2> /dev/null)" 0
is "nothing on stderr" "$(cat "$T/tui.err")" ""
modes=$(cat "$T/tui.stty")
like "the terminal echoes again" "$modes" "(^| )echo( |$)"
like "and reads lines again" "$modes" "(^| )icanon( |$)"
like "and maps CR to NL again" "$modes" "(^| )icrnl( |$)"
ok "the audit chain holds" "$CEREMONY" audit show --home "$H"
out=$(cat "$T/out")
like "the key generation finished and was recorded" "$out" "key.generate +ok +root-gen1"
like "then the session was closed" "$out" "key.generate .*
.*session.close +ok"
ok "the key is on the token" "$CEREMONY" key show root-gen1 --home "$H" --pin-file "$T/pin"
like "an RSA-4096 key" "$(cat "$T/out")" "rsa:4096"
# The terminal goes away (its window closed) while a shell that ignores
# SIGHUP waits for the TUI, as tui.sh does: no signal reaches the TUI,
# only end of file.  It must end by itself, sealing its session, not spin.
tui_start --home "$H"
login "$USER_PIN"
shows "logged in again" "LOGGED IN"
pid=$(pgrep -P "$(cat "$T/tui.pid")")
_tmux kill-session -t tui
end=$(( $(date +%s) + 60 )); while kill -0 "$pid" 2> /dev/null && [ "$(date +%s)" -le "$end" ]; do sleep 0.1; done
is "the TUI ended when its terminal hung up" "$(kill -0 "$pid" 2> /dev/null && echo running || echo ended)" ended
like "... and closed its audit session" "$(tail -1 "$H/audit.log")" "op=session.close"
ok "audit sessions" "$CEREMONY" audit sessions --home "$H"
like "... lists the last session as closed (no CA yet: nothing to seal with)" "$(tail -1 "$T/out")" \
	"^[0-9]+ +[0-9T:-]+Z +[0-9T:-]+Z +root "
done_testing
