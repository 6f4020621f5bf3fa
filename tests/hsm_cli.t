#!/bin/bash
# The token and key commands: ceremony token list / token init and
# key generate / key list / key show, on real SoftHSM2 tokens, with
# pkcs11-tool as the independent witness of what ended up on the token.
. "$(dirname "$0")/lib.sh"
H=$T/ca

# --- token list, token init ---------------------------------------------------
ok "token list with only the empty slot" "$CEREMONY" token list --module "$MODULE"
like "...shows it free for token init" "$(cat "$T/out")" \
	"^0 +- +- +SoftHSM v2 +not initialised \(free for token init\)$"
ok "token init from PIN files" "$CEREMONY" token init --module "$MODULE" \
	--label cli-a --so-pin-file "$T/sopin" --pin-file "$T/pin"
like "...says where" "$(cat "$T/out")" \
	'^initialised token "cli-a" in slot [0-9]+ \(serial [0-9a-f]{16}\)$'
ok "...pkcs11-tool sees it" pkcs11-tool --module "$MODULE" -L
like "...initialised, with that label" "$(cat "$T/out")" "token label +: cli-a"
ok "...and the user PIN works" pkcs11-tool --module "$MODULE" --token-label cli-a \
	--login --pin "$USER_PIN" --list-objects
ok "token init from descriptors" "$CEREMONY" token init --module "$MODULE" \
	--label cli-b --so-pin-fd 3 --pin-fd 4 3< "$T/sopin" 4< "$T/pin"
fails "token init with a label in use" "$CEREMONY" token init --module "$MODULE" \
	--label cli-a --so-pin-file "$T/sopin" --pin-file "$T/pin"
like "...refused" "$(cat "$T/err")" 'token labelled "cli-a" exists already'
fails_like "token init without --label" 'token init needs --label L \(1 to 32 characters\)' "$CEREMONY" token init --module "$MODULE" \
	--so-pin-file "$T/sopin" --pin-file "$T/pin"
fails "token init with one file for both PINs" "$CEREMONY" token init \
	--module "$MODULE" --label cli-c --so-pin-file "$T/pin" --pin-file "$T/pin"
like "...refused" "$(cat "$T/err")" "must come from different"
chmod 644 "$T/sopin"
fails "token init with an SO PIN file others can read" "$CEREMONY" token init \
	--module "$MODULE" --label cli-c --so-pin-file "$T/sopin" --pin-file "$T/pin"
like "...refused" "$(cat "$T/err")" "readable by others"
chmod 600 "$T/sopin"
ok "token list" "$CEREMONY" token list --module "$MODULE"
like "...both tokens, initialised" "$(grep -c 'cli-[ab] .*initialised, login required$' "$T/out")" "^2$"
fails "token list with a missing module" "$CEREMONY" token list --module "$T/none.so"
like "...one line naming it" "$(cat "$T/err")" "^ceremony: cannot load PKCS#11 module $T/none.so"

# --- key generate -------------------------------------------------------------
ok "init a data directory" "$CEREMONY" init --home "$H" --module "$MODULE" --token cli-a
ok "token list through the data directory" "$CEREMONY" token list --home "$H"
like "...lists the tokens" "$(cat "$T/out")" "cli-a"
ok "key generate ec:P-384" "$CEREMONY" key generate --home "$H" \
	--pin-file "$T/pin" --label root-key --type ec:P-384
like "...says what was made" "$(head -1 "$T/out")" \
	'^generated ec:P-384 key "root-key" on token "cli-a"$'
id=$(awk '$1 == "id" { print $2 }' "$T/out")
like "...with its id" "$id" "^[0-9a-f]{40}$"
b=$(pkcs11-tool --module "$MODULE" --token-label cli-a --login --pin "$USER_PIN" \
	--list-objects 2>/dev/null | p11_block "Private Key Object")
like "...pkcs11-tool: the private key, sensitive and never extractable" "$b" \
	"Access: +sensitive, always sensitive, never extractable, local"
like "...pkcs11-tool: same id" "$b" "ID: +$id"
ok "...recorded in the audit log" "$CEREMONY" audit show --home "$H"
like "...as key.generate" "$(cat "$T/out")" "key.generate +ok +root-key"
fails_like "key generate with a label in use" 'token "cli-a" already has an object labelled "root-key": choose another label' "$CEREMONY" key generate --home "$H" \
	--pin-file "$T/pin" --label root-key --type ec:P-256
fails "key generate with an unknown type" "$CEREMONY" key generate --home "$H" \
	--pin-file "$T/pin" --label k2 --type rsa:2048
like "...lists the known types" "$(cat "$T/err")" \
	"use one of rsa:3072, rsa:4096, ec:P-256, ec:P-384, ec:P-521"
fails_like "key generate without --type" 'key generate needs --label L and --type T' "$CEREMONY" key generate --home "$H" \
	--pin-file "$T/pin" --label k2
fails "key generate with a wrong PIN" "$CEREMONY" key generate --home "$H" \
	--pin-file "$T/badpin" --label k2 --type ec:P-256
like "...one line, with the token's word on tries left" "$(cat "$T/err")" \
	'^ceremony: token "cli-a": PIN incorrect \(tries are running low\)$'
ok "token list after the wrong PIN" "$CEREMONY" token list --module "$MODULE"
like "...shows it" "$(grep cli-a "$T/out")" "user PIN few tries left"
ok "key generate with the PIN on a descriptor" "$CEREMONY" key generate \
	--home "$H" --pin-fd 3 --label k2 --type ec:P-256 3< "$T/pin"

# --- key list, key show -------------------------------------------------------
ok "key list" "$CEREMONY" key list --home "$H" --pin-file "$T/pin"
like "...root-key" "$(cat "$T/out")" "^root-key +ec:P-384 +$id +no$"
like "...k2" "$(cat "$T/out")" "^k2 +ec:P-256 +[0-9a-f]{40} +no$"
like "...counts them" "$(tail -1 "$T/out")" '^2 keys on token "cli-a"$'
ok "key list by --module and --token, without a data directory" \
	"$CEREMONY" key list --home "$T/none" --module "$MODULE" --token cli-a \
	--pin-file "$T/pin"
ok "key show by label" "$CEREMONY" key show root-key --home "$H" --pin-file "$T/pin"
like "...sensitive" "$(cat "$T/out")" "CKA_SENSITIVE +true"
like "...never extractable" "$(cat "$T/out")" "CKA_NEVER_EXTRACTABLE +true"
like "...not extractable" "$(cat "$T/out")" "CKA_EXTRACTABLE +false"
like "...the public key" "$(cat "$T/out")" "BEGIN PUBLIC KEY"
uri=$(awk '$1 == "uri" { print $2 }' "$T/out")
like "...its URI" "$uri" "^pkcs11:token=cli-a;id=(%[0-9A-F]{2}){20};object=root-key;type=private$"
ok "key show by that URI" "$CEREMONY" key show "$uri" --home "$H" --pin-file "$T/pin"
like "...the same key" "$(head -1 "$T/out")" '^key "root-key" on token "cli-a"$'
ok "key show by id:HEX" "$CEREMONY" key show "id:$id" --home "$H" --pin-file "$T/pin"
like "...the same key" "$(head -1 "$T/out")" '^key "root-key"'
fails "key show of an absent key" "$CEREMONY" key show nosuch --home "$H" \
	--pin-file "$T/pin"
like "...suggests key list" "$(cat "$T/err")" 'no key "nosuch" on token "cli-a": see "ceremony key list"'
fails "key show with a PIN in the URI" "$CEREMONY" key show \
	"pkcs11:object=root-key?pin-value=$USER_PIN" --home "$H" --pin-file "$T/pin"
unlike "...never repeats it" "$(cat "$T/err")" "$USER_PIN"
fails_like "key show without KEY" 'key show needs one KEY: a label, id:HEX or pkcs11: URI' "$CEREMONY" key show --home "$H" --pin-file "$T/pin"

done_testing
