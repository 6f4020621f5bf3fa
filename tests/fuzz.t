#!/bin/bash
# The libFuzzer harnesses of tests/fuzz/ (docs/fuzzing.md): built with
# clang into build-fuzz/, then each run over its committed corpus (the
# seeds and every regression input, crash-*) and fuzzed a few seconds
# more on a scratch copy; any crash, leak or sanitizer report fails it.
. "$(dirname "$0")/lib.sh"

case $BUILD in
*build-asan*) echo "1..0 # SKIP the harnesses are a sanitizer build of their own (build-fuzz), run in the plain pass"; exit 0 ;;
esac
command -v clang > /dev/null ||
	{ echo "1..0 # SKIP clang is not installed (scripts/deps test)"; exit 0; }

B=$TOP/build-fuzz
SECS=${FUZZ_TEST_TIME:-3}
export CEREMONY_FUZZ_TEMPLATES=$TOP/templates
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

ok "the harnesses build (make fuzz-build)" make -s -C "$TOP" -j2 fuzz-build

harnesses=$(cd "$B" && ls fuzz_* 2> /dev/null | sed 's/^fuzz_//' | tr '\n' ' ')
corpora=$(cd "$TOP/tests/fuzz/corpus" && ls | tr '\n' ' ')
is "every harness has a committed corpus, every corpus a harness" "$harnesses" "$corpora"

# fuzz_one NAME: its corpus, then SECS seconds; findings under $T/NAME/.
fuzz_one() {
	mkdir -p "$T/$1/corpus" "$T/$1/tmp" "$T/$1/found"
	TMPDIR=$T/$1/tmp "$B/fuzz_$1" -max_total_time="$SECS" \
		-artifact_prefix="$T/$1/found/" "$T/$1/corpus" \
		"$TOP/tests/fuzz/corpus/$1" > "$T/$1/log" 2>&1
	local rc=$?
	[ $rc -eq 0 ] || grep -E 'ERROR|SUMMARY|runtime error' "$T/$1/log" | head -5 >&2
	return $rc
}

for h in $harnesses; do
	n=$(ls "$TOP/tests/fuzz/corpus/$h" | wc -l)
	r=$(ls "$TOP/tests/fuzz/corpus/$h" | grep -c '^crash-')
	ok "$h: its corpus ($n inputs, $r regression) and ${SECS}s of fuzzing, no finding" fuzz_one "$h"
	is "$h: nothing found, nothing written" "$(ls "$T/$h/found")" ""
done

done_testing
