# t_hostile_files.sh: every file toolsync reads, made hostile: a symbolic
# link out of its root (to a fake API key, to passwd-like lines), a FIFO,
# /dev/zero, a directory, a file over its size cap (sparse), NUL bytes.
# Each case: exit 2 (within a timeout: nothing hangs), a message naming the
# file, the output directory unchanged, no outside content in any output.
# Under `make check SANITIZE=1` a leak is exit 1, so every case also shows
# there is none.  docs/formats.md, "Reading files", states the rules.
. tests/lib.sh

# Outside the catalogue: what must never be read, quoted or copied.
mkdir -p "$T/outside/tools"
printf 'api_key: sk-proj-HOSTILEfixture%s\n' "0123456789abcdefABCDEF0123" >"$T/outside/secret.yaml"
printf 'root:x:0:0:HOSTILE-PASSWD-MARKER:/root:/bin/bash\n' >"$T/outside/passwd"
cp "$TOP/manifests/tools/"*.json "$T/outside/tools/"
printf '{"HOSTILE": "outside manifest"}\n' >"$T/outside/tools/rag.search.json"
# a tool to import: valid, new to the example's registry
printf '[{"type": "function", "name": "fresh_tool", "description": "A new tool.", %s}]\n' \
	'"parameters": {"type": "object", "properties": {"q": {"type": "string"}}, "required": ["q"], "additionalProperties": false}, "strict": true' \
	>"$T/new.json"

# fresh: a pristine copy of the example catalogue in $T/cat, and cd there.
example_copy
mv "$T/cat" "$T/pristine"
fresh() {
	cd "$T"
	rm -rf "$T/cat"
	cp -a "$T/pristine" "$T/cat"
	cd "$T/cat"
}

# snap: manifests/ as names, types, modes, mtimes and digests (tree_sum in
# a few processes: this script snapshots it some 200 times), and the rest
# of the catalogue (registry, templates, journal: what import or a build
# could write) as names, types, modes and, for files, mtimes and sizes.
snap() {
	find manifests -printf '%p %y %m %T@ %s %l\n' | LC_ALL=C sort
	find manifests -type f -print0 | LC_ALL=C sort -z | xargs -0 -r b2sum
	find . \( -path ./manifests -o -path ./.git -o -name report.out \) -prune -o \
		\( -type d -printf '%p %y %m\n' \) -o -printf '%p %y %m %T@ %s %l\n' | LC_ALL=C sort
}

# plant HOW PATH [SIZE]: turn PATH (in the catalogue) into something hostile.
plant() {
	rm -rf "$2"
	mkdir -p "$(dirname "$2")"
	case $1 in
	secret) ln -s "$T/outside/secret.yaml" "$2" ;;
	passwd) ln -s "$T/outside/passwd" "$2" ;;
	tools) ln -s "$T/outside/tools" "$2" ;;
	fifo) mkfifo "$2" ;;
	zero) ln -s /dev/zero "$2" ;;
	dir) mkdir "$2" ;;
	huge) truncate -s "$3" "$2" ;;
	nul) printf 'a: 1\n\000b: 2\n' >"$2" ;;
	*) fail "plant: unknown '$1'" ;;
	esac
}

# no_outside FILE...: nothing read from outside the catalogue in FILEs.
no_outside() {
	for f in "$@"; do
		[ -f "$f" ] || continue
		expect_not_in "$f" "HOSTILE"
		expect_not_in "$f" "sk-proj-"
		expect_not_in "$f" "root:x:0:0"
	done
}

# hostile RC TEXT CMD...: run CMD in the catalogue under a timeout; it exits
# RC with TEXT in its output (stderr, stdout or the report), leaves manifests/ as it was and quotes nothing
# from outside (stdout, stderr, and a report written with --output).
hostile() {
	want=$1 text=$2
	shift 2
	before=$(snap)
	run timeout 20 "$TOOLSYNC" "$@"
	[ "$rc" -ne 124 ] || fail "'$*' hung (killed after 20 s)"
	expect_rc "$want" "$*"
	cat "$T/err" "$T/out" >"$T/all"
	[ ! -f report.out ] || cat report.out >>"$T/all"
	expect_in "$T/all" "$text"
	[ "$(snap)" = "$before" ] || fail "'$*' changed manifests/"
	no_outside "$T/out" "$T/err" report.out
	rm -f report.out
}

# 1. Files reached from a root (the configuration's directory, or the
#    output directory): a link is refused wherever it points.
#    path | command | the message's subject
while IFS='|' read -r path cmd subject; do
	for how in secret passwd fifo zero dir nul; do
		fresh
		plant "$how" "$path"
		case $how in
		secret | passwd | zero) text="'$path' is a symbolic link (links are not followed here)" ;;
		fifo) text="$subject '$path': not a regular file (a FIFO)" ;;
		dir) text="$subject '$path': not a regular file (a directory)" ;;
		nul) text="$path" ;;
		esac
		want=2
		# verify judges committed bytes by the signed index: bytes that are
		# not what was signed are a failed verification (exit 1), not bad input;
		# diff and ci parse a committed manifest or role bundle that differs,
		# and one that is not JSON is bad input (exit 2), as diff says
		case $how:$path:$cmd in
		nul:manifests/index.json*:verify) want=1 text=signature-invalid ;;
		nul:manifests/*:verify) want=1 text=file-modified ;;
		esac
		# shellcheck disable=SC2086
		hostile "$want" "$text" $cmd
	done
done <<'EOF'
schemas/templates/rag.search.yaml|build|cannot read template
schemas/templates/_defs/period.yaml|build|$ref: cannot read template
registry.yaml|build|cannot read registry
.toolsync-accept.yaml|diff|cannot read accept file
toolsync.pub|verify|cannot read public key
manifests/tools/rag.search.json|diff|cannot read committed file
manifests/tools/fx.rate-lookup.json|verify|cannot read committed file
manifests/roles/viewer.responses.json|ci --output report.out|cannot read committed file
manifests/index.json|verify|cannot read index
manifests/index.json.minisig|verify|cannot read signature
manifests/index.json|build|cannot read index
registry.yaml|import --role viewer ../new.json|cannot read registry
EOF

# the $ref's error is at the $ref's line
fresh
plant secret schemas/templates/_defs/period.yaml
hostile 2 "schemas/templates/controls.test-run.yaml:12:13: error: \$ref: cannot read template" build

# a directory on the way: the templates directory, tools/, roles/
fresh
mv schemas "$T/outside/schemas" && ln -s "$T/outside/schemas" schemas
hostile 2 "cannot read directory 'schemas/templates': 'schemas' is a symbolic link" build
for cmd in diff verify ci; do
	fresh
	plant tools manifests/tools
	hostile 2 "manifests/tools" $cmd
done
fresh
mv manifests/roles "$T/outside/roles" && ln -s "$T/outside/roles" manifests/roles
hostile 2 "'manifests/roles' is a symbolic link (links are not followed here)" ci

# paths that leave the configuration's directory
fresh
sed 's|^registry: .*|registry: ../outside/secret.yaml|' toolsync.yaml >up.yaml
hostile 2 "cannot read registry '../outside/secret.yaml': the path leaves '.' ('..')" build -c up.yaml
sed "s|^registry: .*|registry: $T/outside/passwd|" toolsync.yaml >abs.yaml
hostile 2 "the path must be relative to '.'" build -c abs.yaml

# 2. Over the cap: a sparse file, refused before it is read.
#    path | size | command | the message
while IFS='|' read -r path size cmd text; do
	fresh
	plant huge "$path" "$size"
	# shellcheck disable=SC2086
	hostile 2 "'$path': file too large ($(stat -c %s "$path") bytes; limit $text)" $cmd
done <<'EOF'
schemas/templates/rag.search.yaml|5M|build|4194304
schemas/templates/_defs/period.yaml|5M|build|4194304
registry.yaml|300M|build|268435456
.toolsync-accept.yaml|17M|diff|16777216
toolsync.pub|100K|verify|65536
toolsync.yaml|2M|check-config|1048576
manifests/tools/rag.search.json|65M|diff|67108864
manifests/index.json|300M|verify|268435456
manifests/index.json.minisig|100K|verify|65536
manifests/index.json|300M|build|268435456
registry.yaml|300M|import --role viewer ../new.json|268435456
EOF

# 3. Files the user names on the command line are opened as given (a link
#    is followed: the user chose it), but are still regular and capped.
#    option | command | the message's subject
while IFS='|' read -r opt cmd subject; do
	for how in fifo zero dir huge nul; do
		fresh
		case $how in
		zero) arg=/dev/zero text="$subject '/dev/zero': not a regular file (a character device)" ;;
		fifo) arg=named text="$subject 'named': not a regular file (a FIFO)"; plant fifo named ;;
		dir) arg=named text="$subject 'named': not a regular file (a directory)"; plant dir named ;;
		huge) arg=named text="'named': file too large"; plant huge named 300M ;;
		nul) arg=named text=named; plant nul named ;;
		esac
		# shellcheck disable=SC2086
		hostile 2 "$text" $cmd $opt "$arg"
	done
	# a link to a FIFO: followed, then refused
	fresh
	plant fifo "$T/outside/fifo"
	ln -s "$T/outside/fifo" named
	# shellcheck disable=SC2086
	hostile 2 "$subject 'named': not a regular file (a FIFO)" $cmd $opt named
done <<'EOF'
-c|check-config|cannot read configuration
-c|build|cannot read configuration
--registry|build|cannot read registry
--env-file|check-config|cannot read env file
--accept|diff|cannot read accept file
--key|build|cannot read secret key
-p|verify|cannot read public key
|import|cannot read tools file
--registry|import --role viewer ../new.json|cannot read registry
EOF

# The journal of an interrupted build (.toolsync-switch, beside the
# output): build reads it first, as every input.
for how in secret fifo zero dir huge; do
	fresh
	plant "$how" .toolsync-switch 100K
	case $how in
	secret | zero) text=".toolsync-switch' is a symbolic link (links are not followed here)" ;;
	fifo) text=".toolsync-switch': not a regular file (a FIFO)" ;;
	dir) text=".toolsync-switch': not a regular file (a directory)" ;;
	huge) text=".toolsync-switch': file too large (102400 bytes; limit 65536)" ;;
	esac
	hostile 2 "cannot read journal '" build
	expect_in "$T/all" "$text"
done

# Committed manifests in a git tree (diff --against git:REV): a symbolic
# link there is not followed (git keeps its target as the blob), a blob
# over the cap is refused; each named as REV:path.
gitcat() {
	git -c user.name=t -c user.email=t@example.invalid "$@"
}
for how in secret huge; do
	fresh
	git init -q . && gitcat add -A && gitcat commit -qm base
	cp manifests/tools/rag.search.json "$T/keep.json"
	plant "$how" manifests/tools/rag.search.json 65M
	gitcat add -A && gitcat commit -qm hostile
	rm -f manifests/tools/rag.search.json && cp "$T/keep.json" manifests/tools/rag.search.json
	case $how in
	secret) text="cannot read committed file 'HEAD:manifests/tools/rag.search.json': not a regular file (a symbolic link or a submodule in the git tree)" ;;
	huge) text="cannot read committed file 'HEAD:manifests/tools/rag.search.json': file too large (68157440 bytes; limit 67108864)" ;;
	esac
	hostile 2 "$text" diff --against git:HEAD
done

# The leak of issue #9: a directory given as the config or the accept
# file.  Under SANITIZE=1 a leak would make these exit 1.
fresh
hostile 2 "cannot read configuration 'schemas': not a regular file (a directory)" build -c schemas
hostile 2 "cannot read accept file 'manifests': not a regular file (a directory)" diff --accept manifests

# 4. A substituted index: another file signed with the same key (a
#    tools/x.json.minisig from --sign-each) verifies its own bytes, but
#    its trusted comment names that file, not index.json: exit 1.
fresh
rm -f manifests/index.json.minisig
run "$TOOLSYNC" keygen -W -p ts.pub -s ts.key
expect_rc 0
run "$TOOLSYNC" build --key ts.key --sign-each
expect_rc 0 "a signed build with --sign-each"
run "$TOOLSYNC" verify -p ts.pub
expect_rc 0 "the signed build verifies"
cp manifests/tools/rag.search.json manifests/index.json
cp manifests/tools/rag.search.json.minisig manifests/index.json.minisig
hostile 1 "the signature is valid but was made for another file" verify -p ts.pub
expect_in "$T/err" "signature-invalid"
sed -i "s|public_key: toolsync.pub|public_key: ts.pub|" toolsync.yaml
hostile 1 "the signature is valid but was made for another file" ci --output report.out

echo "t_hostile_files: ok"
