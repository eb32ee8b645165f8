// Package bench measures goluxid against Ganeti's Haskell luxid, side by
// side: it runs the same LUXI workloads against a fresh sandboxed cluster
// running one luxid, then the other, for several rounds, and reports for
// every figure the minimum, median and maximum across rounds of each luxid
// and the ratio of their medians, as JSON and as a Markdown table.
//
// The package drives clusters through the Cluster interface and never
// builds one itself; the command (cmd/luxibench) supplies a Launcher backed
// by internal/testkit/sandbox. Every measurement talks LUXI directly, as a
// gnt-* client costs about 0.13 s of CPU just to start, but qa-gnt: it is
// Ganeti's QA job-queue test as Ganeti runs it, with the installed gnt-debug
// and gnt-job (Cluster.Client), on a cluster that also runs the master's
// noded, since gnt-debug delay runs its opcode there.
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
// which holds every job queued. startload holds only its probe jobs: its
// rule's one predicate is ["reason", ["=", "reason", "startload probe"]],
// which only the probes' reason trails match, so that the jobs of its load
// run beside them; the run fails unless every probe stayed queued.
// Scenarios on large queues write job files straight into queue/ before
// the luxid starts instead (see jobfiles.go for the formats: a job as the
// Python job process leaves it after success, and a queued job as luxid
// writes it, which the same PAUSE rule then holds queued).
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
// directory, one writer). qa-gnt adds the CPU time of the luxid with
// every process it forks, ended ones included, from a cgroup v2 that the
// luxid and its descendants are moved into for the workload and out of
// after it (cpu.stat usage_usec; without root or cgroup v2 the figure is
// missing and a note says why): the Haskell luxid ignores SIGCHLD, so its
// job processes never add to its own cutime. Clients' CPU time is their
// rusage as wait4 returns it. The syscalls scenario counts the luxid's
// system calls per request with perf stat (syscalls.go), which depend only
// on what the daemon does; Go benchmarks in this package's tests give the
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
// scenarios that time every operation (submit-C, wait-N, latency, qa-gnt,
// startload) the distribution of those latencies as the 101 percentiles
// 0…100 in milliseconds. Package internal/testkit/bench/store keeps it per
// scenario, and internal/testkit/bench/report renders BENCHMARKS.md from
// what is stored.
package bench
