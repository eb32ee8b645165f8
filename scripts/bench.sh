#!/usr/bin/env bash
# bench.sh - measures goluxid against Ganeti's Haskell luxid, keeps the
# results, and renders BENCHMARKS.md from them (BENCHMARKS.md, "How to
# run", says more).
#
#   scripts/bench.sh [--ganeti 3.0|3.1] [LUXIBENCH-FLAGS...]
#       builds goluxid and luxibench here and runs
#       luxibench -goluxid <that goluxid> -store benchmarks/results FLAGS:
#       on this machine for 3.0 (the default), in the Debian 13 root for 3.1
#       (scripts/in-debian13.sh, which makes the root when it is missing),
#       there with -dir /var/tmp unless -dir is given: the root's /tmp is a
#       memory file system, /var/tmp is on this machine's disk. Every
#       scenario measured replaces its file in benchmarks/results;
#       -store DIR stores elsewhere, -store '' nowhere. For example
#         scripts/bench.sh -profile full
#         scripts/bench.sh --ganeti 3.1 -scenarios wait -rounds 3
#   scripts/bench.sh gobench [-benchtime T]
#       the Go allocation benchmarks, stored as benchmarks/results/gobench.txt
#   scripts/bench.sh render
#       BENCHMARKS.md and benchmarks/charts/ from benchmarks/results
#
# Measuring needs root and the release's Debian packages (ganeti-<release>,
# ganeti-haskell-<release>), as the sandbox does. CI runs the short profile
# through cmd/luxibench's TestShortBenchmark (scripts/test.sh).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Inside the checkout, which the Debian 13 root sees at the same path; a
# fixed place, so that the stored command lines stay the same from run to
# run.
BIN=$PWD/.build/bench
mkdir -p "$BIN"

case "${1:-}" in
render | gobench)
  go build -o "$BIN/luxibench" ./cmd/luxibench
  "$BIN/luxibench" "$@"
  exit
  ;;
esac

ganeti=
if [ "${1:-}" = --ganeti ]; then
  ganeti=${2:-}
  shift 2 || true
fi
installed=$(basename "$(readlink -f /usr/share/ganeti/default 2>/dev/null || echo none)")
case "$ganeti" in
"" | "$installed") ganeti=host ;;
3.1) ;;
*)
  echo "bench.sh: --ganeti $ganeti: this machine has Ganeti $installed; 3.1 runs in the Debian 13 root" >&2
  exit 2
  ;;
esac
[ "$(id -u)" = 0 ] || { echo "bench.sh: run me as root: the sandbox creates files owned by Ganeti's users" >&2; exit 1; }

# given NAME ARGS... reports whether ARGS set luxibench's flag -NAME.
given() {
  local name=$1 arg
  shift
  for arg; do
    case "$arg" in
    -"$name" | --"$name" | -"$name"=* | --"$name"=*) return 0 ;;
    esac
  done
  return 1
}

go build -o "$BIN/goluxid" ./cmd/goluxid
go build -o "$BIN/luxibench" ./cmd/luxibench
defaults=()
given store "$@" || defaults+=(-store benchmarks/results)
# The commit is read here: the Debian 13 root has no git.
given goluxid-commit "$@" || defaults+=(-goluxid-commit "$("$BIN/luxibench" commit)")
if [ "$ganeti" = 3.1 ]; then
  given dir "$@" || defaults+=(-dir /var/tmp)
  scripts/in-debian13.sh "$BIN/luxibench" -goluxid "$BIN/goluxid" "${defaults[@]}" "$@"
else
  "$BIN/luxibench" -goluxid "$BIN/goluxid" "${defaults[@]}" "$@"
fi
