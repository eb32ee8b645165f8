package bench

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"syscall"
	"time"

	"github.com/goluxid/goluxid/luxi"
)

// Waiters settle when the luxid's descriptor count has not changed for
// settleQuiet, or after settleLimit at most.
const (
	settleQuiet = 300 * time.Millisecond
	settleLimit = 30 * time.Second
)

// waitScenario has n clients wait with WaitForJobChange on one queued
// (paused) job, then cancels the job and times how long each waiter takes
// to get the change.
func waitScenario(n int) scenario {
	return scenario{
		name: fmt.Sprintf("wait-%d", n), family: "wait",
		about:   fmt.Sprintf("%d concurrent WaitForJobChange on one queued job, then CancelJob", n),
		prepare: pauseAll,
		run: func(ctx context.Context, r *run) (*figures, error) {
			return runWaiters(ctx, r, n)
		},
	}
}

// waiterResult is what one waiter saw.
type waiterResult struct {
	at     time.Time
	status string
	err    error
}

func runWaiters(ctx context.Context, r *run, n int) (*figures, error) {
	ctl, err := dial(ctx, r.socket())
	if err != nil {
		return nil, err
	}
	defer ctl.Close()
	id, err := submitDelay(ctx, ctl, 0.1)
	if err != nil {
		return nil, err
	}
	pid := r.cluster.LuxidPid()
	var results []waiterResult
	var changed time.Time
	l, err := underLoad(pid, func() (werr error) {
		results, changed, werr = waitAndChange(ctx, r.socket(), pid, ctl, id, n)
		return werr
	})
	if err != nil && !l.exited {
		return nil, err
	}
	f := waitFigures(l, results, changed, n)
	if l.exited {
		f.note("the luxid exited during the run: %s", lastOutput(r.cluster.LuxidOutput()))
	}
	if err != nil {
		f.note("%v", err)
	}
	f.add("luxid exited", "runs", Lower, boolFigure(l.exited))
	return f, nil
}

// waitAndChange starts n waiters on job id, lets them settle, cancels the
// job and collects every waiter's answer.
func waitAndChange(ctx context.Context, socket string, pid int, ctl *luxi.Client, id uint64, n int) ([]waiterResult, time.Time, error) {
	waitCtx, stop := context.WithCancel(ctx)
	defer stop()
	results := make([]waiterResult, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { results[i] = waitOnce(waitCtx, socket, id) })
	}
	settle(ctx, pid)
	changed := time.Now()
	err := cancelJob(ctx, ctl, id)
	if err != nil {
		stop() // no change is coming
	}
	wg.Wait()
	return results, changed, err
}

// waitOnce connects and waits for job id to leave "queued".
func waitOnce(ctx context.Context, socket string, id uint64) waiterResult {
	c, err := dial(ctx, socket)
	if err != nil {
		return waiterResult{at: time.Now(), err: err}
	}
	defer c.Close()
	status, err := waitStatus(ctx, c, id, "queued", waitTimeout)
	return waiterResult{at: time.Now(), status: status, err: err}
}

// settle waits until pid's descriptor count stays put for settleQuiet: the
// waiters have connected and the luxid has taken up their calls.
func settle(ctx context.Context, pid int) {
	deadline := time.Now().Add(settleLimit)
	last, quietSince := -1, time.Now()
	for time.Now().Before(deadline) && sleep(ctx, monitorInterval) == nil {
		fds, err := countFds(pid)
		if err != nil {
			return
		}
		if fds != last {
			last, quietSince = fds, time.Now()
		} else if time.Since(quietSince) >= settleQuiet {
			return
		}
	}
}

// waitFigures sums up the waiters: a waiter that got an error, or an
// answer other than the cancellation, failed.
func waitFigures(l load, results []waiterResult, changed time.Time, n int) *figures {
	var lat []time.Duration
	failed := 0
	why := map[string]int{}
	for _, res := range results {
		if res.err != nil || res.status != "canceled" || res.at.Before(changed) {
			failed++
			why[failure(res, changed)]++
			continue
		}
		lat = append(lat, res.at.Sub(changed))
	}
	var f figures
	for _, reason := range slices.Sorted(maps.Keys(why)) {
		f.note("%d waiter(s): %s", why[reason], reason)
	}
	f.add("waiters failed", "waiters", Lower, float64(failed))
	if len(lat) > 0 {
		f.add("change → answer p50", "ms", Lower, ms(percentile(lat, 50)))
		f.add("change → answer max", "ms", Lower, ms(percentile(lat, 100)))
		f.latencies("change → answer", lat)
	}
	if !l.exited { // else the peak says how far the luxid got, not what a waiter costs
		f.add("fds per waiter", "fds", Lower, float64(l.peakFds-l.startFds)/float64(n))
	}
	l.addPeaks(&f)
	l.addCPUPer(&f, "waiter", n, "µs")
	return &f
}

// failure says why a waiter failed, in a few words that do not depend on
// the run.
func failure(res waiterResult, changed time.Time) string {
	switch {
	case errors.Is(res.err, luxi.ErrConnectionClosed):
		return "the luxid closed the connection"
	case errors.Is(res.err, syscall.ECONNREFUSED):
		return "connect refused (nothing listens)"
	case errors.Is(res.err, syscall.EAGAIN):
		return "connect refused (listen backlog full)"
	case errors.Is(res.err, context.Canceled):
		return "given up: the job could not be changed"
	case res.err != nil:
		return res.err.Error()
	case res.at.Before(changed):
		return fmt.Sprintf("answered %q before the change", res.status)
	default:
		return fmt.Sprintf("answered %q instead of \"canceled\"", res.status)
	}
}
