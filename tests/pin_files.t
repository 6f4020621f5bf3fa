#!/bin/bash
# PIN and share files: only a regular file of the caller's with no group or
# other permission bits is read.  A FIFO (which must not even block the
# open), a symbolic link, a directory, a device, a file of another owner and
# a file its group can read are each refused in one line that says what to
# do, before any token login: the data directory is left as it was.
. "$(dirname "$0")/lib.sh"
H=$T/ca
mktoken pins
"$CEREMONY" init --home "$H" --token pins > /dev/null
before=$(tree "$H"; sha256sum "$H/audit.log")

# refused DESC ERE FILE: key generate with --pin-file FILE fails in one
# line matching ERE, within seconds, and writes nothing.
refused() {
	fails "$1" timeout 20 "$CEREMONY" key generate --home "$H" \
		--pin-file "$3" --label k --type ec:P-256
	like "... says why and what to do" "$(cat "$T/err")" "$2"
	unlike "... no login was tried" "$(cat "$T/err")" "PIN incorrect|token"
	is "... nothing written" "$(tree "$H"; sha256sum "$H/audit.log")" "$before"
}

mkfifo "$T/fifo"
refused "a FIFO" "^ceremony: the user PIN file $T/fifo is a FIFO, which is not accepted: give the user PIN with --pin-fd N$" "$T/fifo"
ln -s "$T/pin" "$T/link"
refused "a symbolic link" "^ceremony: the user PIN file $T/link is a symbolic link, which is not followed: give the file itself$" "$T/link"
mkdir -m 700 "$T/dir"
refused "a directory" "is a directory, not a regular file" "$T/dir"
refused "a device" "is a device or socket, not a regular file" /dev/null
cp "$T/pin" "$T/foreign"
chown nobody "$T/foreign"
refused "a file of another owner" "belongs to uid $(id -u nobody), not to you \(uid $(id -u)\): chown $(id -u) $T/foreign" "$T/foreign"
cp "$T/pin" "$T/group"
chmod 640 "$T/group"
refused "mode 640" "is readable by others \(mode 0640\): chmod 600 $T/group and try again" "$T/group"
cp "$T/pin" "$T/gw"
chmod 620 "$T/gw"
refused "mode 620 (group may write)" "is open by others \(mode 0620\): chmod 600" "$T/gw"
refused "a missing file" "cannot open the user PIN file $T/none: No such file" "$T/none"

# The same check for the SO PIN of token init and a custodian's share.
fails "token init: an SO PIN FIFO" timeout 20 "$CEREMONY" token init --module "$MODULE" \
	--label other --so-pin-file "$T/fifo" --pin-file "$T/pin"
like "... refused, naming --so-pin-fd" "$(cat "$T/err")" "SO PIN file $T/fifo is a FIFO, .* with --so-pin-fd N$"
fails "a share file of another owner" timeout 20 "$CEREMONY" key list --home "$H" \
	--share-file "$T/foreign" --share-file "$T/pin"
like "... refused" "$(cat "$T/err")" "share file $T/foreign belongs to uid"
is "... nothing written" "$(tree "$H"; sha256sum "$H/audit.log")" "$before"

# What is right still works, from a file and from a descriptor.
ok "a PIN file of mode 600" "$CEREMONY" key generate --home "$H" --pin-file "$T/pin" \
	--label k1 --type ec:P-256
ok "--pin-fd (a pipe: a descriptor may be anything)" sh -c \
	'cat "$1" | "$2" key generate --home "$3" --pin-fd 0 --label k2 --type ec:P-256' \
	sh "$T/pin" "$CEREMONY" "$H"
done_testing
