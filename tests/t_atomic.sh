# t_atomic.sh: the output switches atomically and toolsync touches only its
# own files (docs/output.md): ownership, names that are not paths, one lock
# per real directory, debris and journal recovery, readers during a build,
# report files, and a walk of every fault-injection point (TOOLSYNC_FAULT)
# of a signed rewrite of the example (t_atomic_walk1k.sh: 1,000 tools).
SCRATCH_TMPFS=${SCRATCH_TMPFS-1}   # many files made and freed (tests/lib.sh)
. tests/lib.sh

example_copy
cd "$T/cat"
"$TOOLSYNC" keygen -W -p "$T/k.pub" -s "$T/k.key" >/dev/null
rm -rf manifests

. "$TOP/tests/atomiclib.sh"

# 1. A first build, then one that changes nothing: nothing is written, the
#    output directory is the same inode, every mtime stays.
run "$TOOLSYNC" build --key "$T/k.key"
expect_rc 0
verify_ok manifests
ino=$(stat -c %i manifests)
before=$(snap manifests)
sleep 1
run "$TOOLSYNC" build --key "$T/k.key"
expect_rc 0
expect_in "$T/out" ": 0 written"
[ "$before" = "$(snap manifests)" ] && [ "$ino" = "$(stat -c %i manifests)" ] ||
	fail "a build that changes nothing wrote"

# 2. A change switches the whole tree: a new directory in place, unchanged
#    files hard-linked (same inode, same mtime), no debris beside it.
old_rag=$(stat -c '%i %Y' manifests/tools/rag.search.json)
revise "$T/tpl" schemas/templates
cp "$T/tpl/fx.yaml" schemas/templates/fx.yaml
run "$TOOLSYNC" build --key "$T/k.key"
expect_rc 0
[ "$ino" != "$(stat -c %i manifests)" ] || fail "the output was changed in place, not switched"
[ "$old_rag" = "$(stat -c '%i %Y' manifests/tools/rag.search.json)" ] ||
	fail "an unchanged file was rewritten instead of linked"
verify_ok manifests
nodebris .
git_like=$(ls -a manifests | tr '\n' ' ')
[ "$git_like" = ". .. index.json index.json.minisig roles tools traceability.csv traceability.md " ] || fail "top of output: $git_like"

# 3. Ownership: a non-empty directory without an index, a user's file, a
#    symlinked tools/, a directory or a symlink named index.json, '' and / are refused
#    before anything is written, each with the reason.
mkdir -p "$T/repo/tools" && echo 'echo release' >"$T/repo/tools/release.sh"
cp -R toolsync.yaml registry.yaml schemas "$T/repo/"
(cd "$T/repo" && "$TOOLSYNC" build --out . >"$T/out" 2>"$T/err") && rc=0 || rc=$?
expect_rc 2 "--out . in a repository"
expect_in "$T/err" "is not empty and holds no index.json, so toolsync did not build it"
expect_in "$T/err" "nothing was written"
[ "$(cat "$T/repo/tools/release.sh")" = "echo release" ] || fail "--out . touched the user's file"
run "$TOOLSYNC" build --out ""
expect_rc 2 "--out ''"
expect_in "$T/err" "the output directory is '': give --out DIR"
run "$TOOLSYNC" build --out /
expect_rc 2 "--out /"
expect_in "$T/err" "is the root directory"
run "$TOOLSYNC" build --out "$T/k.pub"
expect_rc 2 "--out FILE"
expect_in "$T/err" "is not a directory"
# a failed build into a new path takes back the directories it made for it
printf 'tool_registry:\n  - key: "bad key"\n    minRole: viewer\n' >"$T/badreg.yaml"
run "$TOOLSYNC" build --registry "$T/badreg.yaml" --out "$T/new/sub/out"
expect_rc 2 "bad input, into a new path"
expect_in "$T/err" "nothing was written"
[ ! -e "$T/new" ] || fail "a failed build left the directories it made: $(find "$T/new")"

"$TOOLSYNC" build --out "$T/o" >/dev/null
mkdir "$T/user" && echo mine >"$T/user/notes.txt"
mv "$T/o/tools" "$T/o/tools.real" && ln -s "$T/user" "$T/o/tools"
before=$(snap "$T/user")
run "$TOOLSYNC" build --out "$T/o"
expect_rc 2 "a symlinked tools/"
expect_in "$T/err" "'$T/o/tools' is a symbolic link: toolsync never follows one out of the output"
[ "$before" = "$(snap "$T/user")" ] || fail "a build followed tools/ into a user's directory"
rm "$T/o/tools" && mv "$T/o/tools.real" "$T/o/tools"
mv "$T/o/index.json.minisig" "$T/sig" 2>/dev/null || true
mv "$T/o/index.json" "$T/idx" && mkdir "$T/o/index.json"
run "$TOOLSYNC" build --out "$T/o"
expect_rc 2 "a directory named index.json"
expect_in "$T/err" "nothing was written"
rmdir "$T/o/index.json" && mv "$T/idx" "$T/o/index.json"
# index.json a symbolic link (here to a file beside it): refused, not read
# as "no index" (which once removed the whole old tree, 'ix' with it)
mv "$T/o/index.json" "$T/o/ix" && ln -s ix "$T/o/index.json"
before=$(snap "$T/o")
run "$TOOLSYNC" build --out "$T/o"
expect_rc 2 "index.json a symbolic link"
expect_in "$T/err" "'$T/o/index.json' is a symbolic link (links are not followed here): toolsync cannot tell its files"
expect_in "$T/err" "nothing was written"
[ "$before" = "$(snap "$T/o")" ] || fail "a build over a symlinked index.json wrote"
rm "$T/o/index.json" && mv "$T/o/ix" "$T/o/index.json"
echo note >"$T/o/README.md"
run "$TOOLSYNC" build --out "$T/o"
expect_rc 2 "a user's file at the top of the output"
expect_in "$T/err" "'$T/o/README.md' is not listed in '$T/o/index.json'"
[ -f "$T/o/README.md" ] || fail "the user's file was removed"
rm "$T/o/README.md"

# 4. One lock per real directory: every spelling of the output (relative,
#    absolute with a trailing '/', through a symlink) meets the same lock.
ln -s "$T/cat/manifests" "$T/alias"
for spelling in manifests "$T/cat/manifests/" "$T/alias" "$T/alias/"; do
	flock "$T/cat" "$TOOLSYNC" build --out "$spelling" >"$T/out" 2>"$T/err" && rc=0 || rc=$?
	expect_rc 2 "$spelling while the lock is held"
	expect_in "$T/err" "another toolsync build is writing beside"
done
run "$TOOLSYNC" build --key "$T/k.key" --out "$T/alias"
expect_rc 0 "a build through a symlink"
[ -L "$T/alias" ] || fail "the symlink to the output was replaced"
verify_ok manifests

# 5. Debris of killed builds (a staging directory, an old-style temporary
#    signature in the output) is reported by verify and removed by the next
#    build; verify reports any stray file at the top of the output.
mkdir -p .toolsync-stage-AbC123/tools && echo x >.toolsync-stage-AbC123/tools/x.json
chmod 500 .toolsync-stage-AbC123/tools
echo junk >manifests/index.json.minisig.tmp-Xy12Z9
run "$TOOLSYNC" verify -p "$T/k.pub"
expect_rc 1 "a stray temporary file at the top"
expect_in "$T/err" "manifests/index.json.minisig.tmp-Xy12Z9: error: not listed in index.json"
run "$TOOLSYNC" build --key "$T/k.key"
expect_rc 0
expect_in "$T/out" "1 removed"
nodebris . "after a build"
verify_ok manifests
# an old tree a killed build left, with a reader still on it (LOCK_SH, as
# verify takes): the next build waits for the reader before removing it
cp -a manifests .toolsync-stage-Rd0001
flock -s .toolsync-stage-Rd0001 sh -c 'touch "$1/held"; sleep 1
	[ -f .toolsync-stage-Rd0001/index.json ] && echo "read to the end"' sh "$T" >"$T/reader" &
reader=$!
while [ ! -e "$T/held" ]; do sleep 0.05; done
run "$TOOLSYNC" build --key "$T/k.key"
expect_rc 0 "a build while a reader is on a killed build's old tree"
wait "$reader" || true
expect_in "$T/reader" "read to the end"
nodebris . "after waiting for a reader"

# 6. The journal: where the exchange is refused (EINVAL) the switch goes
#    through .toolsync-switch; a build killed between its two renames is
#    completed by the next build before anything else.
cp schemas/templates/fx.yaml "$T/fx.keep"
sed -i 's/Revised. //' schemas/templates/fx.yaml
TOOLSYNC_FAULT=exchange:1:EINVAL run "$TOOLSYNC" build --key "$T/k.key"
expect_rc 0 "the journal switch"
verify_ok manifests
nodebris . "after a journal switch"
cp -a manifests "$T/newtree"
cp "$T/fx.keep" schemas/templates/fx.yaml
"$TOOLSYNC" build --key "$T/k.key" >/dev/null
mv manifests .toolsync-stage-Qq11Ww-old
cp -a "$T/newtree" .toolsync-stage-Qq11Ww
printf 'manifests\000.toolsync-stage-Qq11Ww\000.toolsync-stage-Qq11Ww-old\000' >.toolsync-switch
run "$TOOLSYNC" build --key "$T/k.key"
expect_rc 0 "a build after a crash inside the journal switch"
expect_in "$T/err" "completed the switch of '$T/cat/manifests' that an interrupted build left"
nodebris . "after journal recovery"
verify_ok manifests
printf 'manifests\000../../etc\000x\000' >.toolsync-switch
run "$TOOLSYNC" build --key "$T/k.key"
expect_rc 2 "a journal toolsync did not write"
expect_in "$T/err" ".toolsync-switch' is not a journal toolsync wrote: remove it"
rm .toolsync-switch
verify_ok manifests

# 7. Readers during builds: verify runs in a loop while builds switch the
#    output back and forth; every verify sees one whole tree.
sh "$TOP/tests/bench/gen.sh" 2000 "$T/big" >/dev/null
revise "$T/big/tnew" "$T/big/schemas/templates"
sed 's|^templates: .*|templates: tnew|' "$T/big/toolsync.yaml" >"$T/big/new.yaml"
(cd "$T/big" && "$TOOLSYNC" build --key "$T/k.key" >/dev/null)
(
	cd "$T/big"
	i=0
	while [ -d "$T" ] && [ ! -e "$T/stop" ]; do
		"$TOOLSYNC" verify -q -p "$T/k.pub" manifests 2>>"$T/verify.err" ||
			echo "verify $i failed" >>"$T/verify.err"
		i=$((i + 1))
	done
	echo "$i" >"$T/verify.count"
) &
reader=$!
for round in 1 2; do
	(cd "$T/big" && "$TOOLSYNC" build -c new.yaml --key "$T/k.key" >/dev/null &&
		"$TOOLSYNC" build --key "$T/k.key" >/dev/null) || fail "a build during reads"
done
touch "$T/stop"
wait "$reader"
[ ! -s "$T/verify.err" ] || { cat "$T/verify.err"; fail "a reader saw a mixed tree"; }
echo "readers: $(cat "$T/verify.count") verifications during 4 switches"

# 8. Report files: '-' is stdout; a FIFO (or a symlink to one), and
#    /dev/stdout, are written into, never replaced.
run "$TOOLSYNC" diff --output -
expect_rc 0
expect_in "$T/out" "no findings"
mkfifo "$T/fifo"
ln -s "$T/fifo" "$T/fifolink"
for target in "$T/fifo" "$T/fifolink"; do
	cat "$T/fifo" >"$T/got" &
	run "$TOOLSYNC" diff --format json --output "$target"
	wait $!
	expect_rc 0 "--output $target"
	[ -p "$T/fifo" ] || fail "--output replaced the FIFO"
	expect_in "$T/got" '"findings"'
done
[ -L "$T/fifolink" ] || fail "--output replaced the symlink"
# /dev/stdout while the shell sends stdout to a file: written through the
# stream ('>>' appends), never by replacing that file
echo before >"$T/log"
ino=$(stat -c %i "$T/log")
"$TOOLSYNC" diff --output /dev/stdout >>"$T/log" || fail "--output /dev/stdout"
[ "$ino" = "$(stat -c %i "$T/log")" ] || fail "--output /dev/stdout replaced the file"
[ "$(head -n 1 "$T/log")" = before ] || fail "--output /dev/stdout did not append"
expect_in "$T/log" "no findings"

# 9. Fault injection: every point of a signed rewrite.  For each, the build
#    exits 2 with the old output byte-identical and verifying, or (a failure
#    after the switch) exits 0 with the new output and a warning; either
#    way the next build leaves no debris and the new output verifies.
#    TOOLSYNC_FAULT=count gives the points of each operation.
points=0
mkdir "$T/ex" && cp -R toolsync.yaml registry.yaml "$T/ex/" && mkdir "$T/ex/schemas" &&
	cp -R "$TOP/schemas/templates" "$T/ex/schemas/"
# the rewrite also removes a tool
sed '/key: fx.rate-lookup/,+2d' "$T/ex/registry.yaml" >"$T/ex/reg-new.yaml"
setup_walk "$T/ex"
walk "$T/ex" "" 100000
# and where the exchange is refused: the journal's points (each operation's
# first and last 3 and some between: the rest are the walk above's)
walk "$T/ex" "exchange:1:EINVAL" 6
echo "example: $points injection points"

