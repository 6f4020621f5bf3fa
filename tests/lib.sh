# Shared by every tests/*.t: a TAP producer and a throwaway SoftHSM2 token
# store in a temporary directory, removed on exit.  Source it, then call
# the helpers; the script ends with done_testing.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
CEREMONY=${CEREMONY:-$TOP/build/ceremony}
BUILD=${BUILD:-$TOP/build}
T=$(mktemp -d "${TMPDIR:-/tmp}/ceremony-test.XXXXXX")
trap 'rm -rf "$T"' EXIT
umask 077

export SOFTHSM2_CONF=$T/softhsm2.conf
mkdir -p "$T/tokens"
printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n' \
	"$T/tokens" > "$SOFTHSM2_CONF"
MODULE=$(for m in /usr/lib/softhsm/libsofthsm2.so \
	/usr/lib/*/softhsm/libsofthsm2.so; do [ -e "$m" ] && echo "$m" && break; done)
USER_PIN=246810
SO_PIN=13579111
printf '%s\n' "$USER_PIN" > "$T/pin"
printf '%s\n' "$SO_PIN" > "$T/sopin"
printf 'wrong-pin\n' > "$T/badpin"

_n=0
_failed=0

_result() {	# _result STATUS DESCRIPTION
	_n=$((_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $_n - $2"
	else
		echo "not ok $_n - $2"
		_failed=$((_failed + 1))
	fi
}

diag() { printf '# %s\n' "$@"; }

# ok DESC CMD...: CMD must succeed; its output is kept in $T/out, $T/err.
ok() {
	local d=$1; shift
	"$@" > "$T/out" 2> "$T/err"
	local rc=$?
	_result $rc "$d"
	[ $rc -eq 0 ] || { diag "exit $rc: $*"; cat "$T/out" "$T/err" | sed 's/^/#   /' | head -20; }
	return $rc
}

# errlines: the lines of $T/err, the room check's warning left out (it is
# this machine's network, not the command's doing; tests/room.t checks it).
errlines() { grep -cv '^ceremony: warning: not air-gapped: ' "$T/err"; }

# fails DESC CMD...: CMD must exit non-zero with exactly one line on stderr.
fails() {
	local d=$1; shift
	"$@" > "$T/out" 2> "$T/err"
	local rc=$? lines
	lines=$(errlines)
	if [ $rc -ne 0 ] && [ "$lines" -eq 1 ]; then
		_result 0 "$d"
	else
		_result 1 "$d"
		diag "expected a failure with one error line; exit $rc, $lines lines:"
		sed 's/^/#   /' "$T/err" | head -20
	fi
}

is() {		# is DESC GOT EXPECTED
	[ "$2" = "$3" ]
	local rc=$?
	_result $rc "$1"
	[ $rc -eq 0 ] || diag "got:      '$2'" "expected: '$3'"
}

like() {	# like DESC TEXT ERE
	printf '%s' "$2" | grep -Eq -- "$3"
	local rc=$?
	_result $rc "$1"
	[ $rc -eq 0 ] || diag "text did not match /$3/:" "$(printf '%s' "$2" | head -5)"
}

unlike() {	# unlike DESC TEXT ERE
	! printf '%s' "$2" | grep -Eq -- "$3"
	local rc=$?
	_result $rc "$1"
	[ $rc -eq 0 ] || diag "text matched /$3/ but must not"
}

done_testing() {
	echo "1..$_n"
	[ "$_failed" -eq 0 ]
	exit $?
}

# mktoken LABEL: a fresh token in the next free slot, set up by SoftHSM's
# own tool (an independent part), with $SO_PIN and $USER_PIN.
mktoken() {
	softhsm2-util --init-token --free --label "$1" \
		--so-pin "$SO_PIN" --pin "$USER_PIN" > /dev/null
}

# tree DIR: every file below DIR with its size, for "nothing was written".
tree() {
	[ -e "$1" ] || { echo "(absent)"; return; }
	find "$1" -printf '%P %s\n' | sort
}

# p11_block TYPE: the lines of pkcs11-tool --list-objects blocks of TYPE
# ("Private Key Object", "Certificate Object") read from stdin.
p11_block() {
	awk -v t="$1" '/Object;/ { inblk = index($0, t) > 0 } inblk'
}

# audit_last LOG: the last record of an audit log that is not a session's
# open or close (those wrap every command that logs in).
audit_last() {
	grep -v -P '\top=session\.(open|close)\t' "$1" | tail -1
}

# first_session LOG: the number of the first session of an audit log (the
# records before it are ceremony init's template.install ones).
first_session() {
	grep -m1 -P '\top=session\.open\t' "$1" | sed 's/^seq=\([0-9]*\).*/\1/'
}
