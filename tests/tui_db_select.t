#!/bin/bash
# One index query for both front ends (issue 16): the DB screen's status
# filter and search ("serial=PREFIX text") list exactly the certificates
# that ceremony db list --status/--serial/--subject lists, for a subject
# text, a serial prefix, both at once (all given must match, where the
# TUI once matched either) and a status; both by db_select's rule.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui_lib.sh"

H=$T/ca
root_home "$H" alpha beta alphabet gamma || { echo "Bail out! fixture"; exit 1; }
sign_inbox "$H" > "$T/out" || { echo "Bail out! sign"; exit 1; }
sa=$(awk '$1 == "alpha" { print $2 }' "$T/signed")
sb=$(awk '$1 == "beta" { print $2 }' "$T/signed")
"$CEREMONY" revoke --home "$H" --pin-file "$T/pin" "$sa" --reason superseded > /dev/null ||
	{ echo "Bail out! revoke"; exit 1; }

# The serials a listing shows, sorted: the CLI's rows, the screen's rows.
cli_rows() { "$CEREMONY" db list --home "$H" "$@" 2> /dev/null | grep -oE '^[PVRX] +[0-9A-F]{16,40}' | awk '{ print $2 }' | sort; }
tui_rows() { body | grep -oE '^ [PVRX] [0-9A-F]{16,40}' | awk '{ print $2 }' | sort; }

# The CLI's answers first: the running TUI holds the data directory.
w_subj=$(cli_rows --subject alpha)
w_serial=$(cli_rows --serial "${sb:0:6}")
w_both=$(cli_rows --serial "${sb:0:6}" --subject alpha)
w_status=$(cli_rows --status R --subject alpha)
like "db list finds both subjects with alpha" "$(printf '%s\n' "$w_subj" | grep -c .)" "^2$"
like "... the serial prefix one certificate" "$(printf '%s\n' "$w_serial" | grep -c .)" "^1$"
is "... both at once none (beta is not alpha)" "$w_both" ""
is "... R and alpha the revoked one" "$w_status" "$sa"

# same DESC SEARCH FILTERS WANT: the TUI's search SEARCH (after f pressed
# FILTERS times) lists WANT.
same() {
	keys 6 && wait_for "certificates   status"
	keys / && wait_for "Search" && keys C-u && typed "$2" && keys Enter
	wait_for "search ${2:--}\$"
	for ((f = $3; f > 0; f--)); do keys f; done
	[ "$3" -eq 0 ] || wait_for "status ${5:-R}"
	is "$1" "$(tui_rows)" "$4"
}

tui_start --home "$H"
keys 6
shows "the DB screen lists every certificate" "5 of 5 certificates"
same "the TUI: a subject text" "alpha" 0 "$w_subj"
same "a serial prefix" "serial=${sb:0:6}" 0 "$w_serial"
same "a serial prefix and a subject text: both must match" "serial=${sb:0:6} alpha" 0 "$w_both"
shows "... and the screen says none matched" "0 of 5 certificates"
same "a status (R) with a subject text" "alpha" 2 "$w_status"
is "q leaves with status 0" "$(tui_quit)" 0
done_testing
