#!/bin/bash
# Room checks at login (docs/assurance.md): the network interfaces against
# [room] network (warn or refuse), the clock against [room] clock, both
# recorded in the session.open record; ceremony room check.  Real network
# namespaces (unshare -n): one with nothing up, one with a veth pair up
# and an address, one with a wireless interface (its sysfs node marked
# wireless, as a radio's is).  Never this machine's own interfaces: what
# they are is the machine's luck, not the program's doing.
. "$(dirname "$0")/lib.sh"
if ! unshare -n true 2> /dev/null; then
	echo "1..0 # SKIP unshare -n is not permitted here (needs root)"; exit 0
fi

c() { "$CEREMONY" "$@"; }
# bare CMD...: in a network namespace of its own: only lo, and it down.
bare() { unshare -n "$@"; }
wired() { netns_wired "$@"; }
# radio CMD...: a namespace with wlan0, down, that sysfs says is wireless.
radio() {
	unshare -n -m sh -c 'ip link add wlan0 type veth peer name v1 &&
		mount -t sysfs sysfs /sys &&
		mount -t tmpfs tmpfs /sys/class/net/wlan0 &&
		mkdir /sys/class/net/wlan0/wireless && exec "$@"' sh "$@"
}
opens() { grep -P '\top=session\.open\t' "$H/audit.log" | tail -1; }
room() { printf '[room]\n%s\n' "$@" >> "$H/ceremony.cnf"; }
reset_cnf() { cp "$T/cnf" "$H/ceremony.cnf"; }

H=$T/ca
mktoken root
c init --home "$H" --token root > /dev/null || { echo "Bail out! init"; exit 1; }
cp "$H/ceremony.cnf" "$T/cnf"

# Defaults: network = warn, clock = off.
ok "room check, nothing up: passes" bare "$CEREMONY" room check --home "$H"
out=$(cat "$T/out")
like "... says the policy" "$out" "network policy +warn \(\[room\] network in $H/ceremony.cnf\)"
like "... no interface" "$out" "interfaces +none up besides loopback, no wireless"
like "... the UTC time" "$out" "UTC time now +[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} UTC"
like "... the verdict" "$out" "verdict +passes$"
ok "room check, v0 up, warn: passes" wired "$CEREMONY" room check --home "$H"
like "... names v0, its carrier state, its address" "$(cat "$T/out")" \
	"interfaces +v0 +up, no carrier, 10\.9\.8\.7"
like "... with a warning" "$(cat "$T/out")" "verdict +passes \(with a warning: not air-gapped\)"

ok "warn: a login with v0 up goes on" wired "$CEREMONY" key list --home "$H" --pin-file "$T/pin"
is "... with one warning line" "$(wc -l < "$T/err")" 1
like "... naming v0 and the setting" "$(cat "$T/err")" \
	"^ceremony: warning: not air-gapped: v0 \(up, no carrier, 10\.9\.8\.7[^)]*\) \(network = warn in $H/ceremony.cnf\)$"
like "session.open records the interfaces and the policy" "$(opens)" \
	"home=[^	]* network=warn interfaces=v0 \(up, no carrier, 10\.9\.8\.7[^)]*\) clock=not confirmed \(clock = off\)	"
ok "warn: nothing up, no warning" bare "$CEREMONY" key list --home "$H" --pin-file "$T/pin"
is "... stderr empty" "$(cat "$T/err")" ""
like "... recorded as none" "$(opens)" "network=warn interfaces=none clock="

# network = refuse.
room "network = refuse"
before=$(tree "$H"); log=$(wc -l < "$H/audit.log")
fails "refuse: a login with v0 up is refused" wired "$CEREMONY" key list --home "$H" \
	--pin-file "$T/badpin"
like "... before the PIN is tried: says what to do" "$(cat "$T/err")" \
	"not air-gapped: v0 \(up, no carrier, 10\.9\.8\.7[^)]*\); take the interfaces down \(ip link set v0 down\) or set network = warn in $H/ceremony.cnf$"
is "... one record: the refusal" "$(wc -l < "$H/audit.log")" $((log + 1))
like "... a failed room.check naming v0" "$(tail -1 "$H/audit.log")" \
	"op=room\.check	result=failed	.*detail=network=refuse interfaces=v0 \(up"
unlike "... no session opened" "$(tail -1 "$H/audit.log")" "session\.open"
fails "refuse: room check exits 1" wired "$CEREMONY" room check --home "$H"
like "... with the same line" "$(cat "$T/err")" "not air-gapped: v0 .*ip link set v0 down"
like "... and the verdict" "$(cat "$T/out")" "verdict +a login would be REFUSED"
ok "refuse: the token's login still works (no try was spent)" bare "$CEREMONY" \
	key list --home "$H" --pin-file "$T/pin"
like "... and records the clean room" "$(opens)" "network=refuse interfaces=none clock="
# The radio's namespace mounts a sysfs of its own, which the kernel refuses
# where /sys is not the root's to show (a chroot): then it cannot be made,
# and a refusal would be the mount's, not ceremony's.
if radio true 2> /dev/null; then
	fails "refuse: a wireless interface, even down, is refused" radio "$CEREMONY" \
		key list --home "$H" --pin-file "$T/pin"
	like "... named as a radio, with what to do" "$(cat "$T/err")" \
		"wlan0 \(wireless, down\); .*remove the wireless devices or unload their drivers \(wlan0\)"
	fails_like "refuse: room check shows the radio" 'not air-gapped: .*wlan0' radio "$CEREMONY" room check --home "$H"
	like "... as wireless and down" "$(cat "$T/out")" "interfaces +wlan0 +wireless, down"
else
	skip 5 "a namespace with its own sysfs cannot be made here (a chroot?)"
fi

# Bad settings: one line naming the file and the key; nothing written.
reset_cnf
for bad in "network = refused|network = refused: expected warn or refuse" \
	"clock = yes|clock = yes: expected off or confirm" \
	"netwrok = refuse|unknown key \"netwrok\": \[room\] takes network"; do
	reset_cnf; room "${bad%%|*}"
	before=$(tree "$H")
	fails "[room] ${bad%%|*}: refused" c key list --home "$H" --pin-file "$T/pin"
	like "... names the file and the setting" "$(cat "$T/err")" \
		"^ceremony: $H/ceremony.cnf \[room\]: ${bad#*|}"
	is "... nothing written" "$(tree "$H")" "$before"
done
fails_like "room check reads the same settings" 'ceremony.cnf \[room\]: unknown key "netwrok"' c room check --home "$H"
fails "init --network bogus is refused" c init --home "$T/new" --token root --network bogus
like "... naming the value" "$(cat "$T/err")" "network = bogus: expected warn or refuse"
is "... and no data directory" "$(tree "$T/new")" "(absent)"
ok "init --network refuse --clock confirm" c init --home "$T/new" --token root \
	--network refuse --clock confirm
like "... writes [room]" "$(cat "$T/new/ceremony.cnf")" "\[room\]
network = refuse
clock = confirm"
ok "... which room check reads" bare "$CEREMONY" room check --home "$T/new"
like "... the network policy" "$(cat "$T/out")" "network policy +refuse"
like "... the clock policy" "$(cat "$T/out")" "clock policy +confirm"

# clock = confirm: asked on the terminal; without one, refused before the
# PIN is read (a wrong PIN would be the error otherwise).
reset_cnf; room "clock = confirm"
before=$(tree "$H")
fails "clock = confirm, no terminal: refused" setsid -w "$CEREMONY" key list --home "$H" \
	--pin-file "$T/badpin"
like "... says to check the clock and pass --clock-confirmed" "$(cat "$T/err")" \
	"clock = confirm in $H/ceremony.cnf and no terminal to ask: check the UTC time \(now [0-9-]+ [0-9:]+ UTC\) against a trusted clock, then pass --clock-confirmed; nothing was tried on the token$"
is "... nothing written" "$(tree "$H")" "$before"
ok "--clock-confirmed: the login goes on" setsid -w "$CEREMONY" key list --home "$H" \
	--pin-file "$T/pin" --clock-confirmed
like "... recorded in session.open" "$(opens)" \
	"clock=confirmed against a trusted clock by --clock-confirmed \(at [0-9-]+ [0-9:]+ UTC\)	"
sid=$(grep -P '\top=session\.open\t' "$H/audit.log" | tail -1 | sed 's/^seq=\([0-9]*\).*/\1/')
ok "the transcript of that session" c audit transcript "$sid" --home "$H"
like "... shows the room" "$(cat "$T/out")" "Room +network = warn; interfaces up or wireless: "
like "... and the clock" "$(cat "$T/out")" "Clock +confirmed against a trusted clock by --clock-confirmed"
done_testing
