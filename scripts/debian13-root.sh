#!/usr/bin/env bash
# debian13-root.sh [DIR] - makes the Debian 13 (trixie) root in which the
# Ganeti 3.1 tests run, or leaves it as it is when it is complete:
# debootstrap's minimal variant from Debian's package registry, then
# Ganeti 3.1's packages and lintian (for the package test) inside it. DIR
# defaults to $GOLUXID_DEBIAN13_ROOT, else /var/cache/goluxid/debian13.
# Needs root.
#
# The chroot's /proc, /sys and /dev are bound in a private mount namespace
# for the install only, so nothing stays mounted after the script, even a
# killed one. A root is complete once DIR/.goluxid-root lists the
# packages below; an interrupted build is started again from scratch.
set -euo pipefail
DIR=${1:-${GOLUXID_DEBIAN13_ROOT:-/var/cache/goluxid/debian13}}
PACKAGES=(ganeti-3.1 ganeti-haskell-3.1 ganeti-testsuite lintian)
STAMP=$DIR/.goluxid-root

log() { echo "debian13-root: $*" >&2; }

if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "${PACKAGES[*]}" ]; then
  log "$DIR is complete"
  exit 0
fi
if ! command -v debootstrap >/dev/null 2>&1; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends debootstrap
fi

start=$SECONDS
tmp=$DIR.partial
rm -rf "$tmp"
mkdir -p "$(dirname "$DIR")"
log "debootstrap trixie into $tmp"
debootstrap --variant=minbase trixie "$tmp" >"$tmp.log" 2>&1 || { tail -20 "$tmp.log" >&2; exit 1; }
rm -f "$tmp.log"

# No service starts inside the root while packages install.
printf '#!/bin/sh\nexit 101\n' >"$tmp/usr/sbin/policy-rc.d"
chmod 755 "$tmp/usr/sbin/policy-rc.d"

log "installing ${PACKAGES[*]}"
if ! unshare --mount --propagation private -- sh -euc '
  root=$1; shift
  for fs in proc sys dev; do mount --rbind "/$fs" "$root/$fs"; done
  chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get update -q
  chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@"
  chroot "$root" apt-get clean
' sh "$tmp" "${PACKAGES[@]}" >"$tmp.log" 2>&1; then
  tail -30 "$tmp.log" >&2
  exit 1
fi
rm -f "$tmp.log"

echo "${PACKAGES[*]}" >"$tmp/.goluxid-root"
rm -rf "$DIR"
mv "$tmp" "$DIR"
log "$DIR ready in $((SECONDS - start))s"
