#!/usr/bin/env bash
# demo.sh [--keep] - the README's demo: goluxid serving the real Ganeti
# clients.
#
# Builds goluxid and gnt-sandbox, installs Ganeti 3.0's Debian packages if
# they are missing, starts a sandboxed single-node cluster with goluxid as
# its luxid (next to the real ganeti-wconfd and ganeti-noded), runs real
# gnt-cluster, gnt-node, gnt-instance, gnt-debug and gnt-job
# commands against it and stops it again. With --keep the cluster keeps
# running and the script prints how to use and stop it.
# Needs root and Go (see go.mod for the version).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

KEEP=0
case "${1:-}" in
  --keep) KEEP=1 ;;
  "") ;;
  *) echo "usage: $0 [--keep]" >&2; exit 2 ;;
esac
[ "$(id -u)" = 0 ] || { echo "demo.sh: run me as root: the sandbox creates files owned by Ganeti's users" >&2; exit 1; }
command -v go >/dev/null || { echo "demo.sh: needs Go $(sed -n 's/^go //p' go.mod) on PATH" >&2; exit 1; }

# ------------------------------------------------------------ packages --
if [ ! -x /usr/lib/ganeti/3.0/usr/sbin/ganeti-wconfd ] || [ ! -x /usr/share/ganeti/3.0/ensure-dirs ] ||
   [ ! -e /usr/sbin/gnt-cluster ]; then
  echo "== installing Ganeti 3.0's Debian packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y --no-install-recommends ganeti-3.0 ganeti-haskell-3.0 ganeti-testsuite
fi

# ---------------------------------------------------------------- build --
# One short directory holds the binaries and the sandbox (unix socket paths
# must stay short).
BASE=$(mktemp -d /tmp/goluxid-demo.XXXXXX)
SB=$BASE/sandbox
GNT_SANDBOX=$BASE/bin/gnt-sandbox
cleanup() {
  if [ "$KEEP" = 1 ] && [ -e "$SB/env.sh" ]; then return; fi
  "$GNT_SANDBOX" down --rm "$SB" >/dev/null 2>&1 || true
  rm -rf "$BASE"
}
trap cleanup EXIT

echo "== building goluxid and gnt-sandbox into $BASE/bin"
go build -o "$BASE/bin/goluxid" ./cmd/goluxid
go build -o "$GNT_SANDBOX" ./cmd/gnt-sandbox

# ---------------------------------------------------------------- start --
echo "== starting a sandboxed cluster with goluxid"
"$GNT_SANDBOX" up --noded --luxid=go --goluxid="$BASE/bin/goluxid" "$SB"

# ----------------------------------------------------------------- demo --
run() {  # prints the command, its output and a non-zero exit code
  echo
  echo "\$ $*"
  local rc=0
  (. "$SB/env.sh" && "$@") || rc=$?
  [ "$rc" = 0 ] || echo "(exit code $rc)"
}
run gnt-cluster info
run gnt-cluster version
run gnt-cluster queue info
run gnt-cluster list-tags
run gnt-node list
run gnt-instance list
run gnt-debug delay 0.5
run gnt-debug delay --submit 1
run gnt-job list
run gnt-job watch 2
run gnt-job info 2
echo

# ----------------------------------------------------------------- stop --
if [ "$KEEP" = 1 ]; then
  cat <<EOF
== the cluster keeps running (--keep). Use it with:
     . $SB/env.sh; gnt-cluster info
   Stop it and remove everything with:
     $GNT_SANDBOX down $SB && rm -rf $BASE
EOF
else
  "$GNT_SANDBOX" down --rm "$SB"
  echo "== stopped and removed (run $0 --keep to keep the cluster running)"
fi
