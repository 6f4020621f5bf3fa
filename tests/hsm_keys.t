#!/bin/bash
# Key pairs on a real SoftHSM2 token through the token layer: generation
# of every key type with the attributes read back (by us and, separately,
# by pkcs11-tool), CKA_ID = SHA-1 of the public key as openssl computes a
# subjectKeyIdentifier, lookup by label, id:HEX and pkcs11: URI, signing
# through libp11, certificates on the token, and CKA_ALWAYS_AUTHENTICATE.
. "$(dirname "$0")/lib.sh"
DRV=${DRV:-$BUILD/test_hsm}
hsm() { "$DRV" -m "$MODULE" -t keys -p "$T/pin" "$@"; }
p11() {
	pkcs11-tool --module "$MODULE" --token-label keys --login \
		--pin "$USER_PIN" "$@" 2>/dev/null
}

# p11_private LABEL: pkcs11-tool's block for the private key LABEL.
p11_private() {
	p11 --list-objects | p11_block "Private Key Object" |
		awk -v l="$1" '/Object;/ { b = "" } { b = b $0 "\n" }
			$1 == "label:" && $2 == l { p = 1 } p && /Access:/ { printf "%s", b; exit }'
}

# ski FILE: the subjectKeyIdentifier = hash that openssl puts in a
# certificate for the PEM public key FILE (signed by a throwaway key).
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
	-out "$T/sk.pem" 2>/dev/null
printf 'subjectKeyIdentifier = hash\n' > "$T/ski.cnf"
ski() {
	openssl x509 -new -subj /CN=x -key "$T/sk.pem" -force_pubkey "$1" \
		-extfile "$T/ski.cnf" 2>/dev/null |
		openssl x509 -noout -ext subjectKeyIdentifier |
		tail -1 | tr -d ' :\n' | tr A-F a-f
}

mktoken keys

# --- generation -------------------------------------------------------------
for spec in ec:P-256 ec:P-384 ec:P-521 rsa:3072 rsa:4096; do
	l=k-${spec/:/-}
	ok "generate $spec" hsm genkey "$spec" "$l"
	like "...is $spec with a 20-byte id" "$(head -1 "$T/out")" \
		"^label=$l id=[0-9a-f]{40} spec=$spec pub=yes pubkey=yes$"
	like "...attributes read back as asked" "$(sed -n 2p "$T/out")" \
		"token=1 private=1 sensitive=1 extractable=0 always_sensitive=1 never_extractable=1 sign=1 decrypt=0 unwrap=0 derive=0 always_authenticate=0"
	id=$(head -1 "$T/out" | sed 's/.* id=\([0-9a-f]*\) .*/\1/')
	b=$(p11_private "$l")
	like "...pkcs11-tool: sensitive, never extractable" "$b" \
		"Access: +sensitive, always sensitive, never extractable, local"
	like "...pkcs11-tool: sign only" "$b" "Usage: +sign$"
	like "...pkcs11-tool: same CKA_ID" "$b" "ID: +$id"

	ok "...export its public key" hsm pubkey "$l"
	cp "$T/out" "$T/$l.pem"
	is "...CKA_ID is what openssl computes as subjectKeyIdentifier" \
		"$id" "$(ski "$T/$l.pem")"
done

fails "a label that is taken" hsm genkey ec:P-256 k-ec-P-384
like "...refused, naming the token" "$(cat "$T/err")" \
	'token "keys" already has an object labelled "k-ec-P-384": choose another label'
fails_like "a label that reads as a key reference" 'key label "id:01" would read as a key reference' hsm genkey ec:P-256 id:01
fails "an unknown key type" hsm genkey rsa:2048 k2
like "...lists the ones there are" "$(cat "$T/err")" \
	'unknown key type "rsa:2048": use one of rsa:3072, rsa:4096, ec:P-256, ec:P-384, ec:P-521'
"$DRV" -m "$MODULE" -t keys genkey ec:P-256 nologin > "$T/out" 2> "$T/err"
like "generate without login: log in first" "$(cat "$T/err")" "not logged in: log in first"

# --- lookup -------------------------------------------------------------------
ok "list keys" hsm keys
is "...five" "$(wc -l < "$T/out")" 5
id=$(grep '^label=k-ec-P-384 ' "$T/out" | sed 's/.* id=\([0-9a-f]*\) .*/\1/')
ok "find by label" hsm find k-ec-P-384
like "...that key" "$(head -1 "$T/out")" "^label=k-ec-P-384 id=$id spec=ec:P-384"
ok "find by id:HEX" hsm find "id:$id"
like "...that key" "$(head -1 "$T/out")" "^label=k-ec-P-384 id=$id"
ok "find by id:HE:X with colons, upper case" hsm find \
	"id:$(echo "$id" | tr a-f A-F | sed 's/../&:/g; s/:$//')"
pct=$(echo "$id" | sed 's/../%&/g')
ok "find by pkcs11: URI with id" hsm find "pkcs11:token=keys;id=$pct;type=private"
like "...that key" "$(head -1 "$T/out")" "^label=k-ec-P-384 id=$id"
ok "find by pkcs11: URI with object" hsm find "pkcs11:object=k-rsa-3072"
like "...that key" "$(head -1 "$T/out")" "^label=k-rsa-3072 "
uri=$(p11tool --list-privkeys --login --set-pin="$USER_PIN" "pkcs11:token=keys" 2>/dev/null |
	awk '/URL:/ && /object=k-ec-P-521/ { print $2 }')
ok "find by the URI p11tool prints" hsm find "$uri"
like "...that key" "$(head -1 "$T/out")" "^label=k-ec-P-521 "
fails "a URI naming another token" hsm find "pkcs11:token=other;object=k-ec-P-256"
like "...says which token is in use" "$(cat "$T/err")" \
	'the key URI names token "other" but token "keys" is in use'
fails "a URI with a PIN in it" hsm find "pkcs11:object=k-ec-P-256?pin-value=$USER_PIN"
like "...refused" "$(cat "$T/err")" "may not carry a PIN \(pin-value\).*--pin-file"
unlike "...without repeating it" "$(cat "$T/err")" "$USER_PIN"
fails_like "a URI for a certificate" 'the key URI names type=cert: a signing key is type=private' hsm find "pkcs11:object=k-ec-P-256;type=cert"
fails "an absent label" hsm find nosuch
like "...names the token and suggests key list" "$(cat "$T/err")" \
	'no key "nosuch" on token "keys": see "ceremony key list"'
fails_like "an absent id" 'no key "id:0102" on token "keys": see "ceremony key list"' hsm find id:0102
fails "a bad id" hsm find id:xyz
like "...says how ids look" "$(cat "$T/err")" 'bad key id "id:xyz": give hex digits'

# keys made elsewhere: two with one label, one without its public object
p11 --keypairgen --key-type EC:prime256v1 --label dup --id 01 > /dev/null
p11 --keypairgen --key-type EC:prime256v1 --label dup --id 02 > /dev/null
fails "two keys with one label" hsm find dup
like "...ambiguous: name one by id" "$(cat "$T/err")" \
	'2 keys on token "keys" match "dup": name one by id:HEX'
ok "...one of them by id" hsm find id:02
like "...that one" "$(head -1 "$T/out")" "^label=dup id=02 spec=ec:P-256 pub=yes"
ok "the public key of a key made elsewhere" hsm pubkey id:02
cp "$T/out" "$T/dup2.pem"
ok "find a key by its public key (CKA_ID not the SKI)" hsm findpub "$T/dup2.pem"
like "...that key" "$(head -1 "$T/out")" "^label=dup id=02 "
ok "find a key by its public key (CKA_ID the SKI)" hsm findpub "$T/k-rsa-4096.pem"
like "...that key" "$(head -1 "$T/out")" "^label=k-rsa-4096 "
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 2>/dev/null |
	openssl pkey -pubout > "$T/stranger.pem"
fails_like "a public key the token has no private key for" 'token "keys" holds no private key for this public key: check --token' hsm findpub "$T/stranger.pem"

p11 --delete-object --type pubkey --label k-ec-P-256 > /dev/null
ok "list: an EC key without public object" hsm keys
like "...is listed, without public key" "$(grep '^label=k-ec-P-256 ' "$T/out")" \
	"spec=ec:P-256 pub=no pubkey=no"
fails "...and cannot be used" hsm find k-ec-P-256
like "...says why" "$(cat "$T/err")" "has no public key object and the token does not show its public key"
p11 --keypairgen --key-type rsa:2048 --label rsa2k --id 03 > /dev/null
p11 --delete-object --type pubkey --label rsa2k > /dev/null
ok "an RSA key without public object" hsm find rsa2k
like "...public key from the private object" "$(head -1 "$T/out")" \
	"^label=rsa2k id=03 spec=rsa:2048 pub=no pubkey=yes"

# --- signing, certificates ------------------------------------------------
for l in k-ec-P-384 k-ec-P-521 k-rsa-3072; do
	ok "sign a certificate with $l" hsm sign "$l"
	is "...signature verifies with the public key" "$(cat "$T/out")" \
		"verified pin_asked=0"
done
ok "generate and sign in one process (libp11 sees new keys)" \
	hsm signall k-rsa-4096 ec:P-384 fresh
like "...both verify" "$(grep -c verified "$T/out")" "^2$"
ok "store the certificate on the token" hsm storecert k-ec-P-384
like "...it exists" "$(tail -1 "$T/out")" "cert exists=1"
c=$(p11 --list-objects | p11_block "Certificate Object")
like "...pkcs11-tool sees it, with the key's label" "$c" "label: +k-ec-P-384"
like "...and the key's CKA_ID" "$c" "ID: +$id"
like "...and its subject" "$c" "subject: +DN: CN=hsm test"

# --- CKA_ALWAYS_AUTHENTICATE ------------------------------------------------
ok "generate a key that wants the PIN before each use" \
	hsm genkey ec:P-256 reauth always-auth
like "...the token keeps the attribute" "$(sed -n 2p "$T/out")" \
	"always_authenticate=1"
ok "sign with it: the PIN callback is asked" hsm sign reauth
is "...once, and the signature verifies" "$(cat "$T/out")" "verified pin_asked=1"
ok "how many sessions may sign with it" hsm sessions reauth 4
is "...one: the PIN is asked for one signature at a time" "$(cat "$T/out")" \
	"sessions=1 why=the key asks for the PIN before each use"
ok "how many sessions may sign with a plain key" hsm sessions k-ec-P-384 4
is "...as many as asked: SoftHSM2 sets no bound" "$(cat "$T/out")" "sessions=4"
ok "more than libp11 keeps" hsm sessions k-ec-P-384 99
is "...libp11's pool of 16" "$(cat "$T/out")" "sessions=16"
fails "sign with it without a PIN callback" hsm -a none sign reauth
like "...refused" "$(cat "$T/err")" "asks for the PIN before each use"
fails "sign with it, a wrong PIN from the callback" hsm -a "$T/badpin" sign reauth
like "...the token refuses" "$(cat "$T/err")" "PIN incorrect"

done_testing
