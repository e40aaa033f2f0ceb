#!/bin/sh
# tests/fuzz/smoke.sh SECONDS TARGET...: run each libFuzzer target for
# SECONDS on its seed corpus (tests/fuzz/corpus/<name>/, read only: new
# inputs go to a scratch directory).  A crash, a leak, a timeout or an
# out-of-memory fails the run; its input is kept in build/fuzz/artifacts/
# and the end of the fuzzer's log is printed.  One line per target.
set -u
secs=$1
shift
top=$(cd "$(dirname "$0")/../.." && pwd)
art="$top/build/fuzz/artifacts"
mkdir -p "$art"
failed=
for t in "$@"; do
	name=$(basename "$t")
	seeds="$top/tests/fuzz/corpus/$name"
	work=$(mktemp -d "${TMPDIR:-/tmp}/fuzz-$name.XXXXXX")
	[ -d "$seeds" ] || { echo "FAIL $name: no seed corpus in tests/fuzz/corpus/$name"; failed="$failed $name"; continue; }
	if "$t" -max_total_time="$secs" -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$art/$name-" "$work" "$seeds" >"$work.log" 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work.log")
		echo "PASS $name (${secs} s, ${runs:-?} runs, $(ls "$seeds" | wc -l) seeds)"
	else
		echo "FAIL $name"
		tail -n 40 "$work.log" | sed 's/^/    /'
		failed="$failed $name"
	fi
	rm -rf "$work" "$work.log"
done
[ -z "$failed" ] || { echo "fuzz-smoke: failed:$failed"; exit 1; }
echo "fuzz-smoke: every target ran ${secs} s without a crash"
