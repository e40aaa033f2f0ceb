#!/bin/sh
# make demo: run toolsync on the example catalogue, leaving the committed
# manifests/ untouched (the build goes to build/demo/manifests).
set -eu
ts=${1:-./toolsync}
out=build/demo/manifests
step() { printf '\n$ %s\n' "$*"; "$@"; }

rm -rf build/demo
step "$ts" --version
step "$ts" build --out "$out"
step "$ts" build --out "$out"          # nothing changed: nothing rewritten
step "$ts" verify -p toolsync.pub manifests
step "$ts" diff --against manifests
step "$ts" check-config --env-file examples/debug.env --environment staging || true
printf '\nManifests: %s (tools/, roles/, index.json); try: ls %s/roles\n' "$out" "$out"
