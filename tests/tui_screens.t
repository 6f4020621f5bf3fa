#!/bin/bash
# The TUI as a whole, driven through tmux: every screen paints at 80x24;
# a window too small says so, and back at 80x24 (or larger) the screen is
# repainted whole; wide characters are shown as such; SIGTERM leaves the
# terminal and the data directory clean.  Refusals without a terminal or
# with a PIN source on the command line are one line each.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui_lib.sh"

H=$T/ca
fixture_root "$H" root || { echo "Bail out! fixture"; exit 1; }
openssl ecparam -name secp384r1 -genkey -noout -out "$T/wide.key" 2> /dev/null
openssl req -new -utf8 -key "$T/wide.key" -subj "/C=JP/O=例え株式会社/CN=日本の発行CA" \
	-addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
	-addext "keyUsage=critical,keyCertSign,cRLSign" -out "$H/requests/wide.csr"

fails "without a terminal the TUI refuses in one line" "$CEREMONY" tui --home "$H"
like "and says what to use instead" "$(cat "$T/err")" "needs a terminal"
# On a terminal: without one, the TUI would refuse first for that.
fails_like "--pin-file is refused: the TUI asks for the PIN itself" 'the TUI asks for the PIN itself \(masked\): leave out --pin-file and --pin-fd' \
	on_tty "$CEREMONY" tui --home "$H" --pin-file "$T/pin"
fails_like "a data directory that does not exist is refused" '/none is not a ceremony data directory' on_tty "$CEREMONY" tui --home "$T/none"

# On a terminal, the bare command opens the TUI on $CEREMONY_HOME.
_tmux new-session -d -s bare -x 80 -y 24 env TERM=tmux-256color LANG=C.UTF-8 \
	CEREMONY_HOME="$H" SOFTHSM2_CONF="$SOFTHSM2_CONF" ASAN_OPTIONS="${ASAN_OPTIONS:-}" \
	LSAN_OPTIONS="${LSAN_OPTIONS:-}" sh -c "cd '$TOP' && '$CEREMONY'; echo bare-exit=\$?; sleep 600"
clock_yes bare
end=$(( $(date +%s) + TUI_WAIT ))
until _tmux capture-pane -p -t bare | grep -Eq "1 ?Token 2 ?Root" || [ "$(date +%s)" -gt "$end" ]; do sleep 0.1; done
like "plain ceremony on a terminal opens the TUI" "$(_tmux capture-pane -p -t bare)" "token root: logged out \| gen 1"
_tmux send-keys -t bare q
until _tmux capture-pane -p -t bare | grep -q "bare-exit=" || [ "$(date +%s)" -gt "$end" ]; do sleep 0.1; done
like "and q leaves it with status 0" "$(_tmux capture-pane -p -t bare)" "bare-exit=0"
_tmux kill-session -t bare

tui_start --home "$H"
shows "screen 1: the token" "slot +label +serial +state"
keys 2
shows "screen 2: the root, fingerprint in groups" "1  [0-9A-F]{8} +2  [0-9A-F]{8}"
keys 3
shows_text "screen 3: wide characters shown as such" "wide.csr accept CN=日本の発行CA,O=例え株式会社"
keys 5
shows "screen 5: the CRL state" "generation 1 \(active\): +NO CRL YET"
keys 6
shows "screen 6: the database" "1 of 1 certificates"
keys Enter
shows "Enter shows a certificate's history and fields" "history \(index\.txt, oldest first\)"
shows "with its fingerprint in groups" "SHA-256 +([0-9A-F]{8} ){3}[0-9A-F]{8}"
keys Escape 7
# init's template records, two sessions (key generate, root create).
shows "screen 7: the audit log and its chain" "Audit log, $(grep -c '^seq=' "$H/audit.log") records: +hash chain intact"
like "... that many: 9 templates and 6 records of two sessions" "$(grep -c '^seq=' "$H/audit.log")" "^15$"
keys 8
sum=$(sha256sum "$H/export/root-gen1.pem" | cut -d' ' -f1)
shows "screen 8: the exports with their SHA-256" "SHA-256 $sum"
like "under the file's name and size" "$(screen)" "root-gen1\.pem +[0-9]+ bytes"
keys e
shows_text "e exports the CA certificate" "exported $H/export/ca-gen1.pem and .der"
ok "which is the root" cmp "$H/export/ca-gen1.pem" "$H/ca/gen-1.pem"

_tmux resize-window -t tui -x 60 -y 20
shows "a window under 80x24 is told so" "The terminal is 60x20: make it at least 80x24"
_tmux resize-window -t tui -x 80 -y 24
shows "back at 80x24 the screen is repainted" "ca-gen1\.pem"
scr=$(screen)
like "the status bar" "$(printf '%s\n' "$scr" | sed -n 1p)" "token root: logged out \| gen 1 \|.* UTC$"
# The menu is the line above the rule, under the status bar and the
# warnings (1 to 3 lines, as many as they need here).
like "the menu" "$(printf '%s\n' "$scr" | sed -n '/^─/{x;p;q;}; h')" "1 ?Token +2 ?Root +3 ?Sign .* 9 ?Rollover +0 ?Script +q Quit"
like "the warnings between the two, whole" "$(printf '%s\n' "$scr" | sed -n '2,/^ *1 \{0,1\}Token/p' | tr -d '\n')" "no CRL issued"
like "the keys line at the foot" "$(printf '%s\n' "$scr" | sed -n 24p)" "e CA cert  p PKCS#12  b bundle  n next CA"
unlike "nothing left of the small screen" "$scr" "The terminal is"
_tmux resize-window -t tui -x 120 -y 40
shows_line "at 120x40 the keys move to the new foot" 40 "e CA cert  p PKCS#12  b bundle  n next CA"
shows_line "and the time to the new right edge" 1 "^.{96}[0-9-]{10} [0-9:]{8} UTC$"
_tmux resize-window -t tui -x 80 -y 24
shows_line "and back at 80x24 again" 24 "e CA cert  p PKCS#12  b bundle  n next CA"

is "SIGTERM ends the TUI with status 0" "$(tui_signal TERM)" 0
is "nothing on stderr" "$(cat "$T/tui.err")" ""
ok "the data directory's lock is free again" "$CEREMONY" db list --home "$H"
ok "the audit chain holds" "$CEREMONY" audit show --home "$H"
done_testing
