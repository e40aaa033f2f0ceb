# t_check_config.sh: toolsync check-config.  A scenario that fires every
# environment rule, goldens of every format, SARIF and JSON checked against
# their schemas; --fail-on, --output, usage errors, malformed env files;
# and --db against a real PostgreSQL server (tests/pglib.sh).
#
# Every run gets a controlled environment (env -i): no OPENAI_* variable
# of the machine running the tests can change a result.
. tests/lib.sh
. tests/pglib.sh

G=$TOP/tests/golden/check-config
S=$G/scenario
VALIDATE="/usr/bin/python3 $TOP/tests/schemas/validate.py"
KEY_PART=TESTKEYabcdefghijklmnop   # part of the API key in staging.env

# cc [VAR=value]... ARGS...: toolsync check-config ARGS with only PATH,
# NO_COLOR and the given variables in its environment.
cc() {
	n=0
	for a; do
		case $a in
		*=*) n=$((n + 1)) ;;
		*) break ;;
		esac
	done
	# the same arguments with "$TOOLSYNC check-config" after the variables
	i=0
	for a; do
		shift
		[ "$i" -ne "$n" ] || set -- "$@" "$TOOLSYNC" check-config
		set -- "$@" "$a"
		i=$((i + 1))
	done
	[ "$i" -ne "$n" ] || set -- "$@" "$TOOLSYNC" check-config
	run env -i PATH="$PATH" NO_COLOR=1 "$@"
}

mkdir -p "$T/s"
cp "$S/toolsync.yaml" "$S/base.env" "$S/staging.env" "$T/s/"
cd "$T/s"
SCENARIO="--env-file base.env --env-file staging.env --environment staging"
ENVS="OPENAI_REQUEST_QUOTA_TAG=<billing-tag> OPENAI_REQUEST_TAG=service:rag"

# ---- the scenario: every format, golden ------------------------------
for fmt in text markdown json sarif github; do
	cc $ENVS $SCENARIO --format "$fmt" --fail-on none
	expect_rc 0 "check-config --format $fmt --fail-on none"
	[ ! -s "$T/err" ] || { cat "$T/err"; fail "--format $fmt wrote to stderr"; }
	expect_not_in "$T/out" "$KEY_PART"
	normalize "$T/out" >"$T/cc.$fmt"
	golden "$T/cc.$fmt" "$G/expected.$fmt"
done
for rule in debug-bool-invalid tags-syntax tags-duplicate-key tags-env-mismatch \
	    tags-placeholder tags-missing-required quota-tag-placeholder env-unknown-name \
	    env-api-key env-shadowed retention-unset; do
	grep -q "] $rule: " "$T/cc.text" || fail "rule $rule did not fire"
done
# Locations: env file lines and columns, the environment, toolsync.yaml.
expect_in "$T/cc.text" "base.env:3:29: error[config] debug-bool-invalid: "
expect_in "$T/cc.text" "staging.env:2:55: error[config] tags-syntax: "
expect_in "$T/cc.text" "staging.env:2:70: error[config] tags-placeholder: /OPENAI_REQUEST_TAGS/team: "
expect_in "$T/cc.text" "staging.env:2:38: error[config] tags-env-mismatch: /OPENAI_REQUEST_TAGS/env: tag env is 'prod' but --environment is 'staging'"
expect_in "$T/cc.text" "staging.env:4:1: warning[security] env-api-key: /OPENAI_API_KEY: "
expect_in "$T/cc.text" "base.env:5:1: note[config] env-shadowed: "
expect_in "$T/cc.text" "environment: error[config] quota-tag-placeholder: "
expect_in "$T/cc.text" "environment: warning[config] env-unknown-name: /OPENAI_REQUEST_TAG: unknown variable 'OPENAI_REQUEST_TAG': did you mean 'OPENAI_REQUEST_TAGS'?"
expect_in "$T/cc.text" "toolsync.yaml:2:1: warning[compliance] retention-unset: "
# base.env's tags (with <env>) were overridden by staging.env's.
expect_not_in "$T/cc.text" "<env>"

$VALIDATE "$TOP/tests/schemas/sarif-schema-2.1.0.json" "$T/cc.sarif" draft4 ||
	fail "SARIF output does not validate"
$VALIDATE "$TOP/schemas/report.schema.json" "$T/cc.json" || fail "JSON report does not validate"
/usr/bin/python3 - "$T/cc.sarif" <<'EOF' || fail "SARIF content"
import json, sys
run = json.load(open(sys.argv[1]))["runs"][0]
rules = run["tool"]["driver"]["rules"]
ids = [r["id"] for r in rules]
assert len(ids) == len(set(ids)), "duplicate rule ids"
assert "db-table-missing" in ids, "every check-config rule is listed"
for res in run["results"]:
    assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
    locs = res["locations"]
    # code scanning refuses a result without a file: the environment's
    # findings are placed at toolsync.yaml, named logically
    assert len(locs) == 1, res
    assert locs[0]["physicalLocation"]["region"]["startLine"] >= 1, res
    if locs[0]["physicalLocation"]["artifactLocation"]["uri"] == "toolsync.yaml":
        assert locs[0].get("logicalLocations") or res["ruleId"] == "retention-unset", res
EOF

# ---- exit codes and --output -----------------------------------------
for case in "error 1" "none 0" "any 1" "security 1" "compliance 1" "config 1" \
	    "warning 1" "change 0" "breaking 0"; do
	set -- $case
	cc $ENVS $SCENARIO --fail-on "$1"
	expect_rc "$2" "--fail-on $1"
done
cc $ENVS $SCENARIO
expect_rc 1 "default --fail-on error"
expect_in "$T/out" "at --fail-on error"
cc $ENVS $SCENARIO --format json --fail-on none --output "$T/report.json"
expect_rc 0
[ ! -s "$T/out" ] || fail "--output still wrote to stdout"
normalize "$T/report.json" >"$T/report.norm"
cmp -s "$T/report.norm" "$G/expected.json" || fail "--output file differs from the json golden"
cc $ENVS $SCENARIO --fail-on none --report "json:$T/r2.json" --report "sarif:$T/r2.sarif"
expect_rc 0
[ ! -s "$T/out" ] || fail "check-config --report alone wrote to stdout"
cmp -s "$T/r2.json" "$T/report.json" || fail "check-config --report json differs from --output"
expect_in "$T/r2.sarif" '"version": "2.1.0"'
cc $SCENARIO --output "$T/no/such/dir/r.txt"
expect_rc 2 "--output into a missing directory"
expect_in "$T/err" "toolsync: error: "

# ---- the accept file: shared with diff and ci ------------------------
cat >.toolsync-accept.yaml <<'EOF'
accept:
  - rule: env-unknown-name
    pointer: /OPENAI_REQUEST_TAG
    reason: "set by the platform's sidecar; not ours to rename (OPS-42)"
  - rule: tool-removed
    tool: gdpr.export
    reason: "a diff finding: out of check-config's scope, so never stale here"
  - rule: tags-limit
    reason: "matches nothing: stale"
EOF
cc $ENVS $SCENARIO --fail-on none
expect_rc 0
expect_in "$T/out" "accepted: set by the platform's sidecar; not ours to rename (OPS-42)"
expect_in "$T/out" "accept-stale"
expect_not_in "$T/out" "gdpr.export"
printf 'accept:\n  - rule: no-such-rule\n    reason: x\n' >"$T/bad-accept.yaml"
cc $ENVS $SCENARIO --accept "$T/bad-accept.yaml"
expect_rc 2 "an accept file naming an unknown rule"
expect_in "$T/err" "no-such-rule"
rm .toolsync-accept.yaml

# ---- good settings: no findings --------------------------------------
printf 'debug: {required_tags: [service, env, workload], retention_days: 30}\n' >good.yaml
cat >good.env <<'EOF'
OPENAI_DEBUG_LOGGING=true
OPENAI_DEBUG_FETCH_DETAILS=OFF
OPENAI_REQUEST_TAGS=service:rag,env:staging,workload:finance
OPENAI_REQUEST_QUOTA_TAG=finance-rag
EOF
cc -c good.yaml --env-file good.env --environment staging --fail-on any
expect_rc 0 "good settings"
expect_in "$T/out" "no findings"
# the same from the process environment alone
cc OPENAI_DEBUG_LOGGING=1 OPENAI_REQUEST_TAGS=service:rag,env:prod,workload:x \
	-c good.yaml --environment prod --fail-on any
expect_rc 0 "good settings from the environment"
# nothing set at all, no config file: only the retention warning
mkdir empty && cd empty
cc --fail-on any
expect_rc 1
expect_in "$T/out" "warning[compliance] retention-unset: /debug/retention_days:"
expect_in "$T/out" "1 finding: 0 errors, 1 warning"
cd ..

# ---- rules the scenario does not fire --------------------------------
cc OPENAI_DEBUG_LOGGING=off OPENAI_DEBUG_FETCH_DETAILS=true -c good.yaml
expect_rc 1
expect_in "$T/out" "environment: error[config] debug-details-without-logging: /OPENAI_DEBUG_FETCH_DETAILS: OPENAI_DEBUG_FETCH_DETAILS is on but OPENAI_DEBUG_LOGGING is off"
cc OPENAI_REQUEST_QUOTA_TAG=finance/rag -c good.yaml
expect_rc 1
expect_in "$T/out" "quota-tag-charset: /OPENAI_REQUEST_QUOTA_TAG: OPENAI_REQUEST_QUOTA_TAG: character '/' is not allowed"
tags=service:rag,env:s,workload:w
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14; do tags="$tags,k$i:v"; done
cc OPENAI_REQUEST_TAGS="$tags" -c good.yaml
expect_rc 1
expect_in "$T/out" "tags-limit: /OPENAI_REQUEST_TAGS: OPENAI_REQUEST_TAGS has 17 pairs; OpenAI metadata allows at most 16"
cc OPENAI_DEBUG_LOGGING=true -c good.yaml
expect_rc 1
expect_in "$T/out" "environment: error[config] tags-missing-required: /OPENAI_REQUEST_TAGS: OPENAI_DEBUG_LOGGING is on but OPENAI_REQUEST_TAGS is not set"
# a key in the process environment is where it belongs; a key-like value
# in any variable of an env file is reported, never printed
printf 'SOME_TOKEN="Bearer sk-%s"\n' "$KEY_PART$KEY_PART" >key.env
cc OPENAI_API_KEY=sk-$KEY_PART$KEY_PART -c good.yaml --env-file key.env --fail-on security
expect_rc 1
expect_in "$T/out" "key.env:1:1: warning[security] env-api-key: /SOME_TOKEN: 'SOME_TOKEN' holds an API key"
expect_not_in "$T/out" "$KEY_PART"
for fmt in text markdown json sarif github; do
	cc $ENVS $SCENARIO --format "$fmt"
	expect_not_in "$T/out" "$KEY_PART"
	expect_not_in "$T/err" "$KEY_PART"
done

# ---- the process environment wins; a later env file wins --------------
printf 'OPENAI_DEBUG_LOGGING=nope\n' >a.env
printf 'OPENAI_DEBUG_LOGGING=maybe\n' >b.env
cc -c good.yaml --env-file a.env --env-file b.env
expect_in "$T/out" "b.env:1:22: error[config] debug-bool-invalid: /OPENAI_DEBUG_LOGGING: OPENAI_DEBUG_LOGGING='maybe'"
expect_not_in "$T/out" "nope"
cc OPENAI_DEBUG_LOGGING=true -c good.yaml --env-file a.env --env-file b.env --fail-on any
expect_in "$T/out" "b.env:1:1: note[config] env-shadowed:"
expect_not_in "$T/out" "debug-bool-invalid"

# ---- malformed env files: exit 2, file:line:col, the line quoted, no report
printf 'OPENAI_DEBUG_LOGGING=true\nOPENAI-REQUEST-TAGS=x\n' >bad.env
cc -c good.yaml --env-file bad.env
expect_rc 2 "bad variable name"
expect_in "$T/err" "toolsync: bad.env:2:1: error: invalid variable name 'OPENAI-REQUEST-TAGS'"
expect_in "$T/err" " 2 | OPENAI-REQUEST-TAGS=x"
[ ! -s "$T/out" ] || fail "a report was printed despite a malformed env file"
printf 'A=1\nOPENAI_REQUEST_TAGS="service:rag\n' >bad.env
cc -c good.yaml --env-file bad.env
expect_rc 2 "unterminated quote"
expect_in "$T/err" "toolsync: bad.env:2:21: error: unterminated quoted value of 'OPENAI_REQUEST_TAGS'"
printf '# ok\nOPENAI_DEBUG_LOGGING true\n' >bad.env
cc -c good.yaml --env-file bad.env
expect_rc 2 "missing ="
expect_in "$T/err" "toolsync: bad.env:2:22: error: expected '=' after 'OPENAI_DEBUG_LOGGING'"
expect_in "$T/err" "   |                      ^"
cc -c good.yaml --env-file bad.env --format github
expect_rc 2 "missing =, as annotations"
expect_in "$T/out" "::error file=bad.env,line=2,col=22,title=input-error::expected '=' after 'OPENAI_DEBUG_LOGGING'"
# a malformed line is quoted, but never a secret on it
SECRET=sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdEFGH
for line in "OPENAI_API_KEY: $SECRET" "OPENAI_API_KEY $SECRET" "OPENAI_API_KEY=\"$SECRET" \
	    "OPENAI_API_KEY=\"$SECRET\" x" "$SECRET" "MY_TOKEN=\"abc def"; do
	printf 'A=1\n%s\n' "$line" >bad.env
	for fmt in text json sarif github; do
		cc -c good.yaml --env-file bad.env --format $fmt
		expect_rc 2 "malformed secret line, $fmt"
		expect_not_in "$T/err" "AbCdEfGhIjKlMnOp"
		expect_not_in "$T/out" "AbCdEfGhIjKlMnOp"
		expect_not_in "$T/err" "abc def"
	done
done
# line breaks inside tags; bytes that are not UTF-8 stay out of the reports
printf 'OPENAI_DEBUG_LOGGING=true\nOPENAI_REQUEST_TAGS="service:a,env:b,\r\nworkload:c"\n' >crlf.env
cc -c good.yaml --env-file crlf.env
expect_rc 1
expect_in "$T/out" "crlf.env:2:22: error[config] tags-syntax: /OPENAI_REQUEST_TAGS: pair 3 holds a line break"
printf 'OPENAI_DEBUG_LOGGING=a\033[31m\377\376b\n' >ctl.env
cc -c good.yaml --env-file ctl.env
expect_in "$T/out" "'a\\x1b[31m\\xff\\xfeb' is not a boolean"
cc -c good.yaml --env-file ctl.env --format json
$VALIDATE "$TOP/schemas/report.schema.json" "$T/out" || fail "JSON with non-UTF-8 input does not validate"
cc -c good.yaml --env-file missing.env
expect_rc 2 "missing env file"
expect_in "$T/err" "toolsync: error: cannot read env file 'missing.env': "

# ---- usage errors ----------------------------------------------------
cc --format xml
expect_rc 2
expect_in "$T/err" "unknown format 'xml'"
cc --fail-on bogus
expect_rc 2
expect_in "$T/err" "unknown --fail-on value 'bogus'"
cc --env-file
expect_rc 2
expect_in "$T/err" "needs a value"
cc --environment ""
expect_rc 2
cc extra-arg
expect_rc 2
cc -c missing.yaml
expect_rc 2
expect_in "$T/err" "missing.yaml"
cc -h
expect_rc 0
expect_in "$T/out" "usage: toolsync check-config"

# ---- --db ------------------------------------------------------------
pg_start
printf 'debug: {required_tags: [service, env, workload], retention_days: 30}\n' >db.yaml
dbrun() { cc -c db.yaml --db "$@"; }

dbrun "$PGTEST_DB"
expect_rc 1 "no table"
expect_in "$T/out" "table public.openai_debug_events: error[config] db-table-missing: table public.openai_debug_events does not exist"

pg_sql -f "$TOP/schemas/sql/002_openai_debug_events.sql"
dbrun "$PGTEST_DB" --fail-on any
expect_rc 0 "the migration's table, empty"
expect_in "$T/out" "no findings"

pg_sql <<'EOF'
INSERT INTO openai_debug_events (request_id, endpoint, model, status, tags, created_at) VALUES
 ('req_1', 'responses', 'gpt-4o', 200, '{"service":"rag","env":"staging","workload":"finance"}', now()),
 ('req_2', 'responses', 'gpt-4o', 200, '{"service":"rag","env":"staging","workload":"finance"}', now() - interval '45 days'),
 ('req_3', 'embeddings', 'text-embedding-3-small', 200, '{"service":"rag","env":"staging"}', now() - interval '31 days'),
 ('req_4', 'chat.completions', 'gpt-4o-mini', 429, '{}', now() - interval '2 days'),
 ('req_5', 'responses', 'gpt-4o', 200, '{"service":"rag","env":"staging","workload":"finance","team":"x"}', now() - interval '29 days');
EOF
dbrun "$PGTEST_DB" --fail-on none
expect_rc 0
normalize "$T/out" >"$T/db.text"
golden "$T/db.text" "$G/db.text"
expect_in "$T/out" "db-retention-exceeded: /columns/created_at: 2 rows are older than debug.retention_days (30 days)"
expect_in "$T/out" "db-rows-missing-tags: /columns/tags: 2 rows lack a required tag (service, env, workload)"
dbrun "$PGTEST_DB"
expect_rc 1 "old rows are an error"
# ci --db runs the same audit as one more step of its report.
example_copy
(cd "$T/cat" && "$TOOLSYNC" build >/dev/null && "$TOOLSYNC" ci --db "$PGTEST_DB" --fail-on none) \
	>"$T/ci-db.out" 2>"$T/ci-db.err" || { cat "$T/ci-db.err"; fail "ci --db"; }
expect_in "$T/ci-db.out" "db-retention-exceeded: /columns/created_at: 2 rows are older than debug.retention_days (30 days)"
(cd "$T/cat" && "$TOOLSYNC" ci --db "$PGTEST_DB") >"$T/ci-db.out" 2>&1 && fail "ci --db: old rows must fail"
dbrun "$PGTEST_DB" --format sarif --fail-on none
$VALIDATE "$TOP/tests/schemas/sarif-schema-2.1.0.json" "$T/out" draft4 || fail "SARIF of --db"
dbrun "$PGTEST_DB" --format json --fail-on none
$VALIDATE "$TOP/schemas/report.schema.json" "$T/out" || fail "JSON of --db"
# the required keys come from debug.required_tags
printf 'debug: {required_tags: [service], retention_days: 60}\n' >db60.yaml
cc -c db60.yaml --db "$PGTEST_DB" --fail-on any
expect_in "$T/out" "1 row lacks a required tag (service)"
expect_not_in "$T/out" "db-retention-exceeded"
# retention unset: no count of old rows, the retention warning instead
printf 'debug: {required_tags: []}\n' >noret.yaml
cc -c noret.yaml --db "$PGTEST_DB" --fail-on any
expect_in "$T/out" "retention-unset"
expect_not_in "$T/out" "db-"

# --db "": DATABASE_URL
cc DATABASE_URL="postgresql:///toolsync?host=$PGTEST_SOCK&port=$PGTEST_PORT&user=toolsync" \
	-c db.yaml --db "" --fail-on none
expect_rc 0 "--db '' with DATABASE_URL"
expect_in "$T/out" "db-retention-exceeded"

# A role that RLS restricts sees no rows: the counts would lie.
pg_sql -c "GRANT SELECT ON openai_debug_events TO secret"
dbrun "$PGTEST_TCP" --fail-on none
expect_in "$T/out" "warning[config] db-rls-hides-rows: row level security is on"
expect_not_in "$T/out" "right-horse"
# Without SELECT: an operational error.
pg_sql -c "REVOKE SELECT ON openai_debug_events FROM secret"
dbrun "$PGTEST_TCP"
expect_rc 2 "permission denied"
expect_in "$T/err" "toolsync: error: cannot audit 'public.openai_debug_events': permission denied for table openai_debug_events"

# Without the index, a column missing, a column of another type.
pg_sql -c "DROP INDEX openai_debug_events_created_at_idx"
dbrun "$PGTEST_DB" --fail-on none
expect_in "$T/out" "table public.openai_debug_events: warning[config] db-index-missing: /columns/created_at: no index on created_at"
pg_sql -c "ALTER TABLE openai_debug_events DROP COLUMN quota_tag"
pg_sql -c "ALTER TABLE openai_debug_events ALTER COLUMN details TYPE text"
dbrun "$PGTEST_DB" --fail-on none
expect_in "$T/out" "error[config] db-column-missing: /columns/quota_tag: column 'quota_tag' is missing (expected text)"
expect_in "$T/out" "error[config] db-column-type: /columns/details: column 'details' is text (expected jsonb or json)"
expect_in "$T/out" "db-retention-exceeded"
# Without created_at: no index or age check can run, and none is attempted.
pg_sql -c "ALTER TABLE openai_debug_events DROP COLUMN created_at"
dbrun "$PGTEST_DB" --fail-on none
expect_rc 0
expect_in "$T/out" "db-column-missing: /columns/created_at: column 'created_at' is missing (expected timestamp with time zone)"
expect_not_in "$T/out" "db-retention-exceeded"
expect_not_in "$T/out" "db-index-missing"

# Connection failures: exit 2, one clear line, never the password, no report.
dbrun "host=127.0.0.1 port=$PGTEST_PORT dbname=toolsync user=secret password=wrong-horse"
expect_rc 2 "bad password"
expect_in "$T/err" "toolsync: error: --db: cannot connect to PostgreSQL: "
expect_not_in "$T/err" "wrong-horse"
[ ! -s "$T/out" ] || fail "a report was printed without a database"
pg_stop
dbrun "$PGTEST_DB"
expect_rc 2 "server not reachable"
expect_in "$T/err" "toolsync: error: --db: cannot connect to PostgreSQL: "
exit 0
