#!/usr/bin/env bash
# bench.sh [LUXIBENCH-FLAGS...] - builds goluxid and luxibench and measures
# goluxid against Ganeti's Haskell luxid (see BENCHMARKS.md). Extra flags
# go to luxibench, e.g.
#
#   scripts/bench.sh -profile full -json bench.json -md bench.md   # BENCHMARKS.md's run, over an hour
#   scripts/bench.sh -profile short                               # every scenario in about 30 s
#   scripts/bench.sh -scenarios wait -waiters 100,500,1000
#
# Needs root and the installed release's Debian packages (ganeti-<release>,
# ganeti-haskell-<release>), as the sandbox does. CI runs the short profile through
# cmd/luxibench's TestShortBenchmark (scripts/test.sh).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[ "$(id -u)" = 0 ] || { echo "bench.sh: run me as root: the sandbox creates files owned by Ganeti's users" >&2; exit 1; }

BIN=$(mktemp -d /tmp/luxibench-bin.XXXXXX)
trap 'rm -rf "$BIN"' EXIT
go build -o "$BIN/goluxid" ./cmd/goluxid
go build -o "$BIN/luxibench" ./cmd/luxibench
"$BIN/luxibench" -goluxid "$BIN/goluxid" "$@"
