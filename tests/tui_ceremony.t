#!/bin/bash
# Whole ceremonies in the TUI (issue 17), at 80x24, with nothing typed but
# keys into the TUI after ceremony init (command-line only) and the
# requester's file put in the inbox, as the media would bring it:
#  (a) the initial-root ceremony: witnesses named on the token screen, the
#      login, the root key generated, the root created, a subordinate CA's
#      request signed from the inbox, the first CRL, the CA certificate
#      exported, the logout;
#  (b) a periodic CRL session on the same data directory: witnesses, the
#      login, the subordinate CA revoked, the next CRL, the logout.
# After each: audit verify passes, the session's transcript names the
# witnesses and each step, the certificates and CRLs verify with openssl,
# and the CRL of (b) lists the revocation.  No captured screen has a line
# cut off with an ellipsis.
#
# Other screens change under parallel work (a preview before SIGN, a
# fuller revoke confirmation): each step's keys are one function below,
# so that only the function changes with its screen.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui_lib.sh"

# --- each step's keys --------------------------------------------------
# name_witness NAME: screen 1, w, the name.
name_witness() {
	keys 1 && wait_for "w add witness" && keys w &&
		wait_for "Witness's name" && typed "$1" && keys Enter &&
		wait_for "witness [0-9]: $1 \(recorded when you log in\)"
}
# log_in: the user PIN on screen 1.
log_in() {
	login "$USER_PIN" && wait_for "token root: LOGGED IN"
}
# generate_key: screen 2, g, the proposed label.
generate_key() {
	keys 2 && wait_for "basicConstraints = critical, CA:TRUE" && keys g &&
		wait_for "Label of the new" && keys Enter &&
		wait_for "generated ec:P-384 key \"root-gen1\" on the token" 300
}
# create_root: c, CREATE.
create_root() {
	keys c && wait_for "Type CREATE" && typed CREATE && keys Enter &&
		wait_for "Root certificate \(CA generation 1, active\)" 120
}
# sign_request NAME: screen 3, the subca template, the request, its
# preview, SIGN.
sign_request() {
	local i
	keys 3 && wait_for "Template " || return 1
	for i in 1 2 3 4 5; do
		wait_for "Template subca " 2 && break
		keys t
	done
	keys r && wait_for "$1\.csr +accept" || return 1
	keys s && wait_for "Preview: the certificate for $1\.csr" &&
		keys s && wait_for "Type SIGN" && typed SIGN && keys Enter &&
		wait_for "certificate issued: serial [0-9A-F]+" 120
}
# issue_crl N ENTRIES: screen 5, i, ISSUE.
issue_crl() {
	keys 5 && wait_for "generation 1 \(active\)" && keys i &&
		wait_for "Type ISSUE" && typed ISSUE && keys Enter &&
		wait_for "CRL $1 issued for generation 1: $2 entries" 120
}
# export_ca: screen 8, e.
export_ca() {
	keys 8 && wait_for "e CA cert" && keys e &&
		wait_for "exported .*ca-gen1.pem"
}
# revoke SERIAL TEXT: screen 4, the search for TEXT, Enter, superseded,
# (superseded asks no invalidity date), REVOKE.
revoke() {
	keys 4 && wait_for "V $1" && keys / && wait_for "Search:" &&
		typed "$2" && keys Enter && wait_for "Search: $2" && keys Enter &&
		wait_for "Reason for the certificate above" && keys Right && wait_for "\[superseded\]" &&
		keys Enter && wait_for "Type REVOKE to revoke serial $1" && typed REVOKE && keys Enter &&
		wait_for "revoked $1: superseded"
}
# log_out: screen 1, o.
log_out() {
	keys 1 && wait_for "o log out" && keys o &&
		wait_for "logged out; the audit session is sealed"
}

# step DESC FUNCTION ARGS...: one step of a ceremony, a test; the screen
# shown when it fails, and every captured line whole.
step() {
	local d=$1; shift
	"$@"
	local rc=$?
	_result $rc "$d"
	[ $rc -eq 0 ] || { diag "the step did not end as expected:"; screen | sed 's/^/#   /'; }
	uncut "$d"
}
cut_lines=0
uncut() {
	if screen | grep -Eq '(\.\.\.|…) *$'; then
		cut_lines=$((cut_lines + 1))
		diag "after '$1' a line ends cut off:"
		screen | grep -E '(\.\.\.|…) *$' | sed 's/^/#   /'
	fi
}

# session_checked FILE WITNESSES OP...: audit verify passes; the last
# session's transcript, kept in FILE, names the witnesses and each step.
session_checked() {
	local f=$1 w=$2 id op; shift 2
	ok "audit verify passes" "$CEREMONY" audit verify --home "$H"
	id=$(grep -P '\top=session\.open\t' "$H/audit.log" | tail -1 | sed 's/^seq=\([0-9]*\).*/\1/')
	ok "the session's transcript" "$CEREMONY" audit transcript "$id" --home "$H"
	cp "$T/out" "$f"
	like "... names the witnesses" "$(cat "$f")" "Witnesses +$w"
	for op in "$@"; do
		like "... and records $op" "$(cat "$f")" "[0-9]+\. .*$op "
	done
}

H=$T/ca
mktoken root
"$CEREMONY" init --home "$H" --token root --ca-name "Example Root CA" > /dev/null
csr_good "$H/requests" issuing 2> /dev/null

# --- (a) the initial-root ceremony ---------------------------------------
tui_start --home "$H"
shows "the TUI opens, no root yet" "! no root yet"
step "witness bob named on the token screen" name_witness bob
step "witness carol named" name_witness carol
step "the login" log_in
step "the root key generated on the token" generate_key
step "the root created after CREATE" create_root
step "the subordinate CA's request signed after SIGN" sign_request issuing
sub=$(screen | sed -n 's/.*certificate issued: serial \([0-9A-F]*\).*/\1/p' | head -1)
step "the first CRL issued after ISSUE" issue_crl 1 0
step "the CA certificate exported" export_ca
step "the logout seals the session" log_out
is "the program exits 0" "$(tui_quit)" 0

session_checked "$T/t1" "bob, carol" key.generate root.create sign crl.issue
is "... with a signature line for each witness" "$(grep -cE '^Witness +(bob|carol) +signature' "$T/t1")" 2
like "... sealed" "$(cat "$T/t1")" "signed .* by the key of CA generation 1"
ok "the exported CA certificate is the root" cmp "$H/export/ca-gen1.pem" "$H/ca/gen-1.pem"
like "the subordinate CA's serial was shown" "$sub" "^[0-9A-F]{16,40}$"
ok "the subordinate CA verifies under the root (openssl)" openssl verify \
	-CAfile "$H/ca/gen-1.pem" "$H/certs/$sub.pem"
ok "the first CRL verifies under the root" openssl crl -in "$H/export/crl-gen1.pem" \
	-CAfile "$H/ca/gen-1.pem" -verify -noout

# --- (b) a periodic CRL session ----------------------------------------
tui_start --home "$H"
shows "the TUI opens on the root" "token root: logged out"
step "witness dave named" name_witness dave
step "the login" log_in
step "the subordinate CA revoked after REVOKE" revoke "$sub" issuing
step "the next CRL issued, with its entry" issue_crl 2 1
step "the logout seals the session" log_out
is "the program exits 0" "$(tui_quit)" 0

session_checked "$T/t2" dave revoke crl.issue
ok "the CRL verifies under the root" openssl crl -in "$H/export/crl-gen1.pem" \
	-CAfile "$H/ca/gen-1.pem" -verify -noout -text
crl=$(tr '\n' ' ' < "$T/out")
like "... is number 2" "$crl" "X509v3 CRL Number: +2 "
like "... and lists the subordinate CA, superseded" "$crl" \
	"Serial Number: 0*$sub +Revocation Date: [^:]+:[0-9:]+ [0-9]+ GMT +CRL entry extensions: +X509v3 CRL Reason Code: +Superseded"
like "... its only entry" "$(grep -c 'Serial Number:' "$T/out")" "^1$"
is "no captured screen had a line cut off" "$cut_lines" 0

done_testing
