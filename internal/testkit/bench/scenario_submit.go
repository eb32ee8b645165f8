package bench

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/goluxid/goluxid/luxi"
)

// warmupSubmits are submitted on every connection before the clock starts.
const warmupSubmits = 2

// submitScenario submits n jobs with SubmitJob over conns connections at
// once, each connection one call after the other. Jobs stay queued (PAUSE
// rule).
func submitScenario(n, conns int) scenario {
	return scenario{
		name: fmt.Sprintf("submit-%d", conns), family: "submit",
		about:   fmt.Sprintf("%d × SubmitJob over %d connection(s), jobs paused", n, conns),
		prepare: pauseAll,
		run: func(ctx context.Context, r *run) (*figures, error) {
			clients, err := dialAll(ctx, r.socket(), conns)
			if err != nil {
				return nil, err
			}
			defer closeAll(clients)
			for _, c := range clients {
				for range warmupSubmits {
					if _, err := submitDelay(ctx, c, 0.1); err != nil {
						return nil, err
					}
				}
			}
			disk, err := r.durableRate()
			if err != nil {
				return nil, err
			}
			var lat []time.Duration
			l, err := underLoad(r.cluster.LuxidPid(), func() (werr error) {
				lat, werr = submitConcurrently(ctx, clients, n)
				return werr
			})
			if err != nil {
				return nil, err
			}
			var f figures
			rate := perSecond(n, l.elapsed)
			f.add("submits/s", "1/s", Higher, rate)
			f.add("submits per durable write", "×", Higher, rate/disk)
			f.add("submit latency p50", "ms", Lower, ms(percentile(lat, 50)))
			f.add("submit latency p99", "ms", Lower, ms(percentile(lat, 99)))
			f.latencies("submit latency", lat)
			l.addCPUPer(&f, "submit", n, "µs")
			l.addPeaks(&f)
			return &f, nil
		},
	}
}

// submitConcurrently makes n SubmitJob calls spread over clients, all
// clients at once, and returns every call's latency.
func submitConcurrently(ctx context.Context, clients []*luxi.Client, n int) ([]time.Duration, error) {
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex // guards lat and errs
		lat  = make([]time.Duration, 0, n)
		errs []error
	)
	for i, c := range clients {
		share := n / len(clients)
		if i < n%len(clients) {
			share++
		}
		wg.Go(func() {
			mine, err := submitSequentially(ctx, c, share)
			mu.Lock()
			defer mu.Unlock()
			lat = append(lat, mine...)
			errs = append(errs, err)
		})
	}
	wg.Wait()
	return lat, errors.Join(errs...)
}

// submitSequentially makes n SubmitJob calls on c, one after the other.
func submitSequentially(ctx context.Context, c *luxi.Client, n int) ([]time.Duration, error) {
	lat := make([]time.Duration, 0, n)
	for range n {
		t := time.Now()
		if _, err := submitDelay(ctx, c, 0.1); err != nil {
			return lat, err
		}
		lat = append(lat, time.Since(t))
	}
	return lat, nil
}

// submitManyScenario submits n jobs in one SubmitManyJobs call. Jobs stay
// queued (PAUSE rule).
func submitManyScenario(n int) scenario {
	return scenario{
		name: fmt.Sprintf("submitmany-%d", n), family: "submitmany",
		about:   fmt.Sprintf("one SubmitManyJobs of %d jobs, jobs paused", n),
		prepare: pauseAll,
		run: func(ctx context.Context, r *run) (*figures, error) {
			c, err := dial(ctx, r.socket())
			if err != nil {
				return nil, err
			}
			defer c.Close()
			if _, err := submitMany(ctx, c, warmupSubmits, 0.1); err != nil {
				return nil, err
			}
			disk, err := r.durableRate()
			if err != nil {
				return nil, err
			}
			l, err := underLoad(r.cluster.LuxidPid(), func() error {
				_, err := submitMany(ctx, c, n, 0.1)
				return err
			})
			if err != nil {
				return nil, err
			}
			var f figures
			rate := perSecond(n, l.elapsed)
			f.add("call time", "ms", Lower, ms(l.elapsed))
			f.add("jobs/s", "1/s", Higher, rate)
			f.add("jobs per durable write", "×", Higher, rate/disk)
			l.addCPUPer(&f, "job", n, "µs")
			l.addPeaks(&f)
			return &f, nil
		},
	}
}

// dialAll opens n connections.
func dialAll(ctx context.Context, socket string, n int) ([]*luxi.Client, error) {
	clients := make([]*luxi.Client, 0, n)
	for range n {
		c, err := dial(ctx, socket)
		if err != nil {
			closeAll(clients)
			return nil, err
		}
		clients = append(clients, c)
	}
	return clients, nil
}

func closeAll(clients []*luxi.Client) {
	for _, c := range clients {
		c.Close()
	}
}
