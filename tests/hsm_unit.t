#!/bin/sh
# Parsers of the token layer: pkcs11: URIs and key type names (C, TAP).
TOP=$(cd "$(dirname "$0")/.." && pwd)
exec "${BUILD:-$TOP/build}/test_uri"
