#!/bin/sh
# tests/bench/run.sh TOOLSYNC: toolsync and the Python reference, side by side.
#
# For each place (tmpfs, and the project's disk) and each size, one
# catalogue is generated: with the reference's generator when it is there
# (BENCH_REF, default ../shared/bench: gen_registry.py, to_toolsync.py,
# reference.py; needs Debian's python3-yaml and python3-nacl), else with
# tests/bench/gen.sh.  Then every command below runs BENCH_RUNS times,
# interleaved (run 1 of each, then run 2 of each, ...), each timed by
# tests/bench/timed.c, compiled here (wall, user, sys, peak RSS, to the
# microsecond: /usr/bin/time's hundredths were most of a 1,000-tool run;
# and from a small C process: a Python timer's fork cost each command
# 20 to 30 ms):
#
#   reference    reference.py: build, every file signed (fresh output)
#   sign-each    toolsync build --key K --sign-each (fresh output)
#   build        toolsync build --key K (fresh output)
#   rebuild      toolsync build --key K over its own output: nothing changed
#   diff         toolsync diff, nothing changed
#   diff-1%      toolsync diff, 1% of the rows with another min_role
#   verify       toolsync verify
#   start        toolsync --version: what starting a process of it costs
#                here (the summary also gives each command's time per tool
#                beyond it; the goals are judged on the whole time)
#
# A fresh build writes into a new directory each run, never one deleted
# just before (on ext4, creating files right after a mass delete measures
# the disk's history); they are all removed after the last run.  Medians,
# ratios, user+sys per tool, CPU/wall and peak RSS go to stdout and to
# BENCH_OUT/results.md (default build/bench).
#
#   BENCH_SIZES   "10000 100000"        BENCH_RUNS    5
#   BENCH_PLACES  "tmpfs disk"          BENCH_TMPFS   /dev/shm
set -eu
ts=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
top=$(cd "$(dirname "$0")/../.." && pwd)
sizes=${BENCH_SIZES:-10000 100000}
runs=${BENCH_RUNS:-5}
places=${BENCH_PLACES:-tmpfs disk}
ref=${BENCH_REF:-$top/../shared/bench}
out=${BENCH_OUT:-$top/build/bench}
py=/usr/bin/python3
mkdir -p "$out"
raw=$out/raw.tsv
: >"$raw"
timer=$out/timed
${CC:-cc} -O2 -o "$timer" "$top/tests/bench/timed.c" ||
	{ echo "bench: cannot compile tests/bench/timed.c" >&2; exit 1; }

have_ref=0
if [ -f "$ref/reference.py" ] && [ -f "$ref/gen_registry.py" ] &&
   "$py" -c 'import yaml, nacl.signing' 2>/dev/null; then
	have_ref=1
	ref=$(cd "$ref" && pwd)
else
	echo "bench: no reference in '$ref' (or no python3-yaml/python3-nacl): toolsync only" >&2
fi

place_dir() {
	case $1 in
	tmpfs) echo "${BENCH_TMPFS:-/dev/shm}/toolsync-bench" ;;
	disk) echo "$out/disk" ;;
	*) echo "bench: unknown place '$1' (tmpfs, disk)" >&2; exit 2 ;;
	esac
}

# catalogue N DIR: DIR/data (the reference's input) and DIR/cat (toolsync's),
# DIR/cat/toolsync-r1.yaml: the same with 1% of the rows' roles changed.
catalogue() {
	n=$1 d=$2
	[ -f "$d/stamp" ] && [ "$(cat "$d/stamp")" = "$n $have_ref" ] && return 0
	rm -rf "$d/data" "$d/cat"
	mkdir -p "$d"
	if [ $have_ref = 1 ]; then
		"$py" "$ref/gen_registry.py" --n "$n" --seed 42 --out "$d/data" >/dev/null
		"$py" "$ref/to_toolsync.py" "$d/data" "$d/cat"
	else
		sh "$top/tests/bench/gen.sh" "$n" "$d/cat"
	fi
	awk '/minRole:/ && ++i % 100 == 0 { sub(/minRole: .*/, "minRole: " \
		($2 == "admin" ? "viewer" : "admin")) } { print }' \
		"$d/cat/registry.yaml" >"$d/cat/registry-r1.yaml"
	sed 's/^registry: .*/registry: registry-r1.yaml/' "$d/cat/toolsync.yaml" \
		>"$d/cat/toolsync-r1.yaml"
	echo "$n $have_ref" >"$d/stamp"
}

# timed PLACE N NAME RUN OKCODES CMD...: one timed run, a line in raw.tsv
timed() {
	p=$1 n=$2 name=$3 r=$4 ok=$5
	shift 5
	rc=0
	"$timer" "$out/time" "$@" >/dev/null 2>"$out/stderr" || rc=$?
	case " $ok " in
	*" $rc "*) ;;
	*) cat "$out/stderr" >&2
	   echo "bench: '$name' exited $rc (run $r, $n tools, $p): $*" >&2
	   exit 1 ;;
	esac
	printf '%s\t%s\t%s\t%s\t%s\n' "$p" "$n" "$name" "$r" "$(tail -n 1 "$out/time")" >>"$raw"
}

bench_block() {
	p=$1 n=$2
	d=$(place_dir "$p")/$n
	catalogue "$n" "$d"
	cd "$d/cat"
	"$ts" keygen -W -f -p "$d/bench.pub" -s "$d/bench.key" >/dev/null
	rm -rf "$d/fresh" manifests
	mkdir -p "$d/fresh"
	"$ts" build --key "$d/bench.key" >/dev/null
	echo "bench: $n tools on $p ($runs runs)" >&2
	r=1
	while [ "$r" -le "$runs" ]; do
		[ $have_ref = 1 ] && timed "$p" "$n" reference "$r" 0 \
			"$py" "$ref/reference.py" "$d/data" "$d/fresh/ref-$r" --timestamp 1
		timed "$p" "$n" sign-each "$r" 0 \
			"$ts" build --key "$d/bench.key" --sign-each --out "$d/fresh/se-$r"
		timed "$p" "$n" build "$r" 0 "$ts" build --key "$d/bench.key" --out "$d/fresh/b-$r"
		timed "$p" "$n" rebuild "$r" 0 "$ts" build --key "$d/bench.key"
		timed "$p" "$n" diff "$r" 0 "$ts" diff
		timed "$p" "$n" diff-1% "$r" 1 "$ts" diff -c toolsync-r1.yaml
		timed "$p" "$n" verify "$r" 0 "$ts" verify -q -p "$d/bench.pub" manifests
		timed "$p" "$n" start "$r" 0 "$ts" --version
		r=$((r + 1))
	done
	cd "$top"
	rm -rf "$d/fresh"
}

for p in $places; do
	for n in $sizes; do
		bench_block "$p" "$n"
	done
done

"$py" "$top/tests/bench/summary.py" "$raw" "$($ts --version)" | tee "$out/results.md"
