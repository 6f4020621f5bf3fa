#!/bin/sh
# Template parser unit tests (C, table-driven; TAP).
TOP=$(cd "$(dirname "$0")/.." && pwd)
export TOP
exec "${BUILD:-$TOP/build}/test_template"
