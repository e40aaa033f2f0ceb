# t_numbers.sh: numbers through build, in both formats, against an
# independent canonicaliser (node's JSON.parse and Number::toString).
. tests/lib.sh

example_copy
cd "$T/cat"
rm -f manifests/index.json.minisig
cat >>registry.yaml <<'EOF'
  - key: calc.limits
    minRole: viewer
    standards: []
EOF
cat >schemas/templates/calc.limits.yaml <<'EOF'
description: Numbers in every form (${key}).
parameters:
  type: object
  properties:
    x:
      type: number
      enum: [0.1, 0.30000000000000004, 5e-324, 2.2250738585072014e-308,
             7.120236347223045e-307, 1.7976931348623157e308, 1e21, 1e-7,
             0.000001, 9007199254740993.0, 1152921504606846976,
             1152921504606847000, 100000000000000000000000, -0.0, 0x1F, 4.35]
  required: [x]
  additionalProperties: false
EOF

# 1. Written as ECMAScript writes them, the same in the indented and the
#    RFC 8785 form.
run "$TOOLSYNC" build --out "$T/pretty"
expect_rc 0
run "$TOOLSYNC" build --canonical --out "$T/canon"
expect_rc 0
want='[0.1,0.30000000000000004,5e-324,2.2250738585072014e-308,7.120236347223045e-307,1.7976931348623157e+308,1e+21,1e-7,0.000001,9007199254740992,1152921504606847000,1152921504606847000,1e+23,0,31,4.35]'
expect_in "$T/canon/tools/calc.limits.json" "\"enum\":$want"
tr -d ' \n' <"$T/pretty/tools/calc.limits.json" >"$T/flat"
expect_in "$T/flat" "\"enum\":$want"

# 2. An independent canonicaliser agrees with --canonical and with every
#    jcs_blake2b in the index: node reads the indented files and writes
#    RFC 8785 with JSON.stringify (its numbers are V8's Number::toString).
if command -v node >/dev/null 2>&1; then
	node - "$T/pretty" "$T/node" <<'JS'
const fs = require("fs"), path = require("path");
const [pretty, out] = process.argv.slice(2);
function jcs(v) {
	if (v === null || typeof v !== "object") return JSON.stringify(v);
	if (Array.isArray(v)) return "[" + v.map(jcs).join(",") + "]";
	return "{" + Object.keys(v).sort().map(k => JSON.stringify(k) + ":" + jcs(v[k])).join(",") + "}";
}
for (const f of JSON.parse(fs.readFileSync(path.join(pretty, "index.json"), "utf8")).files) {
	if (!f.jcs_blake2b) continue;
	fs.mkdirSync(path.dirname(path.join(out, f.path)), { recursive: true });
	fs.writeFileSync(path.join(out, f.path), jcs(JSON.parse(fs.readFileSync(path.join(pretty, f.path), "utf8"))));
}
JS
	/usr/bin/python3 - "$T/pretty" "$T/node" "$T/canon" <<'PY'
import json, os, subprocess, sys
pretty, node, canon = sys.argv[1:]
files = [f for f in json.load(open(os.path.join(pretty, "index.json")))["files"] if "jcs_blake2b" in f]
assert len(files) > 10, files
for f in files:
    theirs = open(os.path.join(node, f["path"]), "rb").read()
    assert theirs == open(os.path.join(canon, f["path"]), "rb").read(), f["path"]
    out = subprocess.run(["b2sum", "-l", "256", os.path.join(node, f["path"])],
                         capture_output=True, text=True, check=True).stdout
    assert out.split()[0] == f["jcs_blake2b"], f["path"]
PY
else
	echo "node not found: the independent canonicaliser is skipped"
fi

# 3. One rule in both readers: a literal the YAML template reader refuses
#    (with file:line:col), the JSON registry reader refuses with the same
#    message.
cp schemas/templates/calc.limits.yaml "$T/good.yaml"
printf 'registry: registry.json\ntemplates: schemas/templates\nroles: [viewer]\nstandards: []\ntargets: []\n' >"$T/json.yaml"
for lit in 1e-400 -1e400 9007199254740993; do
	sed "s/enum: \[0.1,/enum: [$lit,/" "$T/good.yaml" >schemas/templates/calc.limits.yaml
	run "$TOOLSYNC" build --out "$T/bad"
	expect_rc 2 "template with $lit"
	expect_in "$T/err" "calc.limits.yaml:7:14: error:"
	expect_in "$T/err" "'$lit'"
	[ ! -e "$T/bad" ] || fail "a refused build wrote $T/bad"
	msg=$(sed -n 's/.*calc.limits.yaml:7:14: error: //p' "$T/err")

	cp "$T/good.yaml" schemas/templates/calc.limits.yaml
	printf '{"tool_registry": [\n  {"key": "calc.limits", "minRole": "viewer", "standards": [], "x": %s}]}\n' \
		"$lit" >"$T/registry.json"
	cp "$T/json.yaml" "$T/registry.json" .
	run "$TOOLSYNC" build -c json.yaml --out "$T/bad"
	expect_rc 2 "registry.json with $lit"
	expect_in "$T/err" "registry.json:2:69: error: $msg"
	[ ! -e "$T/bad" ] || fail "a refused build wrote $T/bad"
done
