# t_fuzz_seeds.sh: tests/fuzz/make-seeds.sh only adds seeds: it keeps the
# committed ones byte for byte (a stale copy, a seed the fuzzers found or
# added by hand, a link), writes what it makes the same way whatever the
# locale, umask or working directory, and a second run changes nothing.
# Run on a copy of what it reads; needs python3 (as the script does).
. tests/lib.sh
command -v python3 >/dev/null 2>&1 || { echo "no python3: skipped"; exit 0; }

R=$T/repo
mkdir -p "$R/tests"
cp -R "$TOP/tests/fuzz" "$TOP/tests/golden" "$R/tests/"
cp -R "$TOP/manifests" "$TOP/schemas" "$TOP/examples" "$TOP/registry.yaml" \
	"$TOP/toolsync.yaml" "$R/"
C=$R/tests/fuzz/corpus
# seeds: a line per seed (name, mode, size, mtime; link or digest), sorted
seeds() {
	(cd "$C" && find . \( -type f -o -type l \) -exec stat -c '%n %a %s %Y %N' {} + &&
		find . -type f -exec b2sum {} +) | LC_ALL=C sort
}

# 1. the committed corpus: what the script makes and is missing is added,
#    every seed there is kept as it is
seeds >"$T/before"
run sh "$R/tests/fuzz/make-seeds.sh"
expect_rc 0
seeds >"$T/after"
LC_ALL=C comm -23 "$T/before" "$T/after" >"$T/lost"
[ ! -s "$T/lost" ] || { cat "$T/lost"; fail "make-seeds.sh changed or removed committed seeds"; }

# 2. again: nothing changes
run sh "$R/tests/fuzz/make-seeds.sh"
expect_rc 0
seeds >"$T/again"
cmp -s "$T/after" "$T/again" || { diff "$T/after" "$T/again"; fail "a second run changed the corpus"; }

# 3. a found seed, a stale copy, a link where a seed goes: kept; a
#    deleted seed is made again with the same bytes and mode, from another
#    directory, in another locale, under another umask
printf '{"found": 1}' >"$C/fuzz_json/0123456789abcdef0123456789abcdef01234567"
printf 'stale: 1\n' >"$C/fuzz_yaml/registry.yaml"
printf 'outside\n' >"$T/outside"
rm "$C/fuzz_index/wide-1.json"
ln -s "$T/outside" "$C/fuzz_index/wide-1.json"
sum=$(b2sum <"$C/fuzz_json/wide-dup-17.json")
rm "$C/fuzz_json/wide-dup-17.json" "$C/fuzz_template/example-fx.yaml"
seeds >"$T/planted"
(cd "$T" && umask 077 && LC_ALL=C.UTF-8 sh "$R/tests/fuzz/make-seeds.sh") >"$T/out" 2>"$T/err" ||
	{ cat "$T/err"; fail "make-seeds.sh failed"; }
[ "$(b2sum <"$C/fuzz_json/wide-dup-17.json")" = "$sum" ] || fail "a seed made again differs"
[ "$(stat -c %a "$C/fuzz_json/wide-dup-17.json")" = 644 ] || fail "a seed's mode follows the umask"
[ -f "$C/fuzz_template/example-fx.yaml" ] || fail "a deleted copied seed was not made again"
[ "$(cat "$T/outside")" = outside ] || fail "make-seeds.sh wrote through a link"
seeds >"$T/after"
LC_ALL=C comm -23 "$T/planted" "$T/after" >"$T/lost"
[ ! -s "$T/lost" ] || { cat "$T/lost"; fail "make-seeds.sh changed or removed seeds"; }
! find "$C" -name '*.tmp.*' | grep -q . || fail "make-seeds.sh left a temporary file"
exit 0
