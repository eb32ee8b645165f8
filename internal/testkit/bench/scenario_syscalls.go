package bench

import (
	"context"
	"fmt"
	"time"

	"github.com/goluxid/goluxid/luxi"
)

// syscallsScenario counts the luxid's system calls, with perf stat (see
// syscalls.go), while it sits idle, answers n QueryConfigValues calls,
// takes n SubmitJob calls over one connection and over eight, and one
// SubmitManyJobs of n jobs (jobs paused). Counting is a run of its own: the timed submit scenarios run
// without perf attached.
func syscallsScenario(n int, idle time.Duration) scenario {
	return scenario{
		name: "syscalls", family: "syscalls",
		about:   fmt.Sprintf("system calls of the luxid (perf stat): idle %v, %d × QueryConfigValues, %d × SubmitJob over 1 and 8 connections, SubmitManyJobs of %d", idle, n, n, n),
		prepare: pauseAll,
		run: func(ctx context.Context, r *run) (*figures, error) {
			conns, err := dialAll(ctx, r.socket(), syscallConns)
			if err != nil {
				return nil, err
			}
			defer closeAll(conns)
			if err := warmUp(ctx, conns); err != nil {
				return nil, err
			}
			var f figures
			for _, p := range syscallPhases(ctx, conns, n, idle) {
				counts, err := countSyscalls(r.cluster.LuxidPid(), r.dir, p.work)
				if err != nil {
					return nil, fmt.Errorf("%s: %w", p.name, err)
				}
				p.report(&f, counts)
			}
			return &f, nil
		},
	}
}

// syscallConns are the connections of the multi-connection phase.
const syscallConns = 8

// warmUp makes every call the phases make once on every connection, so
// that no phase counts first-use work.
func warmUp(ctx context.Context, conns []*luxi.Client) error {
	for _, c := range conns {
		if err := clusterName(ctx, c); err != nil {
			return err
		}
		if _, err := submitDelay(ctx, c, 0.1); err != nil {
			return err
		}
	}
	_, err := submitMany(ctx, conns[0], warmupSubmits, 0.1)
	return err
}

// syscallPhase is one counted span of the syscalls scenario.
type syscallPhase struct {
	name   string
	work   func() error
	report func(f *figures, c syscallCounts)
}

func syscallPhases(ctx context.Context, conns []*luxi.Client, n int, idle time.Duration) []syscallPhase {
	per := func(what string) func(*figures, syscallCounts) {
		return func(f *figures, c syscallCounts) {
			f.add("syscalls per "+what, "calls", Lower, float64(c.total)/float64(n))
		}
	}
	perSubmit := func(conns int) func(*figures, syscallCounts) {
		what := fmt.Sprintf("submit (%d conn)", conns)
		return func(f *figures, c syscallCounts) {
			per(what)(f, c)
			f.add("fsync+fdatasync per "+what, "calls", Lower, float64(c.syncs)/float64(n))
		}
	}
	return []syscallPhase{
		{name: "idle", work: func() error { return sleep(ctx, idle) },
			report: func(f *figures, c syscallCounts) {
				f.add("syscalls while idle", "1/s", Lower, float64(c.total)/idle.Seconds())
			}},
		{name: "QueryConfigValues", work: func() error {
			for range n {
				if err := clusterName(ctx, conns[0]); err != nil {
					return err
				}
			}
			return nil
		}, report: per("QueryConfigValues")},
		{name: "SubmitJob over 1 connection", work: func() error {
			_, err := submitSequentially(ctx, conns[0], n)
			return err
		}, report: perSubmit(1)},
		{name: fmt.Sprintf("SubmitJob over %d connections", len(conns)), work: func() error {
			_, err := submitConcurrently(ctx, conns, n)
			return err
		}, report: perSubmit(len(conns))},
		{name: "SubmitManyJobs", work: func() error {
			_, err := submitMany(ctx, conns[0], n, 0.1)
			return err
		}, report: func(f *figures, c syscallCounts) {
			per("job (SubmitManyJobs)")(f, c)
			f.add("fsync+fdatasync per job (SubmitManyJobs)", "calls", Lower, float64(c.syncs)/float64(n))
		}},
	}
}
