#!/usr/bin/env bash
# in-debian13.sh COMMAND [ARG...] - runs COMMAND as root inside the Debian 13
# root that scripts/debian13-root.sh makes (made first when missing), with
# the root's /proc, /sys and /dev, this checkout (at the same path), an
# empty /tmp and an /etc/hosts that also names the sandbox's nodes (as a
# real cluster's resolver would; Ganeti's cfgupgrade resolves the master)
# in a private mount namespace: every mount ends with the command.
# GOLUXID_DEBIAN13_ROOT names another root. The working directory inside is
# the checkout.
set -euo pipefail
checkout=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
root=${GOLUXID_DEBIAN13_ROOT:-/var/cache/goluxid/debian13}
"$checkout/scripts/debian13-root.sh" "$root" 2>/dev/null || "$checkout/scripts/debian13-root.sh" "$root"
exec unshare --mount --propagation private -- sh -euc '
  root=$1 checkout=$2; shift 2
  for fs in proc sys dev; do mount --rbind "/$fs" "$root/$fs"; done
  mount -t tmpfs tmpfs "$root/tmp"
  # After the tmpfs, so that a checkout under /tmp is not hidden by it.
  mkdir -p "$root$checkout"
  mount --bind "$checkout" "$root$checkout"
  { cat "$root/etc/hosts"; echo "127.0.0.1 node1.example.com node2.example.com node3.example.com"; } >"$root/tmp/hosts"
  mount --bind "$root/tmp/hosts" "$root/etc/hosts"
  cd "$root$checkout"
  exec chroot "$root" sh -c "cd \"\$0\" && exec \"\$@\"" "$checkout" "$@"
' sh "$root" "$checkout" "$@"
