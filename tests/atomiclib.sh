# tests/atomiclib.sh: helpers of t_atomic*.sh (after tests/lib.sh, with a
# key pair in $T/k.pub and $T/k.key): trees, debris, and the fault walk.

# nodebris DIR: nothing toolsync leaves while it works is in DIR
nodebris() {
	! ls -a "$1" | grep -q '^\.toolsync-' || { ls -a "$1"; fail "debris left in $1${2:+ ($2)}"; }
}
# snap DIR: names, types, modes, mtimes, sizes, inodes and the bytes of a tree
snap() {
	(cd "$1" && find . -printf '%p %y %m %T@ %s %i\n' | LC_ALL=C sort &&
		find . -type f -print0 | LC_ALL=C sort -z | xargs -0 cat | b2sum)
}
verify_ok() {
	run "$TOOLSYNC" verify -q -p "$T/k.pub" "$1"
	expect_rc 0 "verify $1${2:+ ($2)}"
}
# revise DIR: a copy of the templates in DIR whose descriptions all change
revise() {
	rm -rf "$1" && cp -R "$2" "$1"
	for f in "$1"/*.yaml; do
		sed -i '/^description: >-$/{n;s/^  /  Revised. /}' "$f"
	done
}

# The fault walk: every point of a signed rewrite.  For each, the build
#    exits 2 with the old output byte-identical and verifying, or (a failure
#    after the switch) exits 0 with the new output and a warning; either
#    way the next build leaves no debris and the new output verifies.
#    TOOLSYNC_FAULT=count gives the points of each operation.
errs="ENOSPC EACCES EIO"
inject() {   # inject DIR SPEC: one faulty build of DIR/new.yaml over DIR/old
	dir=$1 spec=$2
	rm -rf "$dir/manifests" && cp -a "$dir/old" "$dir/manifests"
	before=$(snap "$dir/manifests")
	(cd "$dir" && TOOLSYNC_FAULT=$spec "$TOOLSYNC" build -c new.yaml --key "$T/k.key" \
		>"$T/out" 2>"$T/err") && rc=0 || rc=$?
	case $rc in
	2)	# byte-identical to the old tree, which verified (setup_walk)
		[ "$before" = "$(snap "$dir/manifests")" ] || fail "$spec: the old output changed"
		expect_in "$T/err" "nothing was written" ;;
	0)	grep -q warning "$T/err" || fail "$spec: exit 0 without a warning"
		cmp -s "$dir/manifests/index.json" "$dir/new.index" ||
			fail "$spec: exit 0 without the new output" ;;
	*)	cat "$T/err"; fail "$spec: exit $rc" ;;
	esac
	(cd "$dir" && "$TOOLSYNC" build -c new.yaml --key "$T/k.key" >"$T/out" 2>"$T/err") ||
		{ cat "$T/err"; fail "$spec: the next build failed"; }
	nodebris "$dir" "$spec"
	cmp -s "$dir/manifests/index.json" "$dir/new.index" || fail "$spec: not the new output"
	points=$((points + 1))
}
# points N MAX: 1..N, or when N > MAX the first and last 3 and some between
points() {
	if [ "$1" -le "$2" ] || [ -n "${TOOLSYNC_FAULT_FULL:-}" ]; then
		seq 1 "$1"
	else
		{ seq 1 3; seq $(($1 - 2)) "$1"
		  seq 4 $(($1 / ($2 - 5) + 1)) $(($1 - 3)) | head -n $(($2 - 6)); } | sort -n | uniq
	fi
}
walk() {   # walk DIR PREFIX MAX: every operation's points, after PREFIX faults
	dir=$1 prefix=$2 max=$3
	rm -rf "$dir/manifests" && cp -a "$dir/old" "$dir/manifests"
	(cd "$dir" && TOOLSYNC_FAULT=${prefix:+$prefix,}count "$TOOLSYNC" build -c new.yaml \
		--key "$T/k.key" >/dev/null 2>"$T/count") || { cat "$T/count"; fail "count"; }
	counts=$(sed -n 's/^toolsync: fault points: //p' "$T/count")
	[ -n "$counts" ] || fail "TOOLSYNC_FAULT=count printed no counts"
	k=0
	for kv in $counts; do
		op=${kv%=*} n=${kv#*=}
		[ "$op" = any ] && continue
		for i in $(points "$n" "$max"); do
			# the prefix's own fault is not walked again
			case ",$prefix," in *",$op:$i:"*) continue ;; esac
			set -- $errs
			shift $((k % 3))
			k=$((k + 1))
			inject "$dir" "${prefix:+$prefix,}$op:$i:$1"
		done
	done
	verify_ok "$dir/manifests" "the new output after the walk"
}
setup_walk() {   # setup_walk DIR: DIR/old (signed) and DIR/new.yaml, a rewrite
	dir=$1
	(cd "$dir" && rm -rf manifests && "$TOOLSYNC" build --key "$T/k.key" >/dev/null &&
		mv manifests old)
	verify_ok "$dir/old" "the old output of the walk"
	revise "$dir/tnew" "$dir/schemas/templates"
	sed -e 's|^templates: .*|templates: tnew|' "$dir/toolsync.yaml" >"$dir/new.yaml"
	[ -f "$dir/reg-new.yaml" ] && sed -i 's|^registry: .*|registry: reg-new.yaml|' "$dir/new.yaml"
	(cd "$dir" && "$TOOLSYNC" build -c new.yaml --key "$T/k.key" --out "$T/newout" >/dev/null)
	cp "$T/newout/index.json" "$dir/new.index"
	rm -rf "$T/newout"
}

