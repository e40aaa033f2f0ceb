#!/bin/sh
# tests/scale/gen.sh KIND N DIR: a catalogue in DIR that stresses one
# lookup with N entries (docs/performance.md, "Wide inputs"):
#   mapping    a _defs file that is one mapping of N keys; a template
#              $refs its last key (the YAML reader's duplicate check)
#   templates  N exact-key templates and N rows, one per template (the
#              template lookup)
#   allowlist  a standards allow-list of N entries (N even) and 1,000
#              rows citing two entries each, from its end (the allow-list check)
# No role bundles (targets: []).  Every kind builds without an error.
set -eu
kind=${1:?usage: gen.sh KIND N DIR}
n=${2:?usage: gen.sh KIND N DIR}
dir=${3:?usage: gen.sh KIND N DIR}
rm -rf "$dir"
mkdir -p "$dir/schemas/templates/_defs"
t="$dir/schemas/templates"

config() {
	cat >"$dir/toolsync.yaml" <<YAML
registry: registry.yaml
templates: schemas/templates
out: manifests
roles: [viewer, analyst]
targets: []
YAML
}

# template FILE PROPERTY-SCHEMA: a strict template with one property
template() {
	printf 'description: "Tool ${key}."\nparameters:\n  type: object\n  properties:\n    x: %s\n  required: [x]\n  additionalProperties: false\n' "$2" >"$1"
}

case $kind in
mapping)
	config
	awk -v n="$n" 'BEGIN { for (i = 0; i < n; i++) printf "k%06d: {type: string, description: \"entry %d\"}\n", i, i }' \
		>"$t/_defs/wide.yaml"
	template "$t/wide.yaml" "{\$ref: \"_defs/wide.yaml#/k$(printf %06d $((n - 1)))\"}"
	printf 'tool_registry:\n  - {key: wide, minRole: viewer, standards: []}\n' >"$dir/registry.yaml"
	;;
templates)
	config
	awk -v n="$n" -v t="$t" 'BEGIN {
		for (i = 0; i < n; i++) {
			f = sprintf("%s/t%06d.yaml", t, i)
			printf "description: \"Tool ${key}.\"\nparameters:\n  type: object\n  properties:\n    x: {type: integer}\n  required: [x]\n  additionalProperties: false\n" >f
			close(f)
		}
	}'
	awk -v n="$n" 'BEGIN { print "tool_registry:"
		for (i = n - 1; i >= 0; i--) printf "  - {key: t%06d, minRole: viewer, standards: []}\n", i }' \
		>"$dir/registry.yaml"
	;;
allowlist)
	config
	awk -v n="$n" 'BEGIN { printf "standards:\n"; for (i = 0; i < n; i++) printf "  - STD-%06d\n", i }' \
		>>"$dir/toolsync.yaml"
	template "$t/s.yaml" "{type: string}"
	printf 'match: "s.*"\n' >>"$t/s.yaml"
	awk -v n="$n" 'BEGIN { print "tool_registry:"
		for (i = 0; i < 1000; i++)
			printf "  - {key: s.t%06d, minRole: analyst, standards: [STD-%06d, STD-%06d]}\n",
				i, n - 1 - 2 * i % n, n - 2 - 2 * i % n }' >"$dir/registry.yaml"
	;;
*)
	echo "gen.sh: unknown kind '$kind' (mapping, templates, allowlist)" >&2
	exit 2
	;;
esac
