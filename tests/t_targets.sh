# t_targets.sh: the anthropic and gemini targets: their bundles (goldens),
# a template narrowed with 'targets:', each provider rule refusing a
# template with exit 2 at its line and nothing written, and the bundles
# type-checked against the providers' own TypeScript types.
. tests/lib.sh

G=$TOP/tests/golden/targets
mkdir -p "$T/cat"
cp -R "$G/catalogue/." "$T/cat/"
cd "$T/cat"

# 1. Every target's bundle for the admin role; the openapi form of gemini.
run "$TOOLSYNC" build
expect_rc 0 "build for every target"
for t in responses chat mcp anthropic gemini; do
	[ -f "manifests/roles/admin.$t.json" ] || fail "no admin.$t.json"
done
golden manifests/roles/admin.anthropic.json "$G/expected/admin.anthropic.json"
golden manifests/roles/admin.gemini.json "$G/expected/admin.gemini.json"
# ledger.sample has numeric bounds and leaves anthropic out ('targets:')
expect_in manifests/roles/admin.gemini.json '"name": "ledger_sample"'
expect_in manifests/roles/admin.responses.json '"name": "ledger_sample"'
expect_not_in manifests/roles/admin.anthropic.json 'ledger_sample'
# strict templates are strict for Claude too
expect_in manifests/roles/admin.anthropic.json '"strict": true'
"$TOP/tests/witness/check-bundles.sh" manifests || fail "bundles refused by the providers' types"

cp toolsync.yaml toolsync.json-schema.yaml
printf 'gemini: {parameters: openapi}\n' >>toolsync.yaml
run "$TOOLSYNC" build --out "$T/openapi"
expect_rc 0 "build with gemini.parameters: openapi"
golden "$T/openapi/roles/admin.gemini.json" "$G/expected/admin.gemini-openapi.json"
expect_in "$T/openapi/roles/admin.gemini.json" '"nullable": true'
expect_not_in "$T/openapi/roles/admin.gemini.json" '$ref'
"$TOP/tests/witness/check-bundles.sh" "$T/openapi" || fail "openapi bundles refused by @google/genai's types"
cp toolsync.json-schema.yaml toolsync.yaml

# 2. Bad input, one case per rule: exit 2, the file:line and the rule named,
#    the output unchanged.
before=$(tree_sum manifests)
# bad_template NAME YAML-PARAMETERS-BODY EXPECTED-TEXT [CONFIG-LINE]
bad_template() {
	printf 'description: Bad.\nparameters:\n%s\n' "$2" >schemas/templates/bad.yaml
	printf -- '- {key: bad, minRole: viewer}\n' >>registry.yaml
	[ -z "${4:-}" ] || printf '%s\n' "$4" >>toolsync.yaml
	run "$TOOLSYNC" build
	expect_rc 2 "$1"
	expect_in "$T/err" "schemas/templates/bad.yaml:"
	expect_in "$T/err" "$3"
	[ "$(tree_sum manifests)" = "$before" ] || fail "$1: the output changed"
	rm schemas/templates/bad.yaml
	cp "$G/catalogue/registry.yaml" registry.yaml
	cp toolsync.json-schema.yaml toolsync.yaml
}
OBJ='  type: object
  additionalProperties: false'
bad_template "anthropic: minimum" "$OBJ
  required: [n]
  properties:
    n: {type: integer, minimum: 1}" "target anthropic: parameters/properties/n: the Claude Messages API does not support 'minimum'"
bad_template "anthropic: minItems 2" "$OBJ
  required: [a]
  properties:
    a: {type: array, minItems: 2, items: {type: string}}" "'minItems' must be 0 or 1"
bad_template "anthropic: recursive schema" "$OBJ
  required: [t]
  properties:
    t: {\$ref: '#/\$defs/T'}
  \$defs:
    T:
      type: object
      additionalProperties: false
      required: [kids]
      properties:
        kids: {type: array, items: {\$ref: '#/\$defs/T'}}" "a recursive schema"
bad_template "anthropic: lookahead" "$OBJ
  required: [s]
  properties:
    s: {type: string, pattern: '^(?=a).*\$'}" "'pattern' uses lookaround"
bad_template "gemini: multipleOf" "$OBJ
  required: [n]
  properties:
    n: {type: number, multipleOf: 0.01}" "target gemini: parameters/properties/n: 'multipleOf' is not among the keywords the Gemini API supports"
bad_template "gemini openapi: number enum" "$OBJ
  required: [n]
  properties:
    n: {type: integer, enum: [1, 2]}" "string enums only" "gemini: {parameters: openapi}"
bad_template "gemini openapi: parameter name" "$OBJ
  required: [a-b]
  properties:
    a-b: {type: string}" "parameter name 'a-b' must start with a letter" "gemini: {parameters: openapi}"

# A function name Gemini refuses: reported at the registry row.
printf -- '- {key: 3d.render, minRole: viewer}\n' >>registry.yaml
cp schemas/templates/rag.search.yaml schemas/templates/3d.render.yaml
run "$TOOLSYNC" build
expect_rc 2 "a key starting with a digit, for gemini"
expect_in "$T/err" "registry.yaml:4:"
expect_in "$T/err" "target gemini: key '3d.render' gives function name '3d_render'"
[ "$(tree_sum manifests)" = "$before" ] || fail "gemini name: the output changed"
# ... which the template can leave gemini out of
printf 'targets: [responses, chat, mcp, anthropic]\n' >>schemas/templates/3d.render.yaml
run "$TOOLSYNC" build --out "$T/nogemini"
expect_rc 0 "the same key, its template without gemini"
rm schemas/templates/3d.render.yaml
cp "$G/catalogue/registry.yaml" registry.yaml

# Configuration and template errors.
printf 'description: X.\ntargets: [responses, openai]\nparameters: {type: object, properties: {}, required: [], additionalProperties: false}\n' \
	>schemas/templates/rag.search.yaml
run "$TOOLSYNC" build
expect_rc 2
expect_in "$T/err" "rag.search.yaml:2:"
expect_in "$T/err" "unknown target in 'targets'"
cp "$G/catalogue/schemas/templates/rag.search.yaml" schemas/templates/
sed -i 's/^targets:.*/targets: [responses, claude]/' toolsync.yaml
run "$TOOLSYNC" build
expect_rc 2
expect_in "$T/err" "toolsync.yaml:7:"
expect_in "$T/err" "unknown target 'claude' (responses, chat, mcp, anthropic, gemini)"
cp toolsync.json-schema.yaml toolsync.yaml
printf 'gemini: {parameters: proto}\n' >>toolsync.yaml
run "$TOOLSYNC" build
expect_rc 2
expect_in "$T/err" "'gemini.parameters' must be json-schema"
[ "$(tree_sum manifests)" = "$before" ] || fail "config errors: the output changed"
# A template cannot widen toolsync.yaml's targets, and says so; one that
# leaves every target out is told its tool is in no bundle.
cp toolsync.json-schema.yaml toolsync.yaml
sed -i 's/^targets:.*/targets: [responses]/' toolsync.yaml
run "$TOOLSYNC" build --out "$T/narrow"
expect_rc 0
expect_in "$T/err" "ledger.sample.yaml:4:"
expect_in "$T/err" "warning: target 'chat' is not in toolsync.yaml's 'targets': a template can only narrow them"
expect_not_in "$T/narrow/roles/admin.responses.json" "ledger_sample_chat"
cp toolsync.json-schema.yaml toolsync.yaml
sed -i 's/^targets: \[responses, chat, mcp, gemini\]/targets: []/' schemas/templates/ledger.sample.yaml
run "$TOOLSYNC" build --out "$T/none"
expect_rc 0
expect_in "$T/err" "'targets' leaves every target out"
[ -f "$T/none/tools/ledger.sample.json" ] || fail "targets: [] lost the manifest"
expect_not_in "$T/none/roles/admin.responses.json" "ledger_sample"
echo "targets: all checks passed"
