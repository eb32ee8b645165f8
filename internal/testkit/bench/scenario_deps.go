package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"

	"github.com/goluxid/goluxid/luxi"
)

// parentDelay is how long each parent job of the dependant scenario sleeps
// in its job process: long enough that its dependant is queued before it
// ends.
const parentDelay = 0.3

// dependantScenario runs n pairs, one after another: a job that sleeps in
// its job process, and a job depending on it. The figure is the time from the
// parent's end (its end_ts) to the dependant being handed to its job
// process (see handoffWatch): how fast the luxid releases a dependant.
func dependantScenario(n int) scenario {
	return scenario{
		name: "dependant", family: "dependant",
		about: fmt.Sprintf("%d × a job depending on a running one: parent's end → dependant handed to its process", n),
		run: func(ctx context.Context, r *run) (*figures, error) {
			c, err := dial(ctx, r.socket())
			if err != nil {
				return nil, err
			}
			defer c.Close()
			warmup, _, err := runOneJob(ctx, c)
			if err != nil {
				return nil, err
			}
			handoffs, err := watchHandoffs(r.cluster.Layout().QueueDir, warmup+1)
			if err != nil {
				return nil, err
			}
			var pairs [][2]uint64
			l, err := underLoad(r.cluster.LuxidPid(), func() error {
				for range n {
					parent, child, err := runPair(ctx, c)
					if err != nil {
						return err
					}
					pairs = append(pairs, [2]uint64{parent, child})
				}
				return nil
			})
			handedOver := handoffs.Stop()
			if err != nil {
				return nil, err
			}
			return dependantFigures(ctx, c, l, pairs, handedOver)
		},
	}
}

// runPair submits a sleeping parent and a job depending on its success,
// and waits until the dependant has finished.
func runPair(ctx context.Context, c *luxi.Client) (uint64, uint64, error) {
	parent, err := submitOps(ctx, c, delayOp(parentDelay))
	if err != nil {
		return 0, 0, err
	}
	childOp := delayOp(latencyDelay)
	childOp["depends"] = []any{[]any{parent, []string{"success"}}}
	child, err := submitOps(ctx, c, childOp)
	if err != nil {
		return 0, 0, err
	}
	status, err := waitFinal(ctx, c, child, nil)
	if err != nil {
		return 0, 0, err
	}
	if status != "success" {
		return 0, 0, fmt.Errorf("dependant job %d ended %s", child, status)
	}
	return parent, child, nil
}

// submitOps submits one job of the given opcodes and returns its id.
func submitOps(ctx context.Context, c *luxi.Client, ops ...map[string]any) (uint64, error) {
	raw, err := c.Call(ctx, "SubmitJob", []any{ops})
	if err != nil {
		return 0, fmt.Errorf("SubmitJob: %w", err)
	}
	var id uint64
	if err := json.Unmarshal(raw, &id); err != nil {
		return 0, fmt.Errorf("SubmitJob: answer %s: %w", raw, err)
	}
	return id, nil
}

func dependantFigures(ctx context.Context, c *luxi.Client, l load, pairs [][2]uint64, hs handoffs) (*figures, error) {
	parents := make([]uint64, len(pairs))
	for i, p := range pairs {
		parents[i] = p[0]
	}
	rows, err := queryJobs(ctx, c, parents, []string{"end_ts"})
	if err != nil {
		return nil, err
	}
	var started, release []time.Duration
	for i, row := range rows {
		var end []int64
		if len(row) != 1 || json.Unmarshal(row[0], &end) != nil {
			return nil, fmt.Errorf("job %d: unexpected end_ts %s", parents[i], row)
		}
		ended, err := fromTimestamp(end)
		if err != nil {
			return nil, fmt.Errorf("job %d: %w", parents[i], err)
		}
		s, h, err := hs.since(pairs[i][1], ended)
		if err != nil {
			return nil, err
		}
		started, release = append(started, s), append(release, h)
	}
	var f figures
	f.add("parent end → dependant start decided p50", "ms", Lower, ms(percentile(started, 50)))
	f.add("parent end → dependant start decided max", "ms", Lower, ms(percentile(started, 100)))
	f.add("parent end → dependant handed to process p50", "ms", Lower, ms(percentile(release, 50)))
	f.add("parent end → dependant handed to process max", "ms", Lower, ms(percentile(release, 100)))
	l.addCPUPer(&f, "pair", len(pairs), "ms")
	return &f, nil
}

// deathScenario kills the process of a running job with SIGKILL, n times
// one after another, and measures how long the luxid takes to write the
// job as failed. A death not noticed within limit ends the scenario: the
// figure is then limit, a lower bound (noted).
func deathScenario(n int, limit time.Duration) scenario {
	return scenario{
		name: "death", family: "death",
		about: fmt.Sprintf("%d × SIGKILL to a running job's process → job written as failed (waits at most %s)", n, limit),
		run: func(ctx context.Context, r *run) (*figures, error) {
			c, err := dial(ctx, r.socket())
			if err != nil {
				return nil, err
			}
			defer c.Close()
			var detect []time.Duration
			var missed bool
			_, err = underLoad(r.cluster.LuxidPid(), func() error {
				for range n {
					d, err := killAndWait(ctx, c, r.cluster.Layout().QueueDir, limit)
					if err != nil {
						return err
					}
					detect = append(detect, d)
					if d >= limit {
						missed = true
						return nil
					}
				}
				return nil
			})
			if err != nil {
				return nil, err
			}
			var f figures
			f.add("death noticed p50", "ms", Lower, ms(percentile(detect, 50)))
			f.add("death noticed max", "ms", Lower, ms(percentile(detect, 100)))
			if missed {
				f.note("%s: a killed job's death was not noticed within %s (the figure is that limit)", r.luxid, limit)
			}
			return &f, nil
		},
	}
}

// killAndWait starts a long job, kills its process once it runs and
// returns how long the job then took to be finalized, or limit.
func killAndWait(ctx context.Context, c *luxi.Client, queueDir string, limit time.Duration) (time.Duration, error) {
	id, err := submitOps(ctx, c, delayOp(600))
	if err != nil {
		return 0, err
	}
	pid, err := waitProcess(ctx, c, queueDir, id)
	if err != nil {
		return 0, err
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		return 0, fmt.Errorf("killing job %d's process %d: %w", id, pid, err)
	}
	killed := time.Now()
	waitCtx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	status := "running"
	for !finalized(status) {
		remaining := limit - time.Since(killed)
		next, err := waitStatus(waitCtx, c, id, status, max(remaining, time.Second))
		switch {
		case waitCtx.Err() != nil || time.Since(killed) >= limit:
			return limit, nil
		case errors.Is(err, errNoChange):
			continue
		case err != nil:
			return 0, err
		}
		status = next
	}
	return time.Since(killed), nil
}

// waitProcess waits until job id runs in a process that has written its
// pid into the job file, and returns that pid.
func waitProcess(ctx context.Context, c *luxi.Client, queueDir string, id uint64) (int, error) {
	status := "queued"
	for status != "running" {
		next, err := waitStatus(ctx, c, id, status, waitTimeout)
		if errors.Is(err, errNoChange) {
			continue
		}
		if err != nil {
			return 0, err
		}
		if finalized(next) {
			return 0, fmt.Errorf("job %d ended %s before it could be killed", id, next)
		}
		status = next
	}
	data, err := os.ReadFile(fmt.Sprintf("%s/job-%d", queueDir, id))
	if err != nil {
		return 0, err
	}
	var file struct {
		ProcessID *int `json:"process_id"`
	}
	if err := json.Unmarshal(data, &file); err != nil || file.ProcessID == nil {
		return 0, fmt.Errorf("job %d runs but its file names no process", id)
	}
	return *file.ProcessID, nil
}
