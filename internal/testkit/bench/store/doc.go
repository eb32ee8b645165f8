// Package store keeps luxibench's results on disk, one file per scenario,
// so that the benchmark report (package report) can be rendered from the
// latest run of every scenario on every Ganeti release and goluxid start
// mode, and so that a rerun of one scenario replaces only its own file.
//
// # Layout
//
//	DIR/<release>/<start-mode>/<scenario>.json   one scenario's latest results
//	DIR/gobench.txt                              the Go allocation benchmarks' latest output
//
// <release> is "ganeti-" and the installed Ganeti's major.minor
// ("ganeti-3.0", "ganeti-3.1"). <start-mode> is "default" for goluxid's
// default command line, else StartMode of the extra goluxid flags: each
// flag without its leading dashes, lowercased, every run of characters
// other than a-z and 0-9 made one "-", the flags sorted and joined by "-"
// ("--cold-start" gives "cold-start"). <scenario> is the scenario's name
// ("queryjobs-10000"). Every file is written durably (temporary file,
// fsync, rename, fsync of the directory).
//
// # Scenario file
//
// An Entry as indented JSON: one object with
//
//	version          FormatVersion (1); readers refuse any other
//	release          "ganeti-3.0", as in the path
//	ganeti_version   the installed Ganeti's version ("3.0.2")
//	start_mode       as in the path
//	goluxid_flags    the extra goluxid flags, separated by single spaces
//	                 ("" for the default start mode)
//	goluxid_commit   the goluxid checkout measured: the short commit id,
//	                 "-dirty" appended when files other than benchmarks/
//	                 and BENCHMARKS.md had changes ("" when unknown)
//	scenario         name, family and what it measures (bench.ScenarioInfo)
//	date             when the scenario's first run started (UTC)
//	seconds          the time its runs took together
//	command          luxibench's command line
//	luxids           each luxid's command line, by "goluxid" and "haskell"
//	machine          CPU, cores, memory, kernel, Go, disk (bench.Machine),
//	                 with load_before and load_after the load averages at
//	                 the start of the scenario's first run and the end of
//	                 its last
//	profile          the size profile ("short", "default", "full")
//	rounds           rounds per luxid
//	sizes            every size of the run (bench.Sizes)
//	durable_writes   each round's durable-write baseline
//	durable_writes_per_second  their summary
//	results          the scenario's bench.Results: per figure each luxid's
//	                 per-round values, their summary and the ratio of the
//	                 medians
//	runs             the scenario's bench.Records, in the order they ran:
//	                 round, luxid, start, load, figures, latency
//	                 distributions, notes, error
//
// A scenario is stored only when all its runs took place: a measurement cut
// short leaves the scenario's previous file as it was.
//
// # Go benchmarks file
//
// gobench.txt is the output of go test -bench -benchmem, as go test wrote
// it, after three configuration lines of the Go benchmark format
// ("key: value"): date (RFC 3339, UTC), goluxid-commit and command. It
// is read with ParseGoBench: configuration lines become Config, every
// line "Benchmark<Name>-<procs> <iterations> <value> <unit> …" a
// Benchmark; other lines are skipped.
package store
