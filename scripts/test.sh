#!/usr/bin/env bash
# test.sh [GO-TEST-FLAGS...] - the project's test command (see README.md):
# every package with the race detector. The compatibility tests in
# compat_test/ and the sandbox tests need root and Ganeti's Debian packages;
# without them they are skipped, or fail when CI=true.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
exec go test -race -count=1 ./... "$@"
