# Shared by tests/tui_*.t: ceremony tui driven for real in a detached tmux
# session on a private socket, a fixed window size and TERM; the screen is
# read with capture-pane and polled until the expected text shows (no
# fixed sleeps).  Source after lib.sh.
command -v tmux > /dev/null || { echo "1..0 # SKIP tmux is not installed"; exit 0; }

TUI_WAIT=${TUI_WAIT:-60}	# seconds; the sanitizer build is slower
unset TMUX
_tmux() { tmux -S "$TMUX_SOCK" -f /dev/null "$@"; }
trap '_tmux kill-server 2> /dev/null; rm -rf "$T" "$TMUX_SOCK"' EXIT
# An idle session keeps the server up for the whole test: when a test ends
# its only session, the server exits, and a new session made at that
# moment can meet the dying server ("no server running").
_tmux new-session -d -s keeper -x 20 -y 5 sleep 100000

# tui_start ARGS...: ceremony tui ARGS in an 80x24 window, run in $TUI_DIR
# (default the project folder); its exit code goes to $T/tui.rc, its pid
# to $T/tui.pid, its stderr to $T/tui.err.
tui_start() {
	rm -f "$T/tui.rc"
	# A test may start the TUI again: the last one's pane goes first.
	_tmux kill-session -t tui 2> /dev/null
	# TUI_WRAP: a command in front of the program (valgrind).
	# After the program: the terminal's modes, to see it left them clean.
	# The script ignores the terminal's signals (the program sets its own
	# handlers), so it outlives a Ctrl-C to record what came of it.
	printf '#!/bin/sh\ntrap "" INT TERM HUP\necho $$ > "%s/tui.pid"\ncd "%s"\n%s "%s" tui "$@" 2> "%s/tui.err"\nrc=$?\nstty -a > "%s/tui.stty"\necho $rc > "%s/tui.rc"\n' \
		"$T" "${TUI_DIR:-$TOP}" "${TUI_WRAP:-}" "$CEREMONY" "$T" "$T" "$T" > "$T/tui.sh"
	chmod +x "$T/tui.sh"
	_tmux new-session -d -s tui -x 80 -y 24 \
		env TERM=tmux-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 \
		SOFTHSM2_CONF="$SOFTHSM2_CONF" ASAN_OPTIONS="${ASAN_OPTIONS:-}" \
		LSAN_OPTIONS="${LSAN_OPTIONS:-}" UBSAN_OPTIONS="${UBSAN_OPTIONS:-}" \
		"$T/tui.sh" "$@"
	_tmux set-option -t tui remain-on-exit on > /dev/null
	clock_yes tui
}

# clock_yes SESSION: the TUI opens on the clock check (tui/clock.c); the
# operator types yes, and the menu shows.
clock_yes() {
	local end=$(( $(date +%s) + TUI_WAIT ))
	until _tmux capture-pane -p -t "$1" | grep -q "UTC time now:"; do
		[ "$(date +%s)" -le "$end" ] || return 1
		sleep 0.1
	done
	_tmux send-keys -t "$1" -l yes && _tmux send-keys -t "$1" Enter
}

screen() { _tmux capture-pane -p -t tui; }
keys() { _tmux send-keys -t tui "$@"; }
typed() { _tmux send-keys -t tui -l "$1"; }

# wait_for ERE [SECONDS]: poll the screen until it matches.
wait_for() {
	local end=$(( $(date +%s) + ${2:-$TUI_WAIT} ))
	while [ "$(date +%s)" -le "$end" ]; do
		screen | grep -Eq -- "$1" && return 0
		sleep 0.1
	done
	return 1
}

# shows DESC ERE [SECONDS]: a test that the screen comes to match ERE.
shows() {
	wait_for "$2" "${3:-$TUI_WAIT}"
	local rc=$?
	_result $rc "$1"
	[ $rc -eq 0 ] || { diag "the screen never matched /$2/:"; screen | sed 's/^/#   /'; }
	return $rc
}

# flat: the screen with every blank and line break taken out, so that a
# path that wraps wherever the checkout's or TMPDIR's length puts it reads
# as one piece.
flat() { screen | tr -d ' \n'; }

# shows_text DESC TEXT [SECONDS]: the screen comes to show TEXT (a literal,
# not a pattern), however it is wrapped.
shows_text() {
	local end=$(( $(date +%s) + ${3:-$TUI_WAIT} )) rc=1 want
	want=$(printf '%s' "$2" | tr -d ' \n')
	while [ "$(date +%s)" -le "$end" ]; do
		flat | grep -Fq -- "$want" && { rc=0; break; }
		sleep 0.1
	done
	_result $rc "$1"
	[ $rc -eq 0 ] || { diag "the screen never showed '$2':"; screen | sed 's/^/#   /'; }
	return $rc
}

# shows_line DESC N ERE: line N of the screen comes to match ERE.
shows_line() {
	local end=$(( $(date +%s) + TUI_WAIT )) rc=1
	while [ "$(date +%s)" -le "$end" ]; do
		screen | sed -n "$2p" | grep -Eq -- "$3" && { rc=0; break; }
		sleep 0.1
	done
	_result $rc "$1"
	[ $rc -eq 0 ] || { diag "line $2 never matched /$3/:"; screen | sed 's/^/#   /'; }
	return $rc
}

# tui_signal SIG: the signal to the ceremony process (the child of
# tui.sh), then its exit code.
tui_signal() {
	kill -"$1" "$(pgrep -P "$(cat "$T/tui.pid")")"
	local end=$(( $(date +%s) + TUI_WAIT ))
	while [ ! -s "$T/tui.rc" ] && [ "$(date +%s)" -le "$end" ]; do
		sleep 0.1
	done
	cat "$T/tui.rc" 2> /dev/null || echo "no exit"
}

# tui_quit: q, then the exit code the program returned.
tui_quit() {
	keys q
	local end=$(( $(date +%s) + TUI_WAIT ))
	while [ ! -s "$T/tui.rc" ] && [ "$(date +%s)" -le "$end" ]; do
		sleep 0.1
	done
	cat "$T/tui.rc" 2> /dev/null || echo "no exit"
}

# login PIN: screen 1, l, the PIN, Enter; waits for the verdict.
login() {
	keys 1 && wait_for "l log in" && keys l && wait_for "User PIN of token" &&
		typed "$1" && keys Enter
}

# fixture_root HOME LABEL: a token, a data directory and a root made by the
# command line (for the tests that start after the ceremony).
fixture_root() {
	mktoken "$2"
	"$CEREMONY" init --home "$1" --token "$2" --ca-name "Test Root" > /dev/null &&
	"$CEREMONY" key generate --home "$1" --pin-file "$T/pin" --label root-gen1 \
		--type ec:P-384 > /dev/null &&
	"$CEREMONY" root create --home "$1" --pin-file "$T/pin" \
		--template "$TOP/templates/root-ca.cnf" --key root-gen1 > /dev/null
}

# csr_good DIR NAME, csr_bad DIR NAME: a subordinate CA's request that the
# subca policy accepts, and one that fails it five ways.
csr_good() {
	openssl ecparam -name secp384r1 -genkey -noout -out "$T/$2.key" 2> /dev/null
	openssl req -new -key "$T/$2.key" -subj "/C=XX/O=Example Organisation/CN=$2" \
		-addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
		-addext "keyUsage=critical,keyCertSign,cRLSign" -out "$1/$2.csr"
}
csr_bad() {
	openssl ecparam -name secp384r1 -genkey -noout -out "$T/$2.key" 2> /dev/null
	openssl req -new -key "$T/$2.key" -subj "/C=XX/O=Example/CN=bad_name" -sha1 \
		-addext "basicConstraints=critical,CA:TRUE,pathlen:5" \
		-addext "subjectAltName=DNS:*.example.com,IP:10.0.0.1" -out "$1/$2.csr"
}

# inbox_fixture HOME: a root made by the command line (token "root") and
# its inbox with one good subordinate CA request (issuing.csr) and one bad
# one (bad.csr), as the sign screen's tests start.
inbox_fixture() {
	fixture_root "$1" root || return 1
	csr_good "$1/requests" issuing && csr_bad "$1/requests" bad
}

# body: the screen's body, the lines below the menu's rule (the warnings
# above it take one to three lines).  sed, not awk: mawk reads "─+" as
# its last byte repeated, and a body that is always empty passes every
# unlike.  Without the rule (a screen not painted) nothing: the caller's
# like then fails.
body() { screen | sed -n '/^\(─\)\{1,\}$/,$p' | sed 1d; }
