// Command testsummary turns the JSON events of go test -json (or of
// go tool test2json over a test binary) into go test's usual lines, and
// keeps the list of skipped tests for the end of a run. scripts/test.sh
// runs every package through it, on each release.
//
//	testsummary [-label TEXT] [-trim PREFIX] [-record FILE] < EVENTS
//	testsummary -report FILE
//
// Filtering, it prints per package "ok  \tPKG\tS.SSSs", or the output of
// each failed test and of the package followed by "FAIL\tPKG\tS.SSSs", or
// "?   \tPKG\t[no test files]"; -label TEXT follows PKG ("(Ganeti 3.1)").
// Build output and lines that are not events pass through unchanged. It
// exits 1 if a package or a build failed.
//
// With -record it appends one JSON object per run to FILE:
//
//	{"passed": N, "failed": N, "skipped": [{"test": "PKG TEST LABEL", "reason": "…"}]}
//
// PKG without PREFIX (-trim) and a skipped test's reason (its log lines
// with their file:line prefix removed, joined by spaces). -report FILE
// prints the runs FILE recorded: a section "skipped tests:" with one line
// "PKG TEST LABEL: reason" per skip (nothing when none was skipped), and a
// last line "tests: N passed, N failed, N skipped".
package main

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	label := flag.String("label", "", "text after each package name")
	trim := flag.String("trim", "", "prefix to remove from package names in the recorded skips")
	record := flag.String("record", "", "file to append this run's counts and skips to")
	report := flag.String("report", "", "print the skips and counts recorded in this file, and nothing else")
	flag.Parse()
	if *report != "" {
		if err := printReport(os.Stdout, *report); err != nil {
			fmt.Fprintf(os.Stderr, "testsummary: %v\n", err)
			os.Exit(2)
		}
		return
	}
	s := newSummary(os.Stdout, *label, *trim)
	if err := s.read(os.Stdin); err != nil {
		fmt.Fprintf(os.Stderr, "testsummary: reading events: %v\n", err)
		os.Exit(2)
	}
	if *record != "" {
		if err := s.record(*record); err != nil {
			fmt.Fprintf(os.Stderr, "testsummary: %v\n", err)
			os.Exit(2)
		}
	}
	if s.failed() {
		os.Exit(1)
	}
}
