#!/bin/sh
# The --invalidity-date forms of ceremony revoke (C, table-driven; TAP).
TOP=$(cd "$(dirname "$0")/.." && pwd)
export TOP
exec "${BUILD:-$TOP/build}/test_revoke"
