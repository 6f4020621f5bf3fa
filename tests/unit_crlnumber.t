#!/bin/sh
# The cRLNumber of a CRL read back: exact up to 2^64-1, else an error (C; TAP).
TOP=$(cd "$(dirname "$0")/.." && pwd)
export TOP
exec "${BUILD:-$TOP/build}/test_crlnumber"
