#!/bin/sh
# Data directory unit tests: create, lock, index, serials, certs, audit (C; TAP).
TOP=$(cd "$(dirname "$0")/.." && pwd)
export TOP
exec "${BUILD:-$TOP/build}/test_db"
