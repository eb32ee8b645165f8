package bench

import (
	"context"
	"fmt"
	"time"
)

// idleScenario lets a freshly started luxid sit, then reads its memory,
// descriptors and the CPU it used meanwhile.
func idleScenario(wait time.Duration) scenario {
	return scenario{
		name: "idle", family: "idle",
		about: "RSS, open descriptors and CPU of a luxid that answers nothing",
		run: func(ctx context.Context, r *run) (*figures, error) {
			pid := r.cluster.LuxidPid()
			l, err := underLoad(pid, func() error { return sleep(ctx, wait) })
			if err != nil {
				return nil, err
			}
			s, err := sampleProc(pid)
			if err != nil {
				return nil, err
			}
			var f figures
			f.add("RSS", "MiB", Lower, mib(s.rssKiB))
			f.add("open fds", "fds", Lower, float64(s.fds))
			f.add("CPU while idle", "ms/s", Lower, ms(l.cpu)/l.elapsed.Seconds())
			return &f, nil
		},
	}
}

// roundtripScenario times the cheapest call, QueryConfigValues
// ["cluster_name"], n times on one connection: the floor under every
// other call.
func roundtripScenario(n int) scenario {
	return scenario{
		name: "roundtrip", family: "roundtrip",
		about: fmt.Sprintf("%d × QueryConfigValues [cluster_name] on one connection", n),
		run: func(ctx context.Context, r *run) (*figures, error) {
			c, err := dial(ctx, r.socket())
			if err != nil {
				return nil, err
			}
			defer c.Close()
			lat, l, err := timedUnderLoad(r.cluster.LuxidPid(), n, func() error { return clusterName(ctx, c) })
			if err != nil {
				return nil, err
			}
			var f figures
			f.add("calls/s", "1/s", Higher, perSecond(n, l.elapsed))
			f.add("latency p50", "ms", Lower, ms(percentile(lat, 50)))
			f.add("latency p99", "ms", Lower, ms(percentile(lat, 99)))
			l.addCPUPer(&f, "call", n, "µs")
			return &f, nil
		},
	}
}

// sleep waits for d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
