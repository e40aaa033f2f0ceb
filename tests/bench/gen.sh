#!/bin/sh
# tests/bench/gen.sh N DIR: a catalogue of N tools in DIR (toolsync.yaml,
# registry.yaml, the example's templates), for benchmarks and scale tests.
# Keys cycle through the example's glob templates (audit.*, fx.*,
# ledger.*); roles and standards vary.  No role bundles (targets: []):
# OpenAI allows 128 tools a request, so a catalogue this size has none.
set -eu
n=${1:?usage: gen.sh N DIR}
dir=${2:?usage: gen.sh N DIR}
top=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$dir/schemas"
rm -rf "$dir/schemas/templates"
cp -R "$top/schemas/templates" "$dir/schemas/"
cat >"$dir/toolsync.yaml" <<YAML
registry: registry.yaml
templates: schemas/templates
out: manifests
roles: [viewer, analyst, reviewer, approver, admin]
standards: [IFRS-9, IFRS-15, ISA-500, SOX-404, GDPR-30]
targets: []
YAML
awk -v n="$n" 'BEGIN {
	split("audit fx ledger", fam, " ")
	split("viewer analyst reviewer approver admin", role, " ")
	split("[] [SOX-404] [IFRS-9, IFRS-15] [GDPR-30, ISA-500] [ISA-500]", std, " ")
	std[1] = "[]"; std[2] = "[SOX-404]"; std[3] = "[IFRS-9, IFRS-15]"
	std[4] = "[GDPR-30, ISA-500]"; std[5] = "[ISA-500]"
	print "tool_registry:"
	for (i = 0; i < n; i++) {
		printf "  - key: %s.tool-%06d\n    minRole: %s\n    standards: %s\n",
			fam[i % 3 + 1], i, role[i % 5 + 1], std[i % 5 + 1]
	}
}' >"$dir/registry.yaml"
