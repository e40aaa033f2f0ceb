# t_pg.sh: the PostgreSQL registry source against a real server
# (tests/pglib.sh): the example catalogue loaded into PostgreSQL builds the
# same bytes as registry.yaml, whatever the standards column's type and
# however the connection is given; every fault exits 2, names the table,
# key and column, and leaves the output directory as it was.
. tests/lib.sh
. tests/pglib.sh
pg_start

example_copy
cd "$T/cat"
rm -f manifests/index.json.minisig
pg_sql -f "$TOP/schemas/sql/001_tool_registry.sql"
PGOPTIONS="-c client_min_messages=warning" pg_sql -f "$TOP/schemas/sql/001_tool_registry.sql"   # safe to run again
pg_sql -f "$TOP/schemas/sql/002_openai_debug_events.sql"
pg_sql -f "$TOP/schemas/sql/example_seed.sql"

# cfg FILE TABLE [COLUMNS] [CONNINFO]: toolsync.yaml with that registry
cfg() {
	{
		printf 'registry: {postgres: "%s", table: "%s"%s}\n' "${4:-$PGTEST_DB}" "$2" "${3:+, columns: $3}"
		grep -v '^registry:' "$TOP/toolsync.yaml"
	} >"$1"
}

# same DIR: DIR holds exactly what the file build wrote
run "$TOOLSYNC" build --out "$T/file"
expect_rc 0
same() {
	diff -r "$T/file" "$1" >"$T/diff" 2>&1 || { head -40 "$T/diff"; fail "$1 differs from the file build"; }
}

# 1. The seed, given as --registry, as config, and through DATABASE_URL and
#    PG*: byte-identical to the file build.
run "$TOOLSYNC" build --registry "$PGTEST_DB" --out "$T/A"
expect_rc 0
same "$T/A"
cfg pg.yaml tool_registry
run "$TOOLSYNC" build -c pg.yaml --out "$T/B"
expect_rc 0
same "$T/B"
cfg pg2.yaml public.tool_registry "{key: key, min_role: min_role, standards: standards}"
run "$TOOLSYNC" build -c pg2.yaml --out "$T/B2"
expect_rc 0
same "$T/B2"
run env DATABASE_URL="postgresql:///toolsync?host=$PGTEST_SOCK&port=$PGTEST_PORT&user=toolsync" \
	"$TOOLSYNC" build --registry postgresql:// --out "$T/C"
expect_rc 0
same "$T/C"
run env PGHOST="$PGTEST_SOCK" PGPORT="$PGTEST_PORT" PGDATABASE=toolsync PGUSER=toolsync \
	"$TOOLSYNC" build --registry postgresql:// --out "$T/D"
expect_rc 0
same "$T/D"
printf 'registry: {postgres: "${DATABASE_URL}"}\n' >env.yaml
grep -v '^registry:' "$TOP/toolsync.yaml" >>env.yaml
run env DATABASE_URL="$PGTEST_DB" "$TOOLSYNC" build -c env.yaml --out "$T/E"
expect_rc 0
same "$T/E"
# the manifests say nothing of where the rows came from
expect_not_in "$T/A/tools/ledger.reconcile.json" "table"
expect_not_in "$T/A/tools/ledger.reconcile.json" "registry"

# diff of the PostgreSQL catalogue against the file build: nothing changed
run "$TOOLSYNC" diff --registry "$PGTEST_DB" --against "$T/file"
expect_rc 0
# ... and a changed row: the finding points at the table and key
pg_sql -c "CREATE TABLE reg_diff AS SELECT * FROM tool_registry;
	UPDATE reg_diff SET min_role = 'viewer' WHERE key = 'ledger.reconcile'"
cfg diff.yaml reg_diff
run "$TOOLSYNC" diff -c diff.yaml --against "$T/file"
expect_rc 1
expect_in "$T/out" "table reg_diff, key 'ledger.reconcile': error[security] role-lowered"
run "$TOOLSYNC" diff -c diff.yaml --against "$T/file" --format json
expect_in "$T/out" "\"file\": \"table reg_diff, key 'ledger.reconcile'\""

# 2. Over TCP with a password; row-level security (001 turns it on) hides
#    every row from a role that is not the owner until a policy lets it read.
pg_sql -c "GRANT SELECT ON public.tool_registry TO secret"
run "$TOOLSYNC" build --registry "$PGTEST_TCP" --out "$T/F"
expect_rc 2
expect_in "$T/err" "toolsync: table tool_registry: error: the table has no rows, or none this role may read"
[ ! -e "$T/F" ] || fail "a failed build created its output directory"
pg_sql -c "CREATE POLICY tool_registry_read ON public.tool_registry FOR SELECT TO secret USING (true)"
run "$TOOLSYNC" build --registry "$PGTEST_TCP" --out "$T/F"
expect_rc 0
same "$T/F"

# A password holding an unencoded '@' and '/', as psql users write it: the
# user part ends at the last '@' (libpq's own reader took 'horse/1@127.0.0.1'
# for the host and quoted it), in the URI and in key=value form.
pg_sql -c "CREATE ROLE atuser LOGIN PASSWORD 'right@horse/1'; GRANT SELECT ON public.tool_registry TO atuser;
	CREATE POLICY tool_registry_read_at ON public.tool_registry FOR SELECT TO atuser USING (true)"
run "$TOOLSYNC" build --registry "postgresql://atuser:right@horse/1@127.0.0.1:$PGTEST_PORT/toolsync" --out "$T/F-at"
expect_rc 0 "a password with '@' and '/' in a URI"
same "$T/F-at"
run "$TOOLSYNC" build --registry "host=127.0.0.1 port=$PGTEST_PORT dbname=toolsync user=atuser password='right@horse/1'" --out "$T/F-at2"
expect_rc 0 "a password with '@' and '/' in key=value"
same "$T/F-at2"

# 3. standards as jsonb, json, text (comma list and JSON array), varchar[];
#    min_role as an enum; a schema-qualified table with other column names.
pg_sql <<'SQL'
CREATE TABLE reg_jsonb (key text, min_role text, standards jsonb);
INSERT INTO reg_jsonb SELECT key, min_role, to_jsonb(standards) FROM tool_registry;
CREATE TABLE reg_json (key varchar(64), min_role varchar, standards json);
INSERT INTO reg_json SELECT key, min_role, array_to_json(standards) FROM tool_registry;
CREATE TABLE reg_text (key text, min_role text, standards text);
INSERT INTO reg_text SELECT key, min_role, array_to_string(standards, ', ') FROM tool_registry
	WHERE key < 'l';
INSERT INTO reg_text SELECT key, min_role, array_to_json(standards)::text FROM tool_registry
	WHERE key >= 'l';
CREATE TYPE role AS ENUM ('viewer', 'analyst', 'reviewer', 'approver', 'admin');
CREATE SCHEMA app;
CREATE TABLE app."Tools" (name text, "Role" role, stds varchar[]);
INSERT INTO app."Tools" SELECT key, min_role::role, standards FROM tool_registry;
SQL
for t in reg_jsonb reg_json reg_text; do
	cfg "$t.yaml" "$t"
	run "$TOOLSYNC" build -c "$t.yaml" --out "$T/$t"
	expect_rc 0 "$t"
	same "$T/$t"
done
cfg app.yaml app.Tools "{key: name, min_role: Role, standards: stds}"
run "$TOOLSYNC" build -c app.yaml --out "$T/app"
expect_rc 0
same "$T/app"

# 4. Faults: exit 2, the message, nothing written.  Each runs against a copy
#    of a good build in out/.
cp -R "$T/A" out
before=$(tree_sum out)
# fault NAME TEXT ARGS...: build with ARGS must fail with TEXT on stderr
fault() {
	name=$1 text=$2
	shift 2
	run "$TOOLSYNC" build --out out "$@"
	expect_rc 2 "$name"
	expect_in "$T/err" "$text"
	expect_in "$T/err" "nothing was written"
	[ -z "${SHOW:-}" ] || cat "$T/err"
	[ ! -s "$T/out" ] || fail "$name: printed on stdout"
	[ "$before" = "$(tree_sum out)" ] || fail "$name: the output directory changed"
	! ls -a . | grep -q toolsync-stage || fail "$name: a staging directory was left behind"
	! grep -q 'right-horse\|wrong-horse' "$T/err" || fail "$name: a password in the message"
}

# the server is not there: a closed port, a socket directory without a server
# a port the kernel just handed out and took back: nothing listens there
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
fault closed-port "cannot connect to PostgreSQL: connection to server at \"127.0.0.1\", port $port failed" \
	--registry "host=127.0.0.1 port=$port dbname=toolsync user=secret password=right-horse connect_timeout=5"
mkdir -p "$T/nosock"
fault no-socket "cannot connect to PostgreSQL: connection to server on socket" \
	--registry "host=$T/nosock port=$PGTEST_PORT dbname=toolsync user=toolsync"

# a wrong password, in every form; libpq's complaints never quote it
fault wrong-password 'password authentication failed for user "secret"' \
	--registry "host=127.0.0.1 port=$PGTEST_PORT dbname=toolsync user=secret password=wrong-horse"
fault wrong-password-uri 'password authentication failed for user "secret"' \
	--registry "postgresql://secret:wrong-horse@127.0.0.1:$PGTEST_PORT/toolsync"
run env PGPASSWORD=wrong-horse "$TOOLSYNC" build --out out \
	--registry "host=127.0.0.1 port=$PGTEST_PORT dbname=toolsync user=secret"
expect_rc 2
expect_in "$T/err" 'password authentication failed'
expect_not_in "$T/err" "wrong-horse"
fault wrong-password-at 'password authentication failed for user "atuser"' \
	--registry "postgresql://atuser:wrong@horse/1@127.0.0.1:$PGTEST_PORT/toolsync"
expect_not_in "$T/err" "horse"
fault wrong-password-at-check 'password authentication failed for user "atuser"' \
	--registry "postgresql://atuser:wrong@horse@127.0.0.1:$PGTEST_PORT/toolsync?sslmode=disable"
expect_not_in "$T/err" "horse"
# check-config --db, every report format: no piece of the password anywhere
for fmt in text markdown json sarif github; do
	run "$TOOLSYNC" check-config --db "postgresql://atuser:wrong@horse/1@127.0.0.1:$PGTEST_PORT/toolsync" \
		--format "$fmt" --output "$T/report.$fmt"
	expect_rc 2 "check-config --db --format $fmt"
	expect_in "$T/err" 'password authentication failed for user "atuser"'
	! grep -rq "horse" "$T/err" "$T/out" $(ls "$T/report.$fmt" 2>/dev/null) || fail "$fmt: a piece of the password"
done
fault malformed-uri "malformed connection string: invalid percent-encoded token" \
	--registry "postgresql://secret:wrong-horse%zz@127.0.0.1:$PGTEST_PORT/toolsync"
fault malformed-conninfo "malformed connection string" \
	--registry "host=127.0.0.1 password=wrong-horse oops"

# a missing table, a missing column
cfg missing.yaml no_such_table
fault missing-table "toolsync: table no_such_table: error: no such table: relation \"no_such_table\" does not exist" -c missing.yaml
cfg nocol.yaml tool_registry "{standards: stds}"
fault missing-column "toolsync: table tool_registry: error: column \"stds\" does not exist (set registry.columns" -c nocol.yaml
cfg badname.yaml "a.b.c"
fault bad-table-name "registry.table 'a.b.c' must be a table name or schema.name" -c badname.yaml

# NULLs, wrong types, unreadable values
pg_sql <<'SQL'
CREATE TABLE reg_null (key text, min_role text, standards text[]);
INSERT INTO reg_null SELECT key, min_role, standards FROM tool_registry;
UPDATE reg_null SET min_role = NULL WHERE key = 'ledger.post-entry';
UPDATE reg_null SET standards = NULL WHERE key = 'rag.search';
UPDATE reg_null SET standards = '{IFRS-9,NULL}' WHERE key = 'rag.ingest';
INSERT INTO reg_null VALUES (NULL, 'viewer', '{}');
CREATE TABLE reg_int (key text, min_role text, standards integer);
INSERT INTO reg_int VALUES ('rag.search', 'viewer', 1);
CREATE TABLE reg_intkey (key integer, min_role integer, standards text[]);
CREATE TABLE reg_badtext (key text, min_role text, standards text);
INSERT INTO reg_badtext VALUES ('rag.search', 'viewer', '["IFRS-9"'),
	('rag.ingest', 'viewer', 'IFRS-9,,SOX-404'), ('rag.answer-cite', 'viewer', 'BOGUS');
CREATE TABLE reg_badjson (key text, min_role text, standards jsonb);
INSERT INTO reg_badjson VALUES ('rag.search', 'viewer', '{"a": 1}'), ('rag.ingest', 'viewer', '[1]');
SQL
cfg null.yaml reg_null
fault null-min-role "toolsync: table reg_null, key 'ledger.post-entry': error: column min_role is NULL" -c null.yaml
expect_in "$T/err" "toolsync: table reg_null, key 'rag.search': error: column standards is NULL"
expect_in "$T/err" "toolsync: table reg_null, key 'rag.ingest': error: column standards (text[]): a NULL element"
expect_in "$T/err" "toolsync: table reg_null: error: column key is NULL in row 14 (in key order)"
expect_in "$T/err" "build failed with 4 errors"
cfg int.yaml reg_int
fault wrong-type "toolsync: table reg_int: error: column standards has type integer; expected text[], jsonb, json or text" -c int.yaml
cfg intkey.yaml reg_intkey
fault wrong-key-type "toolsync: table reg_intkey: error: column key has type integer; expected text or varchar" -c intkey.yaml
expect_in "$T/err" "column min_role has type integer; expected text, varchar or an enum"
cfg badtext.yaml reg_badtext
fault bad-text "toolsync: table reg_badtext, key 'rag.search': error: column standards (text): not a JSON array of strings: expected ',' or ']'" -c badtext.yaml
expect_in "$T/err" "key 'rag.ingest': error: column standards (text): an empty item in the comma-separated list"
expect_in "$T/err" "key 'rag.answer-cite': error: key 'rag.answer-cite': standard 'BOGUS' is not in the allow-list"
cfg badjson.yaml reg_badjson
fault bad-jsonb "toolsync: table reg_badjson, key 'rag.search': error: column standards (jsonb): not a JSON array of strings: no '['" -c badjson.yaml
expect_in "$T/err" "key 'rag.ingest': error: column standards (jsonb): not a JSON array of strings: expected a string at byte 1"

# hostile keys: refused by name, never a file; 001's CHECK refuses them too
pg_sql <<'SQL'
CREATE TABLE reg_evil (key text, min_role text, standards text[]);
INSERT INTO reg_evil SELECT key, min_role, standards FROM tool_registry;
INSERT INTO reg_evil VALUES ('../x', 'viewer', '{}'), ('a;drop table reg_evil', 'viewer', '{}'),
	(E'a\nb', 'viewer', '{}'), ('', 'viewer', '{}');
SQL
cfg evil.yaml reg_evil
fault evil-keys "toolsync: table reg_evil, key '../x': error: invalid key '../x': a key is a file name" -c evil.yaml
expect_in "$T/err" "toolsync: table reg_evil, key 'a;drop table reg_evil': error: invalid key"
expect_in "$T/err" "toolsync: table reg_evil, key 'a\\x0ab': error: invalid key"
expect_in "$T/err" "toolsync: table reg_evil, key '': error: invalid key ''"
[ ! -e x.json ] && [ ! -e "$T/x.json" ] && [ ! -e out/x.json ] || fail "a hostile key reached the file system"
[ "$(pg_sql -At -c 'SELECT count(*) FROM reg_evil')" = 17 ] || fail "reg_evil changed"
run pg_sql -c "INSERT INTO tool_registry VALUES ('../x', 'viewer', '{}')"
[ "$rc" -ne 0 ] || fail "001_tool_registry.sql accepted the key '../x'"
expect_in "$T/err" "tool_registry_key_syntax"
for bad in "('a..b', 'viewer', '{}')" "('ok', 'viewer', '{IFRS-9,NULL}')" \
	"('ok', 'viewer', '{{a},{b}}')" "('ok', '', '{}')" "('ok', NULL, '{}')" \
	"('$(printf 'k%.0s' $(seq 65))', 'viewer', '{}')"; do
	run pg_sql -c "INSERT INTO tool_registry VALUES $bad"
	[ "$rc" -ne 0 ] || fail "001_tool_registry.sql accepted $bad"
done

# a role without the right to read the table
cfg denied.yaml reg_evil "" "$PGTEST_TCP"
fault permission-denied "toolsync: table reg_evil: error: cannot read the registry: permission denied for table reg_evil" -c denied.yaml

# a hostile table name is one quoted name, never SQL
pg_sql -c "CREATE TABLE y (i int)"
printf 'registry: {postgres: "%s", table: "x\\"; drop table y; --"}\n' "$PGTEST_DB" >hostile.yaml
grep -v '^registry:' "$TOP/toolsync.yaml" >>hostile.yaml
fault hostile-table "toolsync: table x\"; drop table y; --: error: no such table: relation \"x\"; drop table y; --\" does not exist" -c hostile.yaml
[ "$(pg_sql -At -c "SELECT count(*) FROM pg_tables WHERE tablename = 'y'")" = 1 ] || fail "table y was dropped"
cfg hostile2.yaml tool_registry "{key: 'key\", pg_sleep(1), \"key'}"
fault hostile-column "column \"key\", pg_sleep(1), \"key\" does not exist" -c hostile2.yaml

# 5. The connection is killed while the rows stream: toolsync is stopped
#    once its query runs, so the server fills the socket and waits
#    (ClientWrite) with most rows unsent; the backend is terminated, and
#    toolsync, resumed, reads what was sent and then finds the connection
#    gone.  Deterministic: the kill always lands mid-stream.
n=50000
pg_sql -c "CREATE TABLE big (LIKE tool_registry INCLUDING ALL);
	INSERT INTO big SELECT 'k' || lpad(i::text, 6, '0'), 'viewer', '{}' FROM generate_series(1, $n) i"
cp schemas/templates/rag.search.yaml schemas/templates/k.yaml
printf 'match: "k*"\n' | cat - schemas/templates/rag.search.yaml >schemas/templates/k.yaml
cfg big.yaml big "" "$PGTEST_DB application_name=ts-kill"
sed -i 's/^targets:.*/targets: []/' big.yaml
"$TOOLSYNC" build -c big.yaml --out out >"$T/out" 2>"$T/err" &
tpid=$!
# wait_for SQL: until the query prints something (at most 30 s)
wait_for() {
	i=0
	while :; do
		got=$(pg_sql -At -c "$1")
		[ -n "$got" ] && break
		i=$((i + 1))
		[ "$i" -lt 600 ] || { kill -CONT "$tpid" 2>/dev/null; fail "timed out waiting for: $1"; }
		sleep 0.05
	done
}
wait_for "SELECT pid FROM pg_stat_activity WHERE application_name = 'ts-kill' AND state = 'active' AND query LIKE '%ORDER BY%'"
bpid=$got
kill -STOP "$tpid"
wait_for "SELECT pid FROM pg_stat_activity WHERE pid = $bpid AND wait_event = 'ClientWrite'"
pg_sql -At -c "SELECT pg_terminate_backend($bpid)" >/dev/null
kill -CONT "$tpid"
set +e
wait "$tpid"
rc=$?
set -e
expect_rc 2 "connection killed"
expect_in "$T/err" "toolsync: table big: error: reading the rows failed after "
grep -q "failed after [1-9][0-9]* rows: server closed the connection unexpectedly" "$T/err" ||
	{ cat "$T/err"; fail "the kill did not land mid-stream"; }
[ "$before" = "$(tree_sum out)" ] || fail "connection killed: the output directory changed"
! ls -a . | grep -q toolsync-stage || fail "connection killed: a staging directory was left behind"
echo "connection killed: $(grep -o 'after [0-9]* rows' "$T/err") of $n"

# ---- a server that accepts and never answers: the default connect_timeout
# (10 s) ends the wait; connect_timeout in the string or PGCONNECT_TIMEOUT wins.
/usr/bin/python3 - "$T/silent.port" <<'PY' &
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(8)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
held, end = [], time.time() + 30
s.settimeout(0.5)
while time.time() < end:
    try:
        held.append(s.accept())
    except socket.timeout:
        pass
PY
silent=$!
while [ ! -s "$T/silent.port" ]; do sleep 0.1; done
sport=$(cat "$T/silent.port")
start=$(date +%s)
run "$TOOLSYNC" build --registry "host=127.0.0.1 port=$sport dbname=x user=y" --out "$T/silent-out"
expect_rc 2 "a server that never answers"
expect_in "$T/err" "timeout expired"
took=$(( $(date +%s) - start ))
[ "$took" -ge 9 ] && [ "$took" -le 20 ] || fail "the default connect timeout took ${took}s"
PGCONNECT_TIMEOUT=2 run "$TOOLSYNC" build --registry "host=127.0.0.1 port=$sport dbname=x user=y" --out "$T/silent-out"
expect_rc 2
kill "$silent" 2>/dev/null || true
[ ! -e "$T/silent-out" ] || fail "a timed-out build wrote its output"
