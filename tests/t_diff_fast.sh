# t_diff_fast.sh: diff and ci parse a committed manifest only when its
# bytes differ from the compiled ones (or from their RFC 8785 form), for
# both sources of committed files: a directory and a git revision.
# Counted with gdb (json_parse calls); skipped without gdb or git.
. tests/lib.sh

command -v gdb >/dev/null 2>&1 || { echo "no gdb: skipped"; exit 0; }
example_copy
cd "$T/cat"
rm -rf manifests
"$TOOLSYNC" keygen -W -f -p toolsync.pub -s "$T/k.key" >/dev/null
"$TOOLSYNC" build --key "$T/k.key" >/dev/null

# parses CMD...: $n: how many documents CMD parses as JSON, counted under
# gdb (LeakSanitizer off: traced); $rc: its exit code, run first untraced,
# where a sanitizer build checks it for leaks too; under gdb it must exit
# the same way
parses() {
	run "$@"
	expect_not_in "$T/err" "LeakSanitizer"
	traced gdb -q -batch -ex 'dprintf json_parse,"PARSE\n"' -ex run -ex 'print $_exitcode' \
		--args "$@" >"$T/gdb" 2>&1 || true
	expect_in "$T/gdb" "\$1 = $rc"
	n=$(grep -c '^PARSE' "$T/gdb" || true)
}

parses "$TOOLSYNC" diff
[ "$n" = 0 ] || fail "diff parsed committed manifests that had not changed"
expect_rc 0
parses "$TOOLSYNC" ci
[ "$n" = 0 ] || fail "ci parsed committed manifests that had not changed"

# the RFC 8785 form of a --canonical build counts as the same bytes
"$TOOLSYNC" build --canonical --out canon >/dev/null
parses "$TOOLSYNC" diff --against canon
[ "$n" = 0 ] || fail "the canonical form was parsed"
expect_rc 0

# one manifest edited: that one is parsed
sed -i 's/Look up/Look UP/' manifests/tools/fx.rate-lookup.json
parses "$TOOLSYNC" diff
[ "$n" = 1 ] || fail "diff should parse the one edited manifest"

# a git revision: compared through git cat-file on the workers
command -v git >/dev/null 2>&1 || { echo "no git: the rest skipped"; exit 0; }
rm -rf manifests canon
"$TOOLSYNC" build --key "$T/k.key" >/dev/null
git init -q . && git add -A && git -c user.name=t -c user.email=t@t commit -qm one
parses "$TOOLSYNC" diff --against git:HEAD
[ "$n" = 0 ] || fail "diff --against git:HEAD parsed manifests that had not changed"
expect_rc 0
sed -i 's/Look up/Look UP/' manifests/tools/fx.rate-lookup.json
git -c user.name=t -c user.email=t@t commit -qam two
parses "$TOOLSYNC" diff --against git:HEAD
[ "$n" = 1 ] || fail "diff --against git:HEAD should parse the one edited manifest"
# ci against a revision: the work tree's bytes and HEAD's, both on the workers
parses "$TOOLSYNC" ci --against git:HEAD
[ "$n" = 1 ] || fail "ci --against git:HEAD should parse the one edited manifest"
