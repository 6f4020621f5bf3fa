#!/bin/sh
# Signature verification after the token signs (Nettle for EC, OpenSSL for
# RSA): good signatures pass, changed ones fail (C; TAP).
TOP=$(cd "$(dirname "$0")/.." && pwd)
exec "${BUILD:-$TOP/build}/test_verify"
