# t_atomic_kill.sh: SIGKILL a signed rewrite of a 20,000-tool catalogue at
# 20 points (docs/output.md).  16 points are spread over the build's
# duration; 4 are aimed at the switch: when the stage is complete, when the
# first new file is visible in the output, when the output's directory
# changed, and inside the journal switch (exchange refused).  After each
# kill, `verify` passes with the old tree or the new one, and the next
# build completes the rewrite leaving no debris.  Each rewrite goes the
# other way (a -> b -> a ...), so no tree is ever copied back.
# KILL_TOOLS=N sets the catalogue's size (default 20,000).
#
# It runs on a tmpfs (/dev/shm, SCRATCH_TMPFS in tests/lib.sh) when one
# has room: SIGKILL tests what a process sees (renames are atomic in the
# VFS, on every file system); what it costs is creating and freeing
# 20 x 20,000 files, which on a disk mounted with online discard is a
# synchronous TRIM per freed file (about 1 ms: over six minutes), and on
# tmpfs 20 us.  SCRATCH_TMPFS= (empty) runs it in $TMPDIR.
# Only as a last resort, when a 20,000-tool rewrite takes over 6 s there
# (20 points would take over four minutes), it is scaled down, and says
# so on the terminal of `make check`.
SCRATCH_TMPFS=${SCRATCH_TMPFS-1}   # 20 x 20,000 files made and freed
. tests/lib.sh

# seconds since $t0, and timing one command
elapsed() { awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }'; }
timed() { t0=$(date +%s.%N); "$@" >/dev/null; dur=$(elapsed); }

# a catalogue of $1 tools in $T/c with two versions of its templates (a
# and b: every description differs), built as b and then rewritten to a
catalogue() {
	rm -rf "$T/c"
	sh "$TOP/tests/bench/gen.sh" "$1" "$T/c" >/dev/null
	cd "$T/c"
	[ -f k.key ] || "$TOOLSYNC" keygen -W -p k.pub -s k.key >/dev/null
	cp -R schemas/templates tb
	for f in tb/*.yaml; do
		sed -i '/^description: >-$/{n;s/^  /  Revised. /}' "$f"
	done
	cp toolsync.yaml a.yaml
	sed 's|^templates: .*|templates: tb|' toolsync.yaml >b.yaml
	"$TOOLSYNC" build -c b.yaml --key k.key >/dev/null
	cp manifests/index.json b.index
	timed "$TOOLSYNC" build -c a.yaml --key k.key
	cp manifests/index.json a.index
	cd "$TOP"
}

n=${KILL_TOOLS:-20000}
catalogue "$n"
if [ -z "${KILL_TOOLS:-}" ] && awk -v d="$dur" 'BEGIN { exit !(d > 6) }'; then
	small=$(awk -v d="$dur" 'BEGIN { n = int(20000 * 6 / d); print n < 2000 ? 2000 : n }')
	note "WARNING: a 20,000-tool rewrite took ${dur}s in $T (over 6 s): the kill" \
	     "test runs with $small tools instead (KILL_TOOLS=20000 forces the full size)"
	echo "WARNING: scaled down to $small tools: a 20,000-tool rewrite took ${dur}s"
	n=$small
	catalogue "$n"
fi
cd "$T/c"
echo "a signed rewrite of $n tools in $T: ${dur}s"

nodebris() {
	! ls -a . | grep -q '^\.toolsync-' || { ls -a .; fail "debris left ($1)"; }
}
first_stage_file() {   # the stage is complete when its index signature is there
	for s in .toolsync-stage-*/index.json.minisig; do [ -e "$s" ] && return 0; done
	return 1
}
tick() { sleep 0.02; }

# seconds spent, summed: waiting to kill, verifying, the builds after
add() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a + b }'; }
tkill=0 tverify=0 tbuild=0

cur=a
killed=0
for p in $(seq 1 20); do
	next=$([ "$cur" = a ] && echo b || echo a)
	ino=$(stat -c %i manifests)
	ixino=$(stat -c %i manifests/index.json)
	fault=
	[ "$p" -eq 20 ] && fault=exchange:1:EINVAL
	TOOLSYNC_FAULT=$fault "$TOOLSYNC" build -c "$next.yaml" --key k.key >/dev/null 2>&1 &
	pid=$!
	t0=$(date +%s.%N)
	case $p in
	17) until first_stage_file || ! kill -0 "$pid" 2>/dev/null; do tick; done ;;
	18) while [ "$(stat -c %i manifests/index.json 2>/dev/null)" = "$ixino" ] &&
		  kill -0 "$pid" 2>/dev/null; do tick; done ;;
	19) while [ "$(stat -c %i manifests 2>/dev/null)" = "$ino" ] && kill -0 "$pid" 2>/dev/null; do tick; done ;;
	20) until [ -e .toolsync-switch ] || ! kill -0 "$pid" 2>/dev/null; do tick; done ;;
	*) sleep "$(awk -v d="$dur" -v p="$p" 'BEGIN { printf "%.3f", d * p / 17 }')" ;;
	esac
	kill -9 "$pid" 2>/dev/null && killed=$((killed + 1))
	wait "$pid" 2>/dev/null || true
	tkill=$(add "$tkill" "$(elapsed)")
	t0=$(date +%s.%N)

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
	tverify=$(add "$tverify" "$(elapsed)")
	t0=$(date +%s.%N)
	run "$TOOLSYNC" build -c "$next.yaml" --key k.key
	tbuild=$(add "$tbuild" "$(elapsed)")
	expect_rc 0 "the build after kill $p"
	nodebris "after kill $p"
	cmp -s manifests/index.json "$next.index" || fail "kill $p: the next build did not finish the rewrite"
	cur=$next
done
verify_out=$("$TOOLSYNC" verify -p k.pub manifests) || fail "the last tree does not verify"
echo "seconds: ${tkill} until the kills, ${tverify} verifying, ${tbuild} in the builds after"
echo "$killed of 20 builds killed before they finished; every tree verified; no debris"
