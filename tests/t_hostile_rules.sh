# t_hostile_rules.sh: hostile inputs to the readers and the template stage
# (issue #9, structure): each is refused with exit 2 and a file:line
# location, never a crash (no BUG, no signal), and the output directory is
# left exactly as it was.  Wide objects, $ref fan-out and cycles, ${bogus}
# in a _defs file, billion laughs, deep nesting, BOM, CRLF, NUL bytes,
# invalid UTF-8, a 200 MB line; and the wide catalogues of
# docs/performance.md at a small size.
. tests/lib.sh

for v in $(env | sed -n 's/^\(OPENAI_[A-Z_]*\)=.*/\1/p'); do unset "$v"; done
export OPENAI_DEBUG_LOGGING=true OPENAI_REQUEST_TAGS=service:toolsync,env:ci,workload:test

# fresh: a copy of the example catalogue in $T/cat with a built out/; cd there
fresh() {
	cd "$TOP"
	rm -rf "$T/cat"
	example_copy
	cd "$T/cat"
	"$TOOLSYNC" build --out out >/dev/null 2>&1 || fail "the example catalogue does not build"
	before=$(tree_sum out)
}

# refused NAME WHERE CMD...: exit 2, WHERE (a "file:line:" prefix) in an
# error line, no crash, out/ unchanged, nothing staged
refused() {
	name=$1 where=$2
	shift 2
	run "$@"
	[ "$rc" -eq 2 ] || { cat "$T/err" | head -n 20; fail "$name: expected exit 2, got $rc"; }
	grep -q "^toolsync: $where.*error: " "$T/err" || { head -n 20 "$T/err"; fail "$name: no error at '$where'"; }
	! grep -q "BUG" "$T/err" || fail "$name: BUG"
	[ "$before" = "$(tree_sum out)" ] || fail "$name: the output directory changed"
	! ls -a . | grep -q toolsync-stage || fail "$name: a staging directory was left behind"
}

# wide_yaml N: a mapping of N keys, the last repeating the first
wide_yaml() {
	awk -v n="$1" 'BEGIN { for (i = 0; i < n - 1; i++) printf "k%d: %d\n", i, i; print "k0: dup" }'
}
# wide_json N: the same as a JSON object, one member a line after "{"
wide_json() {
	awk -v n="$1" 'BEGIN { print "{"; for (i = 0; i < n - 1; i++) printf "\"k%d\": %d,\n", i, i
		print "\"k0\": 0"; print "}" }'
}

# ---- duplicate keys at every width, in the YAML and the JSON reader ----
for w in 2 16 17 40 5000; do
	fresh
	{ echo "P:"; wide_yaml "$w" | sed 's/^/  /'; } >schemas/templates/_defs/wide.yaml
	sed -i 's|_defs/period.yaml#/Period|_defs/wide.yaml#/P|' schemas/templates/controls.test-run.yaml
	refused "yaml width $w" "schemas/templates/_defs/wide.yaml:$((w + 1)):3: " \
		"$TOOLSYNC" build --out out
	expect_in "$T/err" "duplicate key 'k0' (first at line 2)"

	# a committed manifest (the diff's JSON reader): width 40 was a use-after-free
	fresh
	wide_json "$w" >out/tools/rag.search.json
	before=$(tree_sum out)
	refused "json width $w" "out/tools/rag.search.json:$((w + 1)):1: " \
		"$TOOLSYNC" diff --against out
	expect_in "$T/err" "duplicate key 'k0' (first at line 2)"
done
# width 1: a key written twice in a one-member object
fresh
printf '[{"key": "rag.search", "key": "x"}]\n' >registry.json
refused "json width 1" "registry.json:1:24: " "$TOOLSYNC" build --out out --registry registry.json

# ---- ${bogus} in a $ref'd _defs file: build, diff and ci, at the _defs line ----
fresh
sed -i 's|description: An accounting period; both ends are inclusive.|description: "An accounting period for ${bogus}."|' \
	schemas/templates/_defs/period.yaml
refused "defs variable (build)" "schemas/templates/_defs/period.yaml:5:16: " "$TOOLSYNC" build --out out
expect_in "$T/err" "unknown variable '\${bogus}'"
[ "$(grep -c "unknown variable" "$T/err")" -eq 1 ] || fail "defs variable: reported more than once"
refused "defs variable (diff)" "schemas/templates/_defs/period.yaml:5:16: " "$TOOLSYNC" diff --against out
refused "defs variable (ci)" "schemas/templates/_defs/period.yaml:5:16: " "$TOOLSYNC" ci
# an unterminated one
sed -i 's|\${bogus}|${key|' schemas/templates/_defs/period.yaml
refused "defs unterminated" "schemas/templates/_defs/period.yaml:5:16: " "$TOOLSYNC" build --out out
expect_in "$T/err" "unterminated '\${'"

# ---- $ref fan-out: 21 files of 8 lines, each referring to the next twice ----
fresh
for i in $(seq 1 20); do
	printf 'D:\n  type: object\n  properties:\n    a: {$ref: "_defs/f%d.yaml#/D"}\n    b: {$ref: "_defs/f%d.yaml#/D"}\n  required: [a, b]\n  additionalProperties: false\n' \
		$((i + 1)) $((i + 1)) >schemas/templates/_defs/f$i.yaml
done
printf 'D:\n  type: string\n' >schemas/templates/_defs/f21.yaml
sed -i 's|_defs/period.yaml#/Period|_defs/f1.yaml#/D|' schemas/templates/controls.test-run.yaml
start=$(date +%s)
refused "ref fan-out" "schemas/templates/_defs/f[0-9]*.yaml:[0-9]*:[0-9]*: " \
	"$TOOLSYNC" build --out out
expect_in "$T/err" "references expand to more than 100000 nodes"
[ $(( $(date +%s) - start )) -lt 30 ] || fail "ref fan-out: took $(( $(date +%s) - start )) s"
[ "$(grep -c "error:" "$T/err")" -eq 1 ] || fail "ref fan-out: more than one error"

# ---- $ref cycles: a file to itself, and two files to each other ----
fresh
printf 'A:\n  type: object\n  properties:\n    x: {$ref: "_defs/a.yaml#/A"}\n' >schemas/templates/_defs/a.yaml
sed -i 's|_defs/period.yaml#/Period|_defs/a.yaml#/A|' schemas/templates/controls.test-run.yaml
refused "ref self" "schemas/templates/_defs/a.yaml:4:15: " "$TOOLSYNC" build --out out
expect_in "$T/err" "refers to itself"
printf 'A:\n  type: object\n  properties:\n    x: {$ref: "_defs/b.yaml#/B"}\n' >schemas/templates/_defs/a.yaml
printf 'B:\n  type: object\n  properties:\n    y: {$ref: "_defs/a.yaml#/A"}\n' >schemas/templates/_defs/b.yaml
refused "ref cycle" "schemas/templates/_defs/b.yaml:4:15: " "$TOOLSYNC" build --out out
expect_in "$T/err" "refers to itself"

# ---- billion laughs (YAML aliases) ----
fresh
{
	echo 'a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]'
	for i in 1 2 3 4 5 6 7 8 9; do
		printf 'a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n' \
			$i $i $((i - 1)) $((i - 1)) $((i - 1)) $((i - 1)) $((i - 1)) $((i - 1)) \
			$((i - 1)) $((i - 1)) $((i - 1)) $((i - 1))
	done
	echo 'P: {type: string, enum: *a9}'
} >schemas/templates/_defs/laughs.yaml
sed -i 's|_defs/period.yaml#/Period|_defs/laughs.yaml#/P|' schemas/templates/controls.test-run.yaml
refused "billion laughs" "schemas/templates/_defs/laughs.yaml:[0-9]*:[0-9]*: " "$TOOLSYNC" build --out out
expect_in "$T/err" "aliases expand to more than"

# ---- deep nesting, YAML and JSON ----
fresh
awk 'BEGIN { s = "tool_registry: "; for (i = 0; i < 100000; i++) s = s "["; print s }' >registry.yaml
refused "deep yaml" "registry.yaml:1:[0-9]*: " "$TOOLSYNC" build --out out
expect_in "$T/err" "nesting deeper than"
awk 'BEGIN { s = ""; for (i = 0; i < 100000; i++) s = s "[" ; print s }' >registry.json
refused "deep json" "registry.json:1:[0-9]*: " "$TOOLSYNC" build --out out --registry registry.json
expect_in "$T/err" "nesting deeper than"

# ---- BOM and CRLF: positions are still right ----
fresh
printf '\357\273\277tool_registry:\r\n  - key: rag.search\r\n    minRole: boss\r\n    standards: []\r\n' >registry.yaml
refused "bom crlf" "registry.yaml:3:14: " "$TOOLSYNC" build --out out
expect_in "$T/err" "unknown role 'boss'"
printf '\357\273\277[\r\n  {"key": "rag.search", "minRole": "boss", "standards": []}\r\n]\r\n' >registry.json
refused "bom crlf json" "registry.json:2:" "$TOOLSYNC" build --out out --registry registry.json
expect_in "$T/err" "unknown role 'boss'"
! grep -q "$(printf '\r')" "$T/err" || fail "bom crlf: a carriage return in the message"

# ---- NUL bytes and invalid UTF-8 ----
fresh
printf 'tool_registry:\n  - key: rag.search\n    minRole: vie\000wer\n    standards: []\n' >registry.yaml
refused "nul yaml" "registry.yaml:3:" "$TOOLSYNC" build --out out
printf '[{"key": "rag.se\000arch", "minRole": "viewer", "standards": []}]\n' >registry.json
refused "nul json" "registry.json:1:" "$TOOLSYNC" build --out out --registry registry.json
printf 'tool_registry:\n  - key: rag.search\n    minRole: vi\377ewer\n    standards: []\n' >registry.yaml
refused "invalid utf-8 yaml" "registry.yaml:" "$TOOLSYNC" build --out out
printf '[{"key": "rag.search", "minRole": "vi\377ewer", "standards": []}]\n' >registry.json
refused "invalid utf-8 json" "registry.json:1:" "$TOOLSYNC" build --out out --registry registry.json

# ---- a 200 MB line: refused or handled, in bounded memory ----
fresh
big=$(mktemp "${TMPDIR:-/tmp}/toolsync-bigline.XXXXXX")
{ printf 'tool_registry:\n  - key: '; head -c 200000000 /dev/zero | tr '\0' 'a'; printf '\n'; } >"$big"
mv "$big" registry.yaml
set +e
/usr/bin/time -f %M -o "$T/rss" "$TOOLSYNC" build --out out >"$T/out" 2>"$T/err"
rc=$?
set -e
rm -f registry.yaml
# memory: a small multiple of the file (the sanitizer build has its own)
case $TOOLSYNC in */san/*) ;; *)
	[ "$(tail -n 1 "$T/rss")" -lt 1500000 ] || fail "200 MB line: $(tail -n 1 "$T/rss") KB";;
esac
[ "$rc" -eq 2 ] || { head -c 2000 "$T/err"; fail "200 MB line: expected exit 2, got $rc"; }
grep -q "^toolsync: registry.yaml" "$T/err" || { head -c 2000 "$T/err"; fail "200 MB line: no location"; }
[ "$(wc -c <"$T/err")" -lt 20000 ] || fail "200 MB line: the message quotes the line"
[ "$before" = "$(tree_sum out)" ] || fail "200 MB line: the output directory changed"

# ---- the wide catalogues of docs/performance.md, small: they build ----
for kind in mapping templates allowlist; do
	sh "$TOP/tests/scale/gen.sh" "$kind" 2000 "$T/scale-$kind"
	(cd "$T/scale-$kind" && "$TOOLSYNC" build >/dev/null) || fail "scale $kind: build failed"
	rm -rf "$T/scale-$kind"
done
echo "hostile rules: ok"
