#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Put the SPDX licence line at the top of every C source and header of
# toolsync where it is missing (src/, include/, tests/unit/, tests/fuzz/).
#
#   scripts/spdx.sh [DIR]           add the line where missing (DIR: the top)
#   scripts/spdx.sh --check [DIR]   list the files without it; exit 1 if any
#
# The line is the first line of the file, exactly:
#   /* SPDX-License-Identifier: Apache-2.0 */
set -eu
line='/* SPDX-License-Identifier: Apache-2.0 */'
check=
if [ "${1:-}" = --check ]; then check=1; shift; fi
top=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$top"
missing=0
for f in src/*.c include/toolsync/*.h tests/unit/*.c tests/fuzz/*.c; do
	[ -f "$f" ] || continue
	[ "$(head -n 1 "$f")" = "$line" ] && continue
	if [ -n "$check" ]; then
		echo "spdx: $f: first line is not '$line'" >&2
		missing=$((missing + 1))
		continue
	fi
	{ printf '%s\n' "$line"; cat "$f"; } >"$f.spdx.tmp" && mv "$f.spdx.tmp" "$f"
	echo "spdx: added to $f"
done
if [ "$missing" -gt 0 ]; then
	echo "spdx: $missing file(s) without the SPDX line; run scripts/spdx.sh" >&2
	exit 1
fi
exit 0
