#!/bin/sh
# Run every tests/t_*.sh (or those named in TESTS="t_build t_sign"), each in
# its own scratch directory; print one line per script and a closing
# "N passed, N failed" line.  TOOLSYNC is the binary under test.
set -u
: "${TOOLSYNC:?TOOLSYNC must name the toolsync binary}"
top=$(cd "$(dirname "$0")/.." && pwd)
export TOOLSYNC TOP="$top"
pass=0 fail=0 failed=
scripts=
if [ -n "${TESTS:-}" ]; then
	for t in $TESTS; do scripts="$scripts $top/tests/${t%.sh}.sh"; done
else
	scripts=$(ls "$top"/tests/t_*.sh 2>/dev/null)
fi
for t in $scripts; do
	name=$(basename "$t" .sh)
	log=$(mktemp)
	start=$(date +%s)
	# fd 3: the terminal, for the test's note lines (lib.sh) while it runs
	if (cd "$top" && timeout "${TEST_TIMEOUT:-900}" sh "$t") 3>&1 >"$log" 2>&1; then
		pass=$((pass + 1))
		echo "PASS $name ($(( $(date +%s) - start ))s)"
		[ -n "${VERBOSE:-}" ] && cat "$log"
	else
		fail=$((fail + 1))
		failed="$failed $name"
		echo "FAIL $name"
		sed 's/^/    /' "$log" | tail -n 60
	fi
	rm -f "$log"
done
echo "scripts: $pass passed, $fail failed"
[ "$fail" -eq 0 ] || { echo "failed:$failed"; exit 1; }
