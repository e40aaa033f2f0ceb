# SPDX-License-Identifier: Apache-2.0
# t_spdx.sh: the licence files, the version, and SPDX lines in the sources.
. tests/lib.sh

# 1. LICENSE is the Apache License 2.0; VERSION is what --version prints;
#    the changelog has an Unreleased section and one for each release.
expect_in "$TOP/LICENSE" "Apache License"
expect_in "$TOP/LICENSE" "Version 2.0, January 2004"
expect_in "$TOP/LICENSE" "END OF TERMS AND CONDITIONS"
v=$(cat "$TOP/VERSION")
echo "$v" | grep -Eq '^[0-9]+\.[0-9]+\.[0-9]+$' || fail "VERSION is not X.Y.Z: '$v'"
[ "$("$TOOLSYNC" --version)" = "toolsync $v" ] || fail "--version does not print VERSION ($v)"
expect_in "$TOP/CHANGELOG.md" "## [Unreleased]"
grep -Eq "^## \[$v\] - [0-9]{4}-[0-9]{2}-[0-9]{2}\$|^## \[Unreleased\]" "$TOP/CHANGELOG.md" ||
	fail "CHANGELOG.md has no section for $v"

# 2. scripts/spdx.sh on a copy: adds the line where missing, once; then
#    --check passes, and a file without it fails --check naming the file.
mkdir -p "$T/tree"
cp -r "$TOP/src" "$TOP/include" "$TOP/scripts" "$T/tree/"
mkdir -p "$T/tree/tests" && cp -r "$TOP/tests/unit" "$TOP/tests/fuzz" "$T/tree/tests/"
run sh "$T/tree/scripts/spdx.sh" "$T/tree"
expect_rc 0
run sh "$T/tree/scripts/spdx.sh" "$T/tree"
expect_rc 0
[ ! -s "$T/out" ] || fail "a second run of spdx.sh changed files: $(cat "$T/out")"
for f in "$T"/tree/src/*.c "$T"/tree/include/toolsync/*.h; do
	[ "$(head -n 1 "$f")" = "/* SPDX-License-Identifier: Apache-2.0 */" ] || fail "no SPDX line in $f"
	[ "$(grep -c 'SPDX-License-Identifier' "$f")" -eq 1 ] || fail "two SPDX lines in $f"
done
run sh "$T/tree/scripts/spdx.sh" --check "$T/tree"
expect_rc 0
printf 'int x;\n' >"$T/tree/src/new.c"
run sh "$T/tree/scripts/spdx.sh" --check "$T/tree"
expect_rc 1
expect_in "$T/err" "src/new.c"

# 3. The sources themselves.  Until the one-time run of scripts/spdx.sh
#    over the whole tree (src/main.c is its marker), only the files added
#    since are held to it; after it, every file is.
if [ "$(head -n 1 "$TOP/src/main.c")" = "/* SPDX-License-Identifier: Apache-2.0 */" ]; then
	run sh "$TOP/scripts/spdx.sh" --check "$TOP"
	expect_rc 0
else
	echo "t_spdx: the tree is not converted yet (scripts/spdx.sh); checking new files only"
	for f in src/term.c src/cmd_init.c src/cmd_import.c src/import.c src/schemafix.c \
		 src/yaml_write.c src/completion.c include/toolsync/term.h \
		 include/toolsync/import.h tests/unit/check_import.c; do
		[ -f "$TOP/$f" ] || continue
		[ "$(head -n 1 "$TOP/$f")" = "/* SPDX-License-Identifier: Apache-2.0 */" ] ||
			fail "$f: no SPDX line"
	done
fi
echo "t_spdx: ok"
