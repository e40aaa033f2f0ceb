# tests/lib.sh: shared helpers for tests/t_*.sh (POSIX sh).
#   . tests/lib.sh
# Gives: $TOOLSYNC, $TOP, $T (a scratch dir removed at exit), and the
# assertions below.  A failing assertion prints why and exits 1.
set -eu
: "${TOOLSYNC:?}" "${TOP:?}"
# A test that creates and frees tens of thousands of files sets
# SCRATCH_TMPFS=1 before sourcing this: $T is then on /dev/shm when that is
# a tmpfs with 1 GB free.  On a disk mounted with online discard, freeing
# a file is a synchronous TRIM (about 1 ms); on tmpfs it is 20 us.
# SCRATCH_TMPFS= (empty) keeps such a test in $TMPDIR.
scratch_parent() {
	if [ -n "${SCRATCH_TMPFS:-}" ] && [ "$(stat -f -c %T /dev/shm 2>/dev/null)" = tmpfs ] &&
	   [ "$(df -Pk /dev/shm | awk 'NR == 2 { print $4 }')" -gt 1048576 ]; then
		echo /dev/shm
	else
		echo "${TMPDIR:-/tmp}"
	fi
}
T=$(mktemp -d "$(scratch_parent)/toolsync-test.XXXXXX")
chmod 755 "$T"
trap 'rm -rf "$T"' EXIT
trap 'exit 1' HUP INT TERM
NO_COLOR=1; export NO_COLOR
unset TOOLSYNC_SECRET_KEY TOOLSYNC_PASSWORD SOURCE_DATE_EPOCH DATABASE_URL || true

fail() { echo "FAIL: $*" >&2; exit 1; }

# note TEXT: say what a long test is doing now, on the terminal of `make
# check` (tests/run-scripts.sh gives it fd 3); nothing when run otherwise.
note() { { printf '    %s: %s\n' "$(basename "$0" .sh)" "$*" >&3; } 2>/dev/null || true; }

# run CMD...: run it, keep stdout in $T/out, stderr in $T/err, exit code in $rc
run() {
	set +e
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
	set -e
}

# traced CMD...: run CMD (strace, gdb: ptrace) with LeakSanitizer off for
# it alone: LSan stops the process's threads with ptrace, which fails in a
# process already traced.  Every other run of the test keeps it on.
traced() { env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" "$@"; }

expect_rc() {
	[ "$rc" -eq "$1" ] || {
		echo "--- stdout"; cat "$T/out"; echo "--- stderr"; cat "$T/err"
		fail "expected exit $1, got $rc${2:+ ($2)}"
	}
}

# expect_in FILE TEXT: FILE contains the fixed string TEXT
expect_in() {
	grep -qF -- "$2" "$1" || { echo "--- $1"; cat "$1"; fail "'$2' not in $1"; }
}
expect_not_in() {
	! grep -qF -- "$2" "$1" || { echo "--- $1"; cat "$1"; fail "'$2' unexpectedly in $1"; }
}

# normalize FILE: FILE with toolsync's version written @VERSION@, so that
# report goldens do not change with every release.
normalize() {
	awk -v v="$("$TOOLSYNC" --version | sed 's/^toolsync //')" '{
		while ((i = index($0, v)) > 0)
			$0 = substr($0, 1, i - 1) "@VERSION@" substr($0, i + length(v))
		print }' "$1"
}

# golden ACTUAL EXPECTED: compare; when EXPECTED is missing (or
# UPDATE_GOLDEN=1), write it and fail so that it gets reviewed.
golden() {
	if [ ! -f "$2" ] || [ -n "${UPDATE_GOLDEN:-}" ]; then
		mkdir -p "$(dirname "$2")"
		cp "$1" "$2"
		[ -n "${UPDATE_GOLDEN:-}" ] && return 0
		fail "wrote missing golden file $2: review it and commit"
	fi
	cmp -s "$1" "$2" || { diff -u "$2" "$1" | head -n 60; fail "output differs from $2"; }
}

# tree_sum DIR: one line per file with its digest and mode+mtime, for
# "nothing changed" assertions.
tree_sum() {
	# two processes for the whole tree, not two a file (seconds on a busy machine)
	ts_list=$(mktemp)
	(cd "$1" && find . \( -type f -o -type l \) -print0 | LC_ALL=C sort -z >"$ts_list" &&
		xargs -0r stat -c '%n %a %Y' <"$ts_list" && xargs -0r b2sum <"$ts_list")
	rm -f "$ts_list"
}

# A copy of the example catalogue in $T/cat (config, registry, templates,
# manifests, public key) to run commands on.
example_copy() {
	mkdir -p "$T/cat"
	cp -R "$TOP/toolsync.yaml" "$TOP/registry.yaml" "$T/cat/"
	[ -f "$TOP/toolsync.pub" ] && cp "$TOP/toolsync.pub" "$T/cat/"
	mkdir -p "$T/cat/schemas"
	cp -R "$TOP/schemas/templates" "$T/cat/schemas/"
	[ -d "$TOP/manifests" ] && cp -R "$TOP/manifests" "$T/cat/"
	[ -f "$TOP/.toolsync-accept.yaml" ] && cp "$TOP/.toolsync-accept.yaml" "$T/cat/"
	return 0
}
