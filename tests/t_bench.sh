# t_bench.sh: the benchmark harness at a sanity size (1,000 tools, one
# run, on disk), so that `make bench` cannot rot between the slow runs.
# It checks that every command ran and was summarised, not the numbers.
. tests/lib.sh

run env BENCH_SIZES=1000 BENCH_RUNS=1 BENCH_PLACES=disk BENCH_OUT="$T/bench" \
	sh "$TOP/tests/bench/run.sh" "$TOOLSYNC"
expect_rc 0 "bench harness"
res=$T/bench/results.md
expect_in "$res" "## 1000 tools, disk"
for cmd in sign-each build rebuild diff diff-1% verify start; do
	expect_in "$res" "| $cmd |"
done
# with the reference beside the project, it ran too and the ratios are there
if grep -q '^| reference |' "$res"; then
	expect_in "$res" "x |"
fi
# every fresh output was removed after the last run; the catalogue stays
[ ! -e "$T/bench/disk/1000/fresh" ] || fail "fresh outputs left behind"
[ -f "$T/bench/disk/1000/cat/registry-r1.yaml" ] || fail "no 1% revision"
[ "$(wc -l <"$T/bench/raw.tsv")" -ge 7 ] || fail "fewer timed runs than commands"
echo "bench harness ok"
