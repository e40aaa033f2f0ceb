# t_sign.sh: keygen, signed builds, verify; minisign and b2sum as outside
# witnesses in both directions; key hygiene; tampering of every file.
. tests/lib.sh

example_copy
cd "$T/cat"
rm -f manifests/index.json.minisig toolsync.pub
PW=correct-horse-battery

# 1. keygen: minisign's formats, the secret key private, nothing overwritten.
run "$TOOLSYNC" keygen -W -p ts.pub -s ts.key
expect_rc 0
[ "$(stat -c %a ts.key)" = 600 ] || fail "secret key mode is $(stat -c %a ts.key)"
[ "$(wc -l <ts.pub)" -eq 2 ] || fail "public key is not two lines"
expect_in ts.pub "untrusted comment: minisign public key "
[ "$(sed -n 2p ts.pub | base64 -d | head -c 2)" = Ed ] || fail "public key does not start with Ed"
[ "$(sed -n 2p ts.pub | base64 -d | wc -c)" -eq 42 ] || fail "public key is not 42 bytes"
[ "$(sed -n 2p ts.key | base64 -d | wc -c)" -eq 158 ] || fail "secret key is not 158 bytes"
secret_line=$(sed -n 2p ts.key)
expect_not_in "$T/out" "$secret_line"
run "$TOOLSYNC" keygen -W -p ts.pub -s ts.key
expect_rc 2 "keygen over existing files"
expect_in "$T/err" "'ts.pub' already exists; use -f"
run "$TOOLSYNC" keygen -W -p same -s same
expect_rc 2
# both files or neither
run "$TOOLSYNC" keygen -W -p "$T/no/such/dir/x.pub" -s half.key
expect_rc 2 "keygen into a missing directory"
[ ! -e half.key ] || fail "keygen left a secret key without its public key"
ls -a | grep -q 'tmp-' && fail "keygen left a temporary file"
mkdir adir
run "$TOOLSYNC" keygen -W -f -p adir -s half.key
expect_rc 2 "keygen onto a directory"
[ ! -e half.key ] || fail "keygen left a secret key without its public key"
run "$TOOLSYNC" keygen -W -p sub.pub -s keys/sub/sub.key
expect_rc 0 "keygen makes the secret key's directory"
[ "$(stat -c %a keys/sub)" = 700 ] || fail "the key directory is not private"
run "$TOOLSYNC" keygen -W -p w.pub -s w.key
expect_not_in "$T/out" "TOOLSYNC_PASSWORD"
setsid -w "$TOOLSYNC" keygen -p y.pub -s y.key </dev/null >"$T/out" 2>"$T/err" && rc=0 || rc=$?
expect_rc 2 "keygen without a password or a terminal"
expect_in "$T/err" "no terminal to ask for the password on: set TOOLSYNC_PASSWORD, or use -W"
TOOLSYNC_PASSWORD= run "$TOOLSYNC" keygen -p y.pub -s y.key
expect_rc 2 "an empty password"
expect_in "$T/err" "the password is empty: use -W for a secret key without one"
[ ! -e y.key ] || fail "a refused keygen wrote a key"

# 2. A signed build; minisign verifies the index and each tool's signature.
run "$TOOLSYNC" build --key ts.key --sign-each
expect_rc 0
expect_in "$T/out" "index.json signed"
minisign -Vm manifests/index.json -p ts.pub >"$T/mv" || fail "minisign -V rejects index.json.minisig"
expect_in "$T/mv" "Trusted comment: file:index.json"
for f in manifests/tools/*.json; do
	minisign -Vqm "$f" -p ts.pub || fail "minisign -V rejects $f.minisig"
done
# the ED (prehashed) algorithm, as minisign -H requires
minisign -VHqm manifests/index.json -p ts.pub || fail "not a prehashed (ED) signature"
expect_not_in "$T/out" "$secret_line"
expect_not_in "$T/err" "$secret_line"
run "$TOOLSYNC" verify -p ts.pub manifests
expect_rc 0
expect_in "$T/out" "files: index.json, its signature by key "
expect_in "$T/out" "trusted comment: file:index.json"
# b2sum agrees with the index, per-tool signatures included
/usr/bin/python3 - manifests <<'PY'
import json, os, subprocess, sys
d = sys.argv[1]
files = json.load(open(os.path.join(d, "index.json")))["files"]
assert any(f["path"].endswith(".minisig") for f in files), "signatures not listed"
for f in files:
    out = subprocess.run(["b2sum", "-l", "256", os.path.join(d, f["path"])],
                         capture_output=True, text=True, check=True).stdout
    assert out.split()[0] == f["blake2b"], f["path"]
PY

# 3. Byte-identical signed builds; a timestamp only with SOURCE_DATE_EPOCH.
run "$TOOLSYNC" build --key ts.key --sign-each --out "$T/again"
expect_rc 0
diff -r manifests "$T/again" >/dev/null || fail "two signed builds differ"
SOURCE_DATE_EPOCH=1767225600 run "$TOOLSYNC" build --key ts.key --out "$T/dated"
expect_rc 0
expect_in "$T/dated/index.json.minisig" "trusted comment: timestamp:1767225600	file:index.json"
minisign -Vqm "$T/dated/index.json" -p ts.pub || fail "minisign rejects the dated signature"

# 4. The key from TOOLSYNC_SECRET_KEY (CI never writes it to disk).
TOOLSYNC_SECRET_KEY=$(cat ts.key) run "$TOOLSYNC" build --sign-each --out "$T/envkey"
expect_rc 0
cmp -s manifests/index.json.minisig "$T/envkey/index.json.minisig" ||
	fail "signing with TOOLSYNC_SECRET_KEY differs from --key"
TOOLSYNC_SECRET_KEY="not a key" run "$TOOLSYNC" build --out "$T/badenv"
expect_rc 2
expect_in "$T/err" "TOOLSYNC_SECRET_KEY is not a minisign secret key"
[ ! -e "$T/badenv" ] || fail "a failed build wrote its output"
# the key file's name where its contents belong: say so, never show the value
TOOLSYNC_SECRET_KEY=ts.key run "$TOOLSYNC" build --out "$T/badenv"
expect_rc 2
expect_in "$T/err" "TOOLSYNC_SECRET_KEY is not a minisign secret key: it holds one line, and a key file has two (it takes the file's contents, TOOLSYNC_SECRET_KEY=\"\$(cat FILE)\", not its name; or give --key FILE)"
expect_not_in "$T/err" "ts.key"
TOOLSYNC_SECRET_KEY="$(printf 'untrusted comment: x\nnot base64!\n')" run "$TOOLSYNC" build --out "$T/badenv"
expect_rc 2
expect_not_in "$T/err" "one line"
[ ! -e "$T/badenv" ] || fail "a failed build wrote its output"

# 5. Key hygiene: a readable key file, a wrong password, no terminal.
cp ts.key open.key && chmod 644 open.key
before=$(tree_sum manifests)
run "$TOOLSYNC" build --key open.key
expect_rc 2 "group-readable key"
expect_in "$T/err" "secret key 'open.key' is readable by group or others (mode 644)"
run "$TOOLSYNC" build --key ts.pub
expect_rc 2 "a public key given as --key"
expect_in "$T/err" "ts.pub is a minisign public key; the secret key is needed to sign"
TOOLSYNC_PASSWORD=$PW run "$TOOLSYNC" keygen -p enc.pub -s enc.key
expect_rc 0
expect_in "$T/out" "encrypted secret key"
[ "$(sed -n 2p enc.key | base64 -d | head -c 4)" = EdSc ] || fail "key is not scrypt-encrypted"
TOOLSYNC_PASSWORD=wrong run "$TOOLSYNC" build --key enc.key
expect_rc 2 "wrong password"
expect_in "$T/err" "wrong password for enc.key"
expect_in "$T/err" "nothing was written"
setsid -w "$TOOLSYNC" build --key enc.key </dev/null >"$T/out" 2>"$T/err" && rc=0 || rc=$?
expect_rc 2 "encrypted key, no password, no terminal"
expect_in "$T/err" "enc.key is encrypted: no terminal to ask for the password on: set TOOLSYNC_PASSWORD"
[ "$before" = "$(tree_sum manifests)" ] || fail "a refused key changed the output"
TOOLSYNC_PASSWORD=$PW run "$TOOLSYNC" build --key enc.key --out "$T/enc"
expect_rc 0
minisign -Vqm "$T/enc/index.json" -p enc.pub || fail "minisign rejects the encrypted key's signature"

# 6. Keys made by minisign sign with toolsync; minisign's signatures verify
#    with toolsync (ED, and the legacy Ed of minisign -l).
minisign -G -W -p mini.pub -s mini.key </dev/null >/dev/null
run "$TOOLSYNC" build --key mini.key --out "$T/mini"
expect_rc 0 "signing with minisign -G -W's key (all-zero checksum)"
run "$TOOLSYNC" verify -p mini.pub "$T/mini"
expect_rc 0
minisign -Vqm "$T/mini/index.json" -p mini.pub || fail "minisign rejects its own key's signature by toolsync"
printf '%s\n%s\n' "$PW" "$PW" | minisign -G -p minienc.pub -s minienc.key >/dev/null 2>&1 ||
	fail "minisign -G (encrypted) failed"
TOOLSYNC_PASSWORD=$PW run "$TOOLSYNC" build --key minienc.key --out "$T/minienc"
expect_rc 0 "signing with minisign's scrypt-encrypted key"
run "$TOOLSYNC" verify -p minienc.pub "$T/minienc"
expect_rc 0
cp -R "$T/mini" "$T/bymini"
minisign -S -s mini.key -m "$T/bymini/index.json" -t "file:index.json" >/dev/null </dev/null ||
	fail "minisign -S failed"
run "$TOOLSYNC" verify -p mini.pub "$T/bymini"
expect_rc 0 "minisign's own (ED) signature"
minisign -S -l -s mini.key -m "$T/bymini/index.json" -t "file:index.json" >/dev/null </dev/null ||
	fail "minisign -S -l failed"
[ "$(sed -n 2p "$T/bymini/index.json.minisig" | base64 -d | head -c 2)" = Ed ] ||
	fail "minisign -l did not write a legacy signature"
run "$TOOLSYNC" verify -p mini.pub "$T/bymini"
expect_rc 0 "minisign's legacy (Ed) signature"
# A signed index that spells a file otherwise than a build writes it (a
# second name for one file, or a way out), or lists itself or its own
# signature (a file cannot hold its own digest): an input error naming
# the index and the path, for verify and for a build over it, which
# changes nothing.
for spelled in tools/./fx.rate-lookup.json tools//fx.rate-lookup.json \
	       tools/../tools/fx.rate-lookup.json tools/fx.rate-lookup.json/ \
	       index.json index.json.minisig; do
	rm -rf "$T/alias" && cp -R "$T/mini" "$T/alias"
	sed -i "s|\"tools/fx.rate-lookup.json\"|\"$spelled\"|" "$T/alias/index.json"
	expect_in "$T/alias/index.json" "\"$spelled\""
	rm "$T/alias/index.json.minisig"
	minisign -S -s mini.key -m "$T/alias/index.json" -t "file:index.json" >/dev/null </dev/null ||
		fail "minisign -S failed"
	(cd "$T/alias" && find . -exec ls -ld --time-style=+%s.%N {} + | LC_ALL=C sort) >"$T/before"
	run "$TOOLSYNC" verify -p mini.pub "$T/alias"
	expect_rc 2 "index path $spelled"
	expect_in "$T/err" "$T/alias/index.json:"
	expect_in "$T/err" "error: index path '$spelled' is not one toolsync writes"
	run "$TOOLSYNC" build --out "$T/alias"
	expect_rc 2 "a build over an index with $spelled"
	expect_in "$T/err" "error: index path '$spelled' is not one toolsync writes"
	(cd "$T/alias" && find . -exec ls -ld --time-style=+%s.%N {} + | LC_ALL=C sort) >"$T/after"
	cmp -s "$T/before" "$T/after" || fail "a refused verify or build changed '$T/alias'"
done

# 7. Tampering: one changed byte in any file, an added or a removed file.
run "$TOOLSYNC" build --key ts.key --sign-each --out "$T/good"
expect_rc 0
flip() { # flip FILE: change the byte in the middle of FILE
	/usr/bin/python3 - "$1" <<'PY'
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
i = len(b) // 2
b[i] = ord("A") if b[i] != ord("A") else ord("B")
open(p, "wb").write(bytes(b))
PY
}
n=0
for f in $(cd "$T/good" && find . -type f | sed 's|^\./||' | LC_ALL=C sort); do
	rm -rf "$T/bad" && cp -R "$T/good" "$T/bad"
	flip "$T/bad/$f"
	run "$TOOLSYNC" verify -p ts.pub "$T/bad"
	expect_rc 1 "one byte changed in $f"
	expect_in "$T/err" "$T/bad/$f"
	expect_in "$T/err" "verification of '$T/bad' failed"
	n=$((n + 1))
done
[ "$n" -ge 40 ] || fail "only $n files were tampered with"
# Several at once, among the files hashed side by side: each one reported
# for what was done to it, and no other.
rm -rf "$T/bad" && cp -R "$T/good" "$T/bad"
set -- $(cd "$T/bad" && ls tools | LC_ALL=C sort | sed -n '2p;3p;5p;8p')
flip "$T/bad/tools/$1"
flip "$T/bad/tools/$3"
rm "$T/bad/tools/$2"
printf ' ' >>"$T/bad/tools/$4"
run "$TOOLSYNC" verify -p ts.pub "$T/bad"
expect_rc 1 "four files tampered with"
expect_in "$T/err" "$T/bad/tools/$1: error: BLAKE2b-256 differs from index.json"
expect_in "$T/err" "$T/bad/tools/$3: error: BLAKE2b-256 differs from index.json"
expect_in "$T/err" "$T/bad/tools/$2: error: listed in index.json but missing"
expect_in "$T/err" "$T/bad/tools/$4: error: "
expect_in "$T/err" "index.json lists"
[ "$(grep -c ': error: ' "$T/err")" -eq 4 ] || fail "not exactly four findings: $(cat "$T/err")"
rm -rf "$T/bad" && cp -R "$T/good" "$T/bad"
cp "$T/bad/tools/fx.rate-lookup.json" "$T/bad/tools/fx.rate-evil.json"
run "$TOOLSYNC" verify -p ts.pub "$T/bad"
expect_rc 1 "an added file"
expect_in "$T/err" "$T/bad/tools/fx.rate-evil.json: error: not listed in index.json: added after signing [file-unlisted]"
rm -rf "$T/bad" && cp -R "$T/good" "$T/bad"
rm "$T/bad/roles/viewer.chat.json"
run "$TOOLSYNC" verify -p ts.pub "$T/bad"
expect_rc 1 "a removed file"
expect_in "$T/err" "$T/bad/roles/viewer.chat.json: error: listed in index.json but missing [file-missing]"
rm "$T/bad/index.json.minisig"
run "$TOOLSYNC" verify -p ts.pub "$T/bad"
expect_rc 1 "no signature"
expect_in "$T/err" "index.json.minisig: error: index.json is not signed"
run "$TOOLSYNC" verify -p enc.pub "$T/good"
expect_rc 1 "another key"
expect_in "$T/err" "signed by key "
expect_in "$T/err" ", not by the given public key "
# the trusted comment is signed too
rm -rf "$T/bad" && cp -R "$T/good" "$T/bad"
sed -i 's/^trusted comment: file:index.json$/trusted comment: file:other.json/' "$T/bad/index.json.minisig"
run "$TOOLSYNC" verify -p ts.pub "$T/bad"
expect_rc 1 "altered trusted comment"
expect_in "$T/err" "the trusted comment was altered"

# 8. Malformed input and usage: exit 2.
printf 'untrusted comment: x\nnot base64!\n' >bad.pub
run "$TOOLSYNC" verify -p bad.pub "$T/good"
expect_rc 2 "malformed public key"
expect_in "$T/err" "bad.pub is not a minisign public key"
# the secret key where the public one belongs: said, nothing of it shown
run "$TOOLSYNC" verify -p ts.key "$T/good"
expect_rc 2 "a secret key given as the public key"
expect_in "$T/err" "ts.key is a minisign secret key, not a public key: give the public key keygen wrote with it (toolsync.pub by default)"
expect_not_in "$T/err" "$(sed -n 2p ts.key | cut -c1-12)"
run "$TOOLSYNC" verify -p missing.pub "$T/good"
expect_rc 2
expect_in "$T/err" "cannot read public key 'missing.pub'"
expect_not_in "$T/err" "keygen"
run "$TOOLSYNC" verify -p ts.pub "$T/nowhere"
expect_rc 2
run "$TOOLSYNC" verify "$T/good"
expect_rc 2 "the configured public key is missing"
expect_in "$T/err" "cannot read public key 'toolsync.pub': No such file or directory (signing.public_key in toolsync.yaml: make the key pair with 'toolsync keygen')"
printf 'out: manifests\n' >"$T/nosign.yaml"
run "$TOOLSYNC" verify -c "$T/nosign.yaml" "$T/good"
expect_rc 2 "no public key configured"
expect_in "$T/err" "no public key: give -p PUBKEY, or set signing.public_key in $T/nosign.yaml"
mkdir -p "$T/empty"
(cd "$T/empty" && "$TOOLSYNC" verify >"$T/out" 2>"$T/err") && rc=0 || rc=$?
expect_rc 2 "verify where there is no toolsync.yaml"
expect_in "$T/err" "no public key: give -p PUBKEY, or run where toolsync.yaml is (there is none here), or give -c FILE"
cp ts.pub toolsync.pub
run "$TOOLSYNC" verify "$T/good"
expect_rc 0 "the configured public key"
run "$TOOLSYNC" verify -q -p ts.pub "$T/good"
expect_rc 0
[ ! -s "$T/out" ] || fail "verify -q printed something"
# tools/ and roles/ are each opened once (reported, read, listed through one fd)
if command -v strace >/dev/null 2>&1; then
	run traced strace -f -o "$T/trace" -e trace=open,openat "$TOOLSYNC" verify -q -p ts.pub \
		"$T/good"
	expect_rc 0
	for sub in tools roles; do
		n=$(grep -c "/$sub\"\\|\"$sub\"" "$T/trace" || true)
		[ "$n" = 1 ] || { grep -F "$sub" "$T/trace"; fail "$sub/ opened $n times"; }
	done
fi

# 9. An unsigned rebuild that changes the index drops the stale signature.
sed -i 's/^  - key: fx.rate-lookup$/  - key: fx.rate-lookups/' registry.yaml
run "$TOOLSYNC" build --out "$T/good"
expect_rc 0
expect_in "$T/err" "removed the stale"
[ ! -e "$T/good/index.json.minisig" ] || fail "a stale signature was kept"
exit 0
