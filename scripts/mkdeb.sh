#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# make deb: build DEBDIR/toolsync_VERSION_ARCH.deb with dpkg-deb from
# `make install` into a staging root (PREFIX=/usr).
#   scripts/mkdeb.sh BINARY DEBDIR
# Depends: from dpkg-shlibdeps (the packages of the libraries the binary
# links, with the least versions their symbols need); without dpkg-dev,
# the installed versions of libyaml-0-2 and libsodium23.  libpq5 is opened
# with dlopen when a command connects (src/pq.c), so dpkg-shlibdeps cannot
# see it: it is added with the installed version.
set -eu
bin=$1
debdir=$2
version=$(cat VERSION)
arch=$(dpkg --print-architecture)
root=$debdir/root
pkg=$debdir/toolsync_${version}_$arch.deb

rm -rf "$root"
mkdir -p "$root/DEBIAN"
make --no-print-directory -s install INSTALL_BIN="$bin" DESTDIR="$root" PREFIX=/usr \
	ZSHCOMPDIR=/usr/share/zsh/vendor-completions >/dev/null
# Debian's layout: a gzipped man page, the licence as copyright, no LICENSE.
gzip -9n "$root/usr/share/man/man1/toolsync.1"
doc=$root/usr/share/doc/toolsync
{
	echo "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/"
	echo "Upstream-Name: toolsync"
	echo
	echo "Files: *"
	echo "License: Apache-2.0"
	echo " On Debian systems the full text is in /usr/share/common-licenses/Apache-2.0."
} >"$doc/copyright"
rm -f "$doc/LICENSE"
gzip -9n "$doc/CHANGELOG.md"
mv "$doc/CHANGELOG.md.gz" "$doc/changelog.gz"

depends=
if command -v dpkg-shlibdeps >/dev/null 2>&1; then
	# dpkg-shlibdeps reads debian/control from its working directory.
	mkdir -p "$root/debian"
	printf 'Source: toolsync\n\nPackage: toolsync\nArchitecture: any\n' >"$root/debian/control"
	depends=$(cd "$root" && dpkg-shlibdeps -O usr/bin/toolsync 2>/dev/null |
		sed -n 's/^shlibs:Depends=//p')
	rm -rf "$root/debian"
fi
installed() {
	echo "$1 (>= $(dpkg-query -W -f='${Version}' "$1" | sed 's/-[^-]*$//'))"
}
if [ -z "$depends" ]; then
	for p in libyaml-0-2 libsodium23; do
		depends="${depends:+$depends, }$(installed "$p")"
	done
fi
depends="$depends, $(installed libpq5)"
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
cat >"$root/DEBIAN/control" <<CONTROL
Package: toolsync
Version: $version
Architecture: $arch
Maintainer: toolsync maintainers <toolsync@localhost>
Installed-Size: $size
Depends: $depends
Section: devel
Priority: optional
Description: compile a tool registry into signed OpenAI function-tool manifests
 toolsync reads a tool_registry (a file or PostgreSQL), maps every row
 through a JSON-Schema template to an OpenAI function-tool manifest, checks
 OpenAI's strict-mode rules, signs the result in minisign's format, reports
 what changed, and validates the OpenAI debug-logging configuration.
CONTROL
find "$root" -type d -exec chmod 755 {} +
dpkg-deb --root-owner-group -Zxz --build "$root" "$pkg" >/dev/null
echo "$pkg"
