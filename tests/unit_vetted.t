#!/bin/sh
# The intake's pipe format: a vetted request comes back as it was sent;
# every cut, a trailing byte or a wrong magic is refused (C; TAP).
TOP=$(cd "$(dirname "$0")/.." && pwd)
export TOP
exec "${BUILD:-$TOP/build}/test_vetted"
