# SPDX-License-Identifier: Apache-2.0
# t_install.sh: make install / uninstall into a DESTDIR, and make deb
# installed into a scratch dpkg root, run from there, and removed.
. tests/lib.sh

echo "t_install: make install DESTDIR=... PREFIX=/opt/ts"
run make -s -C "$TOP" install INSTALL_BIN="$TOOLSYNC" DESTDIR="$T/dest" PREFIX=/opt/ts
expect_rc 0
r=$T/dest/opt/ts
for f in bin/toolsync share/man/man1/toolsync.1 share/bash-completion/completions/toolsync \
	 share/zsh/site-functions/_toolsync share/toolsync/schemas/report.schema.json \
	 share/toolsync/schemas/sql/001_tool_registry.sql share/toolsync/demo.sh \
	 share/toolsync/example/toolsync.yaml share/doc/toolsync/LICENSE; do
	[ -f "$r/$f" ] || fail "make install did not write $f"
done
for f in "$TOP"/schemas/*.schema.json; do
	cmp -s "$f" "$r/share/toolsync/schemas/$(basename "$f")" || fail "$(basename "$f") not installed"
done
[ "$("$r/bin/toolsync" --version)" = "toolsync $(cat "$TOP/VERSION")" ] || fail "installed --version"
expect_in "$r/share/bash-completion/completions/toolsync" "complete -o filenames -F _toolsync toolsync"
expect_in "$r/share/zsh/site-functions/_toolsync" "#compdef toolsync"
run make -s -C "$TOP" uninstall DESTDIR="$T/dest" PREFIX=/opt/ts
expect_rc 0
left=$(find "$T/dest" -type f)
[ -z "$left" ] || fail "make uninstall left: $left"

echo "t_install: make deb, then dpkg -i into a scratch root"
run make -s -C "$TOP" deb INSTALL_BIN="$TOOLSYNC" DEBDIR="$T/deb"
expect_rc 0
deb=$(ls "$T"/deb/toolsync_*.deb)
dpkg-deb -f "$deb" Depends >"$T/depends"
for p in libpq5 libyaml-0-2 libsodium23; do expect_in "$T/depends" "$p"; done
[ "$(dpkg-deb -f "$deb" Version)" = "$(cat "$TOP/VERSION")" ] || fail "package version is not VERSION"
dpkg-deb -c "$deb" >"$T/contents"
for f in ./usr/bin/toolsync ./usr/share/man/man1/toolsync.1.gz \
	 ./usr/share/bash-completion/completions/toolsync \
	 ./usr/share/zsh/vendor-completions/_toolsync ./usr/share/doc/toolsync/copyright \
	 ./usr/share/toolsync/schemas/sql/001_tool_registry.sql; do
	expect_in "$T/contents" "$f"
done

# A dpkg database of its own: the package is installed and removed there,
# the machine's is not touched.  --force-depends: the scratch root has no
# libraries installed (the machine's are used when running).
root=$T/root
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates" "$root/var/lib/dpkg/triggers"
: >"$root/var/lib/dpkg/status"
: >"$root/var/lib/dpkg/available"
force="--force-depends --force-not-root --force-script-chrootless --log=$T/dpkg.log"
# shellcheck disable=SC2086
run dpkg --root="$root" --instdir="$root" --admindir="$root/var/lib/dpkg" $force -i "$deb"
expect_rc 0
[ "$("$root/usr/bin/toolsync" --version)" = "toolsync $(cat "$TOP/VERSION")" ] ||
	fail "installed package: wrong --version"
run "$root/usr/bin/toolsync" init -q "$T/new"
expect_rc 0
expect_in "$T/new/toolsync.yaml" "\$schema=$(cd "$root/usr/share/toolsync/schemas" && pwd -P)/toolsync.schema.json"
echo "t_install: the demo, from the installed files"
cd "$T"
run env TOOLSYNC_DEMO_DIR="$T/demo" sh "$root/usr/share/toolsync/demo.sh" "$root/usr/bin/toolsync"
expect_rc 0
expect_in "$T/out" "verified manifests: "
expect_in "$T/out" "no findings"
[ -f "$T/demo/build/demo/manifests/index.json.minisig" ] || fail "demo did not sign its build"
# shellcheck disable=SC2086
run dpkg --root="$root" --instdir="$root" --admindir="$root/var/lib/dpkg" $force -r toolsync
expect_rc 0
[ ! -e "$root/usr/bin/toolsync" ] || fail "dpkg -r left the binary"
[ ! -e "$root/usr/share/toolsync/demo.sh" ] || fail "dpkg -r left share/toolsync"
echo "t_install: ok"
