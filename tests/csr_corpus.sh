#!/bin/sh
# The CSR corpus: certificate requests made with the openssl CLI (an
# independent maker) into DIR, named POLICY--EXPECT.csr:
#   POLICY  expressway, subca, ocsp (templates/policy-POLICY.cnf) or dns
#           (DIR/policy-dns.cnf, written here: suffix lists, wildcards)
#   EXPECT  ok-WHAT (accepted, exit 0) or the finding code the request
#           must produce, each rule broken alone.
# Malformed input is bad--WHAT (exit 2).  Requests the CLI cannot make
# (values over RFC 5280's bounds, keys with crafted primes) come from
# BUILD/test_badkeys --write DIR when BUILD is given.
#   tests/csr_corpus.sh DIR [BUILD]
set -eu
D=$1
BUILD=${2:-}
mkdir -p "$D"
cd "$D"

# Keys, reused across requests.  RSA generation is slow: few of them, in
# parallel; EC for everything else.
rsa() { openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:"$2" \
	${3:+-pkeyopt rsa_keygen_pubexp:$3} -out "$1" 2>/dev/null; }
rsa k-rsa2048.pem 2048 &
rsa k-rsa3072.pem 3072 &
rsa k-rsa4096.pem 4096 &
rsa k-rsa1024.pem 1024 &
rsa k-rsa2048e3.pem 2048 3 &
for c in P-256 P-384 P-521 secp256k1; do
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:$c \
		-out k-$c.pem 2>/dev/null
done
wait

EXP_SUBJ="/C=JP/ST=Tokyo/L=Minato/O=Example KK/OU=Video/CN=vcs.example.com"
EXP_SAN="subjectAltName=DNS:vcs.example.com,DNS:peer1.example.com,DNS:peer2.example.com"
EXP_EKU="extendedKeyUsage=serverAuth,clientAuth"
EXP_KU="keyUsage=critical,digitalSignature,keyEncipherment"

# req OUT KEY SUBJ [openssl req options...]
req() {
	out=$1 key=$2 subj=$3
	shift 3
	openssl req -new -key "$key" -subj "$subj" -out "$out" "$@" 2>/dev/null
}
# exp OUT KEY [options...]: an Expressway request with the defaults.
exp() {
	out=$1 key=$2
	shift 2
	req "$out" "$key" "$EXP_SUBJ" -addext "$EXP_SAN" -addext "$EXP_EKU" \
		-addext "$EXP_KU" "$@"
}

# Expressway: every allowed key type, clustered and not, EV OIDs.
exp expressway--ok-rsa2048.csr k-rsa2048.pem
exp expressway--ok-rsa4096.csr k-rsa4096.pem -sha512
exp expressway--ok-p256.csr k-P-256.pem
exp expressway--ok-p384.csr k-P-384.pem -sha384
exp expressway--ok-p521.csr k-P-521.pem -sha512
req expressway--ok-nosan.csr k-P-256.pem "$EXP_SUBJ" \
	-addext "$EXP_EKU" -addext "$EXP_KU"
req expressway--ok-ev.csr k-P-256.pem \
	"/jurisdictionC=JP/jurisdictionST=Tokyo/jurisdictionL=Minato$EXP_SUBJ" \
	-addext "$EXP_EKU" -addext "$EXP_KU"
req expressway--ok-der.der k-P-256.pem "$EXP_SUBJ" \
	-addext "$EXP_EKU" -outform DER

# Expressway: one rule broken at a time.
req expressway--san-not-fqdn.csr k-P-256.pem "$EXP_SUBJ" -addext "$EXP_EKU" \
	-addext "subjectAltName=DNS:vcs.example.com,DNS:vcs"
req expressway--san-wildcard.csr k-P-256.pem "$EXP_SUBJ" -addext "$EXP_EKU" \
	-addext "subjectAltName=DNS:vcs.example.com,DNS:*.example.com"
req expressway--san-ip.csr k-P-256.pem "$EXP_SUBJ" -addext "$EXP_EKU" \
	-addext "subjectAltName=DNS:vcs.example.com,IP:192.0.2.10"
req expressway--san-type.csr k-P-256.pem "$EXP_SUBJ" -addext "$EXP_EKU" \
	-addext "subjectAltName=DNS:vcs.example.com,email:pki@example.com"
req expressway--san-duplicate.csr k-P-256.pem "$EXP_SUBJ" -addext "$EXP_EKU" \
	-addext "subjectAltName=DNS:vcs.example.com,DNS:VCS.example.com"
many=DNS:vcs.example.com
for i in $(seq 1 100); do many="$many,DNS:p$i.example.com"; done
req expressway--san-too-many.csr k-P-256.pem "$EXP_SUBJ" -addext "$EXP_EKU" \
	-addext "subjectAltName=$many"
req expressway--cn-not-in-san.csr k-P-256.pem "$EXP_SUBJ" -addext "$EXP_EKU" \
	-addext "subjectAltName=DNS:peer1.example.com,DNS:peer2.example.com"
req expressway--cn-not-fqdn.csr k-P-256.pem "/O=Example KK/CN=vcs" \
	-addext "$EXP_EKU"
req expressway--subject-attr-not-allowed.csr k-P-256.pem \
	"/O=Example KK/title=Video Admin/CN=vcs.example.com" -addext "$EXP_EKU"
req expressway--subject-attr-missing.csr k-P-256.pem "/O=Example KK" \
	-addext "$EXP_EKU" -addext "subjectAltName=DNS:vcs.example.com"
req expressway--subject-c-format.csr k-P-256.pem "/C=jp/CN=vcs.example.com" \
	-addext "$EXP_EKU"
req expressway--subject-multi-valued-rdn.csr k-P-256.pem \
	"/O=Example KK/OU=Video+CN=vcs.example.com" -addext "$EXP_EKU"
cat > oid.cnf <<'EOF'
oid_section = new_oids
[new_oids]
testAttr = 1.3.6.1.4.1.55555.1.1
[req]
distinguished_name = dn
prompt = no
[dn]
CN = vcs.example.com
testAttr = hello
EOF
openssl req -new -key k-P-256.pem -config oid.cnf -addext "$EXP_EKU" \
	-out expressway--subject-unknown-oid.csr 2>/dev/null
exp expressway--key-size.csr k-rsa1024.pem
exp expressway--key-size.rsa3072.csr k-rsa3072.pem
exp expressway--key-type.csr k-secp256k1.pem
exp expressway--rsa-exponent.csr k-rsa2048e3.pem
exp expressway--digest-weak.csr k-P-256.pem -sha1
exp expressway--digest-not-allowed.csr k-P-256.pem -sha224
req expressway--eku-missing.csr k-P-256.pem "$EXP_SUBJ" -addext "$EXP_SAN" \
	-addext "extendedKeyUsage=serverAuth"
req expressway--eku-forbidden.csr k-P-256.pem "$EXP_SUBJ" -addext "$EXP_SAN" \
	-addext "extendedKeyUsage=serverAuth,clientAuth,codeSigning"
exp expressway--ext-not-allowed.csr k-P-256.pem -addext "nsComment=hello"
exp expressway--ext-unknown-critical.csr k-P-256.pem \
	-addext "1.3.6.1.4.1.55555.2.1=critical,DER:05:00"
exp expressway--ca-not-allowed.csr k-P-256.pem \
	-addext "basicConstraints=critical,CA:TRUE"
# Several rules at once: every one must be reported.
req expressway--multi.csr k-rsa1024.pem "/C=jp/CN=vcs" -sha1 \
	-addext "subjectAltName=DNS:*.example.com,IP:192.0.2.1,DNS:a_b.example.com" \
	-addext "extendedKeyUsage=serverAuth" \
	-addext "basicConstraints=critical,CA:TRUE"

# Subordinate CA: every allowed key type; pathLen over the limit.
SUB_SUBJ="/C=JP/O=Example KK/OU=PKI/CN=Example Issuing CA 1"
sub() {
	out=$1 key=$2
	shift 2
	req "$out" "$key" "$SUB_SUBJ" \
		-addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
		-addext "keyUsage=critical,keyCertSign,cRLSign" "$@"
}
sub subca--ok-rsa3072.csr k-rsa3072.pem
sub subca--ok-rsa4096.csr k-rsa4096.pem
sub subca--ok-p256.csr k-P-256.pem
sub subca--ok-p384.csr k-P-384.pem -sha384
sub subca--ok-p521.csr k-P-521.pem -sha512
req subca--pathlen-too-large.csr k-P-384.pem "$SUB_SUBJ" \
	-addext "basicConstraints=critical,CA:TRUE,pathlen:1"
sub subca--key-size.csr k-rsa2048.pem
sub subca--ext-not-allowed.csr k-P-384.pem \
	-addext "subjectAltName=DNS:ca.example.com"

# OCSP responder.
req ocsp--ok-p256.csr k-P-256.pem "/O=Example KK/CN=Example OCSP" \
	-addext "extendedKeyUsage=OCSPSigning"
req ocsp--ok-rsa2048.csr k-rsa2048.pem "/O=Example KK/CN=Example OCSP" \
	-addext "extendedKeyUsage=OCSPSigning"
req ocsp--eku-missing.csr k-P-256.pem "/O=Example KK/CN=Example OCSP" \
	-addext "extendedKeyUsage=timeStamping"

# Suffix lists, wildcards allowed, a small SAN limit.
cat > policy-dns.cnf <<'EOF'
[policy]
san_types = DNS, IP, email, URI
san_required = yes
san_max = 3
wildcards = yes
dns_permitted = example.com, .example.org
dns_excluded = bad.example.com
key_types = ec:P-256
extensions_allowed = subjectAltName
EOF
dns() { req "dns--$1.csr" k-P-256.pem "/CN=$2" -addext "subjectAltName=$3"; }
dns ok-wildcard '*.www.example.com' 'DNS:*.www.example.com,DNS:example.org'
dns ok-types a.example.com \
	'DNS:a.example.com,IP:192.0.2.1,URI:https://a.example.com/'
dns san-dns-excluded x.bad.example.com 'DNS:x.bad.example.com'
dns san-dns-excluded.wildcard '*.example.com' 'DNS:*.example.com'
dns san-dns-not-permitted badexample.com 'DNS:badexample.com'
dns san-wildcard 'w*.example.com' 'DNS:w*.example.com'
dns san-too-many a.example.com \
	'DNS:a.example.com,DNS:b.example.com,DNS:c.example.com,DNS:d.example.com'
dns san-email-syntax a.example.com 'DNS:a.example.com,email:nobody'
req dns--san-missing.csr k-P-256.pem "/CN=a.example.com"

# Malformed input: no verdict (exit 2).
: > bad--empty.csr
openssl req -in expressway--ok-p256.csr -outform DER -out ok.der
head -c 100 ok.der > bad--truncated.der
{ cat ok.der; printf 'GARBAGE'; } > bad--trailing.der
sed '2s/^..../!!!!/' expressway--ok-p256.csr > bad--base64.csr
printf 'hello, this is not a request\n' > bad--text.csr
openssl req -x509 -new -key k-P-256.pem -subj /CN=x -days 1 \
	-out bad--certificate.csr 2>/dev/null
openssl req -x509 -new -key k-P-256.pem -subj /CN=x -days 1 -outform DER \
	-out bad--certificate.der 2>/dev/null
openssl pkey -in k-P-256.pem -pubout -out bad--pubkey.csr
# The last byte of the signature flipped: still a request, proof fails.
len=$(wc -c < ok.der)
head -c $((len - 1)) ok.der > expressway--pop-failed.der
last=$(tail -c 1 ok.der | od -An -tu1 | tr -d ' ')
printf "\\$(printf %o $(( (last ^ 1) & 255 )))" >> expressway--pop-failed.der

# What the CLI cannot make.
if [ -n "$BUILD" ]; then
	"$BUILD/test_badkeys" --write "$D" > /dev/null
fi
rm -f ok.der oid.cnf
