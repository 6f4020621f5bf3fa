# Shared by every tests/*.t: a TAP producer and a throwaway SoftHSM2 token
# store in a temporary directory, removed on exit.  Source it, then call
# the helpers; the script ends with done_testing.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
CEREMONY=${CEREMONY:-$TOP/build/ceremony}
BUILD=${BUILD:-$TOP/build}
T=$(mktemp -d "${TMPDIR:-/tmp}/ceremony-test.XXXXXX")
# A tmux socket's path must fit in 107 bytes, and $T may sit deep: the tests
# that drive a terminal keep theirs in /tmp, whatever TMPDIR says.
TMUX_SOCK=$(mktemp -u /tmp/ceremony-tmux.XXXXXX)
trap 'rm -rf "$T" "$TMUX_SOCK"' EXIT
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

# errline: the one error line of $T/err (the room check's warning left out).
errline() { grep -v '^ceremony: warning: not air-gapped: ' "$T/err"; }

# fails_like DESC ERE CMD...: fails DESC CMD..., and its one error line
# matches ERE: the refusal is the one meant, not any other failure.
fails_like() {
	local d=$1 re=$2; shift 2
	fails "$d" "$@"
	like "$d: the error says so" "$(errline)" "$re"
}

# on_tty CMD...: CMD with a terminal (script(1)'s) as its stdin and stdout,
# its stderr its own, its exit status returned; cut off after 30 s, for a
# refusal that did not come would leave a screen waiting for keys.
on_tty() {
	local rc
	timeout 30 script -qec "$(printf '%q ' "$@") 2> '$T/tty-err'" /dev/null \
		< /dev/null > /dev/null
	rc=$?
	cat "$T/tty-err" >&2
	return $rc
}

# skip N REASON: N tests that cannot run here, said so in TAP's own form.
skip() {
	local i
	for ((i = 0; i < $1; i++)); do
		_n=$((_n + 1))
		echo "ok $_n # SKIP $2"
	done
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

# netns_wired CMD...: CMD in a network namespace of its own where v0 is up
# with 10.9.8.7 (its peer down: no carrier, a cable with nothing at its
# other end), so a test of the room check never rests on this machine's
# own interfaces.  Needs root (unshare -n) and ip (iproute2).
netns_wired() {
	unshare -n sh -c 'ip link add v0 type veth peer name v1 &&
		ip addr add 10.9.8.7/24 dev v0 && ip link set v0 up &&
		exec "$@"' sh "$@"
}

# Every relying party: OpenSSL, GnuTLS, NSS and Botan each check what the
# tests make, one TAP line per verifier (docs/crl.md says what Botan can
# and cannot read).  The NSS database is new for each call.
BOTAN="/usr/bin/python3 $TOP/scripts/botan-x509"

_nss() {	# _nss: a fresh, empty NSS database in $T/nss
	rm -rf "$T/nss" && mkdir "$T/nss" &&
		certutil -N -d "sql:$T/nss" --empty-password
}

_nss_root() { _nss_load "$1" && certutil -V -d "sql:$T/nss" -n root -u L; }
_nss_add() { _nss && certutil -A -d "sql:$T/nss" -n "$1" -t ",," -i "$2"; }
_nss_p12() { _nss && pk12util -i "$1" -d "sql:$T/nss" -W "$2" -K ""; }

# _nss_usage CERT: the certutil -V usage a certificate is checked for.
_nss_usage() {
	local e
	e=$(openssl x509 -in "$1" -noout -ext basicConstraints,extendedKeyUsage 2>/dev/null)
	case $e in
	*CA:TRUE*) echo L ;;
	*"OCSP Signing"*) echo O ;;
	*"TLS Web Server"*) echo V ;;
	*) echo C ;;
	esac
}

# _nss_load ROOT [CERT...]: ROOT trusted, the others not, as c1, c2, ...
_nss_load() {
	local i=0 c
	_nss || return 1
	certutil -A -d "sql:$T/nss" -n root -t "CT,C,C" -i "$1" || return 1
	shift
	for c in "$@"; do
		i=$((i + 1))
		certutil -A -d "sql:$T/nss" -n "c$i" -t ",," -i "$c" || return 1
	done
}

# _chain_file OUT LEAF [INTERMEDIATE...]: the PEM chain GnuTLS reads.
_chain_file() {
	local out=$1; shift
	local c
	for c in "$@"; do openssl x509 -in "$c"; done > "$out"
}

# verify_all_chain DESC ROOT LEAF [INTERMEDIATE...]: every verifier
# accepts LEAF up to the trusted ROOT through the intermediates (the
# leaf's issuer first).  LEAF = ROOT checks a root by itself.
verify_all_chain() {
	local d=$1 root=$2 leaf=$3; shift 3
	local u=() c
	for c in "$@"; do u+=(-untrusted "$c"); done
	ok "$d: OpenSSL verify -x509_strict" openssl verify -x509_strict \
		-CAfile "$root" "${u[@]}" "$leaf"
	_chain_file "$T/chain.gnutls" "$leaf" "$@"
	ok "$d: GnuTLS certtool --verify" certtool --verify \
		--load-ca-certificate "$root" --infile "$T/chain.gnutls"
	like "$d: ... GnuTLS says verified" "$(cat "$T/out")" "Chain verification output: Verified"
	if [ "$leaf" = "$root" ]; then
		ok "$d: NSS certutil -V (SSL CA)" _nss_root "$root"
		ok "$d: Botan parses it and checks its self-signature" $BOTAN --self "$root"
		return
	fi
	ok "$d: NSS certutil -V ($(_nss_usage "$leaf"))" _nss_verify "$root" "$leaf" "$@"
	ok "$d: Botan path validation" $BOTAN "$root" "$leaf" "$@"
}

# _nss_verify ROOT LEAF [INTERMEDIATE...]: certutil -V on LEAF
_nss_verify() {
	local root=$1 leaf=$2; shift 2
	_nss_load "$root" "$@" "$leaf" &&
		certutil -V -d "sql:$T/nss" -n "c$(($# + 1))" -u "$(_nss_usage "$leaf")"
}

# _crl_der CRL: the CRL as DER in $T/crl.der (crlutil reads DER), and
# as PEM in $T/crl.pem.
_crl_der() {
	{ openssl crl -in "$1" -outform DER -out "$T/crl.der" 2>/dev/null ||
		openssl crl -inform DER -in "$1" -outform DER -out "$T/crl.der"; } &&
		openssl crl -inform DER -in "$T/crl.der" -out "$T/crl.pem"
}

# verify_all_crl DESC CRL ROOT CERT [INTERMEDIATE...]: every verifier
# accepts CRL, issued by CERT's issuer (ROOT or the first intermediate),
# and finds CERT, which it does not list, valid with revocation checked.
verify_all_crl() {
	local d=$1 crl=$2 root=$3 cert=$4; shift 4
	local issuer=${1:-$root} u=() c
	for c in "$@"; do u+=(-untrusted "$c"); done
	_crl_der "$crl"
	cat "$root" "$@" > "$T/crl-ca.pem"
	ok "$d: OpenSSL crl -verify" openssl crl -inform DER -in "$T/crl.der" \
		-CAfile "$T/crl-ca.pem" -noout -verify
	ok "$d: OpenSSL verify -crl_check" openssl verify -x509_strict -crl_check \
		-CRLfile "$T/crl.pem" -CAfile "$root" "${u[@]}" "$cert"
	ok "$d: GnuTLS certtool --verify-crl" certtool --verify-crl \
		--load-ca-certificate "$issuer" --infile "$T/crl.pem"
	like "$d: ... GnuTLS says verified" "$(cat "$T/out")" "Verification output: Verified"
	ok "$d: NSS crlutil -I imports it" _nss_crl "$T/crl.der" "$root" "$@"
	ok "$d: NSS certutil -V with the CRL" _nss_crl_verify "$T/crl.der" "$root" "$cert" "$@"
	ok "$d: Botan path validation with the CRL" $BOTAN "$root" "$cert" "$@" --crl "$T/crl.pem"
}

# verify_all_revoked DESC CRL ROOT CERT [INTERMEDIATE...]: every verifier
# refuses CERT, which CRL lists, as revoked.
verify_all_revoked() {
	local d=$1 crl=$2 root=$3 cert=$4; shift 4
	local u=() c
	for c in "$@"; do u+=(-untrusted "$c"); done
	_crl_der "$crl"
	openssl verify -crl_check -CRLfile "$T/crl.pem" -CAfile "$root" "${u[@]}" "$cert" > "$T/out" 2>&1
	like "$d: OpenSSL: revoked" "$(cat "$T/out")" "certificate revoked"
	_chain_file "$T/chain.gnutls" "$cert" "$@"
	certtool --verify --load-ca-certificate "$root" --load-crl "$T/crl.pem" \
		--infile "$T/chain.gnutls" > "$T/out" 2>&1
	like "$d: GnuTLS: revoked" "$(cat "$T/out")" "Not verified.*revoked"
	_nss_crl_verify "$T/crl.der" "$root" "$cert" "$@" > "$T/out" 2>&1
	like "$d: NSS: revoked" "$(cat "$T/out")" "certificate is invalid: .*revoked"
	$BOTAN "$root" "$cert" "$@" --crl "$T/crl.pem" > "$T/out" 2>&1
	like "$d: Botan: revoked" "$(cat "$T/out")" "Certificate is revoked"
}

# _nss_crl DER ROOT [INTERMEDIATE...]: crlutil -I after the issuers.
_nss_crl() {
	local der=$1; shift
	_nss_load "$@" && crlutil -I -i "$der" -d "sql:$T/nss"
}

_nss_crl_verify() {	# DER ROOT CERT [INTERMEDIATE...]
	local der=$1 root=$2 cert=$3; shift 3
	_nss_crl "$der" "$root" "$@" &&
		certutil -A -d "sql:$T/nss" -n leaf -t ",," -i "$cert" &&
		certutil -V -d "sql:$T/nss" -n leaf -u "$(_nss_usage "$cert")"
}

# verify_all_p7 DESC P7 ROOT: every verifier reads the PKCS#7 bundle, and
# its first certificate chains to ROOT (Botan 2 has no PKCS#7 reader: it
# checks the certificates OpenSSL takes out, docs/crl.md).
verify_all_p7() {
	local d=$1 p7=$2 root=$3 form=PEM
	head -c 5 "$p7" | grep -q -- '-----' || form=DER
	ok "$d: OpenSSL pkcs7 reads it" openssl pkcs7 -inform "$form" -in "$p7" -print_certs -out "$T/p7.pem"
	local first n
	n=$(grep -c 'BEGIN CERTIFICATE' "$T/p7.pem")
	openssl x509 -in "$T/p7.pem" -out "$T/p7-first.pem"
	ok "$d: GnuTLS certtool --p7-info reads it" certtool --p7-info \
		$([ $form = DER ] && echo --inder) --infile "$p7"
	like "$d: ... GnuTLS finds its $n certificate(s)" "$(grep -c 'BEGIN CERTIFICATE' "$T/out")" "^$n\$"
	first=$(openssl x509 -in "$T/p7-first.pem" -outform DER | sha256sum)
	ok "$d: NSS certutil -A imports it" _nss_add p7 "$p7"
	is "$d: ... NSS reads the same first certificate" \
		"$(certutil -L -d "sql:$T/nss" -n p7 -r | sha256sum)" "$first"
	_botan_first "$d" "$root" "$T/p7-first.pem"
}

# verify_all_p12 DESC P12 PASSWORD ROOT [INTERMEDIATE...]: every
# verifier opens the PKCS#12 archive with PASSWORD, and its first
# certificate chains to ROOT (Botan 2 has no PKCS#12 reader: it validates
# the certificate OpenSSL takes out, docs/crl.md).
verify_all_p12() {
	local d=$1 p12=$2 pw=$3 root=$4 legacy=; shift 4
	# ceremony names a --legacy archive NAME.legacy.p12: OpenSSL 3 opens
	# its 3DES bags only with its legacy provider.
	case $p12 in *.legacy.p12) legacy=-legacy ;; esac
	ok "$d: OpenSSL pkcs12 opens it" openssl pkcs12 $legacy -in "$p12" -passin "pass:$pw" \
		-nokeys -out "$T/p12.pem"
	ok "$d: GnuTLS certtool --p12-info opens it" certtool --p12-info --inder \
		--infile "$p12" --password "$pw"
	ok "$d: NSS pk12util -l lists it" pk12util -l "$p12" -W "$pw"
	ok "$d: NSS pk12util -i imports it" _nss_p12 "$p12" "$pw"
	openssl x509 -in "$T/p12.pem" -out "$T/p12-cert.pem"
	_botan_first "$d" "$root" "$T/p12-cert.pem" "$@"
}

# _botan_first DESC ROOT CERT [INTERMEDIATE...]: Botan on a certificate
# taken out of a bundle: the root's self-signature when it is the root.
_botan_first() {
	local d=$1 root=$2 cert=$3; shift 3
	if cmp -s <(openssl x509 -in "$cert" -outform DER) <(openssl x509 -in "$root" -outform DER); then
		ok "$d: Botan checks the root it holds" $BOTAN --self "$cert"
	else
		ok "$d: Botan validates its certificate" $BOTAN "$root" "$cert" "$@"
	fi
}

# verify_all_p7s DESC P7S DATA ROOT: every verifier checks the detached
# PKCS#7 (CMS) signature P7S (DER) over DATA up to ROOT (Botan 2 has no
# CMS reader: it checks the signer's certificate the signature carries).
verify_all_p7s() {
	local d=$1 p7s=$2 data=$3 root=$4
	ok "$d: OpenSSL cms -verify" openssl cms -verify -binary -inform DER \
		-in "$p7s" -content "$data" -CAfile "$root" -purpose any -out /dev/null
	ok "$d: GnuTLS certtool --p7-verify" certtool --p7-verify --inder \
		--infile "$p7s" --load-data "$data" --load-ca-certificate "$root"
	# cmsutil's -u 11: the signer is checked as a CA (certUsageAnyCA).
	ok "$d: NSS cmsutil -D" _nss_cms "$p7s" "$data" "$root"
	openssl pkcs7 -inform DER -in "$p7s" -print_certs -out "$T/p7s.pem" 2>/dev/null
	openssl x509 -in "$T/p7s.pem" -out "$T/p7s-signer.pem"
	_botan_first "$d" "$root" "$T/p7s-signer.pem"
}

_nss_cms() {	# P7S DATA ROOT
	_nss_load "$3" && cmsutil -D -n -i "$1" -c "$2" -d "sql:$T/nss" -u 11
}

# first_session LOG: the number of the first session of an audit log (the
# records before it are ceremony init's template.install ones).
first_session() {
	grep -m1 -P '\top=session\.open\t' "$1" | sed 's/^seq=\([0-9]*\).*/\1/'
}

# root_home DIR: a data directory on a fresh token "root" whose root CA
# (key rk, ec:P-384, template root-ca) is made, and N requests
# DIR/requests/NAME.csr for each NAME given (CN=Sub NAME), one key.
root_home() {
	local h=$1 n; shift
	mktoken root
	"$CEREMONY" init --home "$h" --module "$MODULE" --token root > /dev/null &&
	"$CEREMONY" key generate --home "$h" --pin-file "$T/pin" --label rk \
		--type ec:P-384 > /dev/null &&
	"$CEREMONY" root create --home "$h" --pin-file "$T/pin" \
		--template "$TOP/templates/root-ca.cnf" --key rk > /dev/null || return 1
	openssl ecparam -name prime256v1 -genkey -noout -out "$T/k.key"
	for n in "$@"; do
		openssl req -new -key "$T/k.key" -subj "/C=XX/O=Example/CN=Sub $n" \
			-out "$h/requests/$n.csr"
	done
}

# sign_inbox DIR: the root of DIR signs its inbox under subca; each signed
# request as "NAME SERIAL" in $T/signed (NAME without .csr).
sign_inbox() {
	"$CEREMONY" sign --inbox --home "$1" --pin-file "$T/pin" \
		--template "$TOP/templates/subca.cnf" || return 1
	awk '$2 == "signed" { sub(/\.csr$/, "", $1); print $1, $3 }' \
		"$T/out" > "$T/signed"
}
