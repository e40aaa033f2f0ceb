# t_build_skip.sh: build skips unchanged files by digest (docs/performance.md).
#
# A rebuild trusts the old index.json when it verifies with the build's key
# (or is unsigned) and the file has the listed size and is older than the
# index: then the file is not read.  The tests show it by what a build
# does with a file edited behind its back: left alone when the edit keeps
# size and an old mtime (the index is trusted), rewritten otherwise.
. tests/lib.sh

example_copy
cd "$T/cat"
rm -rf manifests
"$TOOLSYNC" keygen -W -p k.pub -s k.key >/dev/null
"$TOOLSYNC" keygen -W -p other.pub -s other.key >/dev/null
"$TOOLSYNC" build --key k.key --sign-each >/dev/null
f=manifests/tools/fx.rate-lookup.json
old=$(stat -c %Y manifests/index.json)

# tamper: same size, one byte changed, mtime set before the index
tamper() {
	sed -i 's/Look up/Look UP/' "$f"
	touch -d "@$((old - 100))" "$f"
}

# 1. a signed, verifying index: the tampered file is not read, so it stays
tamper
sum=$(b2sum "$f")
run "$TOOLSYNC" build --key k.key --sign-each
expect_rc 0
expect_in "$T/out" "0 written"
[ "$(b2sum "$f")" = "$sum" ] || fail "a file the trusted index vouches for was read and rewritten"
run "$TOOLSYNC" verify -p k.pub manifests
expect_rc 1 "verify still sees the edit"

# 2. the same edit with a newer mtime: read, compared, rewritten
touch "$f"
run "$TOOLSYNC" build --key k.key --sign-each
expect_rc 0
expect_in "$T/out" "1 written"
run "$TOOLSYNC" verify -q -p k.pub manifests
expect_rc 0 "rewritten"

# 3. another key: the index does not verify, every file is compared by content
tamper
run "$TOOLSYNC" build --key other.key --sign-each
expect_rc 0
run "$TOOLSYNC" verify -q -p other.pub manifests
expect_rc 0 "an untrusted index vouches for nothing"

# 4. per-file signatures of unchanged manifests are kept as they are; a
#    new trusted comment (SOURCE_DATE_EPOCH) makes them all again
sig=manifests/tools/ledger.reconcile.json.minisig
before=$(stat -c %Y.%y "$sig")
run "$TOOLSYNC" build --key other.key --sign-each
expect_in "$T/out" "0 written"
[ "$(stat -c %Y.%y "$sig")" = "$before" ] || fail "an unchanged signature was rewritten"
SOURCE_DATE_EPOCH=1700000000 run "$TOOLSYNC" build --key other.key --sign-each
expect_rc 0
expect_not_in "$T/out" " 0 written"
expect_in "$sig" "timestamp:1700000000"
run minisign -V -q -p other.pub -m manifests/tools/ledger.reconcile.json
expect_rc 0 "minisign verifies the new signature"

# 5. an unsigned index (no key) is trusted too; a stray signature is not needed
rm -rf manifests
"$TOOLSYNC" build >/dev/null
tamper
run "$TOOLSYNC" build
expect_rc 0
expect_in "$T/out" "0 written"
# 6. a FIFO in place of index.json does not hang the build (it is refused
#    or ignored, never waited on)
rm -f manifests/index.json
mkfifo manifests/index.json
run timeout 60 "$TOOLSYNC" build
[ "$rc" -ne 124 ] || fail "the build waited on a FIFO named index.json"
# 7. diff: a FIFO in place of a committed manifest is an error, not a hang
rm -rf manifests
"$TOOLSYNC" build >/dev/null
rm manifests/tools/fx.rate-lookup.json
mkfifo manifests/tools/fx.rate-lookup.json
run timeout 60 "$TOOLSYNC" diff
expect_rc 2 "diff against a FIFO"
expect_in "$T/err" "not a regular file"
echo "skip by digest ok"
