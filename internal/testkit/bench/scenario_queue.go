package bench

import (
	"context"
	"fmt"
	"time"

	"github.com/goluxid/goluxid/ganeti/paths"
	"github.com/goluxid/goluxid/luxi"
)

// listFields are the fields "gnt-job list" shows by default.
var listFields = []string{"id", "status", "summary"}

// withJobFiles prepares a queue of n finished jobs.
func withJobFiles(n int) func(*paths.Layout) error {
	return func(l *paths.Layout) error { return WriteFinishedJobs(l, n) }
}

// withPausedJobs prepares a queue of n queued jobs that a PAUSE filter
// rule holds queued.
func withPausedJobs(n int) func(*paths.Layout) error {
	return func(l *paths.Layout) error {
		if err := pauseAll(l); err != nil {
			return err
		}
		return WriteQueuedJobs(l, n)
	}
}

// queryJobsScenario lists every job of a queue of n finished jobs with
// QueryJobs: the first query after the luxid started, then reps more.
func queryJobsScenario(n, reps int) scenario {
	return scenario{
		name: fmt.Sprintf("queryjobs-%d", n), family: "queryjobs",
		about:   fmt.Sprintf("QueryJobs [null, [id,status,summary]] over %d finished jobs: first query after start, then later ones", n),
		prepare: withJobFiles(n),
		run:     func(ctx context.Context, r *run) (*figures, error) { return coldAndWarm(ctx, r, n, reps, "success") },
	}
}

// queryQueuedJobsScenario lists every job of a queue of n queued jobs held
// by a PAUSE filter rule with QueryJobs: the first query after the luxid
// started, then reps more.
func queryQueuedJobsScenario(n, reps int) scenario {
	return scenario{
		name: fmt.Sprintf("queryjobs-queued-%d", n), family: "queryjobs-queued",
		about:   fmt.Sprintf("QueryJobs [null, [id,status,summary]] over %d queued jobs held by a PAUSE rule: first query after start, then later ones", n),
		prepare: withPausedJobs(n),
		run:     func(ctx context.Context, r *run) (*figures, error) { return coldAndWarm(ctx, r, n, reps, "queued") },
	}
}

// coldAndWarm times the first QueryJobs listing of the n jobs, all with
// status want, on the luxid the run just started, then reps later ones.
func coldAndWarm(ctx context.Context, r *run, n, reps int, want string) (*figures, error) {
	c, err := dial(ctx, r.socket())
	if err != nil {
		return nil, err
	}
	defer c.Close()
	list := func() error { return listAll(ctx, c, n, want) }
	cold, coldLoad, err := timedUnderLoad(r.cluster.LuxidPid(), 1, list)
	if err != nil {
		return nil, err
	}
	warm, warmLoad, err := timedUnderLoad(r.cluster.LuxidPid(), reps, list)
	if err != nil {
		return nil, err
	}
	var f figures
	f.add("first query (cold)", "ms", Lower, ms(cold[0]))
	f.add("later queries (warm)", "ms", Lower, ms(percentile(warm, 50)))
	f.add("jobs listed/s (warm)", "1/s", Higher, perSecond(n, percentile(warm, 50)))
	coldLoad.addCPUPer(&f, "first query", 1, "ms")
	warmLoad.addCPUPer(&f, "later query", reps, "ms")
	warmLoad.addPeaks(&f)
	return &f, nil
}

// listAll lists every live job and checks that there are n, each with
// status want.
func listAll(ctx context.Context, c *luxi.Client, n int, want string) error {
	rows, err := queryJobs(ctx, c, nil, listFields)
	if err != nil {
		return err
	}
	if len(rows) != n {
		return fmt.Errorf("QueryJobs listed %d jobs, the queue holds %d", len(rows), n)
	}
	quoted := `"` + want + `"`
	for _, row := range rows {
		if len(row) != len(listFields) || string(row[1]) != quoted {
			return fmt.Errorf("QueryJobs: row %s, want status %s", row, quoted)
		}
	}
	return nil
}

// startupScenario restarts the luxid on a queue of n finished jobs and
// times its first answer and its first complete list of the jobs.
func startupScenario(n int) scenario {
	return scenario{
		name: fmt.Sprintf("startup-%d", n), family: "startup",
		about:   fmt.Sprintf("luxid start with %d live job files: first answer, full list, memory", n),
		prepare: withJobFiles(n),
		run: func(ctx context.Context, r *run) (*figures, error) {
			if err := r.cluster.StopLuxid(); err != nil {
				return nil, err
			}
			firstAnswer, listed, err := timeStartup(ctx, r.cluster, n)
			if err != nil {
				return nil, err
			}
			s, err := sampleProc(r.cluster.LuxidPid())
			if err != nil {
				return nil, err
			}
			var f figures
			f.add("time to first answer", "ms", Lower, ms(firstAnswer))
			f.add("time to list all jobs", "ms", Lower, ms(listed))
			f.add("luxid CPU until listed", "ms", Lower, ms(s.cpu))
			f.add("RSS after listing", "MiB", Lower, mib(s.rssKiB))
			f.add("peak RSS (VmHWM)", "MiB", Lower, mib(s.hwmKiB))
			f.add("open fds after listing", "fds", Lower, float64(s.fds))
			return &f, nil
		},
	}
}

// timeStartup starts the stopped luxid and returns how long after the
// start it first answered a call, and how long until it had listed all n
// jobs.
func timeStartup(ctx context.Context, cl Cluster, n int) (firstAnswer, listed time.Duration, err error) {
	socket := cl.Layout().LuxiSocket
	probeCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	answered := make(chan time.Time, 1)
	start := time.Now()
	go func() { answered <- probeUntilAnswer(probeCtx, socket) }()
	if err := cl.StartLuxid(ctx); err != nil {
		return 0, 0, err
	}
	first := <-answered
	if first.IsZero() {
		return 0, 0, fmt.Errorf("luxid started but the probe got no answer: %w", ctx.Err())
	}
	c, err := dial(ctx, socket)
	if err != nil {
		return 0, 0, err
	}
	defer c.Close()
	if err := listAll(ctx, c, n, "success"); err != nil {
		return 0, 0, err
	}
	return first.Sub(start), time.Since(start), nil
}

// probeInterval is how often probeUntilAnswer tries again.
const probeInterval = 2 * time.Millisecond

// probeUntilAnswer calls QueryConfigValues until a call succeeds and
// returns when; the zero time if ctx ended first.
func probeUntilAnswer(ctx context.Context, socket string) time.Time {
	for ctx.Err() == nil {
		if c, err := luxi.DialContext(ctx, socket); err == nil {
			err = clusterName(ctx, c)
			c.Close()
			if err == nil {
				return time.Now()
			}
		}
		if sleep(ctx, probeInterval) != nil {
			break
		}
	}
	return time.Time{}
}
