# t_build_jobs.sh: templates are loaded and compiled on every job slot
# (TOOLSYNC_JOBS), yet a build says the same, in the same order, and
# writes the same bytes as on one thread (docs/performance.md, "Wide
# inputs").  A trial that has anything to say is loaded again on the main
# thread, in file-name order; templates with $refs to files are checked
# there too.
. tests/lib.sh

example_copy
cd "$T/cat"
tpl=schemas/templates
# 110 small templates (t0000..t0109) around the example's, and a row each
# (the role bundles stay under 128 tools)
awk -v t="$tpl" 'BEGIN {
	for (i = 0; i < 110; i++) {
		f = sprintf("%s/t%04d.yaml", t, i)
		printf "description: \"Tool ${key}.\"\nparameters:\n  type: object\n  properties:\n    x: {type: integer}\n  required: [x]\n  additionalProperties: false\n" >f
		close(f)
	}
}'
awk 'BEGIN { for (i = 0; i < 110; i++) printf "  - {key: t%04d, minRole: viewer, standards: []}\n", i }' \
	>>registry.yaml
# some with $refs to files, on both threads' chunks
for i in 0033 0061 0097; do
	printf 'description: "Tool ${key}."\nparameters:\n  type: object\n  properties:\n    at: {$ref: "_defs/period.yaml#/Period"}\n  required: [at]\n  additionalProperties: false\n' \
		>"$tpl/t$i.yaml"
done

# build_with N: a fresh build on N job slots; its stdout, stderr and files as $T/*N
build_with() {
	rm -rf "$T/m" "$T/m$1"
	TOOLSYNC_JOBS=$1 run "$TOOLSYNC" build --out "$T/m"
	cp "$T/out" "$T/out$1"
	cp "$T/err" "$T/err$1"
	[ ! -d "$T/m" ] || mv "$T/m" "$T/m$1"
}

# 1. a clean catalogue: the same files and the same words on 1, 2 and 4 slots
build_with 1
expect_rc 0
for j in 2 4; do
	build_with $j
	expect_rc 0
	cmp -s "$T/out1" "$T/out$j" || fail "stdout differs with TOOLSYNC_JOBS=$j"
	cmp -s "$T/err1" "$T/err$j" || fail "stderr differs with TOOLSYNC_JOBS=$j"
	[ "$(tree_sum "$T/m1" | sed 's/ [0-9]*$//')" = "$(tree_sum "$T/m$j" | sed 's/ [0-9]*$//')" ] ||
		fail "the output differs with TOOLSYNC_JOBS=$j"
done

# 2. problems of every kind, spread over the catalogue: the same messages,
#    in file-name order, on 1, 2 and 4 slots
printf 'description: "Tool ${key}."\nparameters: {type: object\n' >"$tpl/t0005.yaml"       # YAML syntax
sed -i 's/Tool \${key}/Tool ${bogus}/' "$tpl/t0020.yaml"                                 # unknown variable
sed -i 's/^description:/descripton:/' "$tpl/t0040.yaml"                                  # unknown key
awk 'BEGIN { printf "description: \""; for (i = 0; i < 1100; i++) printf "x"; print "\"" }' >"$tpl/t0050.yaml"
sed -n '2,$p' "$tpl/t0051.yaml" >>"$tpl/t0050.yaml"                                       # a warning only
sed -i 's/_defs\/period.yaml#\/Period/_defs\/gone.yaml#\/Period/' "$tpl/t0061.yaml"      # $ref to a missing file
sed -i 's/_defs\/period.yaml#\/Period/_defs\/gone.yaml#\/Period/' "$tpl/t0097.yaml"      # the same, reported once
sed -i 's/integer/integr/' "$tpl/t0080.yaml"                                             # a schema error
printf 'description: x\nparameters: {type: object}\ndescription: y\n' >"$tpl/t0108.yaml" # duplicate key
build_with 1
expect_rc 2
for what in t0005.yaml t0020.yaml t0040.yaml t0050.yaml t0061.yaml t0080.yaml t0108.yaml; do
	expect_in "$T/err1" "$what"
done
[ "$(grep -c "cannot find '.*gone.yaml'" "$T/err1")" -eq 1 ] || fail "a missing \$ref target is reported once"
grep -o 't0[0-9]*\.yaml' "$T/err1" | uniq >"$T/order"
LC_ALL=C sort -c "$T/order" || fail "messages are not in file-name order"
for j in 2 4; do
	build_with $j
	expect_rc 2
	cmp -s "$T/err1" "$T/err$j" || { diff "$T/err1" "$T/err$j" | head -20; fail "stderr differs with TOOLSYNC_JOBS=$j"; }
done

# 3. a --sign-each build of 3,000 tools: batches in flight on every slot,
#    the workers adding signatures to the index while the main thread adds
#    tools (a double free under ASan once).  The same files on 1, 2 and 4
#    slots, and they verify.
rm -f "$tpl"/t0*.yaml
printf 'description: "Tool ${key}."\nparameters:\n  type: object\n  properties:\n    x: {type: integer}\n  required: [x]\n  additionalProperties: false\n' >"$tpl/many.yaml"
printf 'match: "many.*"\n' >>"$tpl/many.yaml"
printf 'tool_registry:\n' >registry.yaml
awk 'BEGIN { for (i = 0; i < 3000; i++) printf "  - {key: many.t%04d, minRole: viewer, standards: []}\n", i }' >>registry.yaml
sed -i 's/^targets:.*/targets: []/' toolsync.yaml
run "$TOOLSYNC" keygen -W -p "$T/k.pub" -s "$T/k.key"
expect_rc 0
for j in 1 2 4; do
	rm -rf "$T/s$j"
	TOOLSYNC_JOBS=$j run "$TOOLSYNC" build --key "$T/k.key" --sign-each --out "$T/s$j"
	expect_rc 0
	expect_in "$T/out" "6004 files"
	run "$TOOLSYNC" verify -p "$T/k.pub" "$T/s$j"
	expect_rc 0
done
for j in 2 4; do
	[ "$(tree_sum "$T/s1" | sed 's/ [0-9]*$//')" = "$(tree_sum "$T/s$j" | sed 's/ [0-9]*$//')" ] ||
		fail "a --sign-each build differs with TOOLSYNC_JOBS=$j"
done

# 4. TOOLSYNC_JOBS that is no number of threads: said once, on stderr
#    (escaped, a key masked), and the default used; the files the same.
#    More than 64 is 64, silently (the documented cap).
for v in abc 0 -1 4x "$(printf 'a\033[31mb\nc')" sk-proj-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA; do
	rm -rf "$T/sv"
	TOOLSYNC_JOBS=$v run "$TOOLSYNC" build --key "$T/k.key" --sign-each --out "$T/sv"
	expect_rc 0
	[ "$(grep -c 'warning: TOOLSYNC_JOBS' "$T/err")" = 1 ] ||
		fail "TOOLSYNC_JOBS='$v': not one warning: $(cat "$T/err")"
	expect_in "$T/err" "using one per processor"
	expect_not_in "$T/err" "AAAAAAAAAAAAAAAAAAAA"
	[ "$(grep -c . "$T/err")" = 1 ] || fail "TOOLSYNC_JOBS='$v': the value reached stderr raw"
	[ "$(tree_sum "$T/s1" | sed 's/ [0-9]*$//')" = "$(tree_sum "$T/sv" | sed 's/ [0-9]*$//')" ] ||
		fail "a build differs with TOOLSYNC_JOBS='$v'"
done
for v in 64 65 99999999999999999999; do
	rm -rf "$T/sv"
	TOOLSYNC_JOBS=$v run "$TOOLSYNC" build --key "$T/k.key" --sign-each --out "$T/sv"
	expect_rc 0
	expect_not_in "$T/err" "TOOLSYNC_JOBS"
done
rm -rf "$T/sv"
