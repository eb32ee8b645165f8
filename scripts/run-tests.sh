#!/usr/bin/env bash
# run-tests.sh DIR TIMEOUT PACKAGE... - runs prebuilt test binaries
# (DIR/bin/<last path element>.test) in their packages' directories, one
# package after the other, and prints a go-test-like line for each: "ok",
# or "FAIL" after the package's output. scripts/test.sh uses it inside the
# Debian 13 root, which has no Go toolchain. Exits non-zero if any failed.
set -uo pipefail
dir=$1 timeout=$2
shift 2
failed=0
for pkg in "$@"; do
  bin=$PWD/$dir/bin/${pkg##*/}.test
  log=$(mktemp)
  start=$EPOCHREALTIME
  (cd "$pkg" && "$bin" -test.count=1 -test.timeout "$timeout") >"$log" 2>&1
  code=$?
  took=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3fs", b - a }')
  if [ "$code" = 0 ]; then
    printf 'ok  \t%s (Ganeti 3.1)\t%s\n' "$pkg" "$took"
  else
    cat "$log"
    printf 'FAIL\t%s (Ganeti 3.1)\t%s\n' "$pkg" "$took"
    failed=1
  fi
  rm -f "$log"
done
exit "$failed"
