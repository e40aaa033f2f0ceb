#!/bin/sh
# tests/bench/run.sh TOOLSYNC: benchmarks of the file-source pipeline.
#
# Times with hyperfine (median of several runs, after a warm-up) and peak
# memory with /usr/bin/time -v (median of three runs), for catalogues of
# 10,000 and 100,000 tools (BENCH_SIZES to change).  Results go to stdout
# and to build/bench/results.md.  The machines are shared and noisy: quote
# medians and ratios, never one run.
set -eu
ts=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
top=$(cd "$(dirname "$0")/../.." && pwd)
work=$top/build/bench
sizes=${BENCH_SIZES:-10000 100000}
runs=${BENCH_RUNS:-5}
mkdir -p "$work"
res=$work/results.md
: >"$res"
say() { printf '%s\n' "$*" | tee -a "$res"; }

# median_rss CMD...: the median of three runs' peak RSS, in MB
median_rss() {
	for i in 1 2 3; do
		/usr/bin/time -v "$@" 2>&1 >/dev/null |
			awk '/Maximum resident set size/ { print $NF }'
	done | sort -n | sed -n 2p | awk '{ printf "%.1f", $1 / 1024 }'
}

# medians FILE: hyperfine's JSON as a table of medians (s) and ranges
medians() {
	/usr/bin/python3 - "$1" <<'PY'
import json, sys
rs = json.load(open(sys.argv[1]))["results"]
print("| command | median | min | max | runs |")
print("|---|---:|---:|---:|---:|")
for r in rs:
    print("| %s | %.3f s | %.3f s | %.3f s | %d |" % (r["command"], r["median"], r["min"],
                                                     r["max"], len(r["times"])))
PY
}

say "# toolsync benchmarks ($(date -u +%Y-%m-%d), $(nproc) cores, $("$ts" --version))"
say ""
"$ts" keygen -W -f -p "$work/bench.pub" -s "$work/bench.key" >/dev/null
for n in $sizes; do
	cat=$work/cat-$n
	[ -f "$cat/registry.yaml" ] && [ "$(grep -c '^  - key:' "$cat/registry.yaml")" = "$n" ] ||
		sh "$top/tests/bench/gen.sh" "$n" "$cat"
	cd "$cat"
	rm -rf manifests fresh
	"$ts" build --key "$work/bench.key" >/dev/null
	say "## $n tools"
	say ""
	hyperfine --style basic --warmup 1 --runs "$runs" --export-json "$work/h-$n.json" \
		--prepare "rm -rf $cat/fresh" \
		-n "build (fresh, signed)" "$ts build --key $work/bench.key --out $cat/fresh" \
		-n "build (nothing changed)" "$ts build --key $work/bench.key" \
		-n "verify" "$ts verify -q -p $work/bench.pub manifests" \
		-n "diff (no changes)" "$ts diff" >/dev/null
	medians "$work/h-$n.json" | tee -a "$res"
	say ""
	rm -rf fresh
	say "peak RSS (median of 3): build fresh $(median_rss "$ts" build --out "$cat/fresh") MB," \
	    "rebuild $(median_rss "$ts" build) MB, verify" \
	    "$(median_rss "$ts" verify -q -p "$work/bench.pub" manifests) MB," \
	    "diff $(median_rss "$ts" diff) MB"
	say ""
	rm -rf fresh
	cd "$top"
done
echo "results: $res"
