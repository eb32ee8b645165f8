// Package report renders the benchmark report, BENCHMARKS.md, whole from
// the results kept by package store, and draws its charts as SVG files
// (package chart). The prose lives in benchmarks.md.tmpl, a text/template
// embedded in the package; the figures come only from the store, so the
// same store always renders to the same bytes, and nothing is shown that
// was not measured.
//
// The document holds, after the prose on how to run and read it:
//
//   - for every Ganeti release goluxid serves (and any other stored), a
//     results table per start mode, default first: the default start mode
//     lists every scenario of the full profile and any other stored one,
//     other start modes the scenarios stored in them on any release; a
//     scenario without results reads "not measured", one whose runs all
//     failed "every run failed". Then when, on which machine, at which
//     load and from which goluxid commit each scenario was measured, the
//     runs' notes and failures, and the charts;
//   - each later release's ratios against the first release's (3.1
//     against 3.0): a ratio's spread on a release is the range of its
//     per-round ratios (goluxid's value over the Haskell luxid's, in each
//     round where both have one and the Haskell luxid's is not 0); the
//     later ratio is lower beyond the spread when its largest per-round
//     ratio is below the first release's smallest, higher beyond the
//     spread when its smallest is above the first's largest;
//   - the Go allocation benchmarks' table, "not measured" without them.
//
// Charts are named <release>-<start-mode>-<scenario>.svg for the latency
// distributions of a scenario (a panel per latency, a line per run, every
// percentile 0…100), and <release>-<start-mode>-<family>-by-size.svg for
// the startup, queryjobs and queryjobs-queued families' time and memory
// figures against the queue size (each luxid's median, bars from minimum
// to maximum).
package report
