package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/goluxid/goluxid/luxi"
)

// latencyDelay is the sleep of each job of the latency scenario: short,
// but above zero, which OP_TEST_DELAY refuses.
const latencyDelay = 0.01

// latencyJobTime bounds the time one job of the latency scenario may take
// on a busy machine (a cold start costs the job process about 0.2 s of
// CPU), for the scenario's time limit.
const latencyJobTime = time.Second

// latencyScenario runs n jobs one after the other, each submitted once the
// one before has finished, so that the queue is otherwise idle, and takes
// each job's queued-to-running latency from its own timestamps: from
// received_ts (luxid, at submission) to the opcode's exec timestamp (job
// process, when the opcode starts running).
func latencyScenario(n int) scenario {
	return scenario{
		name: "latency", family: "latency",
		about:      fmt.Sprintf("%d jobs one at a time on an idle queue: queued → running, and the luxid's own share of it", n),
		minTimeout: time.Duration(n) * latencyJobTime,
		run: func(ctx context.Context, r *run) (*figures, error) {
			c, err := dial(ctx, r.socket())
			if err != nil {
				return nil, err
			}
			defer c.Close()
			warmup, _, err := runOneJob(ctx, c) // warms the page cache
			if err != nil {
				return nil, err
			}
			handoffs, err := watchHandoffs(r.cluster.Layout().QueueDir, warmup+1)
			if err != nil {
				return nil, err
			}
			ids := make([]uint64, 0, n)
			var seen []time.Duration
			l, err := underLoad(r.cluster.LuxidPid(), func() error {
				for range n {
					id, d, err := runOneJob(ctx, c)
					if err != nil {
						return err
					}
					ids, seen = append(ids, id), append(seen, d)
				}
				return nil
			})
			handedOver := handoffs.Stop()
			if err != nil {
				return nil, err
			}
			return latencyFigures(ctx, c, l, ids, seen, handedOver)
		},
	}
}

// runOneJob submits one short job and waits until it is finalized; it
// returns the job's id and how long after the submission the client
// first saw it running (or already finished).
func runOneJob(ctx context.Context, c *luxi.Client) (uint64, time.Duration, error) {
	start := time.Now()
	id, err := submitDelay(ctx, c, latencyDelay)
	if err != nil {
		return 0, 0, err
	}
	var seenRunning time.Duration
	status, err := waitFinal(ctx, c, id, func(s string) {
		if seenRunning == 0 && s != "queued" && s != "waiting" {
			seenRunning = time.Since(start)
		}
	})
	if err != nil {
		return 0, 0, err
	}
	if status != "success" {
		return 0, 0, fmt.Errorf("job %d ended %s", id, status)
	}
	return id, seenRunning, nil
}

func latencyFigures(ctx context.Context, c *luxi.Client, l load, ids []uint64, seen []time.Duration, hs handoffs) (*figures, error) {
	rows, err := queryJobs(ctx, c, ids, []string{"received_ts", "opexec"})
	if err != nil {
		return nil, err
	}
	lat := make([]time.Duration, 0, len(rows))
	var started, own []time.Duration
	for i, row := range rows {
		received, running, err := queuedAndRunning(row)
		if err != nil {
			return nil, fmt.Errorf("job %d: %w", ids[i], err)
		}
		lat = append(lat, running.Sub(received))
		s, h, err := hs.since(ids[i], received)
		if err != nil {
			return nil, err
		}
		started, own = append(started, s), append(own, h)
	}
	var f figures
	f.add("queued → running p50", "ms", Lower, ms(percentile(lat, 50)))
	f.add("queued → running p99", "ms", Lower, ms(percentile(lat, 99)))
	f.add("queued → running max", "ms", Lower, ms(percentile(lat, 100)))
	f.add("received → start decided p50", "ms", Lower, ms(percentile(started, 50)))
	f.add("received → start decided p99", "ms", Lower, ms(percentile(started, 99)))
	f.add("received → start decided max", "ms", Lower, ms(percentile(started, 100)))
	f.add("received → handed to process p50", "ms", Lower, ms(percentile(own, 50)))
	f.add("received → handed to process p99", "ms", Lower, ms(percentile(own, 99)))
	f.add("received → handed to process max", "ms", Lower, ms(percentile(own, 100)))
	f.add("submit → client sees running p50", "ms", Lower, ms(percentile(seen, 50)))
	f.latencies("queued → running", lat)
	f.latencies("received → start decided", started)
	f.latencies("received → handed to process", own)
	f.latencies("submit → client sees running", seen)
	l.addCPUPer(&f, "job", len(ids), "ms")
	l.addPeaks(&f)
	return &f, nil
}

// queuedAndRunning reads [received_ts, opexec] of one job: when it was
// received, and when its first opcode started running.
func queuedAndRunning(row []json.RawMessage) (time.Time, time.Time, error) {
	var received []int64
	var exec [][]int64
	if len(row) != 2 || json.Unmarshal(row[0], &received) != nil || json.Unmarshal(row[1], &exec) != nil ||
		len(exec) == 0 {
		return time.Time{}, time.Time{}, fmt.Errorf("unexpected timestamps %s", row)
	}
	from, err1 := fromTimestamp(received)
	to, err2 := fromTimestamp(exec[0])
	return from, to, errors.Join(err1, err2)
}

// fromTimestamp converts Ganeti's [seconds, microseconds].
func fromTimestamp(ts []int64) (time.Time, error) {
	if len(ts) != 2 {
		return time.Time{}, fmt.Errorf("bad timestamp %v", ts)
	}
	return time.Unix(ts[0], ts[1]*1000), nil
}

// qaDelay is the sleep of each job of Ganeti's QA job-queue test
// ("gnt-debug delay --submit 0.1").
const qaDelay = 0.1

// qaScenario is Ganeti's QA job-queue test (qa_performance.py,
// TestJobQueueSubmissionPerformance) over LUXI: clients parallel clients
// each submit their share of n OP_TEST_DELAY 0.1 jobs one after the
// other; the figure is the time from the first submission to the end of
// the last job. The opcode runs on the master itself (on_master false, no
// nodes), so that no noded is needed.
func qaScenario(n, clients int) scenario {
	return scenario{
		name: "qa", family: "qa",
		about: fmt.Sprintf("Ganeti QA job-queue test: %d × OP_TEST_DELAY 0.1 from %d clients, first submit → last end", n, clients),
		run: func(ctx context.Context, r *run) (*figures, error) {
			conns, err := dialAll(ctx, r.socket(), clients)
			if err != nil {
				return nil, err
			}
			defer closeAll(conns)
			var start time.Time
			var ids []uint64
			var submitLat []time.Duration
			l, err := underLoad(r.cluster.LuxidPid(), func() (werr error) {
				start = time.Now()
				ids, submitLat, werr = qaSubmit(ctx, conns, n)
				if werr == nil {
					werr = waitAll(ctx, conns[0], ids)
				}
				return werr
			})
			if err != nil {
				return nil, err
			}
			return qaFigures(ctx, conns[0], l, start, ids, submitLat)
		},
	}
}

// qaSubmit submits n delay jobs spread over conns, every connection at
// once and each one job after the other.
func qaSubmit(ctx context.Context, conns []*luxi.Client, n int) ([]uint64, []time.Duration, error) {
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex // guards ids, lat and errs
		ids  []uint64
		lat  []time.Duration
		errs []error
	)
	for i, c := range conns {
		share := n / len(conns)
		if i < n%len(conns) {
			share++
		}
		wg.Go(func() {
			for range share {
				t := time.Now()
				id, err := submitDelay(ctx, c, qaDelay)
				mu.Lock()
				ids, lat, errs = append(ids, id), append(lat, time.Since(t)), append(errs, err)
				mu.Unlock()
				if err != nil {
					return
				}
			}
		})
	}
	wg.Wait()
	return ids, lat, errors.Join(errs...)
}

// waitAll waits until every job is finalized.
func waitAll(ctx context.Context, c *luxi.Client, ids []uint64) error {
	for _, id := range ids {
		if _, err := waitFinal(ctx, c, id, nil); err != nil {
			return err
		}
	}
	return nil
}

func qaFigures(ctx context.Context, c *luxi.Client, l load, start time.Time, ids []uint64, submitLat []time.Duration) (*figures, error) {
	rows, err := queryJobs(ctx, c, ids, []string{"status", "end_ts"})
	if err != nil {
		return nil, err
	}
	var last time.Time
	failed := 0
	for _, row := range rows {
		var status string
		var end []int64
		if len(row) != 2 || json.Unmarshal(row[0], &status) != nil || json.Unmarshal(row[1], &end) != nil {
			return nil, fmt.Errorf("unexpected QueryJobs row %s", row)
		}
		if status != "success" {
			failed++
		}
		if t, err := fromTimestamp(end); err == nil && t.After(last) {
			last = t
		}
	}
	var f figures
	total := last.Sub(start)
	f.add("first submit → last end", "s", Lower, total.Seconds())
	f.add("jobs/s", "1/s", Higher, perSecond(len(ids), total))
	f.add("submit latency p50", "ms", Lower, ms(percentile(submitLat, 50)))
	f.add("submit latency max", "ms", Lower, ms(slices.Max(submitLat)))
	f.add("jobs not successful", "jobs", Lower, float64(failed))
	l.addCPUPer(&f, "job", len(ids), "ms")
	l.addPeaks(&f)
	return &f, nil
}
