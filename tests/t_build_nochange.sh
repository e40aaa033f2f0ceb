# t_build_nochange.sh: a rebuild that changes nothing neither reads nor
# re-signs unchanged files, and writes nothing (docs/performance.md,
# docs/design-notes.md "Unchanged files are skipped by their digest").
. tests/lib.sh

example_copy
cd "$T/cat"
rm -rf manifests
"$TOOLSYNC" keygen -W -p k.pub -s k.key >/dev/null
"$TOOLSYNC" build --key k.key --sign-each >/dev/null
old=$(stat -c %Y manifests/index.json)
sig=manifests/tools/fx.rate-lookup.json.minisig

# 1. a signature the trusted index vouches for is kept as it is: an edit
#    that keeps its size and an old mtime survives (it was not made again)
sed -i '$ s/^./A/' "$sig"
touch -d "@$((old - 100))" "$sig"
sum=$(b2sum "$sig")
run "$TOOLSYNC" build --key k.key --sign-each
expect_rc 0
expect_in "$T/out" "0 written"
[ "$(b2sum "$sig")" = "$sum" ] || fail "an unchanged manifest was signed again"
run "$TOOLSYNC" verify -q -p k.pub manifests
expect_rc 1 "verify sees the edited signature"

# 2. touched: no longer vouched for, so it is made again and verifies
touch "$sig"
run "$TOOLSYNC" build --key k.key --sign-each
expect_rc 0
expect_in "$T/out" "1 written"
run "$TOOLSYNC" verify -q -p k.pub manifests
expect_rc 0

# files written in step 2 are newer than the index it kept: make them older
touch -d "@$(( $(date +%s) - 100 ))" manifests/tools/* manifests/roles/* manifests/*.md \
	manifests/*.csv
touch manifests/index.json manifests/index.json.minisig

# 3. nothing changed: only index.json is signed (two Ed25519 signatures:
#    the file's and the global one), no unchanged manifest is signed again.
#    Run untraced first, where a sanitizer build checks it for leaks
#    (LeakSanitizer is off under gdb and strace: traced)
run "$TOOLSYNC" build --key k.key --sign-each
expect_rc 0
expect_in "$T/out" "0 written"
if command -v gdb >/dev/null 2>&1; then
	run traced gdb -q -batch -ex 'set breakpoint pending on' \
		-ex 'dprintf crypto_sign_detached,"SIGN\n"' -ex run \
		--args "$TOOLSYNC" build --key k.key --sign-each
	expect_in "$T/out" "0 written"
	n=$(grep -c "^SIGN" "$T/out" || true)
	[ "$n" = 2 ] || fail "$n signatures made: unchanged manifests were signed again"
else
	echo "no gdb: step 3 skipped"
fi

# 4. nothing changed: no file under the output is opened, nothing is
#    created, renamed or linked, the tree stays the same inodes
command -v strace >/dev/null 2>&1 || { echo "no strace: step 3 skipped"; exit 0; }
before=$(find manifests -printf '%i %s %T@ %p\n' | sort)
run traced strace -f -o "$T/trace" -e trace=open,openat,creat,rename,renameat,renameat2,link,linkat,mkdir,mkdirat,unlink,unlinkat \
	"$TOOLSYNC" build --key k.key --sign-each
expect_rc 0
expect_in "$T/out" "0 written"
[ "$(find manifests -printf '%i %s %T@ %p\n' | sort)" = "$before" ] ||
	fail "a rebuild that changed nothing changed the output"
grep -E 'open(at)?\(.*(tools|roles)/' "$T/trace" && fail "an unchanged file was opened"
grep -E 'O_CREAT|creat\(|rename|link(at)?\(|mkdir|unlink' "$T/trace" | grep -v -e ENOENT -e "\"/dev/null\"" &&
	fail "a rebuild that changed nothing wrote"
exit 0
