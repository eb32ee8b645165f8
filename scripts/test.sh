#!/usr/bin/env bash
# test.sh [--ganeti 3.0|3.1|all] [GO-TEST-FLAGS...] - the project's test
# command (see README.md, "Test"): every package with the race detector on
# each Ganeti release goluxid serves, then every fuzz target.
#
#   3.0  go test -race ./... on this machine (Debian 12, Ganeti 3.0.2),
#        then every fuzz target on $FUZZINPUTS inputs (default 20000; 0
#        skips fuzzing). GO-TEST-FLAGS go to go test.
#   3.1  every package's tests, built here with the race detector, run in
#        the Debian 13 root with Ganeti 3.1 (scripts/in-debian13.sh, which
#        makes the root when it is missing), against a goluxid built here.
#        The packages with nothing release-specific in them run on 3.0
#        only; see RELEASE_INDEPENDENT below.
#   all  both, 3.0 first (the default).
#
# The compatibility tests and the sandbox tests need root and the release's
# Debian packages; without them they fail when CI is set.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
MODULE=github.com/goluxid/goluxid

ganeti=all
if [ "${1:-}" = --ganeti ]; then
  ganeti=$2
  shift 2
fi

# Packages whose tests touch nothing of an installed Ganeti (pure code,
# or tooling that needs the Go toolchain): run on 3.0 only.
RELEASE_INDEPENDENT=(
  internal/testkit/archtest internal/testkit/configgen internal/testkit/hang
  internal/testkit/leakcheck internal/testkit/luxitest internal/hsjson
  internal/hsshow internal/durable internal/inotify internal/daemon
  internal/daemon/metrics ganeti/uds ganeti/gerrors ganeti/paths
  ganeti/objects ganeti/config query query/pcre query/tdfa jqueue
  jqueue/replica jqscheduler
)

# The compatibility tests alone take 7 to 10 minutes on a busy 2-CPU
# machine: past go test's default limit of 10 minutes per package.
TIMEOUT=30m

test_30() {
  echo "== Ganeti 3.0 (this machine)"
  go test -race -count=1 -timeout "$TIMEOUT" ./... "$@"
  if [ "${FUZZINPUTS:-20000}" != 0 ]; then
    scripts/fuzz.sh "${FUZZINPUTS:-20000}"
  fi
}

# release_packages lists the packages that run on every release.
release_packages() {
  local pkg rel skip
  for pkg in $(go list ./...); do
    rel=${pkg#"$MODULE"/}
    skip=0
    for independent in "${RELEASE_INDEPENDENT[@]}"; do
      [ "$rel" = "$independent" ] && skip=1
    done
    [ "$skip" = 0 ] && echo "$rel"
  done
}

test_31() {
  echo "== Ganeti 3.1 (Debian 13 root)"
  scripts/debian13-root.sh
  local out=.build/ganeti-3.1
  rm -rf "$out"
  mkdir -p "$out/bin"
  go build -o "$out/goluxid" ./cmd/goluxid
  # The package test installs the .deb built here (the root has no Go).
  local deb
  deb=$(scripts/build-deb.sh "$PWD/$out")
  local pkgs=() list=() pkg
  mapfile -t pkgs < <(release_packages)
  # One binary per package, named after its last path element; none for a
  # package without tests.
  go test -c -race -o "$out/bin/" "${pkgs[@]/#/./}" | grep -v 'no test files' || true
  for pkg in "${pkgs[@]}"; do
    [ -e "$out/bin/${pkg##*/}.test" ] && list+=("$pkg")
  done
  scripts/in-debian13.sh env CI="${CI:-}" GOLUXID_BINARY="$PWD/$out/goluxid" GOLUXID_DEB="$deb" \
    scripts/run-tests.sh "$out" "$TIMEOUT" "${list[@]}"
}

case "$ganeti" in
  3.0) test_30 "$@" ;;
  3.1) test_31 ;;
  all) test_30 "$@"; test_31 ;;
  *) echo "test.sh: --ganeti takes 3.0, 3.1 or all" >&2; exit 2 ;;
esac
