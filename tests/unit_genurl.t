#!/bin/sh
# Per-generation URLs: {gen} and the genN rule, table-driven (C; TAP).
TOP=$(cd "$(dirname "$0")/.." && pwd)
export TOP
exec "${BUILD:-$TOP/build}/test_genurl"
