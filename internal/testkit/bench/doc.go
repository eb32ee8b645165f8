// Package bench measures goluxid against Ganeti's Haskell luxid, side by
// side: it runs the same LUXI workloads against a fresh sandboxed cluster
// running one luxid, then the other, for several rounds, and reports for
// every figure the minimum, median and maximum across rounds of each luxid
// and the ratio of their medians, as JSON and as a Markdown table.
//
// The package drives clusters through the Cluster interface and never
// builds one itself; the command (cmd/luxibench) supplies a Launcher backed
// by internal/testkit/sandbox. Every measurement talks LUXI directly: a gnt-*
// client costs about 0.13 s of CPU just to start.
//
// # Order and isolation
//
// Every run of a scenario gets a new cluster, so that no run sees the jobs
// of another. Within a round each scenario runs on both luxids back to
// back, goluxid first in odd rounds and the Haskell luxid first in even
// ones, so that slow drifts of the machine's load hit both alike. The
// disk's durable-write rate is measured once per round for the report, and
// again right before each submission run for the figures relative to it.
//
// # Keeping jobs from running
//
// Scenarios that only measure the queue (submissions, queries, waiters)
// must not fork Python job processes. Their clusters get a filter rule in
// config.data before any daemon starts,
//
//	{"uuid":U,"watermark":0,"priority":0,"predicates":[],"action":"PAUSE","reason_trail":[]}
//
// which holds every job queued. Scenarios on large queues write job files
// straight into queue/ before the luxid starts instead (see jobfiles.go
// for the formats: a job as the Python job process leaves it after
// success, and a queued job as luxid writes it, which the same rule then
// holds queued).
//
// # Figures
//
// Wall-clock figures (rates, latencies) vary with the machine and its
// load. Next to them stand figures that do not, or much less: the luxid's
// own CPU time per operation (utime+stime from /proc/<pid>/stat, counted
// in 10 ms ticks, so only meaningful over many operations), its resident
// memory (VmRSS sampled every 20 ms, VmHWM), its open descriptors
// (/proc/<pid>/fd, sampled), and submissions per second in units of the
// disk's durable-write rate (temp file, write, fsync, rename, fsync of the
// directory, one writer). The syscalls scenario counts the luxid's system
// calls per request with perf stat (syscalls.go), which depend only on
// what the daemon does; Go benchmarks in this package's tests give the
// allocations goluxid makes for the query scenarios' requests.
//
// A luxid that exits during a run fails the run, with the last lines of
// its output in the error; the waiter scenarios count it as a figure
// instead, next to the waiters that got no answer.
//
// # JSON report
//
// The JSON report is a Report: the date, the command line, the machine,
// the sizes, the durable-write baseline per round, one Result per scenario
// and figure with each luxid's per-round values, their summary and the
// ratio of the medians, and every run as a Record: when it started, the
// load averages around it, its figures, notes and error, and for the
// scenarios that time every operation (submit-C, wait-N, latency) the
// distribution of those latencies as the 101 percentiles 0…100 in
// milliseconds. Package internal/testkit/bench/store keeps it per
// scenario, and internal/testkit/bench/report renders BENCHMARKS.md from
// what is stored.
package bench
