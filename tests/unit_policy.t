#!/bin/sh
# Policy profile loading and checks, table-driven (C; TAP).
TOP=$(cd "$(dirname "$0")/.." && pwd)
export TOP
exec "${BUILD:-$TOP/build}/test_policy"
