#!/bin/sh
# Key quality on crafted RSA and EC keys (C; TAP).
TOP=$(cd "$(dirname "$0")/.." && pwd)
export TOP
exec "${BUILD:-$TOP/build}/test_badkeys"
