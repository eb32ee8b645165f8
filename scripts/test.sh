#!/usr/bin/env bash
# test.sh [GO-TEST-FLAGS...] - the project's test command (see README.md):
# every package with the race detector, then every fuzz target on
# $FUZZINPUTS generated inputs (default 20000; 0 skips fuzzing). The
# compatibility tests in compat_test/ and the sandbox tests need root and
# Ganeti's Debian packages; without them they are skipped, or fail when
# CI=true.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# The compatibility tests alone take 7 to 10 minutes on a busy 2-CPU
# machine: past go test's default limit of 10 minutes per package.
go test -race -count=1 -timeout 30m ./... "$@"
if [ "${FUZZINPUTS:-20000}" != 0 ]; then
  scripts/fuzz.sh "${FUZZINPUTS:-20000}"
fi
