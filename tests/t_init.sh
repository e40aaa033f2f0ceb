# SPDX-License-Identifier: Apache-2.0
# t_init.sh: toolsync init writes a catalogue that builds at once, and
# never overwrites.
. tests/lib.sh

# 1. A new directory (made, with its parents): every file, and it builds.
run "$TOOLSYNC" init "$T/a/cat"
expect_rc 0
for f in toolsync.yaml registry.yaml templates/docs.yaml templates/_defs/common.yaml \
	 .gitignore .github/workflows/toolsync.yml; do
	[ -f "$T/a/cat/$f" ] || fail "init did not write $f"
	expect_in "$T/out" "wrote $T/a/cat/$f"
done
expect_in "$T/a/cat/.gitignore" "*.key"
# the files an editor checks name their JSON Schema (here: the source tree's)
for f in toolsync.yaml:toolsync registry.yaml:registry templates/docs.yaml:template \
	 templates/_defs/common.yaml:defs; do
	line=$(head -n 1 "$T/a/cat/${f%%:*}")
	[ "$line" = "# yaml-language-server: \$schema=$(cd "$TOP/schemas" && pwd -P)/${f#*:}.schema.json" ] ||
		fail "${f%%:*}: first line is '$line'"
done
expect_in "$T/a/cat/templates/docs.yaml" '$ref: "_defs/common.yaml#/Period"'
expect_in "$T/a/cat/.github/workflows/toolsync.yml" 'toolsync ci ${BASE:+--against "git:origin/$BASE"} --report'
# the report is written outside the checkout (a pull request's symbolic link)
expect_in "$T/a/cat/.github/workflows/toolsync.yml" '--report "sarif:$RUNNER_TEMP/toolsync.sarif" --format github'
expect_in "$T/a/cat/.github/workflows/toolsync.yml" 'sarif_file: "${{ runner.temp }}/toolsync.sarif"'
cd "$T/a/cat"
# Before the first build and keygen: what to do next, not only what is missing.
run "$TOOLSYNC" diff
expect_rc 2
expect_in "$T/err" "cannot read 'manifests': no such directory: build it first ('toolsync build'), or give --against"
run "$TOOLSYNC" ci
expect_rc 2
expect_in "$T/err" "cannot read public key 'toolsync.pub': No such file or directory (signing.public_key in toolsync.yaml: make the key pair with 'toolsync keygen')"
"$TOOLSYNC" keygen -q -W -p "$T/early.pub" -s "$T/early.key" || fail "keygen"
run "$TOOLSYNC" verify -p "$T/early.pub"
expect_rc 2
expect_in "$T/err" "'manifests' does not exist: give the manifests directory, or build it first ('toolsync build')"
run "$TOOLSYNC" build --key toolsync.key
expect_rc 2
expect_in "$T/err" "cannot read secret key 'toolsync.key': No such file or directory (make the key pair with 'toolsync keygen')"
run "$TOOLSYNC" build
expect_rc 0
expect_in "$T/out" "index.json not signed"
[ -f manifests/tools/docs.search.json ] && [ -f manifests/roles/viewer.responses.json ] ||
	fail "the new catalogue's build wrote no manifests"
# The next steps it prints work: keygen, a signed build, verify, ci.
run "$TOOLSYNC" keygen -W
expect_rc 0
git init -q . && git check-ignore -q toolsync.key || fail "the secret key is not covered by .gitignore"
run "$TOOLSYNC" build --key toolsync.key
expect_rc 0
run "$TOOLSYNC" verify
expect_rc 0
run "$TOOLSYNC" ci
expect_rc 0
expect_in "$T/out" "no findings"
# The workflow's ci step, as GitHub runs it: on a pull request (BASE set,
# the base fetched as origin/BASE) it reviews against the base, so a role
# lowered in the pull request, with the manifests rebuilt, fails; on a
# push (BASE empty) it checks the committed manifests.
step=$(sed -n 's/^ *run: \(toolsync ci .*\)$/\1/p' .github/workflows/toolsync.yml)
[ -n "$step" ] || fail "the workflow has no 'toolsync ci' step"
expect_in .github/workflows/toolsync.yml 'refs/remotes/origin/$BASE'
git add -A && git -c user.name=t -c user.email=t@t commit -qm base &&
	git update-ref refs/remotes/origin/main HEAD || fail "git commit"
sed -i 's/minRole: editor/minRole: viewer/' registry.yaml
"$TOOLSYNC" build -q || fail "rebuild after lowering a role"
tsdir=$T/bin && mkdir -p "$tsdir" && ln -sf "$TOOLSYNC" "$tsdir/toolsync"
mkdir -p "$T/runner"
rc=0; BASE=main RUNNER_TEMP=$T/runner PATH="$tsdir:$PATH" sh -c "$step" >"$T/out" 2>"$T/err" || rc=$?
[ "$rc" -eq 1 ] || fail "the workflow's ci step on a pull request: exit $rc, not 1: $(cat "$T/err")"
expect_in "$T/runner/toolsync.sarif" '"ruleId": "role-lowered"'
rc=0; BASE= RUNNER_TEMP=$T/runner PATH="$tsdir:$PATH" sh -c "$step" >"$T/out" 2>"$T/err" || rc=$?
[ "$rc" -eq 0 ] || fail "the workflow's ci step on a push: exit $rc, not 0: $(cat "$T/err")"
expect_not_in "$T/runner/toolsync.sarif" '"ruleId": "role-lowered"'
git checkout -q -- . && git clean -qfdx -e toolsync.key
# The pre-commit hooks run when a file of this catalogue is staged.
for re in $(sed -n 's/^ *files: //p' "$TOP/.pre-commit-hooks.yaml"); do
	for f in toolsync.yaml registry.yaml templates/docs.yaml templates/_defs/common.yaml \
		 manifests/index.json; do
		echo "$f" | grep -qE "$re" || fail "the pre-commit hooks' files: $re misses $f"
	done
done

# 2. The current directory by default; -q prints nothing.
mkdir "$T/b" && cd "$T/b"
run "$TOOLSYNC" init -q
expect_rc 0
[ ! -s "$T/out" ] || fail "init -q printed: $(cat "$T/out")"
[ -f toolsync.yaml ] || fail "init without DIR did not write ./toolsync.yaml"

# 3. Refuses to overwrite: one existing file (a dangling symlink too) and
#    nothing is written, the file untouched.
for existing in registry.yaml .github/workflows/toolsync.yml; do
	rm -rf "$T/c" && mkdir -p "$T/c/$(dirname "$existing")"
	echo "mine" >"$T/c/$existing"
	run "$TOOLSYNC" init "$T/c"
	expect_rc 2
	expect_in "$T/err" "'$T/c/$existing' exists"
	expect_in "$T/err" "nothing written"
	[ "$(find "$T/c" -type f | wc -l)" -eq 1 ] || fail "init wrote files beside an existing $existing"
	[ "$(cat "$T/c/$existing")" = mine ] || fail "init changed $existing"
done
rm -rf "$T/d" && mkdir "$T/d" && ln -s "$T/nowhere" "$T/d/toolsync.yaml"
run "$TOOLSYNC" init "$T/d"
expect_rc 2
[ ! -e "$T/nowhere" ] || fail "init wrote through a dangling symlink"

# 4. A directory that cannot be made: an error, exit 2, nothing written.
: >"$T/file"
run "$TOOLSYNC" init "$T/file/sub"
expect_rc 2
expect_in "$T/err" "nothing written"
run "$TOOLSYNC" init a b
expect_rc 2
expect_in "$T/err" "unexpected argument 'b'"

# 5. A directory on the way that is a symbolic link (out of DIR, or
#    dangling) or not a directory: refused before anything is written
#    (a linked .github/ or templates/ took the files out of DIR).
mkdir -p "$T/outside"
for way in .github templates templates/_defs; do
	for to in "$T/outside" "$T/nowhere" file; do
		rm -rf "$T/e" && mkdir -p "$T/e/$(dirname "$way")"
		if [ "$to" = file ]; then : >"$T/e/$way"; else ln -s "$to" "$T/e/$way"; fi
		run "$TOOLSYNC" init "$T/e"
		expect_rc 2
		if [ "$to" = file ]; then
			expect_in "$T/err" "init: '$T/e/$way' is not a directory"
		else
			expect_in "$T/err" "init: '$T/e/$way' is a symbolic link (init writes below its directory only)"
		fi
		[ "$(grep -c "'$T/e/$way' is" "$T/err")" -eq 1 ] || fail "init named $way more than once"
		[ -z "$(ls -A "$T/outside")" ] && [ ! -e "$T/nowhere" ] || fail "init wrote through $way"
		[ "$(find "$T/e" -type f | wc -l)" -eq "$([ "$to" = file ] && echo 1 || echo 0)" ] ||
			fail "init wrote beside a $to in $way"
	done
done

# 6. A write that fails (a full disk) leaves nothing: the files written
#    before it, and the directories made for them (DIR's missing parents
#    too), are removed; a directory that was there stays.
for n in 1 3 6; do
	rm -rf "$T/f"
	TOOLSYNC_FAULT=write:$n:ENOSPC run "$TOOLSYNC" init "$T/f/a/cat"
	expect_rc 2
	expect_in "$T/err" "No space left on device; nothing written"
	[ ! -e "$T/f" ] || { find "$T/f"; fail "a failed init (write $n) left the above"; }
done
mkdir -p "$T/g/templates"
TOOLSYNC_FAULT=write:6:ENOSPC run "$TOOLSYNC" init "$T/g"
expect_rc 2
[ "$(find "$T/g")" = "$T/g
$T/g/templates" ] || { find "$T/g"; fail "a failed init left the above"; }
echo "t_init: ok"
