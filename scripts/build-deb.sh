#!/usr/bin/env bash
# build-deb.sh [OUTDIR] - build the goluxid Debian package with dpkg-deb.
#
# The package installs goluxid as /usr/sbin/ganeti-luxid, moving Ganeti's
# own /usr/sbin/ganeti-luxid aside with dpkg-divert, so that daemon-util
# and /etc/init.d/ganeti start goluxid; removing the package puts the
# original back. The release's own /usr/lib/ganeti/<release>/usr/sbin/ganeti-luxid
# is not touched. The package serves Ganeti 3.0 (Debian 12) and 3.1
# (Debian 13). Ganeti's manual page ganeti-luxid(8) is diverted the same
# way to ganeti-luxid.ganeti(8), and goluxid's goluxid(8) takes its name.
#
# The version is the one of the newest entry in packaging/debian/changelog.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=${1:-$PWD/out}
umask 022
version=$(sed -n '1s/^goluxid (\([^)]*\)).*/\1/p' packaging/debian/changelog)
[ -n "$version" ] || { echo "build-deb: no version in packaging/debian/changelog" >&2; exit 1; }
arch=$(dpkg --print-architecture)
stage=$(mktemp -d)
chmod 0755 "$stage"
trap 'rm -rf "$stage"' EXIT

doc=$stage/usr/share/doc/goluxid
man=$stage/usr/share/man/man8
mkdir -p "$stage/DEBIAN" "$stage/usr/sbin" "$doc" "$man" \
         "$stage/usr/share/goluxid/systemd" "$stage/usr/share/lintian/overrides" "$out"
CGO_ENABLED=0 go build -trimpath \
  -ldflags "-s -w -X github.com/goluxid/goluxid/internal/daemon/version.Version=$version" \
  -o "$stage/usr/sbin/ganeti-luxid" ./cmd/goluxid
install -m 0644 packaging/systemd/* "$stage/usr/share/goluxid/systemd/"
install -m 0644 README.md packaging/debian/copyright "$doc/"
gzip -9n <packaging/debian/changelog >"$doc/changelog.gz"
gzip -9n <packaging/man/goluxid.8 >"$man/goluxid.8.gz"
ln -s goluxid.8.gz "$man/ganeti-luxid.8.gz"
install -m 0644 packaging/debian/lintian-overrides "$stage/usr/share/lintian/overrides/goluxid"
for script in preinst postrm; do
  install -m 0755 "packaging/debian/$script" "$stage/DEBIAN/$script"
done
(cd "$stage" && find usr -type f -print0 | sort -z | xargs -0 md5sum) >"$stage/DEBIAN/md5sums"
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" packaging/debian/control > "$stage/DEBIAN/control"
dpkg-deb --root-owner-group --build "$stage" "$out/goluxid_${version}_${arch}.deb" >&2
echo "$out/goluxid_${version}_${arch}.deb"
