#!/bin/sh
# The escaping codec, table-driven (C; TAP).
TOP=$(cd "$(dirname "$0")/.." && pwd)
export TOP
exec "${BUILD:-$TOP/build}/test_escape"
