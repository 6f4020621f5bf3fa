#!/bin/sh
# crlsrc: the index streamed for a CRL (C, table-driven; TAP).
TOP=$(cd "$(dirname "$0")/.." && pwd)
export TOP
exec "${BUILD:-$TOP/build}/test_crlsrc"
