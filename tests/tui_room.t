#!/bin/bash
# The clock check on a terminal, driven through tmux: the TUI opens on the
# UTC time and asks for yes; anything else ends it with one line saying
# how to set the clock; yes goes on, and the login's session.open records
# the confirmation with the time shown.  On the command line, clock =
# confirm asks the same on the terminal before the PIN is read.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui_lib.sh"

H=$T/ca
mktoken root
"$CEREMONY" init --home "$H" --token root > /dev/null || { echo "Bail out! init"; exit 1; }
opens() { grep -P '\top=session\.open\t' "$H/audit.log" | tail -1; }

# tui_start answers the clock check (clock_yes): here the test does.
clock_yes() { :; }
before=$(tree "$H")
tui_start --home "$H"
shows "the TUI opens on the clock check" "Clock check: is this machine's time right\?"
like "the UTC time, as text" "$(screen)" "UTC time now: [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} UTC"
like "the question" "$(screen)" "Does it match your trusted clock\? Type yes"
unlike "no menu yet" "$(screen)" "1 ?Token 2 ?Root"
typed no && keys Enter
end=$(( $(date +%s) + TUI_WAIT )); while [ ! -s "$T/tui.rc" ] && [ "$(date +%s)" -le "$end" ]; do sleep 0.1; done
is "no: the TUI ends with status 1" "$(cat "$T/tui.rc")" 1
is "... one line on stderr" "$(wc -l < "$T/tui.err")" 1
like "... saying how to set the clock" "$(cat "$T/tui.err")" \
	"^ceremony: the clock was not confirmed \(UTC time .*\): set it \(date -u -s 'YYYY-MM-DD HH:MM:SS'\) and start again$"
is "... nothing written" "$(tree "$H")" "$before"
_tmux kill-session -t tui

tui_start --home "$H"
shows "again: the clock check" "UTC time now:"
typed yes && keys Enter
shows "yes: the menu" "1 ?Token 2 ?Root"
login "$USER_PIN"
shows "logs in" "LOGGED IN"
is "q leaves with status 0" "$(tui_quit)" 0
like "session.open records the clock confirmed on the TUI, with the time shown" "$(opens)" \
	"clock=confirmed against a trusted clock on the TUI's clock screen \(shown [0-9-]+ [0-9:]+ UTC, confirmed [0-9-]+ [0-9:]+ UTC\)	"
like "... and the room check" "$(opens)" "network=warn interfaces=[^	]* clock="
_tmux kill-session -t tui

# The command line with clock = confirm, on a terminal: asked, yes goes on.
printf '[room]\nclock = confirm\n' >> "$H/ceremony.cnf"
_tmux new-session -d -s cli -x 120 -y 24 env SOFTHSM2_CONF="$SOFTHSM2_CONF" \
	ASAN_OPTIONS="${ASAN_OPTIONS:-}" LSAN_OPTIONS="${LSAN_OPTIONS:-}" \
	sh -c "'$CEREMONY' key list --home '$H' --pin-file '$T/pin' > '$T/cli.out' 2>&1; echo cli-exit=\$?; sleep 600"
end=$(( $(date +%s) + TUI_WAIT ))
until _tmux capture-pane -p -t cli | grep -q "type yes:" || [ "$(date +%s)" -gt "$end" ]; do sleep 0.1; done
like "the command asks on the terminal" "$(_tmux capture-pane -p -t cli)" \
	"UTC time now: [0-9-]+ [0-9:]+ UTC; does it match your trusted clock\? type yes:"
_tmux send-keys -t cli -l yes && _tmux send-keys -t cli Enter
until _tmux capture-pane -p -t cli | grep -q "cli-exit=" || [ "$(date +%s)" -gt "$end" ]; do sleep 0.1; done
like "yes: it goes on" "$(_tmux capture-pane -p -t cli)" "cli-exit=0"
like "... and records it" "$(opens)" \
	"clock=confirmed against a trusted clock at the terminal \(shown [0-9-]+ [0-9:]+ UTC, confirmed "
_tmux kill-session -t cli
before=$(tree "$H")
_tmux new-session -d -s cli -x 120 -y 24 env SOFTHSM2_CONF="$SOFTHSM2_CONF" \
	ASAN_OPTIONS="${ASAN_OPTIONS:-}" LSAN_OPTIONS="${LSAN_OPTIONS:-}" \
	sh -c "'$CEREMONY' key list --home '$H' --pin-file '$T/badpin' 2> '$T/cli.err'; echo cli-exit=\$?; sleep 600"
end=$(( $(date +%s) + TUI_WAIT ))
until _tmux capture-pane -p -t cli | grep -q "type yes:" || [ "$(date +%s)" -gt "$end" ]; do sleep 0.1; done
_tmux send-keys -t cli -l nope && _tmux send-keys -t cli Enter
until _tmux capture-pane -p -t cli | grep -q "cli-exit=" || [ "$(date +%s)" -gt "$end" ]; do sleep 0.1; done
like "anything else: refused" "$(_tmux capture-pane -p -t cli)" "cli-exit=1"
like "... before the (wrong) PIN was tried" "$(cat "$T/cli.err")" \
	"^ceremony: the clock was not confirmed \(UTC time .*\): set it \(date -u -s 'YYYY-MM-DD HH:MM:SS'\) and run again; nothing was tried on the token$"
is "... nothing written" "$(tree "$H")" "$before"
done_testing
