#!/bin/sh
# Install the Debian packages toolsync needs to build and test, only when
# something is missing, saying which before apt-get runs.
# Usage: scripts/install-deps.sh [build|test|bench|fuzz]
# (bench: the test set and what the Python reference of tests/bench needs;
# fuzz: clang and its libFuzzer runtime, for make fuzz and make fuzz-smoke)
set -eu
what=${1:-test}
build_pkgs="make gcc pkgconf libpq-dev libyaml-dev libsodium-dev"
test_pkgs="check libcjson-dev minisign python3 python3-jsonschema python3-yaml libxml2-utils git postgresql zsh coreutils hyperfine time"
bench_pkgs="python3-yaml python3-nacl"
fuzz_pkgs="clang libclang-rt-14-dev"
pkgs=$build_pkgs
[ "$what" = test ] && pkgs="$pkgs $test_pkgs"
[ "$what" = bench ] && pkgs="$pkgs $test_pkgs $bench_pkgs"
[ "$what" = fuzz ] && pkgs="$pkgs $fuzz_pkgs"
missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
# The tests' outside witnesses (tests/witness) run on Node.js with npm.
if [ "$what" = test ] && ! command -v npm >/dev/null 2>&1; then
	missing="$missing nodejs npm"
fi
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "install-deps: missing Debian packages:$missing" >&2
	echo "install-deps: run as root, or: sudo apt-get install -y$missing" >&2
	exit 1
fi
echo "install-deps: missing Debian packages:$missing" >&2
echo "install-deps: running: apt-get update; apt-get install -y --no-install-recommends$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq </dev/null >/dev/null
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing </dev/null >/dev/null
