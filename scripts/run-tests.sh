#!/usr/bin/env bash
# run-tests.sh DIR TIMEOUT SKIP PACKAGE... - runs prebuilt test binaries
# (DIR/bin/<last path element>.test) in their packages' directories, one
# package after the other, through DIR/test2json (go tool test2json), and
# prints their JSON test events for internal/testkit/testsummary. SKIP is a
# -test.skip pattern for every package ('' for none). scripts/test.sh uses
# it inside the Debian 13 root, which has no Go toolchain. Exits non-zero
# if any package failed.
set -uo pipefail
dir=$1 timeout=$2 skip=$3
shift 3
flags=(-test.v=test2json -test.count=1 -test.timeout "$timeout")
[ -n "$skip" ] && flags+=(-test.skip "$skip")
root=$PWD
failed=0
for pkg in "$@"; do
  (cd "$pkg" && exec "$root/$dir/test2json" -t -p "$pkg" "$root/$dir/bin/${pkg##*/}.test" "${flags[@]}") || failed=1
done
exit "$failed"
