#!/usr/bin/env bash
# fuzz.sh [INPUTS] - runs every fuzz target of the repository on INPUTS
# generated inputs each (default 50000) on top of its committed corpus
# (testdata/fuzz/). A failing input is written to the package's
# testdata/fuzz/ by go test, so that it becomes part of the corpus once
# committed. scripts/test.sh runs this with $FUZZINPUTS (default 20000; 0
# skips it). A count, not a duration: a duration's deadline can fail a
# busy machine's run with "context deadline exceeded" although no input
# failed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
INPUTS=${1:-50000}
grep -rl --include='*_test.go' '^func Fuzz' . | sort | while read -r file; do
  pkg=./$(dirname "${file#./}")
  for target in $(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' "$file"); do
    echo "fuzz: $pkg $target on $INPUTS inputs"
    if ! out=$(go test -run '^$' -fuzz "^${target}\$" -fuzztime "${INPUTS}x" "$pkg" 2>&1); then
      echo "$out"
      exit 1
    fi
    echo "$out" | tail -1
  done
done
