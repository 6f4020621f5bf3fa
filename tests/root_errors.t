#!/bin/bash
# Bad input to the root ceremony: each gives one clear error line, a
# non-zero exit, and leaves nothing written or half-written (the data
# directory, the index and the token's objects are compared before/after).
. "$(dirname "$0")/lib.sh"

H=$T/ca
mktoken errs
mkdir -p "$T/tpl"
cp "$TOP/templates/root-ca.cnf" "$T/tpl/good.cnf"

token_objects() {
	pkcs11-tool --module "$MODULE" --token-label errs --login --pin "$USER_PIN" \
		--list-objects 2>/dev/null | grep -c 'Object;'
}

# untouched DESC: the data directory (but for the audit log, which records
# the failure) and the token's objects are as they were.
snapshot() {
	tree "$H" | grep -v '^audit\.' > "$T/before"
	token_objects > "$T/objs-before"
}
untouched() {
	tree "$H" | grep -v '^audit\.' > "$T/after"
	ok "$1: data directory unchanged" diff -u "$T/before" "$T/after"
	is "$1: no new token object" "$(token_objects)" "$(cat "$T/objs-before")"
}
# audited DESC: the last audit record is the failed root.create.
audited() {
	like "$1: audit records the failure" "$(audit_last "$H/audit.log")" \
		"op=root.create	result=failed	"
}

# --- init ---------------------------------------------------------------
fails "init with a missing module" "$CEREMONY" init --home "$H" \
	--module "$T/no-such-module.so" --token errs
like "names the module and what to do" "$(cat "$T/err")" \
	"^ceremony: .*no-such-module.so.*--module"
is "nothing created" "$(tree "$H")" "(absent)"

# A shared library that is not a PKCS#11 module: this machine's C library,
# where its compiler finds it (the path differs between architectures).
LIBC=$(${CC:-cc} -print-file-name=libc.so.6)
ok "the C library is found" test -f "$LIBC"
fails_like "init with a file that is not a PKCS#11 module" 'not a PKCS#11 module \(no C_GetFunctionList\); check --module' "$CEREMONY" init \
	--home "$H" --module "$LIBC" --token errs
is "nothing created" "$(tree "$H")" "(absent)"

fails "init with an absent token" "$CEREMONY" init --home "$H" \
	--module "$MODULE" --token no-such-token
like "names the token" "$(cat "$T/err")" "no-such-token"
is "nothing created" "$(tree "$H")" "(absent)"

mkdir -p "$T/ro"
mount -t tmpfs -o ro,size=64k tmpfs "$T/ro"
trap 'umount "$T/ro" "$T/small" 2>/dev/null; rm -rf "$T"' EXIT
fails "init in an unwritable directory" "$CEREMONY" init \
	--home "$T/ro/ca" --module "$MODULE" --token errs
like "says why" "$(cat "$T/err")" "Read-only file system"

ok "init" "$CEREMONY" init --home "$H" --module "$MODULE" --token errs
fails "init over an existing data directory" "$CEREMONY" init --home "$H" \
	--module "$MODULE" --token errs
like "says it exists" "$(cat "$T/err")" "exists"

ok "generate an EC key" "$CEREMONY" key generate --home "$H" \
	--pin-file "$T/pin" --label root-key --type ec:P-384
fails "unknown key type" "$CEREMONY" key generate --home "$H" \
	--pin-file "$T/pin" --label other --type dsa:1024
like "lists the known types" "$(cat "$T/err")" "rsa:4096.*ec:P-384"

# --- root create: each refusal leaves everything as it was -------------
snapshot
root() { "$CEREMONY" root create --home "$H" --pin-file "$T/pin" --key root-key "$@"; }

printf '[profile]\nkind = root\nthis line has no equal sign\n' > "$T/tpl/corrupt.cnf"
fails "corrupt template" root --template "$T/tpl/corrupt.cnf"
like "names the file and line" "$(cat "$T/err")" "corrupt.cnf: line 3"
untouched "corrupt template"

sed 's/^digest .*/digest = sha1/' "$T/tpl/good.cnf" > "$T/tpl/sha1.cnf"
fails "SHA-1 template" root --template "$T/tpl/sha1.cnf"
like "SHA-1 is refused" "$(cat "$T/err")" "digest \"sha1\" is not allowed"

sed 's/^kind .*/kind = root\ncolour = blue/' "$T/tpl/good.cnf" > "$T/tpl/typo.cnf"
fails "template with an unknown key" root --template "$T/tpl/typo.cnf"
like "names the key" "$(cat "$T/err")" "unknown key \"colour\""

sed 's/^basicConstraints .*/basicConstraints = critical, CA:MAYBE/' \
	"$T/tpl/good.cnf" > "$T/tpl/badext.cnf"
fails "template with a bad extension" root --template "$T/tpl/badext.cnf"
like "names the section" "$(cat "$T/err")" "bad extension in \[root_ext\]"

fails_like "missing template file" 'cannot open template .*/tpl/none.cnf: No such file or directory' root --template "$T/tpl/none.cnf"
untouched "template errors"

sed 's/^key_types .*/key_types = rsa:4096/' "$T/tpl/good.cnf" > "$T/tpl/rsaonly.cnf"
fails "key type the template does not allow" root --template "$T/tpl/rsaonly.cnf"
like "names the key type" "$(cat "$T/err")" "ec:P-384.*key_types"
untouched "disallowed key type"
audited "disallowed key type"

# The lint: a lifetime beyond max_days and an extension set that is not a
# CA's are both reported, and nothing is written.
sed -e 's/^days .*/days = 9500/' -e 's/^keyUsage .*/keyUsage = digitalSignature/' \
	"$T/tpl/good.cnf" > "$T/tpl/lint.cnf"
fails "lint refuses a bad root" root --template "$T/tpl/lint.cnf"
like "lint finds the lifetime" "$(cat "$T/out")" "validity-too-long"
like "lint finds the key usage too (every finding)" "$(cat "$T/out")" "ku-not-critical"
like "lint finds the missing keyCertSign" "$(cat "$T/out")" "ku-keycertsign"
like "the error says nothing was signed" "$(cat "$T/err")" "nothing was signed"
untouched "lint failure"
audited "lint failure"

fails_like "unknown key label" 'no key "no-such-key" on token "errs": see "ceremony key list"' root --template "$T/tpl/good.cnf" --key no-such-key
untouched "unknown key"

fails "wrong PIN" "$CEREMONY" root create --home "$H" --pin-file "$T/badpin" \
	--template "$T/tpl/good.cnf" --key root-key
like "says the PIN is incorrect" "$(cat "$T/err")" "PIN incorrect"
untouched "wrong PIN"
audited "wrong PIN"
like "the audit record says why" "$(audit_last "$H/audit.log")" "PIN incorrect"

chmod 644 "$T/pin"
fails "a PIN file others can read is refused" root --template "$T/tpl/good.cnf"
like "says chmod 600" "$(cat "$T/err")" "chmod 600"
chmod 600 "$T/pin"

fails_like "PIN on the command line is not an option" 'unknown option "--pin": see ceremony root create --help' "$CEREMONY" root create \
	--home "$H" --pin "$USER_PIN" --template "$T/tpl/good.cnf" --key root-key

# A second process on the same data directory gets a clear error.
exec 9>>"$H/.lock"
flock -x 9
fails "locked database" root --template "$T/tpl/good.cnf"
like "says it is in use" "$(cat "$T/err")" "in use by another ceremony process"
exec 9>&-
untouched "locked database"

# A full disk: the serial cannot be reserved, so nothing is signed.
mkdir -p "$T/small"
mount -t tmpfs -o size=256k tmpfs "$T/small"
ok "init on a small disk" "$CEREMONY" init --home "$T/small/ca" \
	--module "$MODULE" --token errs
dd if=/dev/zero of="$T/small/fill" bs=4k 2>/dev/null
H=$T/small/ca snapshot
fails "full disk" "$CEREMONY" root create --home "$T/small/ca" --pin-file "$T/pin" \
	--template "$T/tpl/good.cnf" --key root-key
like "says the disk is full" "$(cat "$T/err")" "No space left on device"
H=$T/small/ca untouched "full disk"
is "no certificate file" "$(ls "$T/small/ca/certs")" ""

ok "after all that, the root is created" root --template "$T/tpl/good.cnf"
is "index: exactly one valid record" "$(grep -c '^V' "$H/index.txt")" 1

done_testing
