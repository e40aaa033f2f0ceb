# t_build_errors.sh: every bad input of `toolsync build` is reported with
# file:line:col, exits 2, and leaves the output directory exactly as it was.
#
# Each tests/golden/build-errors/<case>/ holds:
#   overlay/         files copied over a copy of the example catalogue
#   args             extra arguments for toolsync build (optional)
#   expected.stderr  what build prints (golden)
. tests/lib.sh

n=0 bad=
total=$(ls -d "$TOP"/tests/golden/build-errors/*/ | wc -l)
# The good catalogue's output, built once; each case starts from a copy.
example_copy
(cd "$T/cat" && "$TOOLSYNC" build --out "$T/good" >/dev/null 2>&1) || fail "the good catalogue does not build"
for case in "$TOP"/tests/golden/build-errors/*/; do
	name=$(basename "$case")
	note "case $((n + 1))/$total: $name"
	rm -rf "$T/cat"
	example_copy
	cd "$T/cat"
	cp -Rp "$T/good" out
	before=$(tree_sum out)
	[ -d "$case/overlay" ] && cp -R "$case/overlay/." .
	args=
	[ -f "$case/args" ] && args=$(cat "$case/args")
	# shellcheck disable=SC2086
	run "$TOOLSYNC" build --out out $args
	if [ "$rc" -ne 2 ]; then
		cat "$T/err"; echo "FAIL: $name: expected exit 2, got $rc"; bad="$bad $name"; cd "$TOP"; continue
	fi
	golden "$T/err" "$case/expected.stderr"
	[ "$before" = "$(tree_sum out)" ] || fail "$name: the output directory changed"
	ls -a . | grep -q toolsync-stage && fail "$name: a staging directory was left behind"
	[ -s "$T/out" ] && fail "$name: printed on stdout"
	grep -q '^toolsync: .*error' "$T/err" || fail "$name: no error line"
	n=$((n + 1))
	cd "$TOP"
done
[ -z "$bad" ] || fail "failed:$bad"
[ "$n" -ge 15 ] || fail "only $n error cases"
echo "$n error cases"
