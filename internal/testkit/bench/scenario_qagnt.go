package bench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/goluxid/goluxid/jqueue"
)

// qaGntJobTime bounds the time one job of qa-gnt may take on a busy
// machine, its client's start included, for the scenario's time limit.
const qaGntJobTime = 2 * time.Second

// qaGntPoll is how long Ganeti's job driver sleeps between two polls.
const qaGntPoll = 2 * time.Second

// qaGntInfoLimit is how long Ganeti's test lets "gnt-cluster info" take.
const qaGntInfoLimit = 15 * time.Second

// The rule of Ganeti's test for slow submissions: the first
// slowBaseline durations set the mean, and every later submission slower
// than slowFactor times that mean draws a warning.
const (
	slowBaseline = 10
	slowFactor   = 1.5
)

// qaGntScenario is Ganeti's QA test TestJobQueueSubmissionPerformance
// (qa_performance.py) with the installed release's own clients: threads
// submitters each run "gnt-debug delay --submit 0.1" perThread times, one
// after the other; then "gnt-cluster info"; then the test's job driver
// lists the jobs not yet successful with "gnt-job list" every 2 s until
// all are finalized. gnt-debug delay runs the opcode on the master, an
// RPC to its node daemon, which the cluster runs.
func qaGntScenario(threads, perThread int) scenario {
	n := threads * perThread
	return scenario{
		name: "qa-gnt", family: "qa-gnt",
		about: fmt.Sprintf("Ganeti QA job-queue test with the real clients: %d threads × %d `gnt-debug delay --submit 0.1` "+
			"(on the master: an RPC to noded), `gnt-cluster info`, then `gnt-job list` every 2 s until all %d jobs are done",
			threads, perThread, n),
		noded:      true,
		minTimeout: time.Duration(n) * qaGntJobTime,
		run: func(ctx context.Context, r *run) (*figures, error) {
			return runQAGnt(ctx, r, threads, perThread)
		},
	}
}

// submission is one gnt-debug command of qa-gnt.
type submission struct {
	id         uint64
	start, end time.Time
	cpu        time.Duration // the client's user and system time
}

// qaGntOutcome is what a qa-gnt run saw: its submissions, how long
// gnt-cluster info took and what the driver's polls did.
type qaGntOutcome struct {
	subs    []submission // in the order the commands ended
	info    time.Duration
	allDone time.Time // when the driver saw every job done
	polls   int
	pollCPU time.Duration // the driver's gnt-job list commands
}

func runQAGnt(ctx context.Context, r *run, threads, perThread int) (*figures, error) {
	pid := r.cluster.LuxidPid()
	var o qaGntOutcome
	var cpu jobsCPU
	l, err := underLoad(pid, func() (err error) {
		cpu, err = watchJobsCPU(pid, func() (err error) {
			o, err = qaGntWorkload(ctx, r.cluster, threads, perThread)
			return err
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	return qaGntFigures(r, o, l, cpu)
}

// qaGntWorkload runs the test's three steps.
func qaGntWorkload(ctx context.Context, cl Cluster, threads, perThread int) (qaGntOutcome, error) {
	var o qaGntOutcome
	var err error
	if o.subs, err = gntSubmit(ctx, cl, threads, perThread); err != nil {
		return o, err
	}
	start := time.Now()
	if _, _, err := runClient(ctx, cl, "gnt-cluster", "info"); err != nil {
		return o, err
	}
	o.info = time.Since(start)
	ids := make([]uint64, len(o.subs))
	for i, s := range o.subs {
		ids[i] = s.id
	}
	o.allDone, o.polls, o.pollCPU, err = driveJobs(ctx, cl, ids, qaGntPoll)
	return o, err
}

// gntSubmit runs threads submitters at once, each running "gnt-debug
// delay --submit 0.1" perThread times, one after the other, and returns
// the submissions in the order they ended.
func gntSubmit(ctx context.Context, cl Cluster, threads, perThread int) ([]submission, error) {
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex // guards subs and errs
		subs []submission
		errs []error
	)
	for range threads {
		wg.Go(func() {
			for range perThread {
				s, err := gntDelay(ctx, cl)
				mu.Lock()
				subs, errs = append(subs, s), append(errs, err)
				mu.Unlock()
				if err != nil {
					return
				}
			}
		})
	}
	wg.Wait()
	return subs, errors.Join(errs...)
}

// jobIDLine is how a gnt-* client reports the job it submitted.
var jobIDLine = regexp.MustCompile(`JobID: ([0-9]+)`)

// gntDelay runs one "gnt-debug delay --submit 0.1" and reads the job id
// from its output, as Ganeti's test does: exactly one "JobID: N".
func gntDelay(ctx context.Context, cl Cluster) (submission, error) {
	s := submission{start: time.Now()}
	out, cpu, err := runClient(ctx, cl, "gnt-debug", "delay", "--submit", "0.1")
	s.end, s.cpu = time.Now(), cpu
	if err != nil {
		return s, err
	}
	s.id, err = parseJobID(out)
	return s, err
}

// parseJobID finds the one "JobID: N" in a client's output.
func parseJobID(out string) (uint64, error) {
	m := jobIDLine.FindAllStringSubmatch(out, -1)
	if len(m) != 1 {
		return 0, fmt.Errorf("bench: no single job id in the client's output %q", out)
	}
	return strconv.ParseUint(m[0][1], 10, 64)
}

// runClient runs a Ganeti client against the cluster and returns its
// output (stdout and stderr together, as Ganeti's test reads it) and the
// CPU time it and the children it waited for used.
func runClient(ctx context.Context, cl Cluster, name string, args ...string) (string, time.Duration, error) {
	cmd := cl.Client(ctx, name, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var cpu time.Duration
	if ps := cmd.ProcessState; ps != nil {
		cpu = ps.UserTime() + ps.SystemTime()
	}
	if err != nil {
		return out.String(), cpu, fmt.Errorf("bench: %s %s: %w: %s", name, strings.Join(args, " "), err,
			strings.TrimSpace(out.String()))
	}
	return out.String(), cpu, nil
}

// driveJobs is Ganeti's job driver: it lists the jobs not yet successful
// with gnt-job list, drops the successful ones, and sleeps for every (2 s
// in Ganeti's test), until none is left unfinalized. A job in error fails it at once, one finalized
// otherwise at the end. It returns when it saw all done, how many lists it
// ran and their CPU time.
func driveJobs(ctx context.Context, cl Cluster, ids []uint64, every time.Duration) (time.Time, int, time.Duration, error) {
	pending := slices.Clone(ids)
	polls := 0
	var cpu time.Duration
	for {
		statuses, used, err := listJobs(ctx, cl, pending)
		polls, cpu = polls+1, cpu+used
		if err != nil {
			return time.Time{}, polls, cpu, err
		}
		if failed := withStatus(pending, statuses, "error"); len(failed) > 0 {
			return time.Time{}, polls, cpu, fmt.Errorf("bench: jobs %v are in error state", failed)
		}
		pending = slices.DeleteFunc(pending, func(id uint64) bool { return statuses[id] == "success" })
		if !slices.ContainsFunc(pending, func(id uint64) bool { return !finalized(statuses[id]) && statuses[id] != "" }) {
			break
		}
		if err := sleep(ctx, every); err != nil {
			return time.Time{}, polls, cpu, err
		}
	}
	if len(pending) > 0 {
		return time.Time{}, polls, cpu, fmt.Errorf("bench: jobs %v did not finish in success", pending)
	}
	return time.Now(), polls, cpu, nil
}

// listJobs runs "gnt-job list --no-headers --output=id,status IDS" and
// reads its "ID STATUS" lines.
func listJobs(ctx context.Context, cl Cluster, ids []uint64) (map[uint64]string, time.Duration, error) {
	args := []string{"list", "--no-headers", "--output=id,status"}
	for _, id := range ids {
		args = append(args, strconv.FormatUint(id, 10))
	}
	out, cpu, err := runClient(ctx, cl, "gnt-job", args...)
	if err != nil {
		return nil, cpu, err
	}
	statuses := map[uint64]string{}
	for line := range strings.Lines(out) {
		fields := strings.Fields(line)
		if len(fields) != 2 {
			return nil, cpu, fmt.Errorf("bench: gnt-job list: unexpected line %q", line)
		}
		id, err := strconv.ParseUint(fields[0], 10, 64)
		if err != nil {
			return nil, cpu, fmt.Errorf("bench: gnt-job list: unexpected line %q", line)
		}
		statuses[id] = fields[1]
	}
	return statuses, cpu, nil
}

func withStatus(ids []uint64, statuses map[uint64]string, status string) []uint64 {
	var out []uint64
	for _, id := range ids {
		if statuses[id] == status {
			out = append(out, id)
		}
	}
	return out
}

// slowSubmissions counts the warnings of Ganeti's test: durations in the
// order the submissions ended; once the first ten are in, each later one
// above 1.5 times their mean is one.
func slowSubmissions(durations []time.Duration) int {
	if len(durations) <= slowBaseline {
		return 0
	}
	var sum time.Duration
	for _, d := range durations[:slowBaseline] {
		sum += d
	}
	limit := slowFactor * float64(sum) / slowBaseline
	n := 0
	for _, d := range durations[slowBaseline:] {
		if float64(d) > limit {
			n++
		}
	}
	return n
}

// lastJobEnd reads the latest end_timestamp of the jobs' files.
func lastJobEnd(queueDir string, ids []uint64) (time.Time, error) {
	var last time.Time
	for _, id := range ids {
		data, err := os.ReadFile(filepath.Join(queueDir, jqueue.JobFileName(id)))
		if err != nil {
			return last, fmt.Errorf("bench: end of job %d: %w", id, err)
		}
		job, err := jqueue.ParseJob(data)
		if err != nil {
			return last, fmt.Errorf("bench: end of job %d: %w", id, err)
		}
		if job.End == nil {
			return last, fmt.Errorf("bench: end of job %d: no end_timestamp", id)
		}
		if t := time.Unix(0, job.End.Nanos()); t.After(last) {
			last = t
		}
	}
	return last, nil
}

func qaGntFigures(r *run, o qaGntOutcome, l load, cpu jobsCPU) (*figures, error) {
	n := len(o.subs)
	ids := make([]uint64, n)
	lat := make([]time.Duration, n)
	first, lastExit := o.subs[0].start, o.subs[0].end
	var clientCPU time.Duration
	for i, s := range o.subs {
		ids[i], lat[i], clientCPU = s.id, s.end.Sub(s.start), clientCPU+s.cpu
		first, lastExit = minTime(first, s.start), maxTime(lastExit, s.end)
	}
	lastEnd, err := lastJobEnd(r.cluster.Layout().QueueDir, ids)
	if err != nil {
		return nil, err
	}
	var f figures
	f.add("first start → last client exit", "s", Lower, lastExit.Sub(first).Seconds())
	f.add("first start → last job end", "s", Lower, lastEnd.Sub(first).Seconds())
	f.add("first start → driver sees all done", "s", Lower, o.allDone.Sub(first).Seconds())
	f.add("submission p50", "ms", Lower, ms(percentile(lat, 50)))
	f.add("submission p95", "ms", Lower, ms(percentile(lat, 95)))
	f.add("slow-submission warnings", "warnings", Lower, float64(slowSubmissions(lat)))
	f.add("gnt-cluster info", "s", Lower, o.info.Seconds())
	f.add("gnt-debug CPU per job", "ms", Lower, ms(clientCPU)/float64(n))
	f.add("gnt-job list CPU, all polls", "ms", Lower, ms(o.pollCPU))
	l.addCPUPer(&f, "job", n, "ms")
	cpu.addPer(&f, "job", n)
	l.addPeaks(&f)
	f.latencies("gnt-debug delay --submit", lat)
	f.note("%d gnt-job list polls", o.polls)
	if o.info > qaGntInfoLimit {
		f.note("gnt-cluster info took %.1f s, more than the %v Ganeti's test allows", o.info.Seconds(), qaGntInfoLimit)
	}
	cpu.noteUnmeasured(&f)
	return &f, nil
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
