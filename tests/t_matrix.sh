# t_matrix.sh: the standards traceability matrix: `toolsync matrix` in every
# format (goldens), the files build writes and signs, what a change to the
# registry does to them, and bad input.
. tests/lib.sh

G=$TOP/tests/golden/matrix
example_copy
cd "$T/cat"

# 1. Every format, from the example registry alone.
for fmt in markdown csv json; do
	run "$TOOLSYNC" matrix --format "$fmt"
	expect_rc 0 "matrix --format $fmt"
	[ ! -s "$T/err" ] || { cat "$T/err"; fail "matrix --format $fmt wrote to stderr"; }
	cp "$T/out" "$T/matrix.$fmt"
	golden "$T/matrix.$fmt" "$G/expected.$fmt"
done
/usr/bin/python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$T/matrix.json" ||
	fail "matrix json is not JSON"
/usr/bin/python3 - "$T/matrix.csv" <<'PY' || fail "matrix csv is not RFC 4180 CSV"
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
assert rows[0] == ["standard", "tool", "min_role"], rows[0]
assert all(len(r) == 3 for r in rows), rows
PY

# 2. build writes the same markdown and CSV into the output, listed in the
#    index, so verify (and the signature) covers them.
run "$TOOLSYNC" build --out "$T/out1"
expect_rc 0
cmp "$T/out1/traceability.md" "$T/matrix.markdown" || fail "build's traceability.md differs from matrix"
cmp "$T/out1/traceability.csv" "$T/matrix.csv" || fail "build's traceability.csv differs from matrix"
expect_in "$T/out1/index.json" '"path": "traceability.md"'
expect_in "$T/out1/index.json" '"path": "traceability.csv"'
echo tampered >>"$T/out1/traceability.md"
run "$TOOLSYNC" verify "$T/out1"
expect_rc 1 "verify after the matrix was edited by hand"
expect_in "$T/err" "traceability.md"

# 3. A standard removed from a tool: diff reports it and the matrix shows
#    it; a committed matrix edited by hand is stale for ci.
cp manifests/traceability.md "$T/saved.md"
printf '\n' >>manifests/traceability.md
run "$TOOLSYNC" ci --format json --fail-on none
expect_in "$T/out" '"manifest-stale"'
expect_in "$T/out" "traceability.md"
cp "$T/saved.md" manifests/traceability.md
sed -i 's/standards: \[IFRS-9\]/standards: []/' registry.yaml
grep -q 'standards: \[\]' registry.yaml || fail "the scenario's registry edit did not apply"
run "$TOOLSYNC" diff --fail-on none
expect_rc 0
expect_in "$T/out" "standard-removed"
run "$TOOLSYNC" matrix
expect_in "$T/out" "| IFRS-9 | 0 | *no tool* |"

# 4. Bad input: exit 2, located, nothing written.
run "$TOOLSYNC" matrix --format html
expect_rc 2
expect_in "$T/err" "unknown format 'html'"
printf -- '- {key: a.b, minRole: viewer}\n- {key: a.b, minRole: admin}\n' >"$T/dup.yaml"
run "$TOOLSYNC" matrix --registry "$T/dup.yaml"
expect_rc 2
expect_in "$T/err" "dup.yaml:2:"
expect_in "$T/err" "duplicate key 'a.b'"
printf -- '- {key: a.b, minRole: viewer, standards: ["NOPE\\n::error::x"]}\n' >"$T/bad.yaml"
run "$TOOLSYNC" matrix --registry "$T/bad.yaml" --output "$T/never.md"
expect_rc 2
[ ! -e "$T/never.md" ] || fail "matrix wrote its output after an error"
echo "matrix: all checks passed"
