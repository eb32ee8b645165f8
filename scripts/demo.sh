#!/usr/bin/env bash
# demo.sh [--ganeti 3.0|3.1] [--keep] - the README's demo: goluxid serving
# the real Ganeti clients.
#
# Builds goluxid and gnt-sandbox, starts a sandboxed single-node cluster
# with goluxid as its luxid (next to the real ganeti-wconfd and
# ganeti-noded), runs real gnt-cluster, gnt-node, gnt-instance, gnt-debug
# and gnt-job commands against it and stops it again. With --keep the
# cluster keeps running and the script prints how to use and stop it.
#
#   --ganeti 3.0  (the default) on this machine, Debian 12: installs Ganeti
#                 3.0's Debian packages if they are missing;
#   --ganeti 3.1  in the Debian 13 root (scripts/in-debian13.sh, which
#                 makes the root with Ganeti 3.1 when it is missing).
#
# Needs root and Go (see go.mod for the version).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

KEEP=0 GANETI=3.0 IN_ROOT=""
while [ $# -gt 0 ]; do
  case "$1" in
    --keep) KEEP=1 ;;
    --ganeti) GANETI=${2:-}; shift ;;
    --in-root) IN_ROOT=${2:-}; shift ;; # internal: the 3.1 demo, inside the root
    *) echo "usage: $0 [--ganeti 3.0|3.1] [--keep]" >&2; exit 2 ;;
  esac
  shift
done
case "$GANETI" in 3.0|3.1) ;; *) echo "demo.sh: --ganeti takes 3.0 or 3.1" >&2; exit 2 ;; esac
[ "$(id -u)" = 0 ] || { echo "demo.sh: run me as root: the sandbox creates files owned by Ganeti's users" >&2; exit 1; }

# build DIR builds goluxid and gnt-sandbox into DIR.
build() {
  command -v go >/dev/null || { echo "demo.sh: needs Go $(sed -n 's/^go //p' go.mod) on PATH" >&2; exit 1; }
  echo "== building goluxid and gnt-sandbox into $1"
  go build -o "$1/goluxid" ./cmd/goluxid
  go build -o "$1/gnt-sandbox" ./cmd/gnt-sandbox
}

if [ "$GANETI" = 3.1 ] && [ -z "$IN_ROOT" ]; then
  # The binaries and the sandbox live in the root's /var/tmp, which every
  # later scripts/in-debian13.sh sees too (--keep).
  ROOT=${GOLUXID_DEBIAN13_ROOT:-/var/cache/goluxid/debian13}
  scripts/debian13-root.sh "$ROOT"
  base=$(mktemp -d "$ROOT/var/tmp/goluxid-demo.XXXXXX")
  build "$base/bin"
  keep=()
  [ "$KEEP" = 1 ] && keep=(--keep)
  exec scripts/in-debian13.sh scripts/demo.sh --ganeti 3.1 --in-root "${base#"$ROOT"}" "${keep[@]}"
fi

# ------------------------------------------------------------ packages --
if [ "$GANETI" = 3.0 ] && { [ ! -x /usr/lib/ganeti/3.0/usr/sbin/ganeti-wconfd ] ||
   [ ! -x /usr/share/ganeti/3.0/ensure-dirs ] || [ ! -e /usr/sbin/gnt-cluster ]; }; then
  echo "== installing Ganeti 3.0's Debian packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y --no-install-recommends ganeti-3.0 ganeti-haskell-3.0 ganeti-testsuite
fi

# ---------------------------------------------------------------- build --
# One short directory holds the binaries and the sandbox (unix socket paths
# must stay short).
if [ -n "$IN_ROOT" ]; then
  BASE=$IN_ROOT
else
  BASE=$(mktemp -d /tmp/goluxid-demo.XXXXXX)
fi
SB=$BASE/sandbox
GNT_SANDBOX=$BASE/bin/gnt-sandbox
cleanup() {
  if [ "$KEEP" = 1 ] && [ -e "$SB/env.sh" ]; then return; fi
  "$GNT_SANDBOX" down --rm "$SB" >/dev/null 2>&1 || true
  rm -rf "$BASE"
}
trap cleanup EXIT

[ -n "$IN_ROOT" ] || build "$BASE/bin"

# ---------------------------------------------------------------- start --
echo "== starting a sandboxed Ganeti $GANETI cluster with goluxid"
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
if [ "$KEEP" = 1 ] && [ -n "$IN_ROOT" ]; then
  cat <<EOF
== the cluster keeps running (--keep) in the Debian 13 root. Use it with:
     scripts/in-debian13.sh sh -c '. $SB/env.sh; gnt-cluster info'
   Stop it and remove everything with:
     scripts/in-debian13.sh sh -c '$GNT_SANDBOX down $SB && rm -rf $BASE'
EOF
elif [ "$KEEP" = 1 ]; then
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
