# t_atomic_walk1k.sh: every fault-injection point (TOOLSYNC_FAULT) of a
# signed rewrite of a 1,000-tool catalogue, sampled: an operation called at
# most 6 times at each of its points, else its first and last three
# (TOOLSYNC_FAULT_FULL=1: all).  See tests/atomiclib.sh and docs/output.md.
SCRATCH_TMPFS=${SCRATCH_TMPFS-1}   # many files made and freed (tests/lib.sh)
. tests/lib.sh
"$TOOLSYNC" keygen -W -p "$T/k.pub" -s "$T/k.key" >/dev/null
. "$TOP/tests/atomiclib.sh"

points=0
sh "$TOP/tests/bench/gen.sh" 1000 "$T/k1" >/dev/null
setup_walk "$T/k1"
walk "$T/k1" "" 6
echo "1,000 tools: $points injection points"
