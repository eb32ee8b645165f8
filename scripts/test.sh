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
# PACKAGES="luxi ganeti/rpc" (directories below the checkout) runs those
# packages only, on each release that runs them.
#
# Each package prints go test's line ("ok", or the failed tests' output and
# "FAIL"; internal/testkit/testsummary reads go test -json), and the run
# ends with every skipped test of both releases and its reason, under
# "skipped tests:", and a line "tests: N passed, N failed, N skipped".
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
  internal/testkit/leakcheck internal/testkit/luxitest internal/testkit/prereq
  internal/testkit/testsummary internal/hsjson internal/hsshow
  internal/durable internal/inotify internal/daemon internal/daemon/metrics
  ganeti/uds ganeti/gerrors ganeti/paths ganeti/objects ganeti/config query
  query/pcre query/tdfa jqueue jqueue/replica jqscheduler
)

# Tests of one release only (go test -skip patterns), left out on the
# other; README.md, "Which tests run where".
NOT_ON_30='^TestUpgradeFrom30$' # a queue Ganeti 3.0 wrote, taken over by 3.1
# Tooling with nothing release-specific that needs perf or git, which the
# Debian 13 root does not have.
NOT_ON_31='^(TestCountSyscalls|TestCommit)$'

# The compatibility tests alone take 7 to 10 minutes on a busy 2-CPU
# machine: past go test's default limit of 10 minutes per package.
TIMEOUT=30m

OUT=.build
RUNS=$OUT/test-runs.json # what each release's run recorded for the end
mkdir -p "$OUT"
rm -f "$RUNS"
go build -o "$OUT/testsummary" ./internal/testkit/testsummary
trap '"$OUT/testsummary" -report "$RUNS"' EXIT

# summarize filters go test -json events of the release named $1.
summarize() {
  "$OUT/testsummary" -label "(Ganeti $1)" -trim "$MODULE/" -record "$RUNS"
}

# selected lists the packages of $PACKAGES (every package when unset).
selected() {
  if [ -n "${PACKAGES:-}" ]; then
    printf '%s\n' $PACKAGES
  else
    go list ./... | sed "s|^$MODULE/||"
  fi
}

test_30() {
  echo "== Ganeti 3.0 (this machine)"
  local pkgs=() skip=()
  mapfile -t pkgs < <(selected)
  [ -n "$NOT_ON_30" ] && skip=(-skip "$NOT_ON_30")
  go test -json -race -count=1 -timeout "$TIMEOUT" "${skip[@]}" "${pkgs[@]/#/./}" "$@" | summarize 3.0
  if [ "${FUZZINPUTS:-20000}" != 0 ] && [ -z "${PACKAGES:-}" ]; then
    scripts/fuzz.sh "${FUZZINPUTS:-20000}"
  fi
}

# release_packages lists the selected packages that run on every release.
release_packages() {
  local rel independent skip
  for rel in $(selected); do
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
  local out=$OUT/ganeti-3.1
  rm -rf "$out"
  mkdir -p "$out/bin"
  go build -o "$out/goluxid" ./cmd/goluxid
  # The root has no Go: test2json runs the test binaries there.
  CGO_ENABLED=0 go build -o "$out/test2json" cmd/test2json
  # The package test installs the .deb built here.
  local deb
  deb=$(scripts/build-deb.sh "$PWD/$out")
  local pkgs=() list=() pkg
  mapfile -t pkgs < <(release_packages)
  [ "${#pkgs[@]}" = 0 ] && return
  # One binary per package, named after its last path element; none for a
  # package without tests.
  go test -c -race -o "$out/bin/" "${pkgs[@]/#/./}" | grep -v 'no test files' || true
  for pkg in "${pkgs[@]}"; do
    [ -e "$out/bin/${pkg##*/}.test" ] && list+=("$pkg")
  done
  scripts/in-debian13.sh env CI="${CI:-}" GOLUXID_BINARY="$PWD/$out/goluxid" GOLUXID_DEB="$deb" \
    scripts/run-tests.sh "$out" "$TIMEOUT" "$NOT_ON_31" "${list[@]}" | summarize 3.1
}

case "$ganeti" in
  3.0) test_30 "$@" ;;
  3.1) test_31 ;;
  all) test_30 "$@"; test_31 ;;
  *) echo "test.sh: --ganeti takes 3.0, 3.1 or all" >&2; exit 2 ;;
esac
