# t_ci.sh: toolsync ci: one report of verify + diff + check-config, one exit
# code; committed bytes that a build would not produce (manifest-stale).
. tests/lib.sh

G=$TOP/tests/golden/ci
S=$TOP/tests/golden/diff/scenario
VALIDATE="/usr/bin/python3 $TOP/tests/schemas/validate.py"
# check-config reads the process environment: make it known.
for v in $(env | sed -n 's/^\(OPENAI_[A-Z_]*\)=.*/\1/p'); do unset "$v"; done
export OPENAI_DEBUG_LOGGING=true OPENAI_REQUEST_TAGS=service:toolsync,env:ci,workload:test

mkdir -p "$T/cat"
cp -R "$S/base/." "$T/cat/"
cd "$T/cat"
# The committed manifests are signed; the public key is the configured one.
"$TOOLSYNC" keygen -W -p toolsync.pub -s "$T/ci.key" >/dev/null
run "$TOOLSYNC" build --key "$T/ci.key"
expect_rc 0 "build of the scenario's base"
expect_in "$T/out" "index.json signed"

# A catalogue whose committed output is what build produces: ci passes.
run "$TOOLSYNC" ci
expect_rc 0 "clean ci"
run "$TOOLSYNC" ci --format json
expect_rc 0
$VALIDATE "$TOP/schemas/report.schema.json" "$T/out" || fail "ci json report invalid"
expect_in "$T/out" '"command": "ci"'
# --quiet leaves out a passing text report on stdout, not the other reports.
run "$TOOLSYNC" ci -q --report "json:$T/q.json" --format text
expect_rc 0 "ci -q --report"
[ ! -s "$T/out" ] || fail "ci -q printed a passing text report"
expect_in "$T/q.json" '"command": "ci"'
before=$(tree_sum .)

# Same JSON, other bytes (a hand edit or another formatter): manifest-stale.
/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); open(sys.argv[1],"w").write(json.dumps(d))' \
	manifests/tools/audit.sample.json
run "$TOOLSYNC" ci
expect_rc 1 "formatting-only change"
expect_in "$T/out" "manifests/tools/audit.sample.json:1:1: error[change] manifest-stale: "
expect_in "$T/out" "manifests/tools/audit.sample.json:1:1: error[security] file-modified: "
run "$TOOLSYNC" diff
expect_rc 0 "diff ignores formatting"
expect_in "$T/out" "no findings"
run "$TOOLSYNC" build
expect_rc 0

# A bundle nobody builds any more is stale too.
cp manifests/roles/admin.chat.json manifests/roles/root.chat.json
run "$TOOLSYNC" ci
expect_rc 1 "extra bundle"
expect_in "$T/out" "manifests/roles/root.chat.json:1:1: error[change] manifest-stale: "
expect_in "$T/out" "manifests/roles/root.chat.json:1:1: error[security] file-unlisted: "
rm manifests/roles/root.chat.json
before=$(tree_sum manifests)

# Verification is part of ci: a signature by another key fails it; without
# signing.public_key ci says that nothing was checked.
cp toolsync.pub "$T/ci.pub"
"$TOOLSYNC" keygen -W -f -p toolsync.pub -s "$T/other.key" >/dev/null
run "$TOOLSYNC" ci
expect_rc 1 "signed by another key"
expect_in "$T/out" "manifests/index.json.minisig:1:1: error[security] signature-invalid: signed by key "
cp "$T/ci.pub" toolsync.pub
cp toolsync.yaml "$T/toolsync.yaml"
sed 's/^signing:.*$//' "$T/toolsync.yaml" >toolsync.yaml
run "$TOOLSYNC" ci
expect_rc 0 "no public key: a warning only"
expect_in "$T/out" "toolsync.yaml:1:1: warning[security] signature-unchecked: signing.public_key is not set"
run "$TOOLSYNC" ci --format github
expect_in "$T/out" "::warning file=toolsync.yaml,line=1,"
run "$TOOLSYNC" ci --fail-on warning
expect_rc 1
cp "$T/toolsync.yaml" toolsync.yaml

# Manifests committed from a --canonical build pass as they are.
run "$TOOLSYNC" build --canonical --key "$T/ci.key"
expect_rc 0
run "$TOOLSYNC" ci
expect_rc 0 "ci on canonical manifests"
expect_in "$T/out" "no findings"
run "$TOOLSYNC" build --key "$T/ci.key"
expect_rc 0
before=$(tree_sum manifests)

# The check-config step: env files and --environment reach it.
printf 'OPENAI_DEBUG_LOGGING=maybe\n' >"$T/bad.env"
run "$TOOLSYNC" ci --env-file "$T/bad.env"
expect_rc 0 "the process environment wins over an env file"
expect_in "$T/out" "note[config] env-shadowed"
run env -u OPENAI_DEBUG_LOGGING "$TOOLSYNC" ci --env-file "$T/bad.env"
expect_rc 1 "a bad boolean in an env file"
expect_in "$T/out" "bad.env:1:22: error[config] debug-bool-invalid: "
run "$TOOLSYNC" ci --environment prod
expect_rc 1 "env: tag is not --environment"
expect_in "$T/out" "tags-env-mismatch"
printf 'OPENAI_DEBUG_LOGGING="never closed\n' >"$T/broken.env"
run "$TOOLSYNC" ci --env-file "$T/broken.env"
expect_rc 2 "a malformed env file"
[ ! -s "$T/out" ] || fail "a report was printed for a malformed env file"

# The diff scenario through ci: every format has a golden.
cp -R "$S/change/." "$T/cat/"
rm templates/gdpr.export.yaml
for fmt in text markdown json sarif github gitlab junit; do
	run "$TOOLSYNC" ci --format "$fmt" --fail-on none
	expect_rc 0 "ci --format $fmt --fail-on none"
	normalize "$T/out" >"$T/ci.$fmt"
	golden "$T/ci.$fmt" "$G/expected.$fmt"
done
# --report: one run writes every format; each file is byte for byte what a
# run of its own with --format F --output FILE writes (and the golden).
set --
for fmt in text markdown json sarif github gitlab junit; do
	run "$TOOLSYNC" ci --format "$fmt" --fail-on none --output "$T/one.$fmt"
	expect_rc 0 "ci --format $fmt --output"
	set -- "$@" --report "$fmt:$T/all.$fmt"
done
mkdir -p "$T/ro"
run "$TOOLSYNC" ci --fail-on none "$@"
expect_rc 0 "ci with a --report per format"
[ ! -s "$T/out" ] || fail "--report alone still wrote to stdout"
for fmt in text markdown json sarif github gitlab junit; do
	cmp "$T/one.$fmt" "$T/all.$fmt" || fail "--report $fmt differs from --format $fmt --output"
	normalize "$T/all.$fmt" | cmp -s - "$G/expected.$fmt" || fail "--report $fmt differs from its golden"
done
# --format/--output is one more report; --fail-on alone sets the exit code.
run "$TOOLSYNC" ci --format json --output "$T/e.json"
expect_rc 1
run "$TOOLSYNC" ci --report "json:$T/r.json" --format github
expect_rc 1 "--report with --format github on stdout"
expect_in "$T/out" "::error file="
cmp -s "$T/r.json" "$T/e.json" || fail "--report json with --format on stdout"
run "$TOOLSYNC" ci --report "json:$T/r.json" --output "$T/r.text" --fail-on config
expect_rc 0 "--fail-on config with two reports"
expect_in "$T/r.text" "error[breaking]"
run "$TOOLSYNC" ci --report "sarif:$T/r.sarif" --report markdown:- --fail-on none
expect_rc 0
expect_in "$T/out" "| Category |"
cmp -s "$T/r.sarif" "$T/one.sarif" || fail "--report sarif beside markdown:-"
# Hostile report paths, as --output: a symlink (in the tree or out of it)
# to a regular file has that file replaced and stays a link; a FIFO is
# written into.
echo old >"$T/outside.json"
ln -s "$T/outside.json" link-out.json
echo old >inside.json
ln -s inside.json link-in.json
run "$TOOLSYNC" ci --fail-on none --report json:link-out.json --report json:link-in.json
expect_rc 0 "--report through symlinks"
[ -L link-out.json ] && [ -L link-in.json ] || fail "--report replaced a symlink"
cmp -s "$T/outside.json" "$T/one.json" && cmp -s inside.json "$T/one.json" ||
	fail "--report through a symlink: not the report"
rm -f link-out.json link-in.json inside.json
mkfifo "$T/rfifo"
cat "$T/rfifo" >"$T/rfifo.got" &
run "$TOOLSYNC" ci --fail-on none --report "sarif:$T/rfifo" --report "json:$T/r2.json"
wait $!
expect_rc 0 "--report into a FIFO"
[ -p "$T/rfifo" ] || fail "--report replaced the FIFO"
cmp -s "$T/rfifo.got" "$T/one.sarif" || fail "--report FIFO: not the report"
# Bad usage: exit 2, a message that names the report, nothing written.
bad_report() {
	rm -f "$T/w.json"
	run "$TOOLSYNC" ci --report "json:$T/w.json" "$@"
	expect_rc 2 "--report $*"
	[ ! -e "$T/w.json" ] || fail "--report $* wrote a report"
	[ ! -s "$T/out" ] || fail "--report $* wrote to stdout"
	expect_in "$T/err" "toolsync: ci: --report"
}
bad_report --report "yaml:$T/x"
expect_in "$T/err" "unknown format 'yaml'"
bad_report --report ":$T/x"
expect_in "$T/err" "no format before ':'"
bad_report --report "$T/x"
expect_in "$T/err" "expected FORMAT:FILE"
bad_report --report "sarif:"
expect_in "$T/err" "no file after ':'"
bad_report --report "sarif:$T"
expect_in "$T/err" "it is a directory"
bad_report --report "sarif:$T/no/such/dir/r.sarif"
expect_in "$T/err" "its directory does not exist"
bad_report --report "sarif:$T/w.json"
expect_in "$T/err" "two reports into one file"
bad_report --report "sarif:$T/../${T##*/}/w.json"
expect_in "$T/err" "two reports into one file"
bad_report --report text:- --report markdown:-
expect_in "$T/err" "'standard output' and 'standard output'"
bad_report --report text:- --format github
expect_in "$T/err" "two reports into one file"
ln -s "$T" "$T/dirlink"
bad_report --report "sarif:$T/dirlink"
expect_in "$T/err" "it is a directory"
rm -f "$T/dirlink"
bad_report --report "$(printf 'sarif:%s/no/a\nb\033[31m' "$T")"
expect_in "$T/err" 'no/a\x0ab\x1b[31m'
[ "$(wc -l <"$T/err")" -eq 2 ] || fail "a newline in --report reached stderr"
bad_report --report "bogus:$T/sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"
expect_not_in "$T/err" "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"
expect_in "$T/err" "sk-****"
# A report that cannot be written when it is due: exit 2, the message names
# it, the other reports are still written.
run env TOOLSYNC_FAULT=rename:1:EIO "$TOOLSYNC" ci --fail-on none --report "sarif:$T/f.sarif" \
	--report "json:$T/f.json"
expect_rc 2 "a --report write that fails"
expect_in "$T/err" "$T/f.sarif"
cmp -s "$T/f.json" "$T/one.json" || fail "the other report was not written"
$VALIDATE "$TOP/tests/schemas/sarif-schema-2.1.0.json" "$T/ci.sarif" draft4 ||
	fail "ci SARIF does not validate"
$VALIDATE "$TOP/tests/schemas/gitlab-codequality.schema.json" "$T/ci.gitlab" ||
	fail "ci gitlab report does not validate"
xmllint --noout --schema "$TOP/tests/schemas/junit.xsd" "$T/ci.junit" 2>"$T/xmllint" ||
	{ cat "$T/xmllint"; fail "ci junit report does not validate"; }
$VALIDATE "$TOP/schemas/report.schema.json" "$T/ci.json" || fail "ci JSON does not validate"
# Bundles changed with their tools: not reported as stale on top.
expect_not_in "$T/ci.text" "manifest-stale"
run "$TOOLSYNC" ci
expect_rc 1 "findings at the default threshold"
run "$TOOLSYNC" ci --fail-on compliance
expect_rc 1
run "$TOOLSYNC" ci --fail-on config
expect_rc 0
[ "$(tree_sum manifests)" = "$before" ] || fail "ci wrote to the manifests"

# --output, usage errors.
run "$TOOLSYNC" ci --format github --output "$T/ci.out"
expect_rc 1
[ ! -s "$T/out" ] || fail "--output still wrote to stdout"
expect_in "$T/ci.out" "::error file=templates/ledger.reconcile.yaml,"
run "$TOOLSYNC" ci --format yaml
expect_rc 2
run "$TOOLSYNC" ci --fail-on nothing
expect_rc 2
run "$TOOLSYNC" ci -h
expect_rc 0
expect_in "$T/out" "usage: toolsync ci"

# A pull request that narrows a template's targets and commits the rebuilt
# manifests: against the base, the tools leave the chat bundles (breaking).
mkdir -p "$T/pr"
cp -R "$S/base/." "$T/pr/"
(
	cd "$T/pr"
	cp "$T/cat/toolsync.pub" .
	run "$TOOLSYNC" build --key "$T/ci.key"
	expect_rc 0
	git init -q . && git add -A && git commit -qm base
	sed -i 's/^match: "audit\.\*"$/&\ntargets: [responses]/' templates/audit.yaml
	run "$TOOLSYNC" build
	expect_rc 0
	run "$TOOLSYNC" ci --against git:HEAD
	expect_rc 1 "targets narrowed in a pull request"
	expect_in "$T/out" "templates/audit.yaml:2:10: error[breaking] target-removed: 2 tools /targets/chat: "
	expect_not_in "$T/out" "manifest-stale"
)

# A catalogue that does not compile: exit 2; in text, the errors on stderr
# and no report; in the machine formats, a report of input-error findings
# too, so that a pipeline (upload-sarif, annotations) sees why.
printf 'tool_registry:\n  - {key: "../x", minRole: viewer, standards: []}\n' >registry.yaml
run "$TOOLSYNC" ci
expect_rc 2
[ ! -s "$T/out" ] || fail "a text report was printed for a catalogue that does not compile"
expect_in "$T/err" "registry.yaml:2:11: error: invalid key '../x'"
run "$TOOLSYNC" ci --format sarif --output "$T/fail.sarif"
expect_rc 2 "ci --format sarif on a broken catalogue"
expect_in "$T/err" "invalid key '../x'"
expect_in "$T/fail.sarif" '"ruleId": "input-error"'
$VALIDATE "$TOP/tests/schemas/sarif-schema-2.1.0.json" "$T/fail.sarif" draft4 ||
	fail "the input-error SARIF does not validate"
run "$TOOLSYNC" ci --format github
expect_rc 2
expect_in "$T/out" "::error file=registry.yaml,line=2,col=11,title=input-error::"
run "$TOOLSYNC" diff --format json
expect_rc 2
expect_in "$T/out" '"rule": "input-error"'
$VALIDATE "$TOP/schemas/report.schema.json" "$T/out" || fail "the input-error JSON does not validate"
exit 0
