#!/bin/bash
# The TUI's audit screen opens a record: Enter shows each of its fields
# whole as "name: value" (the values as audit.log has them), and what the
# hash chain says of it; Esc goes back to the list.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui_lib.sh"

H=$T/ca
fixture_root "$H" root || { echo "Bail out! fixture"; exit 1; }
last=$(grep -v '^#' "$H/audit.log" | tail -1)
n=$(grep -vc '^#' "$H/audit.log")
field() { printf '%s\n' "$last" | tr '\t' '\n' | sed -n "s/^$1=//p"; }
tui_start --home "$H"

keys 7
shows "the audit screen lists the records" "Audit log, $n records: +hash chain intact"
keys Enter
shows "Enter opens the newest record" "Audit record $n of $n"
shows_text "its sequence number" "seq: $(field seq)"
shows_text "its operation" "op: $(field op)"
shows_text "its result" "result: $(field result)"
shows_text "its detail, whole" "detail: $(field detail)"
for k in $(seq 1 30); do keys Down; done
shows_text "scrolled to the end: the previous record's hash, whole" "prev: $(field prev)"
shows "and the chain's verdict" "chain: verified \(the whole log's hash chain is intact\)"
no_cut=$(screen | grep -cE '(\.\.\.|…) *$')
is "no line is cut with an ellipsis" "$no_cut" 0
keys Escape
shows "Esc goes back to the list" "seq  time \(UTC\) +operator"
is "q leaves with status 0" "$(tui_quit)" 0
is "a read-only screen: the log is as it was" "$(grep -v '^#' "$H/audit.log" | tail -1)" "$last"
done_testing
