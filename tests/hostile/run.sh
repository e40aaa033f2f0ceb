# tests/hostile/run.sh: the runner of the hostile-input corpus of issue #9
# (README.md here).  A script sources it with the parts to run:
#   set -- rules widths; . tests/hostile/run.sh    # {rules,widths}.cases
# Every case runs on its own copy of the example
# catalogue and asserts its exit code (nothing hangs, no crash, no
# sanitizer report, no BUG), its location, that the catalogue and its
# output directory are unchanged byte for byte (nothing staged, nothing
# written), that no planted secret and no outside content reaches stdout,
# stderr or a report, and that stderr holds no workflow command ('::' at
# a line's start) and no escape sequence.
# HOSTILE=GLOB runs only the cases whose name matches GLOB.
. tests/lib.sh
[ $# -gt 0 ] || fail "tests/hostile/run.sh: name the *.cases parts to run"

H=$TOP/tests/hostile
for v in $(env | sed -n 's/^\(OPENAI_[A-Z_]*\)=.*/\1/p'); do unset "$v"; done

# toolsync on PATH, so that a case's run: and setup: lines can name it
mkdir "$T/bin"
ln -s "$TOOLSYNC" "$T/bin/toolsync"
PATH=$T/bin:$PATH
export PATH

# Outside the catalogue: what must never be read, quoted or copied.
OUTSIDE=$T/outside
mkdir -p "$OUTSIDE/tools"
printf 'api_key: sk-proj-HOSTILEfixture%s\n' "0123456789abcdefABCDEF0123" >"$OUTSIDE/secret.yaml"
printf 'root:x:0:0:HOSTILE-PASSWD-MARKER:/root:/bin/bash\n' >"$OUTSIDE/passwd"
cp "$TOP/manifests/tools/"*.json "$OUTSIDE/tools/"
printf '{"HOSTILE": "outside manifest"}\n' >"$OUTSIDE/tools/rag.search.json"
# a tool to import: valid, new to the example's registry
printf '[{"type": "function", "name": "fresh_tool", "description": "A new tool.", %s}]\n' \
	'"parameters": {"type": "object", "properties": {"q": {"type": "string"}}, "required": ["q"], "additionalProperties": false}, "strict": true' \
	>"$T/new.json"
# outside content: in no output of any case
NEVER_ALWAYS="HOSTILE
root:x:0:0
sk-proj-"

. "$H/gen.sh"

# one pristine copy of the example catalogue, copied per case
example_copy
mv "$T/cat" "$T/pristine"

# snap: the catalogue as names, types, modes, mtimes, sizes and link
# targets, and the bytes of every file in manifests/ (the output
# directory); the paths of writes: lines are left out.
# (both snapshots are of the same directories: find's order is stable)
snap() {
	prune="-path ./.git"
	for w in $K_writes; do prune="$prune -o -path ./$w"; done
	# shellcheck disable=SC2086
	find . \( $prune \) -prune -o -printf '%p %y %m %T@ %s %l\n'
	find manifests -type f -exec b2sum {} + 2>/dev/null || true
}

# xp RAW: RAW expanded as an unquoted here-document ($VAR, $(cmd), $((n))
# expand; \$ is a dollar), in $xp
xp() {
	case $1 in *'$'* | *'`'* | *'\\'*) ;; *) xp=$1; return 0 ;; esac
	eval "xp=\$(cat <<HOSTILE_EOF
$1
HOSTILE_EOF
)"
}

# each_line LIST FUNCTION [raw]: FUNCTION with every line of LIST,
# expanded (or as it is: setup lines are shell code)
each_line() {
	[ -n "$1" ] || return 0
	while IFS= read -r el_raw; do
		if [ -n "${3:-}" ]; then xp=$el_raw; else xp "$el_raw"; fi
		"$2" "$xp"
	done <<HOSTILE_LIST
$1
HOSTILE_LIST
}

cfail() { fail "$K_case ($CASE_WHERE): $*"; }
# outputs: $OUTS, every file the command wrote for the user
outputs() {
	OUTS="$T/out $T/err"
	for o in "$T"/report.*; do [ ! -e "$o" ] || OUTS="$OUTS $o"; done
}

check_says() {
	# shellcheck disable=SC2086
	grep -qF -- "$1" $OUTS || { head -c 3000 "$T/err"; cfail "'$1' in no output"; }
}
# never_add TEXT: TEXT is in no output (all checked at once by check_never)
never_add() { [ -z "$1" ] || printf '%s\n' "$1" >>"$T/never.pats"; }
check_never() {
	# shellcheck disable=SC2086
	! grep -F -f "$T/never.pats" $OUTS >"$T/found" || { head -c 3000 "$T/found"; cfail "a secret or outside content in an output (above)"; }
}
check_never_re() {
	# shellcheck disable=SC2086
	! grep -q -- "$1" $OUTS || { cfail "/$1/ matches in an output"; }
}
check_secret() {
	if [ ${#1} -gt 12 ]; then never_add "${1#"${1%????????????}"}"; else never_add "$1"; fi
}
check_where() {
	[ -z "${fmt:-}" ] || [ "$fmt" = text ] || return 0
	check_says "$1"
}
check_where_re() {
	grep -q -- "$1" "$T/err" || { head -c 3000 "$T/err"; cfail "no stderr line matches /$1/"; }
}
check_report() {
	r_fmt=${1%% *} r_text=${1#* }
	[ "$r_fmt" = "${fmt:-}" ] || return 0
	grep -qF -- "$r_text" "$T/report.$r_fmt" || { cat "$T/report.$r_fmt"; cfail "'$r_text' not in report.$r_fmt"; }
}
check_count() {
	c_n=${1%% *} c_text=${1#* }
	[ "$(grep -cF -- "$c_text" "$T/err")" -eq "$c_n" ] ||
		{ cat "$T/err"; cfail "'$c_text' not on exactly $c_n lines of stderr"; }
}
check_absent() { [ ! -e "$1" ] && [ ! -L "$1" ] || cfail "'$1' was written"; }
do_setup() { printf '%s\n' "$1" >"$T/setup.now"; eval "$1"; }

# the checks every case gets
check_always() {
	[ "$rc" -ne 124 ] || cfail "hung (killed after $K_timeout s)"
	[ "$rc" -eq "$K_exit" ] || { head -c 3000 "$T/err"; cat "$T/out" | head -c 2000; cfail "expected exit $K_exit, got $rc"; }
	for bad in "BUG" "AddressSanitizer" "LeakSanitizer" "runtime error:"; do
		! grep -qF -- "$bad" "$T/err" || { head -c 3000 "$T/err"; cfail "'$bad' on stderr"; }
	done
	! grep -q '^::' "$T/err" || { head -c 3000 "$T/err"; cfail "a line starting with '::' on stderr"; }
	# shellcheck disable=SC2086
	! grep -qF -- "$ESC" ${OUTS#* } || cfail "an escape sequence on stderr or in a report"
	[ -z "$K_formats" ] || [ ! -s "$T/out" ] || cfail "printed on stdout with --output"
	[ "$(snap)" = "$before" ] || { snap >"$T/after"; printf '%s\n' "$before" | diff - "$T/after" | head -n 20; cfail "the catalogue or its output directory changed"; }
}

run_case() {
	cd "$T" && rm -rf cat elsewhere report.* && cp -a pristine cat && mkdir elsewhere
	ELSEWHERE=$T/elsewhere
	cd cat
	for o in $K_overlay; do cp -R "$H/overlay/$o/." . || cfail "no overlay '$o'"; done
	each_line "$K_setup" do_setup raw
	before=$(snap)
	cmdline=$K_run
	[ -z "$K_formats" ] || cmdline="$cmdline --format $fmt --output \"\$T/report.$fmt\""
	[ -z "$K_max_seconds" ] || start=$(date +%s)
	set +e
	if [ -n "$K_max_rss_kb" ]; then
		eval "/usr/bin/time -f %M -o \"\$T/rss\" timeout $K_timeout $cmdline" >"$T/out" 2>"$T/err"
	else
		eval "timeout $K_timeout $cmdline" >"$T/out" 2>"$T/err"
	fi
	rc=$?
	set -e
	[ -z "$K_max_seconds" ] || took=$(( $(date +%s) - start ))
	outputs
	check_always
	each_line "$K_where" check_where
	each_line "$K_where_re" check_where_re
	each_line "$K_says" check_says
	printf '%s\n' "$NEVER_ALWAYS" >"$T/never.pats"
	each_line "$K_never" never_add
	each_line "$K_secret" check_secret
	check_never
	each_line "$K_never_re" check_never_re
	each_line "$K_report" check_report
	each_line "$K_count" check_count
	each_line "$K_absent" check_absent
	[ -z "$K_max_seconds" ] || [ "$took" -le "$K_max_seconds" ] || cfail "took $took s (limit $K_max_seconds)"
	[ -z "$K_max_err_bytes" ] || [ "$(wc -c <"$T/err")" -le "$K_max_err_bytes" ] || cfail "stderr over $K_max_err_bytes bytes"
	# the sanitizer build has a memory use of its own
	case $TOOLSYNC in */san/*) ;; *)
		[ -z "$K_max_rss_kb" ] || [ "$(tail -n 1 "$T/rss")" -le "$K_max_rss_kb" ] ||
			cfail "used $(tail -n 1 "$T/rss") KB (limit $K_max_rss_kb)";;
	esac
	cd "$T" && rm -rf cat elsewhere
}

# the plan's functions (expand.awk)
KEYS="case run exit timeout overlay setup where where_re says never never_re secret report count absent writes formats max_seconds max_rss_kb max_err_bytes"
hcase_begin() {
	CASE_WHERE=${1#"$TOP/"} CASE_VARS=
	for k in $KEYS; do eval "K_$k="; done
	K_timeout=60
}
hvar() { xp "$2"; eval "$1=\$xp"; CASE_VARS="$CASE_VARS $1"; }
hkv() {
	k=$1
	case " $KEYS " in *" $k "*) ;; *) fail "$CASE_WHERE: unknown key '$1'";; esac
	case $k in
	case | run | exit | timeout | formats | max_seconds | max_rss_kb | max_err_bytes) eval "K_$k=\$2" ;;
	*) eval "[ -z \"\$K_$k\" ] && K_$k=\$2 || K_$k=\"\$K_$k
\$2\"" ;;
	esac
}
ncases=0 nfailed=0 failed=
hcase_end() {
	[ -n "$K_case" ] && [ -n "$K_run" ] && [ -n "$K_exit" ] || fail "$CASE_WHERE: a case needs case:, run: and exit:"
	[ -n "$K_where$K_where_re" ] || [ "$K_exit" -eq 0 ] || fail "$CASE_WHERE: $K_case: a refused case needs where: or where-re:"
	xp "$K_case"
	K_case=$xp
	# shellcheck disable=SC2254
	[ -z "${HOSTILE:-}" ] || case $K_case in $HOSTILE) ;; *) return 0 ;; esac
	ncases=$((ncases + 1))
	rm -f "$T/setup.now"
	set +e
	(set -e; run_case) 2>"$T/case.err"
	st=$?
	set -e
	if [ "$st" -ne 0 ]; then
		grep -q "^FAIL:" "$T/case.err" || echo "FAIL: $K_case ($CASE_WHERE): setup or check failed near: $(cat "$T/setup.now" 2>/dev/null)" >>"$T/case.err"
		nfailed=$((nfailed + 1))
		failed="$failed
  $K_case ($CASE_WHERE)"
		cat "$T/case.err" >&2
	fi
	cd "$T"
	for v in $CASE_VARS; do unset "$v"; done
	unset fmt
}

for part in "$@"; do
	f=$H/$part.cases
	note "$part"
	awk -f "$H/expand.awk" "$f" >"$T/plan.sh" || fail "$f: cannot expand"
	. "$T/plan.sh"
done
echo "hostile ($*): $ncases cases, $nfailed failed"
[ "$nfailed" -eq 0 ] || fail "failed cases:$failed"
