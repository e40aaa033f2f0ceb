# SPDX-License-Identifier: Apache-2.0
# t_schemas.sh: the JSON Schemas in schemas/ for editors, checked against
# every example and golden input (and refusing what toolsync refuses).
. tests/lib.sh
S=$TOP/schemas
v() { /usr/bin/python3 "$TOP/tests/schemas/validate_yaml.py" "$@"; }
templates_in() { find "$@" -name '*.yaml' ! -path '*/_defs/*' | LC_ALL=C sort; }

echo "t_schemas: examples and golden inputs"
"$TOOLSYNC" init -q "$T/init"
v "$S/toolsync.schema.json" "$TOP/toolsync.yaml" "$T/init/toolsync.yaml" \
	"$TOP"/tests/golden/diff/scenario/base/toolsync.yaml \
	"$TOP"/tests/golden/check-config/scenario/toolsync.yaml || fail "toolsync.yaml schema"
v "$S/registry.schema.json" "$TOP/registry.yaml" "$T/init/registry.yaml" \
	"$TOP"/tests/golden/diff/scenario/*/registry.yaml || fail "registry schema"
# shellcheck disable=SC2046
v "$S/template.schema.json" $(templates_in "$TOP/schemas/templates" \
	"$TOP"/tests/golden/diff/scenario/*/templates "$T/init/templates") "$TOP/tests/golden/import/get_weather.yaml" || fail "template schema"
v "$S/accept.schema.json" "$TOP/examples/toolsync-accept.yaml" || fail "accept schema"
v "$S/defs.schema.json" "$TOP"/schemas/templates/_defs/*.yaml "$T"/init/templates/_defs/*.yaml || fail "defs schema"

echo "t_schemas: the example files name their schema on line 1"
for f in toolsync.yaml registry.yaml examples/toolsync-accept.yaml schemas/templates/*.yaml \
	 schemas/templates/_defs/*.yaml; do
	head -n 1 "$TOP/$f" | grep -q '^# yaml-language-server: \$schema=' || fail "$f: no schema line"
	rel=$(head -n 1 "$TOP/$f" | sed 's/.*\$schema=//')
	[ -f "$(dirname "$TOP/$f")/$rel" ] || fail "$f: schema '$rel' does not exist"
done
# and the schema each names is the one its kind is checked against above
for f in schemas/templates/*.yaml; do
	head -n 1 "$TOP/$f" | grep -q 'schema=\.\./template\.schema\.json$' || fail "$f: not template.schema.json"
done
for f in schemas/templates/_defs/*.yaml; do
	head -n 1 "$TOP/$f" | grep -q 'schema=\.\./\.\./defs\.schema\.json$' || fail "$f: not defs.schema.json"
done

echo "t_schemas: what toolsync refuses, the schemas refuse"
printf 'registry: r.yaml\nreplica: 3\n' >"$T/c1.yaml"
printf 'roles: []\n' >"$T/c2.yaml"
printf 'registry: {file: a.yaml, postgres: "x"}\n' >"$T/c3.yaml"
for c in c1 c2 c3; do ! v "$S/toolsync.schema.json" "$T/$c.yaml" >/dev/null || fail "$c.yaml passed"; done
printf 'tool_registry:\n  - key: A.b\n    minRole: viewer\n    standards: []\n' >"$T/r1.yaml"
printf 'tool_registry:\n  - key: a\n    standards: []\n' >"$T/r2.yaml"
printf 'tool_registry:\n  - key: a\n    minRole: x\n    min_role: x\n    standards: []\n' >"$T/r3.yaml"
for r in r1 r2 r3; do ! v "$S/registry.schema.json" "$T/$r.yaml" >/dev/null || fail "$r.yaml passed"; done
printf 'description: x\nparameters: {type: object}\nstrcit: true\n' >"$T/t1.yaml"
! v "$S/template.schema.json" "$T/t1.yaml" >/dev/null || fail "a misspelt template key passed"
printf 'accept:\n  - rule: role-lowered\n' >"$T/a1.yaml"
! v "$S/accept.schema.json" "$T/a1.yaml" >/dev/null || fail "an accept entry without reason passed"
echo "t_schemas: ok"
