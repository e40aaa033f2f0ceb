# SPDX-License-Identifier: Apache-2.0
# t_import.sh: toolsync import of OpenAI (Chat, Responses), MCP and bare
# JSON Schema tools; --fix; the round trip of toolsync's own role bundles.
. tests/lib.sh
G=$TOP/tests/golden/import

new_catalogue() {   # new_catalogue DIR: roles [viewer], no rows yet
	mkdir -p "$1"
	printf 'registry: registry.yaml\ntemplates: templates\nout: manifests\nroles: [viewer, admin]\nstandards: [SOX-404]\ntargets: [responses, chat, mcp]\n' >"$1/toolsync.yaml"
}

# 1. Round trip: each of toolsync's own admin bundles (every tool), imported
#    with --role viewer, builds to the same bundle, byte for byte.
for target in responses chat mcp; do
	echo "t_import: round trip of manifests/roles/admin.$target.json"
	new_catalogue "$T/rt-$target"
	cd "$T/rt-$target"
	run "$TOOLSYNC" import --role viewer "$TOP/manifests/roles/admin.$target.json"
	expect_rc 0
	expect_in "$T/out" "added 13 rows to registry.yaml"
	run "$TOOLSYNC" build
	expect_rc 0
	for t in responses chat mcp; do
		cmp -s manifests/roles/viewer.$t.json "$TOP/manifests/roles/admin.$t.json" ||
			{ diff -u "$TOP/manifests/roles/admin.$t.json" manifests/roles/viewer.$t.json | head -30
			  fail "import of admin.$target.json: viewer.$t.json differs"; }
	done
done

# 2. A Pydantic schema: without --fix, strict mode's errors as build
#    reports them, nothing written; with --fix each change is printed, and
#    the template builds.
new_catalogue "$T/py"
cd "$T/py"
cp "$G/pydantic.json" .
run "$TOOLSYNC" import pydantic.json
expect_rc 2
golden "$T/err" "$G/pydantic.stderr"
[ ! -e templates ] && [ ! -e registry.yaml ] || fail "a failed import wrote files"
run "$TOOLSYNC" import --fix --standards SOX-404 pydantic.json
expect_rc 0
golden "$T/out" "$G/pydantic-fix.stdout"
golden templates/get_weather.yaml "$G/get_weather.yaml"
expect_in registry.yaml "minRole: admin   # placeholder"
expect_in registry.yaml "standards: [SOX-404]"
run "$TOOLSYNC" build
expect_rc 0
/usr/bin/python3 - <<'PY'
import json
p = json.load(open("manifests/tools/get_weather.json"))["tool"]["parameters"]
assert p["required"] == list(p["properties"]), p["required"]
assert p["additionalProperties"] is False
assert p["properties"]["days"]["type"] == ["integer", "null"]
assert p["properties"]["unit"]["anyOf"][1] == {"type": "null"}
assert "minLength" not in p["properties"]["city"] and "(minLength: 1)" in p["properties"]["city"]["description"]
PY

# 3. An MCP tools/list response and a Chat array, into one registry; ${
#    in a description (the tool's or a parameter's) stays literal; an
#    upper-case name gets a lower-case key.
run "$TOOLSYNC" import --role viewer "$G/mcp-tools-list.json" "$G/chat-tools.json"
expect_rc 2
expect_in "$T/err" "'maxLength' is not supported in strict mode"
run "$TOOLSYNC" import --fix --role viewer "$G/mcp-tools-list.json" "$G/chat-tools.json"
expect_rc 0
expect_in "$T/err" "tool 'Send_Mail' gets key 'send_mail'"
expect_in templates/list_dir.yaml 'List a directory; $${HOME} is not expanded.'
run "$TOOLSYNC" build
expect_rc 0
expect_in manifests/tools/list_dir.json 'List a directory; ${HOME} is not expanded.'
expect_in manifests/tools/list_dir.json '"description": "Relative to ${PWD}."'
[ -f manifests/tools/send_mail.json ] && [ -f manifests/tools/read_file.json ] || fail "MCP/Chat tools not built"

# 4. Never overwrites: a key already in the registry, a template that exists.
cp registry.yaml reg.before
run "$TOOLSYNC" import --fix "$G/mcp-tools-list.json"
expect_rc 2
expect_in "$T/err" "key 'read_file' is already in 'registry.yaml'"
cmp -s registry.yaml reg.before || fail "a refused import changed the registry"
rm -rf "$T/ow" && new_catalogue "$T/ow" && cd "$T/ow" && mkdir templates && echo mine >templates/read_file.yaml
run "$TOOLSYNC" import --fix "$G/mcp-tools-list.json"
expect_rc 2
expect_in "$T/err" "template 'templates/read_file.yaml' exists"
[ "$(cat templates/read_file.yaml)" = mine ] && [ ! -e registry.yaml ] || fail "import wrote beside an existing template"

# 5. Bad input: named file, line, column; exit 2; nothing written.
printf '{"tools": 3}\n' >bad1.json
printf '[{"type": "function", "function": {"name": "x y", "parameters": {}}}]\n' >bad2.json
printf '[1]\n' >bad3.json
printf '{"type": "function", "function": {"name": ' >bad4.json
for b in bad1 bad2 bad3 bad4; do
	run "$TOOLSYNC" import "$b.json"
	expect_rc 2
	expect_in "$T/err" "$b.json:1:"
done
expect_in "$T/err" "nothing written"
# input that reaches a message stays on its line: control bytes as \xHH
printf '{"type":"object","description":"d","properties":{"a\\nb\\u001b[31m":{"type":"string"}}}' >evil.json
run "$TOOLSYNC" import evil.json
expect_rc 2
expect_in "$T/err" "parameters/properties/a\x0ab\x1b[31m: "
run "$TOOLSYNC" import --fix --templates "$T/evil" --registry "$T/evil.yaml" evil.json
expect_rc 0
expect_in "$T/out" "fixed: parameters/properties/a\x0ab\x1b[31m: optional"
# an optional property with no type: --fix wraps it in anyOf [it, null],
# and strict mode's error still names its line (it named none)
printf '{"type": "object", "description": "d",\n "properties": {"a": {"description": "x"}}}\n' >notype.json
run "$TOOLSYNC" import --fix --templates "$T/nt" --registry "$T/nt.yaml" notype.json
expect_rc 2
expect_in "$T/err" "notype.json:2:22: error: parameters/properties/a/anyOf/0: a schema needs 'type'"
[ ! -e "$T/nt" ] && [ ! -e "$T/nt.yaml" ] || fail "a refused import wrote files"
run "$TOOLSYNC" import --role boss "$G/chat-tools.json"
expect_rc 2
expect_in "$T/err" "--role 'boss' is not a role of toolsync.yaml (roles: viewer, admin)"
[ ! -e registry.yaml ] || fail "bad input wrote the registry"
mkdir "$T/nocfg" && cd "$T/nocfg"
run "$TOOLSYNC" import --role boss "$G/chat-tools.json"
expect_rc 2
expect_in "$T/err" "--role 'boss' is not a role of the defaults (no toolsync.yaml here) (roles: viewer, analyst, reviewer, approver, admin)"
# a misspelt --role or --standards: the configuration and what it allows
new_catalogue "$T/typo" && cd "$T/typo"
run "$TOOLSYNC" import --role viewr --standards SOX404 "$G/chat-tools.json"
expect_rc 2
expect_in "$T/err" "--role 'viewr' is not a role of toolsync.yaml (roles: viewer, admin)"
expect_in "$T/err" "--standards: 'SOX404' is not in the standards of toolsync.yaml (standards: SOX-404)"
[ ! -e registry.yaml ] && [ ! -e templates ] || fail "bad --role wrote files"
# a bare schema whose title is no key: says how to name it
printf '{"title": "Lookup Invoice", "description": "d", "type": "object", "properties": {}, "additionalProperties": false}' >title.json
run "$TOOLSYNC" import --role viewer title.json
expect_rc 2
expect_in "$T/err" "title.json:1:1: error: tool name 'Lookup Invoice' gives no registry key: a key is [a-z0-9][a-z0-9._-]*, at most 64 characters (a bare JSON Schema's name is its title, else the file name: give another with --name NAME)"
run "$TOOLSYNC" import --role viewer --name lookup_invoice title.json
expect_rc 0
expect_in registry.yaml "key: lookup_invoice"

# 6. What build would refuse in the template and row is refused here, at
#    the tool's line, with nothing written (import wrote templates that
#    build then refused): no description (absent, or empty), a schema or
#    function name an enabled target does not take; each builds once fixed.
rm -rf "$T/ab" && new_catalogue "$T/ab" && cd "$T/ab"
sed -i 's/^targets: .*/targets: [responses, anthropic, gemini]\ngemini: {parameters: openapi}/' toolsync.yaml
strict='"additionalProperties": false}, "strict": true'
printf '[{"type": "function", "name": "nodesc", "parameters": {"type": "object", "properties": {}, %s}]\n' "$strict" >nodesc.json
printf '{"tools": [{"name": "empty", "description": "", "inputSchema": {"type": "object", "properties": {}, "additionalProperties": false}}]}\n' >empty.json
printf '[{"type": "function", "name": "t1", "description": "d",\n  "parameters": {"type": "object", "properties": {"n": {"type": "integer", "minimum": 1}, "e": {"enum": [1, 2]}}, "required": ["n", "e"], %s}]\n' "$strict" >target.json
printf '[{"type": "function", "name": "9t", "description": "d", "parameters": {"type": "object", "properties": {}, %s}]\n' "$strict" >name.json
for f in nodesc empty target name; do
	run "$TOOLSYNC" import --role viewer "$f.json"
	expect_rc 2
	[ ! -e templates ] && [ ! -e registry.yaml ] || fail "import of $f.json wrote files build refuses"
done
run "$TOOLSYNC" import --role viewer nodesc.json
expect_in "$T/err" "nodesc.json:1:2: error: tool 'nodesc' has no description: a template needs one"
run "$TOOLSYNC" import --role viewer empty.json
expect_in "$T/err" "empty.json:1:12: error: tool 'empty' has no description"
run "$TOOLSYNC" import --role viewer target.json
expect_in "$T/err" "target.json:2:87: error: target anthropic: parameters/properties/n: the Claude Messages API does not support 'minimum'"
expect_in "$T/err" "target.json:2:106: error: target gemini: parameters/properties/e: the OpenAPI 'parameters' form takes string enums only"
run "$TOOLSYNC" import --role viewer name.json
expect_in "$T/err" "name.json:1:2: error: target gemini: key '9t' gives function name '9t': a Gemini function name must start with a letter or an underscore"
expect_not_in "$T/err" "--fix makes a schema strict"   # the hint only where strict mode failed
# a local $ref with keys beside it is inlined by build, strict or not: it
# must name an object (strict mode's check of a $ref covers strict tools)
loose='"additionalProperties": false}, "strict": false'
printf '[{"type": "function", "name": "refs", "description": "d", "parameters": {"type": "object", "properties": {"a": {"$ref": "#/$defs/none", "description": "x"}, "b": {"$ref": "#/properties/a/description", "description": "y"}}, "required": ["a", "b"], "$defs": {}, %s}]\n' "$loose" >refs.json
printf '[{"type": "function", "name": "rootref", "description": "d", "parameters": {"$ref": "#/$defs/p", "type": "object", "properties": {}, "$defs": {"p": {"type": "object"}}, %s}]\n' "$loose" >rootref.json
run "$TOOLSYNC" import --role viewer refs.json
expect_rc 2
expect_in "$T/err" "refs.json:1:121: error: \$ref '#/\$defs/none' has other keys beside it, so it is inlined, but it points at nothing"
expect_in "$T/err" "refs.json:1:172: error: \$ref '#/properties/a/description' has other keys beside it, so it is inlined, but it is not an object"
run "$TOOLSYNC" import --role viewer rootref.json
expect_rc 2
expect_in "$T/err" "rootref.json:1:85: error: the parameters schema is a \$ref ('#/\$defs/p') with other keys beside it"
[ ! -e templates ] && [ ! -e registry.yaml ] || fail "import of a \$ref build refuses wrote files"
sed -i 's/"minimum": 1/"description": "n"/; s/"enum": \[1, 2\]/"enum": ["1", "2"]/' target.json
sed -i 's/"nodesc", /"nodesc", "description": "d", /' nodesc.json
run "$TOOLSYNC" import --role viewer target.json nodesc.json
expect_rc 0
run "$TOOLSYNC" build
expect_rc 0
# a key whose function name a registry key gives already ('.' becomes '_')
printf '  - {key: x.y, minRole: viewer, standards: []}\n' >>registry.yaml
cp registry.yaml reg.before
printf '[{"type": "function", "name": "X_y", "description": "d", "parameters": {"type": "object", "properties": {}, %s}]\n' "$strict" >fn.json
run "$TOOLSYNC" import --role viewer fn.json
expect_rc 2
expect_in "$T/err" "fn.json:1:2: error: key 'x_y' gives function name 'x_y', which key 'x.y' already gives"
cmp -s registry.yaml reg.before && [ ! -e templates/x_y.yaml ] || fail "import of fn.json wrote files build refuses"

# 7. A write that fails (a full disk, an I/O error on the registry's
#    rename) leaves nothing: the templates written are removed, and so are
#    the directories made for them.
rm -rf "$T/fw" && new_catalogue "$T/fw" && cd "$T/fw"
for spec in write:1:ENOSPC write:2:ENOSPC rename:1:EIO; do
	TOOLSYNC_FAULT=$spec run "$TOOLSYNC" import --role viewer --templates t/a "$TOP/manifests/roles/admin.responses.json"
	expect_rc 2
	expect_in "$T/err" "nothing written"
	[ ! -e t ] && [ ! -e registry.yaml ] || { find t; fail "a failed import ($spec) left files or directories"; }
done
echo "t_import: ok"
