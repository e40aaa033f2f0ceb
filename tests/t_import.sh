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
printf '{"type":"object","properties":{"a\\nb\\u001b[31m":{"type":"string"}}}' >evil.json
run "$TOOLSYNC" import evil.json
expect_rc 2
expect_in "$T/err" "parameters/properties/a\x0ab\x1b[31m: "
run "$TOOLSYNC" import --fix --templates "$T/evil" --registry "$T/evil.yaml" evil.json
expect_rc 0
expect_in "$T/out" "fixed: parameters/properties/a\x0ab\x1b[31m: optional"
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
printf '{"title": "Lookup Invoice", "type": "object", "properties": {}, "additionalProperties": false}' >title.json
run "$TOOLSYNC" import --role viewer title.json
expect_rc 2
expect_in "$T/err" "title.json:1:1: error: tool name 'Lookup Invoice' gives no registry key: a key is [a-z0-9][a-z0-9._-]*, at most 64 characters (a bare JSON Schema's name is its title, else the file name: give another with --name NAME)"
run "$TOOLSYNC" import --role viewer --name lookup_invoice title.json
expect_rc 0
expect_in registry.yaml "key: lookup_invoice"
echo "t_import: ok"
