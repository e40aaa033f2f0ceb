# tests/hostile/gen.sh: generators for the corpus's setup: lines (sourced
# by tests/hostile/run.sh; each runs in the case's copy of the catalogue).
# What cannot be committed (FIFOs, links out of the tree, /dev/zero, sparse
# files over a cap, a 200 MB line, 5,000-member objects) is made here.

ALPHA=aB3dE5fG7hJ9kL1mN2pQ4rS6tU8vW0xYzC2eF4gH6iJ8kM0nP1qR3sT5uV7wX9yZ
# body N: N key characters that mix cases and digits
body() { printf '%s' "$ALPHA" | cut -c "1-$1"; }
# the API key planted in the secrets cases (an OpenAI project key)
KEY=sk-proj-$(body 32)
ESC=$(printf '\033')
CR=$(printf '\r')

# wide_yaml N: a mapping of N keys, the last repeating the first
wide_yaml() {
	awk -v n="$1" 'BEGIN { for (i = 0; i < n - 1; i++) printf "k%d: %d\n", i, i; print "k0: dup" }'
}
# wide_json N: the same as a JSON object, one member a line after "{"
wide_json() {
	awk -v n="$1" 'BEGIN { print "{"; for (i = 0; i < n - 1; i++) printf "\"k%d\": %d,\n", i, i
		print "\"k0\": 0"; print "}" }'
}
# wide_defs N: _defs/wide.yaml holds "P:" over a mapping of N keys (the last
# a duplicate), and controls.test-run.yaml $refs it
wide_defs() {
	{ echo "P:"; wide_yaml "$1" | sed 's/^/  /'; } >schemas/templates/_defs/wide.yaml
	use_defs "_defs/wide.yaml#/P"
}
# use_defs REF: controls.test-run.yaml's period $refs REF instead
use_defs() {
	sed -i "s|_defs/period.yaml#/Period|$1|" schemas/templates/controls.test-run.yaml
}
# nested OPEN N [PREFIX]: one line of PREFIX and N times OPEN
nested() {
	awk -v o="$1" -v n="$2" -v p="${3:-}" 'BEGIN { s = p; for (i = 0; i < n; i++) s = s o; print s }'
}
# laughs FILE: a YAML billion laughs (ten levels of ten aliases) under P
laughs() {
	{
		echo 'a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]'
		for i in 1 2 3 4 5 6 7 8 9; do
			p=$((i - 1))
			printf 'a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n' \
				"$i" "$i" $p $p $p $p $p $p $p $p $p $p
		done
		echo 'P: {type: string, enum: *a9}'
	} >"$1"
}
# fanout N: _defs/f1..fN each refer to the next twice; f(N+1) is a string
fanout() {
	for i in $(seq 1 "$1"); do
		printf 'D:\n  type: object\n  properties:\n    a: {$ref: "_defs/f%d.yaml#/D"}\n    b: {$ref: "_defs/f%d.yaml#/D"}\n  required: [a, b]\n  additionalProperties: false\n' \
			$((i + 1)) $((i + 1)) >schemas/templates/_defs/f"$i".yaml
	done
	printf 'D:\n  type: string\n' >schemas/templates/_defs/f$(($1 + 1)).yaml
	use_defs "_defs/f1.yaml#/D"
}
# bigline FILE: a registry whose one key is a 200 MB line
bigline() {
	{ printf 'tool_registry:\n  - key: '; head -c 200000000 /dev/zero | tr '\0' 'a'; printf '\n'; } >"$1"
}
# conf NEW KEY LINE: toolsync.yaml with its top-level KEY line replaced by LINE
conf() {
	{ printf '%s\n' "$3"; grep -v "^$2:" toolsync.yaml; } >"$1"
}
# templates_copy DIR: the templates copied to DIR, and tpl.yaml using them
templates_copy() {
	mkdir -p "$1" && cp -R schemas/templates/. "$1/"
	conf tpl.yaml templates "templates: $1"
}

# plant HOW PATH [SIZE]: turn PATH (in the catalogue) into something hostile:
# a link to the outside secret or passwd lines, to the outside tools/,
# to /dev/zero, to nothing (dangling); a FIFO, a directory, a file of
# one line, a sparse file of SIZE, NUL bytes.
plant() {
	rm -rf "$2"
	mkdir -p "$(dirname "$2")"
	case $1 in
	secret) ln -s "$OUTSIDE/secret.yaml" "$2" ;;
	passwd) ln -s "$OUTSIDE/passwd" "$2" ;;
	tools) ln -s "$OUTSIDE/tools" "$2" ;;
	fifo) mkfifo "$2" ;;
	zero) ln -s /dev/zero "$2" ;;
	dangling) ln -s "$OUTSIDE/no-such-file.yaml" "$2" ;;
	dir) mkdir "$2" ;;
	file) printf 'x\n' >"$2" ;;
	huge) truncate -s "$3" "$2" ;;
	nul) printf 'a: 1\n\000b: 2\n' >"$2" ;;
	*) echo "plant: unknown '$1'" >&2; return 1 ;;
	esac
}
# move_out PATH: PATH moved to this case's scratch space outside the
# catalogue ($ELSEWHERE) and replaced by a link to it
move_out() {
	mv "$1" "$ELSEWHERE/$(basename "$1")" && ln -s "$ELSEWHERE/$(basename "$1")" "$1"
}
gitcat() { git -c user.name=t -c user.email=t@example.invalid "$@"; }
# git_commit_hostile HOW PATH [SIZE]: a git repository whose HEAD holds
# PATH (a file or a directory) made hostile: plant's HOW, or HOW
# submodule, a gitlink (mode 160000, the base commit) in its place; the
# work tree keeps the good PATH
git_commit_hostile() {
	git init -q . && gitcat add -A && gitcat commit -qm base
	if [ "$1" = submodule ]; then
		gitcat rm -rq --cached "$2"
		gitcat update-index --add --cacheinfo "160000,$(git rev-parse HEAD),$2"
	else
		mv "$2" "$ELSEWHERE/keep"
		plant "$1" "$2" "${3:-}"
		gitcat add -A
		rm -rf "$2" && mv "$ELSEWHERE/keep" "$2"
	fi
	gitcat commit -qm hostile
}
# sign_each_substituted: a build signed with a fresh key and --sign-each,
# then index.json and its signature replaced by a tool's (same key)
sign_each_substituted() {
	rm -f manifests/index.json.minisig
	toolsync keygen -W -p ts.pub -s ts.key >/dev/null 2>&1
	toolsync build --key ts.key --sign-each >/dev/null 2>&1
	toolsync verify -p ts.pub >/dev/null 2>&1
	cp manifests/tools/rag.search.json manifests/index.json
	cp manifests/tools/rag.search.json.minisig manifests/index.json.minisig
}
# wide_member N FIRST: N members at four spaces, the last repeating FIRST
wide_member() {
	awk -v n="$1" -v k="$2" 'BEGIN { for (i = 1; i < n - 1; i++) printf "    k%d: %d\n", i, i; printf "    %s: dup\n", k }'
}
# The committed role bundle diff and ci parse when it differs (#9).
BUNDLE=manifests/roles/viewer.responses.json
# wide_bundle N: a bundle whose one tool has N members, the last repeating "type"
wide_bundle() {
	awk -v n="$1" 'BEGIN { print "[{"; print "\"type\": \"function\","
		for (i = 1; i < n - 1; i++) printf "\"k%d\": %d,\n", i, i; print "\"type\": \"x\"}]" }' >"$BUNDLE"
}
# tools_bundle N: a bundle of N distinct tools, one a line
tools_bundle() {
	awk -v n="$1" 'BEGIN { printf "["; for (i = 0; i < n; i++)
		printf "%s{\"type\": \"function\", \"name\": \"t%d\"}\n", i ? "," : "", i; print "]" }' >"$BUNDLE"
}
# minified_bundle N: a bundle of N values on one line (no tool: refused at its end)
minified_bundle() {
	awk -v n="$1" 'BEGIN { printf "["; for (i = 0; i < n; i++) printf "0,"; print "0]" }' >"$BUNDLE"
}
# many_bundles N: N committed bundles, each of another role, each holding a
# tool of its own (toolsync kept roles x names: 10,000 took 360 MB)
many_bundles() {
	(cd manifests/roles && awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++) {
		f = sprintf("r%d.responses.json", i)
		printf "[{\"type\": \"function\", \"name\": \"n%d\"}]\n", i >f; close(f) } }')
}
# journal NAME STAGE OLD: the journal of an interrupted switch beside manifests/
journal() {
	printf '%s\0%s\0%s\0' "$1" "$2" "$3" >.toolsync-switch
}
# zeros N: "[0,0,...]", N zeros on one line (N + 1 values; the k-th zero at
# column 2k), no newline: the readers' value budget (JV_VALUES_MAX)
zeros() {
	awk -v n="$1" 'BEGIN { printf "["; for (i = 1; i < n; i++) printf "0,"; printf "0]" }'
}
# anchors K N: K flow lists nested on one line, each anchored (&a000 [ ...,
# 7 columns an anchor), the innermost holding N zeros: each anchor keeps a
# copy of its value, so K of them held K * N values
anchors() {
	awk -v k="$1" -v n="$2" 'BEGIN { for (i = 0; i < k; i++) printf "&a%03d [", i
		printf "0"; for (i = 1; i < n; i++) printf ",0"; for (i = 0; i < k; i++) printf "]"; print "" }'
}
