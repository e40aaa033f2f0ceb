# t_gate.sh: the pull-request gate: ci and diff --against git:REV in a
# throwaway repository (base signed, pull request unsigned), the signing
# model (--require-signature), grouped findings in every format, the report
# limits on a 20,000-tool catalogue, and the GitHub Action's steps
# (scripts/action.sh) run locally.
. tests/lib.sh

G=$TOP/tests/golden/gate
S=$TOP/tests/golden/diff/scenario
VALIDATE="/usr/bin/python3 $TOP/tests/schemas/validate.py"
for v in $(env | sed -n 's/^\(OPENAI_[A-Z_]*\|GITHUB_[A-Z_]*\|CI_[A-Z_]*\)=.*/\1/p'); do
	unset "$v"
done
export OPENAI_DEBUG_LOGGING=true OPENAI_REQUEST_TAGS=service:toolsync,env:ci,workload:test
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.com GIT_COMMITTER_NAME=t \
	GIT_COMMITTER_EMAIL=t@example.com GIT_CONFIG_NOSYSTEM=1 HOME="$T"
git config --global init.defaultBranch main
git config --global advice.detachedHead false

# --- a repository whose catalogue lives in cat/ --------------------------
R=$T/repo
mkdir -p "$R/cat"
cp -R "$S/base/." "$R/cat/"
cd "$R"
git init -q .
cd cat
"$TOOLSYNC" keygen -W -p toolsync.pub -s "$T/team.key" >/dev/null
run "$TOOLSYNC" build --key "$T/team.key"
expect_rc 0 "signed build of the base"
git add -A && git commit -qm base
# The release job's check: a valid signature is required, and there is one.
run "$TOOLSYNC" ci --require-signature
expect_rc 0 "ci --require-signature on the signed base"

# The pull request: a role lowered and a parameter removed, rebuilt
# without the key (the developer has none) and committed.
sed 's/key: ledger.reconcile, minRole: analyst/key: ledger.reconcile, minRole: viewer/' \
	registry.yaml >"$T/r" && cat "$T/r" >registry.yaml
/usr/bin/python3 - templates/ledger.reconcile.yaml <<'PY'
import sys
p = sys.argv[1]
s = open(p).read()
s = s.replace('    memo:\n      type: ["string", "null"]\n      description: Free text.\n', '')
open(p, "w").write(s.replace("tolerance, memo]", "tolerance]"))
PY
run "$TOOLSYNC" build
expect_rc 0 "unsigned build of the pull request"
expect_in "$T/out" "index.json not signed"
[ ! -e manifests/index.json.minisig ] || fail "the stale signature was kept"
git add -A && git commit -qm "pull request"

# Against the base: exactly the two findings, no manifest-stale, exit 1.
run "$TOOLSYNC" ci --against git:HEAD~1
expect_rc 1 "ci --against git:HEAD~1"
grep -c '^[^ ].*: \(error\|warning\|note\)\[' "$T/out" >"$T/n" || true
[ "$(cat "$T/n")" = 2 ] || { cat "$T/out"; fail "expected exactly two findings"; }
expect_in "$T/out" "registry.yaml:2:38: error[security] role-lowered: ledger.reconcile /min_role: min_role lowered from 'analyst' to 'viewer'"
expect_in "$T/out" "templates/ledger.reconcile.yaml:5:5: error[breaking] param-removed: ledger.reconcile /tool/parameters/properties/memo: parameter 'memo' removed"
expect_in "$T/out" "2 findings: 2 errors, 0 warnings, 0 notes, 0 accepted; 2 at --fail-on error"
expect_not_in "$T/out" "manifest-stale"
expect_not_in "$T/out" "signature"
# Without --against the pull request's own manifests are the base: it
# passes, unsigned (its files match the index).
run "$TOOLSYNC" ci
expect_rc 0 "unsigned manifests equal to the build pass ci"
expect_in "$T/out" "no findings"
# The release job requires the signature: unsigned fails.
run "$TOOLSYNC" ci --require-signature
expect_rc 1 "unsigned manifests with --require-signature"
expect_in "$T/out" "manifests/index.json.minisig:1:1: error[security] signature-missing: "
# The release job signs with the team key: then it passes.
cp -R manifests "$T/pr-manifests"
run env TOOLSYNC_SECRET_KEY="$(cat "$T/team.key")" "$TOOLSYNC" build
expect_rc 0
run "$TOOLSYNC" ci --require-signature
expect_rc 0 "signed by the release job"
run "$TOOLSYNC" verify
expect_rc 0
# A pull request cannot forge it: another key's signature fails even
# without --require-signature.
"$TOOLSYNC" keygen -W -p "$T/evil.pub" -s "$T/evil.key" >/dev/null
run "$TOOLSYNC" build --key "$T/evil.key"
run "$TOOLSYNC" ci
expect_rc 1 "a signature by another key"
expect_in "$T/out" "signature-invalid"
rm -rf manifests && cp -R "$T/pr-manifests" manifests
git status --porcelain >"$T/st"
[ ! -s "$T/st" ] || { cat "$T/st"; fail "the work tree differs from the pull request"; }

# --require-signature without a configured key is an error.
run "$TOOLSYNC" ci --require-signature -c "$T/nokey.yaml"
expect_rc 2

# REV as a branch, a tag, a SHA; diff too; from the repository's top with -c.
git branch base-branch HEAD~1
git tag v1 HEAD~1
sha=$(git rev-parse HEAD~1)
for rev in base-branch v1 "$sha" HEAD~1; do
	run "$TOOLSYNC" diff --against "git:$rev"
	expect_rc 1 "diff --against git:$rev"
	expect_in "$T/out" "2 findings: 2 errors"
done
(cd "$R" && "$TOOLSYNC" diff -c cat/toolsync.yaml --against git:base-branch) >"$T/top.out" 2>&1 ||
	true
expect_in "$T/top.out" "cat/registry.yaml:2:38: error[security] role-lowered"
run "$TOOLSYNC" diff --against git:HEAD
expect_rc 0 "nothing changed since HEAD"
# The work tree was not touched by reading the base (no checkout).
git status --porcelain >"$T/st"
[ ! -s "$T/st" ] || { cat "$T/st"; fail "reading git:REV changed the work tree"; }

# The pull request forgets to rebuild: manifest-stale, on top of the review.
sed 's/tolerance up to/tolerance up to/; s/Differences up to this amount are not flagged./Differences below this amount are not flagged./' \
	templates/ledger.reconcile.yaml >"$T/t" && cat "$T/t" >templates/ledger.reconcile.yaml
run "$TOOLSYNC" ci --against git:HEAD~1
expect_rc 1
expect_in "$T/out" "manifests/tools/ledger.reconcile.json:1:1: error[change] manifest-stale: "
expect_in "$T/out" "error[security] role-lowered: "
expect_in "$T/out" "description-changed"
git checkout -q -- templates
# A committed manifest the build no longer produces, or one it produces
# that was not committed: stale as well.
cp manifests/tools/audit.sample.json manifests/tools/audit.extra.json
rm manifests/tools/rag.search.json
run "$TOOLSYNC" ci --against git:HEAD~1
expect_in "$T/out" "manifests/tools/audit.extra.json:1:1: error[change] manifest-stale: "
expect_in "$T/out" "manifests/tools/rag.search.json:1:1: error[change] manifest-stale: "
git checkout -q -- manifests && rm -f manifests/tools/audit.extra.json

# Errors: exit 2 with a hint; nothing written.
run "$TOOLSYNC" ci --against git:no-such-branch
expect_rc 2
expect_in "$T/err" "no such revision; hint: a branch of the remote is git:origin/no-such-branch, after 'git fetch origin +refs/heads/no-such-branch:refs/remotes/origin/no-such-branch'"
run "$TOOLSYNC" ci --against git:--output=/tmp/x
expect_rc 2
expect_in "$T/err" "is not a revision name"
run "$TOOLSYNC" diff --against "git:"
expect_rc 2
git -C "$R" branch base HEAD~1
git clone -q --depth 1 "file://$R" "$T/shallow"
cd "$T/shallow/cat"
run "$TOOLSYNC" ci --against git:HEAD~1
expect_rc 2 "a shallow clone without the base"
expect_in "$T/err" "shallow clone; hint: deepen it ('git fetch --deepen=50', or 'fetch-depth: 0' in actions/checkout)"
# A branch of the remote that a single-branch clone did not fetch: the
# hint is a command that makes it readable.
run "$TOOLSYNC" ci --against git:origin/base
expect_rc 2 "a shallow clone without origin/base"
expect_in "$T/err" "no such revision in this shallow clone; hint: fetch it ('git fetch --depth=1 origin +refs/heads/base:refs/remotes/origin/base')"
hint=$(sed -n "s/.*hint: fetch it ('\(git fetch [^']*\)').*/\1/p" "$T/err")
$hint -q || fail "the hint '$hint' failed"
run "$TOOLSYNC" ci --against git:origin/base
[ "$rc" -ne 2 ] || fail "ci --against git:origin/base after the hint: $(cat "$T/err")"
expect_in "$T/out" "role-lowered"
git -C "$R" branch -D -q base
mkdir -p "$T/norepo" && cp -R "$R/cat/." "$T/norepo/"
cd "$T/norepo"
run "$TOOLSYNC" ci --against git:HEAD~1
expect_rc 2 "not a repository"
expect_in "$T/err" "is not inside a git work tree"
run "$TOOLSYNC" ci --against git:HEAD~1 --format sarif
expect_rc 2
expect_in "$T/out" '"ruleId": "input-error"'
# The output directory did not exist at REV.
cd "$R/cat"
git checkout -q -b first "$(git rev-list --max-parents=0 HEAD)"
mkdir -p "$T/empty" && cp toolsync.yaml registry.yaml "$T/empty/" && cp -R templates "$T/empty/"
cd "$T/empty" && git init -q . && git add -A && git commit -qm "no manifests yet"
run "$TOOLSYNC" diff --against git:HEAD
expect_rc 2
expect_in "$T/err" "'manifests' holds no files at that revision"
cd "$R/cat" && git checkout -q main

# --- grouped findings: one template line, several tools -----------------
GR=$T/group
mkdir -p "$GR/catalog/templates"
cd "$GR"
cat >catalog/toolsync.yaml <<'YAML'
registry: registry.yaml
templates: templates
out: manifests
roles: [viewer, analyst, admin]
targets: [responses]
debug: {required_tags: [service, env, workload], retention_days: 30}
YAML
{
	echo "tool_registry:"
	for k in a b c d e f g; do echo "  - {key: pay.$k, minRole: analyst, standards: []}"; done
} >catalog/registry.yaml
cat >catalog/templates/pay.yaml <<'YAML'
match: "pay.*"
description: "Pay with ${key}."
parameters:
  type: object
  properties:
    amount: {type: number, description: The amount.}
    currency: {type: string, enum: [EUR, USD, GBP], description: ISO 4217 code.}
    memo: {type: ["string", "null"], description: Free text.}
  required: [amount, currency, memo]
  additionalProperties: false
strict: true
YAML
cd catalog
"$TOOLSYNC" keygen -W -p toolsync.pub -s "$T/grp.key" >/dev/null
run "$TOOLSYNC" build
expect_rc 0
git init -q "$GR" && git add -A && git commit -qm base
cat >templates/pay.yaml <<'YAML'
match: "pay.*"
description: "Pay with ${key}."
parameters:
  type: object
  properties:
    amount: {type: number, description: The amount.}
    currency: {type: string, enum: [EUR, USD], description: ISO 4217 code.}
    reference: {type: ["string", "null"], description: Payment reference.}
  required: [amount, currency, reference]
  additionalProperties: false
strict: true
YAML
sed 's/key: pay.g, minRole: analyst/key: pay.g, minRole: viewer/' registry.yaml >"$T/r" &&
	cat "$T/r" >registry.yaml
printf 'accept:\n  - rule: param-added\n    reason: "references are optional (PAY-7)"\n' \
	>.toolsync-accept.yaml
# The forge's variables: markdown links each source line.
export GITHUB_SERVER_URL=https://github.com GITHUB_REPOSITORY=acme/tools \
	GITHUB_SHA=0123456789abcdef GITHUB_WORKSPACE="$GR"
for fmt in text markdown json sarif github gitlab junit; do
	run "$TOOLSYNC" diff --against git:HEAD --format "$fmt"
	expect_rc 1 "grouped diff --format $fmt"
	normalize "$T/out" >"$T/group.$fmt"
	golden "$T/group.$fmt" "$G/group.$fmt"
done
unset GITHUB_SERVER_URL GITHUB_REPOSITORY GITHUB_SHA GITHUB_WORKSPACE
expect_in "$T/group.text" "templates/pay.yaml:6:5: error[breaking] param-removed: 7 tools /tool/parameters/properties/memo: parameter 'memo' removed"
expect_in "$T/group.text" "    tools: pay.a, pay.b, pay.c, pay.d, pay.e and 2 more"
expect_in "$T/group.markdown" "| **yes** | error | breaking | \`param-removed\` | **7 tools**: \`pay.a\`"
expect_in "$T/group.markdown" "[\`templates/pay.yaml:6:5\`](https://github.com/acme/tools/blob/0123456789abcdef/catalog/templates/pay.yaml#L6)"
# errors first, then warnings, then notes; accepted last
sed -n 's/^[^ ]*: \(error\|warning\|note\)\[.*/\1/p' "$T/group.text" | uniq >"$T/order"
printf 'error\nnote\n' | cmp -s - "$T/order" || { cat "$T/order"; fail "severity order"; }
/usr/bin/python3 - "$T/group.json" <<'PY' || fail "JSON groups"
import json, sys
d = json.load(open(sys.argv[1]))
assert len(d["findings"]) == 22, len(d["findings"])
g = {x["rule"]: x for x in d["groups"]}
assert g["param-removed"]["count"] == 7 and len(g["param-removed"]["tools"]) == 7
assert g["param-added"]["accepted"] and not g["param-added"]["fails"]
assert g["role-lowered"]["tools"] == ["pay.g"]
assert d["summary"]["groups"] == len(d["groups"]) == 4
PY
$VALIDATE "$TOP/schemas/report.schema.json" "$T/group.json" || fail "grouped JSON invalid"
$VALIDATE "$TOP/tests/schemas/sarif-schema-2.1.0.json" "$T/group.sarif" draft4 ||
	fail "grouped SARIF invalid"
$VALIDATE "$TOP/tests/schemas/gitlab-codequality.schema.json" "$T/group.gitlab" ||
	fail "gitlab report invalid"
/usr/bin/python3 -c 'import json,sys; f=[i["fingerprint"] for i in json.load(open(sys.argv[1]))]; sys.exit(len(f) != len(set(f)))' \
	"$T/group.gitlab" || fail "gitlab fingerprints are not unique"
xmllint --noout --schema "$TOP/tests/schemas/junit.xsd" "$T/group.junit" 2>"$T/xmllint" ||
	{ cat "$T/xmllint"; fail "junit report invalid"; }
expect_in "$T/group.junit" '<testsuite name="toolsync diff" tests="4" failures="3" errors="0" skipped="1">'

# --- the GitHub Action's steps, locally ---------------------------------
# origin holds the base as main; the pull request is checked out.
git clone -q --bare "$R" "$T/origin.git"
git -C "$T/origin.git" update-ref refs/heads/main "$(git -C "$R" rev-parse main~1)"
git clone -q -b main "$R" "$T/work"
git -C "$T/work" remote set-url origin "$T/origin.git"
cd "$T/work/cat"
echo "# earlier step" >"$T/summary.md"
# A wrapper that logs every toolsync run: the action runs ci once.
printf '#!/bin/sh\necho "$1" >>"%s/ts.log"\nexec "%s" "$@"\n' "$T" "$TOOLSYNC" >"$T/ts-wrap"
chmod +x "$T/ts-wrap"
run env TOOLSYNC="$T/ts-wrap" GITHUB_BASE_REF=main GITHUB_STEP_SUMMARY="$T/summary.md" \
	GITHUB_OUTPUT="$T/gh-output" sh "$TOP/scripts/action.sh" run
expect_rc 1 "the action on the pull request"
[ "$(cat "$T/ts.log")" = ci ] || fail "the action ran: $(cat "$T/ts.log")"
[ "$(head -n 1 "$T/summary.md")" = "# earlier step" ] || fail "the step summary was not appended to"
expect_not_in "$T/err" "toolsync: error"
[ "$(git -C "$T/work" rev-parse origin/main)" = "$(git -C "$R" rev-parse main~1)" ] ||
	fail "the action did not fetch the base"
expect_in "$T/out" "::error file=registry.yaml,line=2,col=38,title=role-lowered::"
expect_in "$T/out" "::error file=templates/ledger.reconcile.yaml,line=5,col=5,title=param-removed::"
expect_in "$T/out" "toolsync ci: 2 findings: 2 errors"
expect_in "$T/summary.md" "**Failed**: 2 findings"
expect_in "$T/gh-output" "exit-code=1"
$VALIDATE "$TOP/tests/schemas/sarif-schema-2.1.0.json" toolsync.sarif draft4 ||
	fail "the action's SARIF is invalid"
expect_in toolsync.sarif '"ruleId": "role-lowered"'
# The same reports as separate runs of each format.
"$TOOLSYNC" ci -c toolsync.yaml --against git:origin/main --format sarif --output "$T/sep.sarif" || :
cmp -s toolsync.sarif "$T/sep.sarif" || fail "the action's SARIF differs from ci --format sarif"
"$TOOLSYNC" ci -c toolsync.yaml --against git:origin/main --format markdown >"$T/sep.md" || :
tail -n +2 "$T/summary.md" | cmp -s - "$T/sep.md" || fail "the step summary differs from ci --format markdown"
rm -f toolsync.sarif
# On a push (no base): the committed manifests, which pass.
rm -f "$T/ts.log"
run env TOOLSYNC="$T/ts-wrap" INPUT_SARIF= GITHUB_STEP_SUMMARY="$T/summary.md" \
	sh "$TOP/scripts/action.sh" run
expect_rc 0 "the action on a push"
[ ! -e toolsync.sarif ] || fail "INPUT_SARIF= still wrote SARIF"
[ "$(cat "$T/ts.log")" = ci ] || fail "the action on a push ran: $(cat "$T/ts.log")"
# A report the action cannot write: exit 2, named, and still the exit-code output.
mkdir -p "$T/sarif-dir"
run env TOOLSYNC="$TOOLSYNC" INPUT_SARIF="$T/sarif-dir" GITHUB_OUTPUT="$T/gh-output2" \
	sh "$TOP/scripts/action.sh" run
expect_rc 2 "the action with a SARIF path that is a directory"
expect_in "$T/err" "sarif-dir"
expect_in "$T/gh-output2" "exit-code=2"
# A toolsync.sarif the pull request commits as a link to a file of the
# runner: the action writes its own file, never through the link.
printf 'runner file\n' >"$T/runner-file"
ln -s "$T/runner-file" toolsync.sarif
rm -f "$T/ts.log"
run env TOOLSYNC="$T/ts-wrap" GITHUB_STEP_SUMMARY="$T/summary.md" sh "$TOP/scripts/action.sh" run
expect_rc 0 "the action with a linked toolsync.sarif"
expect_in "$T/err" "'toolsync.sarif' is a symbolic link (committed?): removed, not written through"
[ "$(cat "$T/runner-file")" = "runner file" ] || fail "the action wrote SARIF through a link"
[ -f toolsync.sarif ] && [ ! -L toolsync.sarif ] || fail "the action wrote no SARIF of its own"
[ "$(cat "$T/ts.log")" = ci ] || fail "the action with a linked toolsync.sarif ran: $(cat "$T/ts.log")"
rm -f toolsync.sarif

# --- 20,000 tools, one template change ----------------------------------
B=$T/big
sh "$TOP/tests/bench/gen.sh" 20000 "$B" >/dev/null
cd "$B"
printf 'debug: {required_tags: [service, env, workload], retention_days: 30}\n' >>toolsync.yaml
run "$TOOLSYNC" build
expect_rc 0
# (no automatic gc: a detached one would still be writing .git when the test ends)
git init -q . && git config gc.auto 0 && git add -A && git commit -qm base
sed 's/      maxItems: 200/      maxItems: 100/' schemas/templates/ledger.yaml >"$T/l" &&
	cat "$T/l" >schemas/templates/ledger.yaml
run "$TOOLSYNC" diff --against git:HEAD --format markdown
expect_rc 1
size=$(wc -c <"$T/out")
[ "$size" -le 65536 ] || fail "markdown of $size bytes"
expect_in "$T/out" "**6666 tools**: \`ledger.tool-000002\`"
expect_in "$T/out" "6666 findings (1 entry)"
run "$TOOLSYNC" diff --against git:HEAD --format github
expect_rc 1
for level in error warning notice; do
	n=$(grep -c "^::$level " "$T/out" || true)
	[ "$n" -le 10 ] || fail "$n $level annotations"
done
[ "$(grep -cv '^::' "$T/out")" = 1 ] || fail "more than one summary line"
expect_in "$T/out" "6666 tools (ledger.tool-000002, "
run "$TOOLSYNC" diff --against git:HEAD --format json
expect_rc 1
/usr/bin/python3 - "$T/out" <<'PY' || fail "JSON names every affected tool"
import json, sys
d = json.load(open(sys.argv[1]))
tools = d["groups"][0]["tools"]
want = ["ledger.tool-%06d" % i for i in range(20000) if i % 3 == 2]
assert tools == want, (len(tools), len(want))
assert len(d["findings"]) == 6666
PY
# Without a rebuild ci also reports every stale manifest: still within the limits.
run "$TOOLSYNC" ci --against git:HEAD --format markdown
expect_rc 1
size=$(wc -c <"$T/out")
[ "$size" -le 65536 ] || fail "ci markdown of $size bytes"
expect_in "$T/out" "more entries not shown"
exit 0
