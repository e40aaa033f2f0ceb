# t_build.sh: toolsync build on the example catalogue and on bad input.
. tests/lib.sh

example_copy
cd "$T/cat"
rm -rf manifests/index.json.minisig

# 1. The example catalogue builds to exactly the committed manifests.
run "$TOOLSYNC" build --out "$T/m1"
expect_rc 0
expect_in "$T/out" "written"
for f in $(cd "$TOP/manifests" && find . -type f ! -name '*.minisig' | LC_ALL=C sort); do
	cmp -s "$TOP/manifests/$f" "$T/m1/$f" || { diff -u "$TOP/manifests/$f" "$T/m1/$f" | head -40; fail "built $f differs from the committed one"; }
done
[ "$(cd "$T/m1" && find . -type f | wc -l)" -eq "$(cd "$TOP/manifests" && find . -type f ! -name '*.minisig' | wc -l)" ] ||
	fail "the build wrote a different set of files than manifests/ holds"

# 2. Deterministic: a second build elsewhere is byte-identical; a rebuild in
#    place rewrites nothing (mtimes kept).
run "$TOOLSYNC" build --out "$T/m2"
expect_rc 0
diff -r "$T/m1" "$T/m2" >/dev/null || fail "two builds differ"
before=$(tree_sum "$T/m1")
sleep 1
run "$TOOLSYNC" build --out "$T/m1"
expect_rc 0
expect_in "$T/out" ": 0 written"
[ "$before" = "$(tree_sum "$T/m1")" ] || fail "a rebuild that changes nothing rewrote files"

# 3. Outside witness: b2sum -l 256 agrees with every digest in the index.
/usr/bin/python3 - "$T/m1" <<'PY'
import json, subprocess, sys, os
d = sys.argv[1]
idx = json.load(open(os.path.join(d, "index.json")))
assert idx["format"] == "toolsync.index/1", idx["format"]
assert [f["path"] for f in idx["files"]] == sorted(f["path"] for f in idx["files"])
for f in idx["files"]:
    p = os.path.join(d, f["path"])
    out = subprocess.run(["b2sum", "-l", "256", p], capture_output=True, text=True, check=True).stdout
    assert out.split()[0] == f["blake2b"], (f["path"], out)
    assert os.path.getsize(p) == f["size"], f["path"]
PY

# 4. --canonical writes RFC 8785; each file's digest then equals the
#    jcs_blake2b the indented build recorded, so formatting is told apart.
run "$TOOLSYNC" build --canonical --out "$T/canon"
expect_rc 0
/usr/bin/python3 - "$T/m1" "$T/canon" <<'PY'
import json, sys, os
pretty = {f["path"]: f for f in json.load(open(os.path.join(sys.argv[1], "index.json")))["files"]}
canon = {f["path"]: f for f in json.load(open(os.path.join(sys.argv[2], "index.json")))["files"]}
assert pretty.keys() == canon.keys()
for p in pretty:
    if not p.endswith(".json"):   # the traceability matrix: not JSON, no JCS form
        assert "jcs_blake2b" not in pretty[p] and pretty[p] == canon[p], p
        continue
    assert pretty[p]["jcs_blake2b"] == canon[p]["blake2b"] == canon[p]["jcs_blake2b"], p
    raw = open(os.path.join(sys.argv[2], p), "rb").read()
    doc = json.loads(raw)
    assert json.loads(open(os.path.join(sys.argv[1], p), "rb").read()) == doc, p
    assert not raw.endswith(b"\n") and b"\n" not in raw, p
PY
golden "$T/canon/tools/ledger.reconcile.json" "$TOP/tests/golden/build/canonical/ledger.reconcile.json"

# 5. A removed row's manifest is removed; nothing else is rewritten.
/usr/bin/python3 - <<'PY'
import re
s = open("registry.yaml").read()
s = re.sub(r"  - key: fx\.rate-lookup\n    minRole: viewer\n    standards: \[\]\n", "", s)
open("reg2.yaml", "w").write(s)
PY
run "$TOOLSYNC" build --registry reg2.yaml --out "$T/m1"
expect_rc 0
[ ! -e "$T/m1/tools/fx.rate-lookup.json" ] || fail "stale manifest was not removed"
expect_in "$T/out" "1 removed"
cmp -s "$T/m1/tools/rag.search.json" "$T/m2/tools/rag.search.json" || fail "unrelated manifest changed"

# 6. A build removes only the files the old index lists: a stray file (a
#    dotfile too) in tools/ or roles/ is refused, named, and left alone;
#    so is a directory there.
touch "$T/m1/tools/.keep" "$T/m1/roles/notes.txt"
before=$(tree_sum "$T/m1")
run "$TOOLSYNC" build --registry reg2.yaml --out "$T/m1"
expect_rc 2 "a user's file in tools/"
expect_in "$T/err" "'$T/m1/tools/.keep' is not listed in '$T/m1/index.json': a build removes only the files it made"
expect_in "$T/err" "'$T/m1/roles/notes.txt' is not listed in"
expect_in "$T/err" "nothing was written"
[ "$before" = "$(tree_sum "$T/m1")" ] || fail "a refused build changed the output"
rm "$T/m1/tools/.keep" "$T/m1/roles/notes.txt"
mkdir "$T/m1/tools/sub"
before=$(tree_sum "$T/m1")
run "$TOOLSYNC" build --out "$T/m1"
expect_rc 2 "a directory in tools/"
expect_in "$T/err" "'$T/m1/tools/sub' is a directory: tools/ holds only the files toolsync writes"
[ "$before" = "$(tree_sum "$T/m1")" ] || fail "a refused build changed the output"
rmdir "$T/m1/tools/sub"

# 7. One build at a time beside an output directory (flock on its parent).
mkdir -p "$T/locked"
flock "$T/locked" "$TOOLSYNC" build --out "$T/locked/m" >"$T/out" 2>"$T/err" && rc=0 || rc=$?
expect_rc 2 "a build while another holds the lock"
expect_in "$T/err" "another toolsync build is writing beside '$T/locked/m'"
[ ! -e "$T/locked/m" ] || fail "a locked-out build wrote its output"
run "$TOOLSYNC" build --out "$T/locked/m"
expect_rc 0 "the lock goes with the process"

# 8. Signing options without a key; a malformed SOURCE_DATE_EPOCH.
run "$TOOLSYNC" build --sign-each --out "$T/m1"
expect_rc 2 "--sign-each without a key"
expect_in "$T/err" "--sign-each needs a secret key: give --key FILE or set TOOLSYNC_SECRET_KEY"
"$TOOLSYNC" keygen -W -p "$T/k.pub" -s "$T/k.key" >/dev/null
SOURCE_DATE_EPOCH=yesterday run "$TOOLSYNC" build --key "$T/k.key" --out "$T/m1"
expect_rc 2
expect_in "$T/err" "SOURCE_DATE_EPOCH must be a whole number of seconds, not 'yesterday'"
run "$TOOLSYNC" build --key "$T/k.key" --out "$T/m1"
expect_rc 0
run "$TOOLSYNC" build --out "$T/m1"
expect_rc 0
expect_in "$T/out" "index.json unchanged, its signature kept (no secret key given)"

# 9. A very long description is a warning, not an error.
mkdir -p "$T/long/schemas"
cp toolsync.yaml registry.yaml "$T/long/" && cp -R schemas/templates "$T/long/schemas/"
/usr/bin/python3 - "$T/long/schemas/templates/fx.yaml" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read().replace("Look up", "Look up " + "\u00e9" * 1100, 1)
open(p, "w").write(s)
PY
(cd "$T/long" && "$TOOLSYNC" build --out o >"$T/out" 2>"$T/err") && rc=0 || rc=$?
expect_rc 0 "a long description"
expect_in "$T/err" "schemas/templates/fx.yaml:3:14: warning: the description is 1164 characters"

# 10. Run from elsewhere with -c: every file is named as reached from here,
#     and what build records (source.template) does not change.
cp schemas/templates/fx.yaml "$T/fx.yaml.orig"
sed -i 's/Look up the group/Look up our group/' schemas/templates/fx.yaml
(cd "$T" && "$TOOLSYNC" diff -c cat/toolsync.yaml >"$T/out" 2>"$T/err") && rc=0 || rc=$?
expect_rc 0
expect_in "$T/out" "cat/schemas/templates/fx.yaml:3:14: note[change] description-changed: fx.rate-lookup"
printf 'parameters: [\n' >schemas/templates/fx.yaml
(cd "$T" && "$TOOLSYNC" build -c cat/toolsync.yaml --out "$T/elsewhere" >"$T/out" 2>"$T/err") && rc=0 || rc=$?
expect_rc 2
expect_in "$T/err" "toolsync: cat/schemas/templates/fx.yaml:2:1: error: "
cp "$T/fx.yaml.orig" schemas/templates/fx.yaml
(cd "$T" && "$TOOLSYNC" build -c cat/toolsync.yaml --out "$T/elsewhere" >"$T/out" 2>"$T/err") && rc=0 || rc=$?
expect_rc 0
expect_in "$T/elsewhere/tools/fx.rate-lookup.json" '"template": "schemas/templates/fx.yaml"'

# 11. A registry from ${DATABASE_URL} is needed only by what reads it.
mkdir -p "$T/pgcfg/schemas"
cp -R schemas/templates "$T/pgcfg/schemas/"
cp registry.yaml "$T/pgcfg/"
cp -R "$TOP/manifests" "$TOP/toolsync.pub" "$T/pgcfg/"
sed 's|^registry: registry.yaml$|registry: {postgres: "${DATABASE_URL}", table: public.tool_registry}|' \
	toolsync.yaml >"$T/pgcfg/toolsync.yaml"
(
	cd "$T/pgcfg"
	run "$TOOLSYNC" verify
	expect_rc 0 "verify with an unset DATABASE_URL in the registry"
	run "$TOOLSYNC" check-config
	expect_rc 0 "check-config with an unset DATABASE_URL in the registry"
	run "$TOOLSYNC" build --registry registry.yaml --out "$T/pgcfg-out"
	expect_rc 0 "build --registry FILE with an unset DATABASE_URL in the registry"
	run "$TOOLSYNC" build --out "$T/pgcfg-out2"
	expect_rc 2
	expect_in "$T/err" "toolsync.yaml:5:22: error: 'registry.postgres': environment variable 'DATABASE_URL' is not set"
)

# 12. Usage errors exit 2.
run "$TOOLSYNC" build --bogus
expect_rc 2
expect_in "$T/err" "unknown option '--bogus'"
expect_not_in "$T/err" "did you mean"
# a misspelt option or command: the one that was meant
run "$TOOLSYNC" build --outt=x
expect_rc 2
expect_in "$T/err" "toolsync: build: unknown option '--outt=x'; did you mean '--out'?"
run "$TOOLSYNC" ci --requre-signature
expect_rc 2
expect_in "$T/err" "did you mean '--require-signature'?"
run "$TOOLSYNC" diff --db x
expect_rc 2
expect_not_in "$T/err" "did you mean"
run "$TOOLSYNC" biuld
expect_rc 2
expect_in "$T/err" "toolsync: 'biuld' is not a command; did you mean 'build'?"
run "$TOOLSYNC" help chek-config
expect_rc 2
expect_in "$T/err" "unknown command 'chek-config'; did you mean 'check-config'?"
run "$TOOLSYNC" build -c nope.yaml
expect_rc 2
expect_in "$T/err" "nope.yaml"
run "$TOOLSYNC" build -h
expect_rc 0
expect_in "$T/out" "usage: toolsync build"
run "$TOOLSYNC" -c toolsync.yaml build
expect_rc 2 "an option before the command"
expect_in "$T/err" "unknown option '-c': options go after the command"
run "$TOOLSYNC" frobnicate
expect_rc 2
expect_in "$T/err" "'frobnicate' is not a command"
run "$TOOLSYNC" help help
expect_rc 0
expect_in "$T/out" "usage: toolsync COMMAND"
for cmd in build diff ci; do
	(cd "$T" && "$TOOLSYNC" "$cmd" >"$T/out" 2>"$T/err") && rc=0 || rc=$?
	expect_rc 2 "$cmd without toolsync.yaml"
	expect_in "$T/err" "cannot read configuration 'toolsync.yaml': no such file (run toolsync where it is, or give -c FILE)"
done
