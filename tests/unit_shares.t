#!/bin/sh
# M-of-N shares of the PIN: split, text form, typing mistakes (C; TAP).
TOP=$(cd "$(dirname "$0")/.." && pwd)
export TOP
exec "${BUILD:-$TOP/build}/test_shares"
