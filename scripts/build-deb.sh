#!/usr/bin/env bash
# build-deb.sh [OUTDIR] - build the goluxid Debian package with dpkg-deb.
#
# The package installs goluxid as /usr/sbin/ganeti-luxid, moving Ganeti's
# own /usr/sbin/ganeti-luxid aside with dpkg-divert, so that daemon-util
# and /etc/init.d/ganeti start goluxid; removing the package puts the
# original back. The release's own /usr/lib/ganeti/<release>/usr/sbin/ganeti-luxid
# is not touched. The package serves Ganeti 3.0 (Debian 12) and 3.1
# (Debian 13).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=${1:-$PWD/out}
version=${GOLUXID_VERSION:-0.1.0}
arch=$(dpkg --print-architecture)
stage=$(mktemp -d)
chmod 0755 "$stage"
trap 'rm -rf "$stage"' EXIT

mkdir -p "$stage/DEBIAN" "$stage/usr/sbin" "$stage/usr/share/doc/goluxid" \
         "$stage/usr/share/goluxid/systemd" "$out"
CGO_ENABLED=0 go build -trimpath \
  -ldflags "-s -w -X github.com/goluxid/goluxid/internal/daemon/version.Version=$version" \
  -o "$stage/usr/sbin/ganeti-luxid" ./cmd/goluxid
cp packaging/systemd/* "$stage/usr/share/goluxid/systemd/"
cp README.md "$stage/usr/share/doc/goluxid/"
for script in preinst postrm; do
  install -m 0755 "packaging/debian/$script" "$stage/DEBIAN/$script"
done
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" packaging/debian/control > "$stage/DEBIAN/control"
dpkg-deb --root-owner-group --build "$stage" "$out/goluxid_${version}_${arch}.deb" >&2
echo "$out/goluxid_${version}_${arch}.deb"
