package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"syscall"
	"time"

	"github.com/goluxid/goluxid/luxi"
)

// dialRetry is how long dial waits before trying a refused connection
// again: the Haskell luxid listens with a backlog of 5, so bursts of
// connections are refused with EAGAIN until it accepts.
const dialRetry = time.Millisecond

// dial connects to the LUXI socket, retrying while the listen backlog is
// full (EAGAIN) until ctx ends.
func dial(ctx context.Context, socket string) (*luxi.Client, error) {
	for {
		c, err := luxi.DialContext(ctx, socket)
		if err == nil || !errors.Is(err, syscall.EAGAIN) {
			return c, err
		}
		select {
		case <-ctx.Done():
			return nil, err
		case <-time.After(dialRetry):
		}
	}
}

// delayOp is an OP_TEST_DELAY opcode as a Python client sends it. With
// on_master false and no nodes, the job process sleeps itself and needs no
// noded.
func delayOp(seconds float64) map[string]any {
	return map[string]any{
		"OP_ID": "OP_TEST_DELAY", "duration": seconds, "on_master": false, "on_nodes": []any{},
		"repeat": 0, "interruptible": false, "no_locks": true, "priority": 0,
		"depends": nil, "comment": nil, "reason": []any{},
	}
}

// submitDelay submits a job of one OP_TEST_DELAY and returns its id.
func submitDelay(ctx context.Context, c *luxi.Client, seconds float64) (uint64, error) {
	return submitOps(ctx, c, delayOp(seconds))
}

// submitMany submits n jobs of one OP_TEST_DELAY each in one
// SubmitManyJobs call and returns their ids; a job the luxid refused is an
// error.
func submitMany(ctx context.Context, c *luxi.Client, n int, seconds float64) ([]uint64, error) {
	jobs := make([]any, n)
	for i := range jobs {
		jobs[i] = []any{delayOp(seconds)}
	}
	raw, err := c.Call(ctx, "SubmitManyJobs", []any{jobs})
	if err != nil {
		return nil, fmt.Errorf("SubmitManyJobs: %w", err)
	}
	var results [][2]json.RawMessage
	if err := json.Unmarshal(raw, &results); err != nil {
		return nil, fmt.Errorf("SubmitManyJobs: answer: %w", err)
	}
	ids := make([]uint64, 0, n)
	for _, r := range results {
		var id uint64
		if string(r[0]) != "true" || json.Unmarshal(r[1], &id) != nil {
			return ids, fmt.Errorf("SubmitManyJobs: job refused: %s", r[1])
		}
		ids = append(ids, id)
	}
	if len(ids) != n {
		return ids, fmt.Errorf("SubmitManyJobs: %d results for %d jobs", len(ids), n)
	}
	return ids, nil
}

// queryJobs answers QueryJobs [ids, fields]; nil ids means every live job.
func queryJobs(ctx context.Context, c *luxi.Client, ids []uint64, fields []string) ([][]json.RawMessage, error) {
	var idArg any
	if ids != nil {
		idArg = ids
	}
	raw, err := c.Call(ctx, "QueryJobs", []any{idArg, fields})
	if err != nil {
		return nil, fmt.Errorf("QueryJobs: %w", err)
	}
	var rows [][]json.RawMessage
	if err := json.Unmarshal(raw, &rows); err != nil {
		return nil, fmt.Errorf("QueryJobs: answer: %w", err)
	}
	return rows, nil
}

// clusterName asks QueryConfigValues for the cluster name, the cheapest
// call every luxid answers.
func clusterName(ctx context.Context, c *luxi.Client) error {
	if _, err := c.Call(ctx, "QueryConfigValues", []any{[]string{"cluster_name"}}); err != nil {
		return fmt.Errorf("QueryConfigValues: %w", err)
	}
	return nil
}

// errNoChange is WaitForJobChange's answer when its timeout passed first.
var errNoChange = errors.New("WaitForJobChange: no change before the timeout")

// waitStatus calls WaitForJobChange for the job's status, given the status
// the caller saw last, and returns the status in the answer.
func waitStatus(ctx context.Context, c *luxi.Client, id uint64, prev string, timeout time.Duration) (string, error) {
	raw, err := c.Call(ctx, "WaitForJobChange",
		[]any{id, []string{"status"}, []string{prev}, nil, int(timeout.Seconds())})
	if err != nil {
		return "", fmt.Errorf("WaitForJobChange: %w", err)
	}
	if string(raw) == `"nochange"` {
		return "", errNoChange
	}
	var answer []json.RawMessage
	var values []string
	if err := json.Unmarshal(raw, &answer); err != nil || len(answer) != 2 ||
		json.Unmarshal(answer[0], &values) != nil || len(values) != 1 {
		return "", fmt.Errorf("WaitForJobChange: unexpected answer %s", raw)
	}
	return values[0], nil
}

// finalized reports whether a job status is final.
func finalized(status string) bool {
	return status == "success" || status == "error" || status == "canceled"
}

// waitFinal waits with WaitForJobChange until the job is finalized and
// returns its final status. seen, if not nil, is called with every status
// observed.
func waitFinal(ctx context.Context, c *luxi.Client, id uint64, seen func(string)) (string, error) {
	status := "queued"
	for !finalized(status) {
		next, err := waitStatus(ctx, c, id, status, waitTimeout)
		if errors.Is(err, errNoChange) {
			continue
		}
		if err != nil {
			return "", err
		}
		if seen != nil && next != status {
			seen(next)
		}
		status = next
	}
	return status, nil
}

// waitTimeout is the WaitForJobChange timeout the scenarios ask for, below
// the 89 s both luxids cap it to.
const waitTimeout = 60 * time.Second

// cancelJob cancels a job with CancelJob and fails unless it succeeded.
func cancelJob(ctx context.Context, c *luxi.Client, id uint64) error {
	raw, err := c.Call(ctx, "CancelJob", []any{id})
	if err != nil {
		return fmt.Errorf("CancelJob: %w", err)
	}
	var answer [2]json.RawMessage
	if err := json.Unmarshal(raw, &answer); err != nil || string(answer[0]) != "true" {
		return fmt.Errorf("CancelJob: job %d not canceled: %s", id, raw)
	}
	return nil
}
