#!/usr/bin/env bash
# fuzz.sh [SECONDS] - runs every fuzz target of the repository for SECONDS
# each (default 10) on top of its committed corpus (testdata/fuzz/). A
# failing input is written to the package's testdata/fuzz/ by go test, so
# that it becomes part of the corpus once committed. scripts/test.sh runs
# this with $FUZZTIME seconds (default 5; 0 skips it).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
SECONDS_EACH=${1:-10}
grep -rl --include='*_test.go' '^func Fuzz' . | sort | while read -r file; do
  pkg=./$(dirname "${file#./}")
  for target in $(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' "$file"); do
    echo "fuzz: $pkg $target for ${SECONDS_EACH}s"
    if ! out=$(go test -run '^$' -fuzz "^${target}\$" -fuzztime "${SECONDS_EACH}s" "$pkg" 2>&1); then
      echo "$out"
      exit 1
    fi
    echo "$out" | tail -1
  done
done
