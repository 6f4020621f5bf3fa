#!/bin/bash
# The token layer on real SoftHSM2 tokens: loading modules, listing and
# initialising tokens, choosing one by label, logging in with a right, a
# wrong and a locked PIN, the token's random generator.  Driven by
# build/test_hsm (tests/unit/test_hsm.c), one hsm_* operation per run.
. "$(dirname "$0")/lib.sh"
DRV=${DRV:-$BUILD/test_hsm}
hsm() { "$DRV" -m "$MODULE" "$@"; }

# token_flags LABEL: set bits in SoftHSM's stored token flags (the
# CKA_OS_TOKENFLAGS record of token.object), as a token that counts tries
# would after failures.  SoftHSM 2.6.1 itself only ever sets "count low".
token_flags() {
	local f
	f=$(grep -l "$1" "$T"/tokens/*/token.object) || return 1
	perl -0777 -pi -e 's/(\x00{4}\x80\x00SK\x00{7}\x02\x00{4})(....)/$1.pack("N", unpack("N", $2) | '"$2"')/se' "$f"
}

# --- modules --------------------------------------------------------------
ok "default module is found" "$DRV" default-module
is "...and it is an installed SoftHSM2" "$(test -r "$(cat "$T/out")" && echo yes)" yes
fails "missing module" "$DRV" -m "$T/nope.so" tokens
like "...names it, the loader's reason and what to do" "$(cat "$T/err")" \
	"cannot load PKCS#11 module $T/nope.so: .*No such file.*check --module or install softhsm2"
fails "a library that is not a PKCS#11 module" "$DRV" \
	-m "$(ldconfig -p | awk '/libc.so.6 .*x86-64/ { print $NF; exit }')" tokens
like "...says so" "$(cat "$T/err")" "not a PKCS#11 module"
SOFTHSM2_CONF=$T/none fails "module that does not initialise" hsm tokens
like "...points at its configuration" "$(cat "$T/err")" "C_Initialize failed.*SOFTHSM2_CONF"

# --- listing and initialising ---------------------------------------------
ok "list with no token" hsm tokens
like "...shows SoftHSM's empty slot, uninitialised" "$(cat "$T/out")" \
	"^slot=[0-9]+ present=1 init=0 label= "
fails "select the empty slot by its (empty) label" hsm -t "" -p "$T/pin" login
like "...asks for a label" "$(cat "$T/err")" "no token label given"
fails "select an absent token" hsm -t nope -p "$T/pin" login
like "...names it and suggests token list" "$(cat "$T/err")" \
	'no token labelled "nope".*ceremony token list'

ok "init a token" hsm -s "$T/sopin" -p "$T/pin" init root-2026
ok "list" hsm tokens
like "...shows it initialised, with serial and maker" "$(cat "$T/out")" \
	"present=1 init=1 label=root-2026 serial=[0-9a-f]{16} manufacturer=SoftHSM project model=SoftHSM v2 login=1 userpin=1 low=0 final=0 locked=0"
like "...and a new empty slot" "$(grep -c 'init=0' "$T/out")" "^1$"
fails "init the same label again" hsm -s "$T/sopin" -p "$T/pin" init root-2026
like "...refused, naming the serial" "$(cat "$T/err")" \
	'token labelled "root-2026" exists already \(serial [0-9a-f]+\)'
printf '12\n' > "$T/shortpin"
fails "init with an SO PIN too short for the token" hsm -s "$T/shortpin" \
	-p "$T/pin" init short
like "...says so, before trying" "$(cat "$T/err")" \
	'the SO PIN has 2 characters; token "\(new\)" takes 4 to 255'

fails_like "label too long" 'a token label has 1 to 32 characters' hsm -s "$T/sopin" -p "$T/pin" init \
	123456789012345678901234567890123
ok "a token made by softhsm2-util is seen too" mktoken other
ok "list" hsm tokens
is "...three slots" "$(wc -l < "$T/out")" 3

# --- selection ------------------------------------------------------------
mktoken twin
mktoken twin
fails "two tokens share a label" hsm -t twin -p "$T/pin" login
like "...refused, naming both serials" "$(cat "$T/err")" \
	'2 tokens are labelled "twin" \(serials [0-9a-f]{16}, [0-9a-f]{16}\)'

# --- login ----------------------------------------------------------------
ok "login with the right PIN" hsm -t root-2026 -p "$T/pin" login
ok "random bytes from the token" hsm -t root-2026 -p "$T/pin" random 32
like "...32 of them" "$(cat "$T/out")" "^[0-9a-f]{64}$"
fails "wrong PIN" hsm -t root-2026 -p "$T/badpin" login
like "...says what the token says about tries left" "$(cat "$T/err")" \
	'token "root-2026": PIN incorrect \(tries are running low\)'
unlike "...and never shows the PIN" "$(cat "$T/err")" "wrong-pin"
ok "list after a wrong PIN" hsm tokens
like "...shows count low" "$(grep root-2026 "$T/out")" "low=1 final=0 locked=0"
ok "the right PIN still works" hsm -t root-2026 -p "$T/pin" login

fails "a user PIN too short for the token" hsm -t root-2026 -p "$T/shortpin" login
like "...refused before trying" "$(cat "$T/err")" \
	'the user PIN has 2 characters; token "root-2026" takes 4 to 255'
ok "a token on its final try" token_flags other 0x20000
fails "wrong PIN on the final try" hsm -t other -p "$T/badpin" login
like "...warns it was the final try" "$(cat "$T/err")" \
	'token "other": PIN incorrect \(final try before the PIN locks\)'

ok "a token whose PIN is locked" token_flags other 0x40000
ok "list" hsm tokens
like "...shows it locked" "$(grep other "$T/out")" "locked=1"
fails "login to a locked PIN, with the right PIN" hsm -t other -p "$T/pin" login
like "...refused without trying, says who can unlock it" "$(cat "$T/err")" \
	'token "other": PIN locked: the security officer must unlock it \(C_InitPIN\)'

done_testing
