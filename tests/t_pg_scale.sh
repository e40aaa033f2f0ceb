# t_pg_scale.sh: a large tool_registry streams through `toolsync build`
# from PostgreSQL with memory that grows only by the per-tool bookkeeping
# (the index, the key and name sets, one location each), not by the rows.
#
# Peak RSS (/usr/bin/time -v) at SMALL and BIG rows; the bound is loose:
# the growth per extra row must stay under ROW_BUDGET bytes (what the
# bookkeeping needs is about 0.6 KB; holding the rows, their manifests or
# libpq results would be several KB).  Under SANITIZE=1 the sizes are
# scaled down (the binary is ~3x slower and ASan's allocator is greedier).
#
#   RUNS=5 MEASURE=1 TESTS=t_pg_scale make scripted VERBOSE=1
# also measures the file source at both sizes and prints medians of RUNS
# runs (the numbers in docs/postgres.md).
. tests/lib.sh
. tests/pglib.sh
command -v /usr/bin/time >/dev/null || fail "no /usr/bin/time (install the 'time' package)"

case $TOOLSYNC in
*/build/san/*)
	SMALL=${SMALL:-2000} BIG=${BIG:-20000} ROW_BUDGET=${ROW_BUDGET:-4096}
	# ASan keeps freed blocks in a quarantine (256 MB by default): RSS
	# would grow with every allocation, live or not
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0
	export ASAN_OPTIONS ;;
*) SMALL=${SMALL:-10000} BIG=${BIG:-100000} ROW_BUDGET=${ROW_BUDGET:-1536} ;;
esac
RUNS=${RUNS:-1}
note "starting a throwaway PostgreSQL server; then $SMALL and $BIG rows"
pg_start

example_copy
cd "$T/cat"
rm -rf manifests
printf 'match: "k*"\n' | cat - schemas/templates/rag.search.yaml >schemas/templates/k.yaml
grep -v '^registry:\|^targets:' "$TOP/toolsync.yaml" >scale.yaml
echo 'targets: []' >>scale.yaml   # bundles hold at most 128 tools

pg_sql -f "$TOP/schemas/sql/001_tool_registry.sql"
# rows of every role and a few shapes of standards, keys k000001...
pg_sql -c "INSERT INTO tool_registry
	SELECT 'k' || lpad(i::text, 6, '0'),
	       (ARRAY['viewer','analyst','reviewer','approver','admin'])[1 + i % 5],
	       (ARRAY['{}', '{SOX-404}', '{IFRS-9,ISA-500}'])[1 + i % 3]::text[]
	  FROM generate_series(1, $BIG) i; ANALYZE tool_registry"
pg_sql -c "CREATE VIEW small AS SELECT * FROM tool_registry WHERE key <= 'k' || lpad('$SMALL', 6, '0')"

# file_registry N: the first N rows as a YAML registry file
file_registry() {
	{
		echo 'tool_registry:'
		pg_sql -At -c "SELECT format('  - {key: %s, minRole: %s, standards: [%s]}',
			key, min_role, array_to_string(standards, ', '))
			FROM tool_registry WHERE key <= 'k' || lpad('$1', 6, '0') ORDER BY key"
	} >"reg$1.yaml"
}

# scale.yaml with a registry table: small and big
{ echo "registry: {postgres: \"$PGTEST_DB\", table: small}"; cat scale.yaml; } >pg-small.yaml
{ echo "registry: {postgres: \"$PGTEST_DB\", table: tool_registry}"; cat scale.yaml; } >pg-big.yaml

# rss CONFIG ARGS...: build into a fresh directory; print the peak RSS in kB
rss() {
	c=$1
	shift
	rm -rf "$T/o"
	/usr/bin/time -v "$TOOLSYNC" build -c "$c" --out "$T/o" "$@" >"$T/out" 2>"$T/err" ||
		{ grep -v "^	" "$T/err" | tail -20 >&2; fail "build -c $c $* failed"; }
	sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$T/err"
}

median() {
	tr ' ' '\n' | sed '/^$/d' | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# measure NAME CONFIG ARGS...: the median peak RSS of RUNS builds, in kB
measure() {
	name=$1
	shift
	note "peak RSS of a build: $name"
	all=
	r=0
	while [ "$r" -lt "$RUNS" ]; do
		all="$all $(rss "$@")"
		r=$((r + 1))
	done
	m=$(echo "$all" | median)
	echo "$name: median $m kB (runs:$all)" >>"$T/report"
	echo "$m"
}

: >"$T/report"
pg_small=$(measure "postgres, $SMALL rows" pg-small.yaml)
[ "$(ls "$T/o/tools" | wc -l)" -eq "$SMALL" ] || fail "the small build did not write $SMALL tools"
cp -R "$T/o" "$T/pg-small-out"
pg_big=$(measure "postgres, $BIG rows" pg-big.yaml)
[ "$(ls "$T/o/tools" | wc -l)" -eq "$BIG" ] || fail "the big build did not write $BIG tools"

# the same rows from a file build the same bytes
file_registry "$SMALL"
file_small=$(measure "file, $SMALL rows" scale.yaml --registry "reg$SMALL.yaml")
diff -r "$T/pg-small-out" "$T/o" >/dev/null || fail "postgres and file builds of $SMALL rows differ"
if [ -n "${MEASURE:-}" ]; then
	file_registry "$BIG"
	measure "file, $BIG rows" scale.yaml --registry "reg$BIG.yaml" >/dev/null
fi
cat "$T/report"

growth=$(( (pg_big - pg_small) * 1024 / (BIG - SMALL) ))
echo "postgres: $growth bytes of peak RSS per extra row (budget $ROW_BUDGET)"
[ "$growth" -lt "$ROW_BUDGET" ] ||
	fail "peak RSS grows by $growth bytes a row from $SMALL to $BIG rows (budget $ROW_BUDGET)"
