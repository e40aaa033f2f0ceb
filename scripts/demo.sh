#!/bin/sh
# make demo: run toolsync on the example catalogue, leaving the committed
# manifests/ untouched (the build goes to build/demo/manifests, signed with
# a throwaway key made in build/demo).
#
# Installed (share/toolsync/demo.sh), it runs on a copy of the example
# catalogue installed beside it, in a new directory (or $TOOLSYNC_DEMO_DIR):
#   sh /usr/share/toolsync/demo.sh [TOOLSYNC]
set -eu
ts=${1:-}
if [ -z "$ts" ]; then
	if [ -x ./toolsync ]; then ts=./toolsync; else ts=toolsync; fi
fi
here=$(cd "$(dirname "$0")" && pwd)
if [ ! -f toolsync.yaml ] && [ -d "$here/example" ]; then
	case $ts in */*) ts=$(cd "$(dirname "$ts")" && pwd)/$(basename "$ts") ;; esac
	work=${TOOLSYNC_DEMO_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/toolsync-demo.XXXXXX")}
	mkdir -p "$work"
	cp -R "$here/example/." "$work/"
	chmod -R u+w "$work"
	cd "$work"
	printf 'demo: the example catalogue, copied to %s\n' "$work"
fi
demo=build/demo
out=$demo/manifests
step() { printf '\n$ %s\n' "$*"; "$@"; }

rm -rf "$demo"
mkdir -p "$demo"
step "$ts" --version
step "$ts" keygen -W -p "$demo/demo.pub" -s "$demo/demo.key"
step "$ts" build --out "$out" --key "$demo/demo.key"
step "$ts" build --out "$out" --key "$demo/demo.key"   # nothing changed: nothing rewritten
step "$ts" verify -p "$demo/demo.pub" "$out"
step "$ts" verify                       # the committed manifests, with toolsync.pub
step "$ts" diff --against manifests
step "$ts" check-config --env-file examples/debug.env --environment staging || true
printf '\nManifests: %s (tools/, roles/, index.json); try: ls %s/roles\n' "$out" "$out"
