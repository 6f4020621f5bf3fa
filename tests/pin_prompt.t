#!/bin/bash
# The PIN asked on the terminal with echo off: Ctrl-C, a termination or a
# hang-up in the middle gives the terminal its echo back before the
# process dies of the signal; Ctrl-Z gives it back while stopped and turns
# echo off again when the process goes on.  Run for real in tmux.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui_lib.sh"
H=$T/ca
mktoken prompt
"$CEREMONY" init --home "$H" --token prompt > /dev/null
"$CEREMONY" key generate --home "$H" --pin-file "$T/pin" --label k --type ec:P-256 \
	> /dev/null 2>&1

# ask: key list, which asks for the PIN, in an 80x24 pane, run by a
# script with job control (set -m) as a shell runs it: the command has its
# own process group in the terminal's foreground (a stop signal is not
# discarded), and the script outlives it to record its status and the
# terminal's modes; a stopped command has its modes recorded, then is
# brought back (fg).
ask() {
	rm -f "$T/ask.rc" "$T/ask.stty" "$T/stopped.stty"
	_tmux kill-session -t tui 2> /dev/null
	cat > "$T/ask.sh" <<-EOS
	#!/bin/bash
	set -m
	trap ":" INT
	"$CEREMONY" key list --home "$H" > "$T/ask.out" 2> "$T/ask.err"
	rc=\$?
	if [ \$rc -eq 148 ]; then
		stty -a > "$T/stopped.stty"
		fg > /dev/null
		rc=\$?
	fi
	echo \$rc > "$T/ask.rc"
	stty -a > "$T/ask.stty"
	sleep 100000
	EOS
	chmod +x "$T/ask.sh"
	_tmux new-session -d -s tui -x 80 -y 24 env SOFTHSM2_CONF="$SOFTHSM2_CONF" \
		ASAN_OPTIONS="${ASAN_OPTIONS:-}" LSAN_OPTIONS="${LSAN_OPTIONS:-}" \
		UBSAN_OPTIONS="${UBSAN_OPTIONS:-}" "$T/ask.sh"
	wait_for "user PIN:"
}
pane_modes() { stty -a < "$(_tmux display-message -p -t tui '#{pane_tty}')"; }
cmd_pid() { pgrep -P "$(_tmux display-message -p -t tui '#{pane_pid}')"; }
wait_rc() {
	local end=$(( $(date +%s) + TUI_WAIT ))
	while [ ! -s "$T/ask.stty" ] && [ "$(date +%s)" -le "$end" ]; do sleep 0.1; done
	cat "$T/ask.rc" 2> /dev/null || echo "no exit"
}
echo_on='(^| )echo( |$)'
echo_off='(^| )-echo( |$)'

ask
shows "the PIN is asked" "user PIN:$"
like "... with echo off" "$(pane_modes)" "$echo_off"
typed 246
keys C-c
is "Ctrl-C: the command dies of SIGINT" "$(wait_rc)" 130
like "... and the terminal echoes again" "$(cat "$T/ask.stty")" "$echo_on"
like "... in its line mode" "$(cat "$T/ask.stty")" "(^| )icanon( |$)"
unlike "... nothing was listed" "$(cat "$T/ask.out")" "k"

for sig in TERM HUP; do
	ask
	typed 24
	kill -"$sig" "$(cmd_pid)"
	is "SIG$sig at the prompt: the command dies of it" "$(wait_rc)" \
		$((128 + $(kill -l "$sig")))
	like "... and the terminal echoes again" "$(cat "$T/ask.stty")" "$echo_on"
done

ask
typed 999
keys C-z
end=$(( $(date +%s) + TUI_WAIT ))
until [ -s "$T/stopped.stty" ] || [ "$(date +%s)" -gt "$end" ]; do sleep 0.1; done
like "Ctrl-Z: the command stops with the terminal's echo back on" \
	"$(cat "$T/stopped.stty" 2> /dev/null)" "$echo_on"
end=$(( $(date +%s) + TUI_WAIT ))
until pane_modes | grep -Eq -- "$echo_off" || [ "$(date +%s)" -gt "$end" ]; do sleep 0.1; done
like "brought back (SIGCONT), the prompt has echo off again" "$(pane_modes)" "$echo_off"
shows "... and asks again" "user PIN:
user PIN:$"
typed "$USER_PIN"
keys Enter
is "the PIN typed after it logs in (what was typed before is gone)" "$(wait_rc)" 0
like "... the key is listed" "$(cat "$T/ask.out")" "(^| )k( |$)"
like "... and the terminal echoes" "$(cat "$T/ask.stty")" "$echo_on"
done_testing
