# A second PKCS#11 implementation for the token-facing tests: the soft
# token of opencryptoki, served by its slot daemon pkcsslotd, which the
# test starts itself and stops by its pid.  Source it after lib.sh, then
# call ock_start; the daemon stops and the token store is put back when
# the script exits, however it exits.
#
# opencryptoki keeps its token store, socket and pid file in fixed global
# places (/var/lib/opencryptoki/swtok, /run/pkcsslotd.*), so a test holds
# a lock for as long as the daemon runs, and sets aside whatever store it
# finds, putting it back at the end (or at the next start, after a killed
# run).  Needs root, as setting up a fresh Debian 12 machine does.

OCK_SLOTD=/usr/sbin/pkcsslotd
OCK_MODULE=$(for m in /usr/lib/*/opencryptoki/libopencryptoki.so.0 \
	/usr/lib/opencryptoki/libopencryptoki.so.0; do
	[ -e "$m" ] && echo "$m" && break; done)
OCK_STORE=/var/lib/opencryptoki/swtok
OCK_SAVED=/var/lib/opencryptoki/swtok.ceremony-saved
OCK_LOCK=/run/lock/ceremony-opencryptoki.lock
OCK_OURS=/run/lock/ceremony-opencryptoki.pid	# the daemon a test started
OCK_PIDFILE=/run/pkcsslotd.pid
OCK_SO_PIN=87654321		# the soft token's factory SO PIN
export OCK_CONFIG=$T/opencryptoki.conf
# opencryptoki 3.8 leaks inside the module (C_Initialize, C_GetSlotList),
# and the module is unloaded before LeakSanitizer reports, so its frames
# have no name to suppress: leaks are checked on SoftHSM2 (every other
# test), memory errors here too.
[ -n "${ASAN_OPTIONS:-}" ] && export ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=0"
_ock_pid=

# ock_skip REASON: the whole script is skipped (TAP), for a machine that
# cannot run the daemon; a fresh Debian 12 as root always can.
ock_skip() {
	echo "1..0 # SKIP $1"
	exit 0
}

# A private configuration with only the soft token (slot 3, as packaged).
_ock_conf() {
	printf 'version opencryptoki-3.1\n\nslot 3\n{\nstdll = libpkcs11_sw.so\n}\n' \
		> "$OCK_CONFIG"
	chmod 644 "$OCK_CONFIG"
}

# The directories the daemon and the token want, owned by group pkcs11,
# as the package's tmpfiles.d would make them at boot.
_ock_dirs() {
	getent group pkcs11 > /dev/null || groupadd -r pkcs11 || return 1
	mkdir -p /run/opencryptoki /var/lock/opencryptoki/swtok \
		/var/lib/opencryptoki || return 1
	chgrp pkcs11 /run/opencryptoki /var/lock/opencryptoki \
		/var/lock/opencryptoki/swtok /var/lib/opencryptoki &&
	chmod 770 /run/opencryptoki /var/lock/opencryptoki \
		/var/lock/opencryptoki/swtok /var/lib/opencryptoki
}

# An empty token store; one found here is set aside, once.
_ock_store_fresh() {
	if [ -d "$OCK_SAVED" ]; then
		rm -rf "$OCK_STORE"	# a killed run's, not the machine's
	elif [ -d "$OCK_STORE" ]; then
		mv "$OCK_STORE" "$OCK_SAVED" || return 1
	else
		mkdir "$OCK_SAVED" || return 1	# nothing to put back
	fi
	mkdir -p "$OCK_STORE/TOK_OBJ" && chgrp -R pkcs11 "$OCK_STORE" &&
		chmod -R 770 "$OCK_STORE"
}

_ock_store_restore() {
	[ -d "$OCK_SAVED" ] || return 0
	rm -rf "$OCK_STORE"
	mv "$OCK_SAVED" "$OCK_STORE"
}

# _ock_alive PID: running (a zombie, left unreaped by a parent that is
# not ours, has stopped).
_ock_alive() {
	[ -n "$1" ] && [ -r "/proc/$1/stat" ] &&
		! grep -q '^[0-9]* ([^)]*) Z' "/proc/$1/stat"
}

# ock_stop: the daemon we started, by its pid, then the store put back.
ock_stop() {
	local i
	if _ock_alive "$_ock_pid"; then
		kill "$_ock_pid"
		for i in $(seq 50); do
			_ock_alive "$_ock_pid" || break
			sleep 0.1
		done
		_ock_alive "$_ock_pid" && kill -9 "$_ock_pid"
	fi
	_ock_pid=
	rm -f "$OCK_PIDFILE" /run/pkcsslotd.socket "$OCK_OURS"
	_ock_store_restore
}

# ock_start: lock, fresh store, daemon up and answering; skips the script
# where opencryptoki cannot run.
ock_start() {
	local i pid
	[ -n "$OCK_MODULE" ] && [ -x "$OCK_SLOTD" ] ||
		ock_skip "opencryptoki is not installed (scripts/deps test)"
	[ "$(id -u)" -eq 0 ] || ock_skip "the opencryptoki daemon needs root"
	exec 9> "$OCK_LOCK"
	flock -w 300 9 || ock_skip "another test holds $OCK_LOCK"
	pid=$(cat "$OCK_PIDFILE" 2> /dev/null)
	if _ock_alive "$pid" && [ "$(cat "/proc/$pid/comm")" = pkcsslotd ]; then
		# A killed test's daemon is ours to stop; any other is not.
		[ "$pid" = "$(cat "$OCK_OURS" 2> /dev/null)" ] ||
			ock_skip "a pkcsslotd that is not ours runs (pid $pid)"
		_ock_pid=$pid
	fi
	trap 'ock_stop; rm -rf "$T"' EXIT
	trap 'exit 1' HUP INT TERM
	ock_stop
	_ock_conf && _ock_dirs && _ock_store_fresh ||
		ock_skip "cannot set up the opencryptoki directories"
	rm -f "$OCK_PIDFILE" /run/pkcsslotd.socket
	"$OCK_SLOTD" 9>&- || ock_skip "pkcsslotd did not start"	# not our lock
	for i in $(seq 50); do
		_ock_pid=$(cat "$OCK_PIDFILE" 2> /dev/null)
		if [ -S /run/pkcsslotd.socket ] && _ock_alive "$_ock_pid"; then
			echo "$_ock_pid" > "$OCK_OURS"
			return 0
		fi
		sleep 0.1
	done
	ock_skip "pkcsslotd did not come up"
}

# ock_token LABEL: the soft token initialised by pkcs11-tool (an
# independent part) with $USER_PIN, the SO PIN left at the factory's.
ock_token() {
	pkcs11-tool --module "$OCK_MODULE" --init-token --label "$1" \
		--so-pin "$OCK_SO_PIN" > /dev/null 2>&1 &&
	pkcs11-tool --module "$OCK_MODULE" --init-pin --login --login-type so \
		--so-pin "$OCK_SO_PIN" --pin "$USER_PIN" > /dev/null 2>&1
}

# ock_flags: the token's flags as pkcs11-tool reads them.
ock_flags() {
	pkcs11-tool --module "$OCK_MODULE" -T 2> /dev/null | sed -n 's/^ *token flags *: //p'
}
