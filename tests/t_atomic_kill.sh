# t_atomic_kill.sh: SIGKILL a signed rewrite of a 20,000-tool catalogue at
# 20 points (docs/output.md).  16 points are spread over the build's
# duration; 4 are aimed at the switch: when the stage is complete, when the
# first new file is visible in the output, when the output's directory
# changed, and inside the journal switch (exchange refused).  After each
# kill, `verify` passes with the old tree or the new one, and the next
# build completes the rewrite leaving no debris.  Each rewrite goes the
# other way (a -> b -> a ...), so no tree is ever copied back.
# KILL_TOOLS=N sets the catalogue's size.  Without it the size is 20,000
# unless a 2,000-tool build shows this machine too slow for 20 points in
# two minutes (a 20,000-tool build over 4 s): then it is scaled down, and
# the test says so.
. tests/lib.sh

n=${KILL_TOOLS:-20000}
if [ -z "${KILL_TOOLS:-}" ]; then
	sh "$TOP/tests/bench/gen.sh" 2000 "$T/probe" >/dev/null
	t0=$(date +%s.%N)
	(cd "$T/probe" && "$TOOLSYNC" build >/dev/null)
	t1=$(date +%s.%N)
	n=$(awk -v a="$t0" -v b="$t1" 'BEGIN { d = (b - a) * 10; n = d > 4 ? int(20000 * 4 / d) : 20000
		print n < 2000 ? 2000 : n }')
	[ "$n" -eq 20000 ] ||
		echo "note: this machine builds 2,000 tools in $(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')s: $n tools instead of 20,000 (KILL_TOOLS=20000 forces it)"
	rm -rf "$T/probe"
fi
sh "$TOP/tests/bench/gen.sh" "$n" "$T/c" >/dev/null
cd "$T/c"
"$TOOLSYNC" keygen -W -p k.pub -s k.key >/dev/null
cp -R schemas/templates tb
for f in tb/*.yaml; do
	sed -i '/^description: >-$/{n;s/^  /  Revised. /}' "$f"
done
cp toolsync.yaml a.yaml
sed 's|^templates: .*|templates: tb|' toolsync.yaml >b.yaml
"$TOOLSYNC" build -c b.yaml --key k.key --out "$T/bout" >/dev/null
cp "$T/bout/index.json" b.index
rm -rf "$T/bout"
t0=$(date +%s.%N)
"$TOOLSYNC" build -c a.yaml --key k.key >/dev/null
t1=$(date +%s.%N)
cp manifests/index.json a.index
dur=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
echo "a full signed build of $n tools: ${dur}s"

nodebris() {
	! ls -a . | grep -q '^\.toolsync-' || { ls -a .; fail "debris left ($1)"; }
}
first_stage_file() {   # the stage is complete when its index signature is there
	for s in .toolsync-stage-*/index.json.minisig; do [ -e "$s" ] && return 0; done
	return 1
}
tick() { sleep 0.02; }

cur=a
killed=0
for p in $(seq 1 20); do
	next=$([ "$cur" = a ] && echo b || echo a)
	ino=$(stat -c %i manifests)
	fault=
	[ "$p" -eq 20 ] && fault=exchange:1:EINVAL
	TOOLSYNC_FAULT=$fault "$TOOLSYNC" build -c "$next.yaml" --key k.key >/dev/null 2>&1 &
	pid=$!
	case $p in
	17) until first_stage_file || ! kill -0 "$pid" 2>/dev/null; do tick; done ;;
	18) while cmp -s manifests/index.json "$cur.index" && kill -0 "$pid" 2>/dev/null; do tick; done ;;
	19) while [ "$(stat -c %i manifests 2>/dev/null)" = "$ino" ] && kill -0 "$pid" 2>/dev/null; do tick; done ;;
	20) until [ -e .toolsync-switch ] || ! kill -0 "$pid" 2>/dev/null; do tick; done ;;
	*) sleep "$(awk -v d="$dur" -v p="$p" 'BEGIN { printf "%.3f", d * p / 17 }')" ;;
	esac
	kill -9 "$pid" 2>/dev/null && killed=$((killed + 1))
	wait "$pid" 2>/dev/null || true

	# the old tree or the new one, whole and signed
	if [ -d manifests ]; then
		run "$TOOLSYNC" verify -q -p k.pub manifests
		expect_rc 0 "verify after kill $p"
		cmp -s manifests/index.json "$cur.index" || cmp -s manifests/index.json "$next.index" ||
			fail "kill $p: index.json is neither the old nor the new one"
	else
		# only between the journal switch's two renames
		[ -e .toolsync-switch ] || fail "kill $p: the output is gone and no journal says why"
	fi
	run "$TOOLSYNC" build -c "$next.yaml" --key k.key
	expect_rc 0 "the build after kill $p"
	nodebris "after kill $p"
	cmp -s manifests/index.json "$next.index" || fail "kill $p: the next build did not finish the rewrite"
	cur=$next
done
verify_out=$("$TOOLSYNC" verify -p k.pub manifests) || fail "the last tree does not verify"
echo "$killed of 20 builds killed before they finished; every tree verified; no debris"
