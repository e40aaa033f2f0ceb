# t_diff.sh: toolsync diff on a scenario that fires every rule of DESIGN.md's
# table; golden files for every format; SARIF and JSON checked against
# their schemas; --fail-on, --output, the accept file, and errors.
. tests/lib.sh

G=$TOP/tests/golden/diff
S=$G/scenario
VALIDATE="/usr/bin/python3 $TOP/tests/schemas/validate.py"

# Output with the version replaced, so that goldens survive a release.
mkdir -p "$T/cat"
cp -R "$S/base/." "$T/cat/"
cd "$T/cat"
run "$TOOLSYNC" build
expect_rc 0 "build of the scenario's base"

# Nothing changed: no findings, exit 0, in every format.
run "$TOOLSYNC" diff
expect_rc 0
expect_in "$T/out" "no findings"
run "$TOOLSYNC" diff --format json --fail-on any
expect_rc 0
$VALIDATE "$TOP/schemas/report.schema.json" "$T/out" || fail "empty json report invalid"

# The change: registry rows and templates (see tests/golden/diff/scenario/change).
cp -R "$S/change/." "$T/cat/"
rm templates/gdpr.export.yaml
before=$(tree_sum manifests)

for fmt in text markdown json sarif github gitlab junit; do
	run "$TOOLSYNC" diff --format "$fmt" --fail-on none
	expect_rc 0 "diff --format $fmt --fail-on none"
	[ ! -s "$T/err" ] || { cat "$T/err"; fail "diff --format $fmt wrote to stderr"; }
	normalize "$T/out" >"$T/diff.$fmt"
	golden "$T/diff.$fmt" "$G/expected.$fmt"
done

# Every rule of DESIGN.md's table fires (and the extra strict-enabled).
for rule in tool-added tool-removed tool-renamed role-lowered role-raised \
	    standard-removed standard-added param-removed param-type-changed \
	    enum-value-removed param-became-required constraint-tightened \
	    param-added enum-value-added constraint-loosened strict-disabled \
	    description-changed strict-enabled; do
	grep -q "] $rule: " "$T/diff.text" || fail "rule $rule did not fire"
done
# Locations: template lines for schema changes, registry rows for roles,
# the committed file for a removed tool.
expect_in "$T/diff.text" "templates/ledger.reconcile.yaml:"
expect_in "$T/diff.text" "registry.yaml:6:"
expect_in "$T/diff.text" "manifests/tools/gdpr.export.json:1:1: error[breaking] tool-removed"
# A change inside a shared definition is reported at the parameter using it.
expect_in "$T/diff.text" "/tool/parameters/properties/period/properties/end/description"

# Outside witnesses: SARIF 2.1.0 (OASIS schema), JSON (our schema).
$VALIDATE "$TOP/tests/schemas/sarif-schema-2.1.0.json" "$T/diff.sarif" draft4 ||
	fail "SARIF output does not validate"
$VALIDATE "$TOP/tests/schemas/gitlab-codequality.schema.json" "$T/diff.gitlab" ||
	fail "diff gitlab report does not validate"
xmllint --noout --schema "$TOP/tests/schemas/junit.xsd" "$T/diff.junit" 2>"$T/xmllint" ||
	{ cat "$T/xmllint"; fail "diff junit report does not validate"; }
$VALIDATE "$TOP/schemas/report.schema.json" "$T/diff.json" || fail "JSON report does not validate"
/usr/bin/python3 - "$T/diff.sarif" <<'EOF' || fail "SARIF content"
import json, sys
run = json.load(open(sys.argv[1]))["runs"][0]
rules = run["tool"]["driver"]["rules"]
ids = [r["id"] for r in rules]
assert len(ids) == len(set(ids)), "duplicate rule ids"
for r in rules:
    assert r["help"]["text"] and r["shortDescription"]["text"], r["id"]
    sec = "security-severity" in r["properties"]
    assert sec == (r["properties"]["tags"][0] == "security"), r["id"]
for res in run["results"]:
    assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
    assert len(res["partialFingerprints"]["toolsyncFinding/v1"]) == 64
fps = [(r["ruleId"], r["partialFingerprints"]["toolsyncFinding/v1"]) for r in run["results"]]
assert len(fps) == len(set(fps)), "fingerprints collide"
EOF

# Nothing was written by diff.
[ "$(tree_sum manifests)" = "$before" ] || fail "diff changed the manifests"

# Who gets which tool through the role bundles: no manifest changes, but
# 'roles' reordered (analyst and reviewer swapped) with a role added, and a
# template's 'targets' narrowed.  Findings at toolsync.yaml's roles and the
# template's targets: line; a golden for every format.
B=$G/bundles
mkdir -p "$T/bun"
cp -R "$S/base/." "$T/bun/"
cd "$T/bun"
"$TOOLSYNC" keygen -W -p toolsync.pub -s "$T/bun.key" >/dev/null
run "$TOOLSYNC" build --key "$T/bun.key"
expect_rc 0 "build of the bundle scenario's base"
sed -i 's/^roles: .*/roles: [viewer, reviewer, analyst, approver, admin, auditor]/' toolsync.yaml
sed -i 's/^match: "audit\.\*"$/&\ntargets: [responses]/' templates/audit.yaml
for fmt in text markdown json sarif github gitlab junit; do
	run "$TOOLSYNC" diff --format "$fmt" --fail-on none
	expect_rc 0 "bundles: diff --format $fmt"
	normalize "$T/out" >"$T/bun.$fmt"
	golden "$T/bun.$fmt" "$B/expected.$fmt"
done
for rule in role-access-added role-access-removed target-removed; do
	grep -q "] $rule: " "$T/bun.text" || fail "rule $rule did not fire"
done
expect_in "$T/bun.text" "templates/audit.yaml:2:10: error[breaking] target-removed: 2 tools /targets/chat: "
expect_in "$T/bun.text" "toolsync.yaml:5:27: error[security] role-access-added: 3 tools /roles/analyst: "
expect_in "$T/bun.text" "toolsync.yaml:5:17: warning[breaking] role-access-removed: ledger.reconcile /roles/reviewer: "
$VALIDATE "$TOP/schemas/report.schema.json" "$T/bun.json" || fail "bundles: JSON report"
$VALIDATE "$TOP/tests/schemas/sarif-schema-2.1.0.json" "$T/bun.sarif" draft4 || fail "bundles: SARIF"
# ci without a rebuild: the findings, and the bundles are stale.
run "$TOOLSYNC" ci --fail-on none
expect_rc 0
expect_in "$T/out" "] role-access-added: "
expect_in "$T/out" "manifests/roles/analyst.chat.json:1:1: error[change] manifest-stale: "
# Widening back to every target: a note per tool and target.
sed -i '/^targets: \[responses\]$/d' templates/audit.yaml
run "$TOOLSYNC" build
expect_rc 0
sed -i 's/^match: "audit\.\*"$/&\ntargets: [responses]/' templates/audit.yaml
run "$TOOLSYNC" build
expect_rc 0
sed -i '/^targets: \[responses\]$/d' templates/audit.yaml
run "$TOOLSYNC" diff --fail-on note
expect_rc 1
expect_in "$T/out" "templates/audit.yaml:1:1: note[change] target-added: 2 tools /targets/chat: now in the chat bundles"
# A role removed: its users lose every tool they had (a tool whose min_role
# was that role has a role finding of its own instead).
sed -i 's/^roles: .*/roles: [viewer, reviewer, analyst, admin, auditor]/' toolsync.yaml
sed -i 's/minRole: approver/minRole: admin/' registry.yaml
run "$TOOLSYNC" diff --fail-on none
expect_in "$T/out" "toolsync.yaml:5:8: warning[breaking] role-access-removed: 4 tools /roles/approver: role 'approver' no longer gets the tool: it is no longer in 'roles'"
expect_in "$T/out" "role-lowered: ledger.post "
expect_not_in "$T/out" "ledger.post /roles/"
# A committed bundle that is not one (hand-written): exit 2 at its line.
printf '[\n  {"type": "function"}\n]\n' >manifests/roles/admin.chat.json
run "$TOOLSYNC" diff
expect_rc 2 "a committed bundle entry without a name"
expect_in "$T/err" "manifests/roles/admin.chat.json:2:3: error: not a role bundle: a tool without a function name"
printf '{}\n' >manifests/roles/admin.chat.json
run "$TOOLSYNC" diff
expect_rc 2 "a committed bundle that is not an array"
expect_in "$T/err" "manifests/roles/admin.chat.json:1:1: error: not a role bundle"
cd "$T/cat"

# Exit codes by --fail-on.
for case in "error 1" "none 0" "any 1" "security 1" "breaking 1" "compliance 1" \
	    "config 0" "warning 1" "change 1" "note 1"; do
	set -- $case
	run "$TOOLSYNC" diff --fail-on "$1"
	expect_rc "$2" "--fail-on $1"
done
run "$TOOLSYNC" diff
expect_rc 1 "default --fail-on error"
expect_in "$T/out" "at --fail-on error"

# --output: the report goes to the file, nothing to stdout.
run "$TOOLSYNC" diff --format json --fail-on none --output "$T/report.json"
expect_rc 0
[ ! -s "$T/out" ] || fail "--output still wrote to stdout"
normalize "$T/report.json" >"$T/report.norm"
cmp -s "$T/report.norm" "$G/expected.json" || fail "--output file differs from the json golden"
# --report: the same bytes from a run that writes two reports.
run "$TOOLSYNC" diff --fail-on none --report "json:$T/r2.json" --report text:-
expect_rc 0
cmp -s "$T/r2.json" "$T/report.json" || fail "diff --report json differs from --output"
normalize "$T/out" | cmp -s - "$G/expected.text" || fail "diff --report text:- differs from the golden"
run "$TOOLSYNC" diff --report "json:$T/r3.json" --report "json:$T/r3.json"
expect_rc 2 "diff: two reports into one file"
[ ! -e "$T/r3.json" ] || fail "diff: a refused --report was written"
run "$TOOLSYNC" diff --output "$T/no/such/dir/r.txt"
expect_rc 2 "--output into a missing directory"
expect_in "$T/err" "toolsync: error: "

# The accept file: accepted findings stay in the report and never fail;
# an entry that matches nothing is reported as accept-stale.
cat >.toolsync-accept.yaml <<'EOF'
accept:
  - rule: role-lowered
    tool: rag.search
    pointer: /min_role
    reason: "search is public since SEC-88"
  - rule: strict-disabled
    tool: ledger.reconcile
    reason: "the reconciler validates its own arguments"
  - rule: param-removed
    tool: no.such-tool
    reason: "left over"
EOF
run "$TOOLSYNC" diff --fail-on security
expect_rc 0 "security findings accepted"
normalize "$T/out" >"$T/accept.text"
golden "$T/accept.text" "$G/accept.text"
expect_in "$T/out" ".toolsync-accept.yaml:9:5: warning[config] accept-stale: no.such-tool: "
run "$TOOLSYNC" diff --fail-on config
expect_rc 1 "accept-stale is a config finding"
run "$TOOLSYNC" diff --format sarif --fail-on none
$VALIDATE "$TOP/tests/schemas/sarif-schema-2.1.0.json" "$T/out" draft4 || fail "SARIF with suppressions"
expect_in "$T/out" '"justification": "search is public since SEC-88"'
run "$TOOLSYNC" diff --format json --fail-on none
$VALIDATE "$TOP/schemas/report.schema.json" "$T/out" || fail "JSON report with accepted findings"
expect_in "$T/out" '"reason": "the reconciler validates its own arguments"'
# --accept names another file; then it must exist.
mv .toolsync-accept.yaml "$T/accept.yaml"
run "$TOOLSYNC" diff --fail-on security --accept "$T/accept.yaml"
expect_rc 0 "--accept FILE"
run "$TOOLSYNC" diff --accept "$T/missing.yaml"
expect_rc 2 "--accept of a missing file"
expect_in "$T/err" "missing.yaml"

# A bad accept file: exit 2 with file:line:col, no report.
printf 'accept:\n  - rule: role-lowered\n    tool: rag.search\n' >.toolsync-accept.yaml
run "$TOOLSYNC" diff
expect_rc 2 "accept entry without a reason"
expect_in "$T/err" ".toolsync-accept.yaml:2:5: error: accept entry for 'role-lowered' needs a 'reason'"
[ ! -s "$T/out" ] || fail "a report was printed despite a bad accept file"
printf 'accept:\n  - rule: role-lowerd\n    reason: typo\n' >.toolsync-accept.yaml
run "$TOOLSYNC" diff
expect_rc 2 "unknown rule id"
expect_in "$T/err" ".toolsync-accept.yaml:2:11: error: unknown rule 'role-lowerd'; did you mean 'role-lowered'?"
printf 'accept:\n  - rule: bogus\n    reason: typo\n' >.toolsync-accept.yaml
run "$TOOLSYNC" diff
expect_rc 2 "unknown rule id"
expect_in "$T/err" ".toolsync-accept.yaml:2:11: error: unknown rule 'bogus'"
expect_not_in "$T/err" "did you mean"
rm .toolsync-accept.yaml

# Usage and input errors: exit 2.
run "$TOOLSYNC" diff --format xml
expect_rc 2
expect_in "$T/err" "unknown format 'xml'"
run "$TOOLSYNC" diff --fail-on bogus
expect_rc 2
expect_in "$T/err" "unknown --fail-on value 'bogus'"
run "$TOOLSYNC" diff --fail-on none,error
expect_rc 2
run "$TOOLSYNC" diff --against "$T/nope"
expect_rc 2
expect_in "$T/err" "nope"
# a branch name without git: says how a revision is written
run "$TOOLSYNC" diff --against main
expect_rc 2
expect_in "$T/err" "toolsync: error: --against 'main': no such directory (a git revision is written --against git:main)"
# nothing built yet: say so
mv manifests "$T/manifests.keep"
run "$TOOLSYNC" diff
expect_rc 2
expect_in "$T/err" "toolsync: error: cannot read 'manifests': no such directory: build it first ('toolsync build'), or give --against"
mv "$T/manifests.keep" manifests
run "$TOOLSYNC" diff extra-arg
expect_rc 2
run "$TOOLSYNC" diff -h
expect_rc 0
expect_in "$T/out" "usage: toolsync diff"

# A malformed committed manifest: file:line:col, exit 2.
cp manifests/tools/audit.sample.json "$T/keep.json"
printf '{"format": "toolsync.manifest/1", "key": "audit.sample",\n  "tool": [}\n' \
	>manifests/tools/audit.sample.json
run "$TOOLSYNC" diff
expect_rc 2 "malformed committed manifest"
expect_in "$T/err" "manifests/tools/audit.sample.json:2:"
printf '{"format": "other/1", "key": "audit.sample", "tool": {}}\n' \
	>manifests/tools/audit.sample.json
run "$TOOLSYNC" diff
expect_rc 2 "not a toolsync manifest"
expect_in "$T/err" "manifests/tools/audit.sample.json:1:12: error: not a toolsync manifest"
cp "$T/keep.json" manifests/tools/audit.sample.json

# A catalogue that does not compile: exit 2, no report.
printf 'tool_registry:\n  - {key: rag.search, minRole: boss, standards: []}\n' >registry.yaml
run "$TOOLSYNC" diff
expect_rc 2 "registry error"
expect_in "$T/err" "registry.yaml:2:"
[ ! -s "$T/out" ] || fail "a report was printed for a catalogue that does not compile"
exit 0
