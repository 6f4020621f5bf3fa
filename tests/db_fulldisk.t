#!/bin/bash
# A full disk never leaves a half-written file: index and audit appends,
# certificate files, the settings and a new data directory each fail with
# a clear message on a full 64 KB tmpfs and leave every file as it was.
# Needs root (to mount the tmpfs); skipped otherwise.
. "$(dirname "$0")/lib.sh"
FD=$BUILD/test_fulldisk
MNT=$T/mnt
H=$MNT/ca

mkdir -p "$MNT"
if [ "$(id -u)" -ne 0 ] ||
    ! mount -t tmpfs -o size=64k,mode=0700 tmpfs "$MNT" 2> /dev/null; then
	echo "1..0 # SKIP needs root to mount a small tmpfs"
	exit 0
fi
trap 'umount "$MNT" 2> /dev/null; rm -rf "$T"' EXIT

# Every file below the data directory with its checksum, and every name.
sums() {
	(cd "$H" && find . -type f | sort | xargs sha256sum && find . | sort)
}

ok "create a data directory on a 64 KB disk" "$FD" create "$H"
ok "reserve 4 serials" "$FD" reserve "$H" 4
ok "add an audit record" "$FD" audit "$H"

dd if=/dev/zero of="$MNT/filler" bs=1k count=1024 2> /dev/null
like "the disk is full" \
	"$(dd if=/dev/zero of="$MNT/more" bs=4k count=1 2>&1 > /dev/null)" \
	"No space left on device"
rm -f "$MNT/more"
before=$(sums)

fails "an index append on the full disk fails" "$FD" reserve "$H" 64
like "... saying so and that nothing was added" "$(cat "$T/err")" \
	"cannot record serial .* in $H/index.txt: cannot append \(No space left on device\): nothing was added; free some space"
is "... leaving every file as it was" "$(sums)" "$before"

fails "a certificate on the full disk fails" "$FD" cert "$H"
like "... saying so" "$(cat "$T/err")" \
	"cannot write $H/certs/4242.pem \(No space left on device\): nothing was changed"
is "... leaving every file as it was (no temporary file)" "$(sums)" "$before"

fails "rewriting ceremony.cnf on the full disk fails" "$FD" config "$H"
like "... saying so" "$(cat "$T/err")" "ceremony.cnf \(No space left on device\)"
is "... leaving every file as it was" "$(sums)" "$before"

fails "an audit append on the full disk fails" "$FD" audit "$H"
like "... saying so" "$(cat "$T/err")" \
	"cannot record test.fill in $H/audit.log: cannot append \(No space left on device\)"
is "... leaving every file as it was" "$(sums)" "$before"

fails "creating a data directory on the full disk fails" "$FD" create "$MNT/ca2"
like "... saying so" "$(cat "$T/err")" "cannot create data directory $MNT/ca2"
is "... leaving nothing behind" "$(ls -A "$MNT" | tr '\n' ' ')" "ca filler "

ok "the full database still opens and reads" "$FD" count "$H"
is "... with its 4 serials" "$(cat "$T/out")" "4"

rm -f "$MNT/filler"
ok "with space again the same append works" "$FD" reserve "$H" 64
ok "... and the certificate" "$FD" cert "$H"
ok "... and the audit record" "$FD" audit "$H"
ok "the index and the audit chain are whole" "$FD" count "$H"
is "... with all 68 serials" "$(cat "$T/out")" "68"

mount -o remount,ro "$MNT"
fails "creating a data directory in a read-only place fails" \
	"$FD" create "$MNT/ca3"
like "... saying so" "$(cat "$T/err")" \
	"cannot create data directory $MNT/ca3: cannot write in $MNT \(Read-only file system\)"
is "... leaving nothing behind" "$(ls -A "$MNT" | tr '\n' ' ')" "ca "

done_testing
