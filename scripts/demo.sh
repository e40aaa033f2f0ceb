#!/bin/sh
# make demo: run toolsync on the example catalogue, leaving the committed
# manifests/ untouched (the build goes to build/demo/manifests, signed with
# a throwaway key made in build/demo).
set -eu
ts=${1:-./toolsync}
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
