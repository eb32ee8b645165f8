package compat_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/internal/testkit/sandbox"
	"github.com/goluxid/goluxid/luxi"
)

// waiterUser is the user both luxids run as in the waiter test: Ganeti's
// own luxid user, so that the limit the Haskell luxid reaches is that
// user's, not root's, which the other tests and daemons here share.
const waiterUser = "gnt-masterd"

// The waiter test's size: at least minWaiters, and waiterMargin more than
// the instances the luxid's user has left.
const (
	minWaiters   = 200
	waiterMargin = 50
)

// waiterTimeout is the timeout each waiter asks for (both luxids' cap,
// 89 s, less a margin); the job changes long before.
const waiterTimeout = 85 * time.Second

// settleTimeout bounds each wait for the waiters to be waiting or
// answered. The Haskell luxid of Ganeti 3.1 takes 13 s to take up 200
// waiters on a busy 2-CPU machine (3.0's, up to 2.5 s).
const settleTimeout = 40 * time.Second

// Ganeti's Python client retries a call whose connection closed without
// an answer (RetryOnNetworkError): the second attempt at once, the third
// after clientRetryPause.
const (
	clientRefusals   = 2
	clientRetryPause = 5 * time.Second
)

// clientRetries is what Ganeti's Python client prints when its first two
// attempts are closed without an answer.
const clientRetries = "ERROR:root:Network error: Connection closed while reading, retrying (retry attempt number 1)\n" +
	"ERROR:root:Network error: Connection closed while reading, retrying (retry attempt number 2)\n"

// How waiters ended: answered with the change, or with their connection
// closed before any answer.
const (
	answeredCanceled = `answered "canceled"`
	closedUnanswered = "connection closed without an answer"
)

// haskellInotifyError is what the Haskell luxid prints when it cannot
// open an inotify instance for a waiter, whose thread then dies.
const haskellInotifyError = "ganeti-luxid: initINotify: resource exhausted (Too many open files)"

// TestWaitersBeyondInotifyLimit runs more WaitForJobChange waiters on one
// queued job than the luxid's user may open inotify instances on a system
// with the default limit (fs.inotify.max_user_instances = 128, less what
// the user holds), under each luxid run as Ganeti's luxid user, and has
// Ganeti's Python client wait too before the job is canceled. goluxid
// answers every waiter with the change. The Haskell luxid, which opens an
// instance per waiter, answers only as many as the limit allows and closes
// the others' connections without an answer; the Python client, refused
// the same way, gets the change only from its third attempt, 5 s later. On
// a system whose limit is higher, a process of the luxid's user holds the
// instances above the default meanwhile: the Haskell luxid aborts at its
// 1,024th descriptor (its runtime's select limit), long before a limit of
// 1,024 instances.
func TestWaitersBeyondInotifyLimit(t *testing.T) {
	sandbox.RequireForTest(t)
	cred, err := sandbox.UserCredential(waiterUser)
	require.NoError(t, err)
	headroom, held := instancesAsOnDefault(t, cred)
	n := max(minWaiters, headroom+waiterMargin)
	t.Logf("%s may open %d more inotify instances (it holds %d): %d waiters", waiterUser, headroom, held, n)

	goRun := runWaitersOn(t, goKind, cred, n)
	hsRun := runWaitersOn(t, haskellKind, cred, n)
	for kind, run := range map[string]waitersRun{goKind: goRun, haskellKind: hsRun} {
		t.Logf("%s: inotify instances idle %d, with the waiters %d; waiters: %s; the Python client printed %q and %q, %s after the change",
			kind, run.idleInstances, run.waitingInstances, summarize(run.outcomes), run.client, run.clientErrors, run.clientTook.Round(time.Millisecond))
	}

	assert.Equal(t, map[string]int{answeredCanceled: n}, tally(goRun.outcomes), "goluxid answers every waiter")
	assert.Equal(t, goRun.idleInstances, goRun.waitingInstances, "goluxid's instances do not grow with waiters")
	assert.Equal(t, "answered [['canceled'], []]", goRun.client, "goluxid: the Python client")
	assert.Empty(t, goRun.clientErrors, "goluxid: the Python client")
	assert.Less(t, goRun.clientTook, clientRetryPause, "goluxid: the Python client is answered at the change")

	hsTally := tally(hsRun.outcomes)
	answered := hsTally[answeredCanceled]
	assert.Positive(t, answered, "the Haskell luxid answers waiters within the limit")
	assert.LessOrEqual(t, answered, headroom-hsRun.idleInstances, "the Haskell luxid answers no more waiters than it has instances left")
	assert.Equal(t, hsRun.idleInstances+answered, hsRun.waitingInstances, "the Haskell luxid holds an instance per waiting waiter")
	assert.Equal(t, map[string]int{answeredCanceled: answered, closedUnanswered: n - answered}, hsTally,
		"the Haskell luxid closes the connection of every other waiter")
	assert.Equal(t, n-answered+clientRefusals, hsRun.inotifyErrors,
		"the Haskell luxid could not open an instance for each of them and for the Python client's first attempts")
	assert.Equal(t, "answered [['canceled'], []]", hsRun.client, "the Haskell luxid: the Python client")
	assert.Equal(t, clientRetries, hsRun.clientErrors, "the Haskell luxid: the Python client")
	assert.Greater(t, hsRun.clientTook, clientRetryPause-time.Second, "the Haskell luxid: the Python client is answered after its retry pause")
}

// waitersRun is what the waiters on one luxid got.
type waitersRun struct {
	outcomes []waiterOutcome
	// idleInstances and waitingInstances are the inotify instances the
	// luxid held before the waiters came, and while they waited.
	idleInstances, waitingInstances int
	// client and clientErrors are what Ganeti's Python client printed on
	// its output and error output when it waited too, clientTook how long
	// after the change it ended.
	client, clientErrors string
	clientTook           time.Duration
	// inotifyErrors counts the luxid's reports of failing to open an
	// inotify instance.
	inotifyErrors int
}

// waiterOutcome is what one WaitForJobChange waiter got.
type waiterOutcome struct {
	status string // the job's status in the answer
	err    error
	early  bool // answered before the job changed
}

// runWaitersOn starts a sandbox with the luxid of kind run as the user
// cred, submits a job that stays queued (every job is paused), has n
// clients and then Ganeti's Python client wait for its status to change,
// cancels it once they all wait or were answered, and returns what each
// got.
func runWaitersOn(t *testing.T, kind string, cred *syscall.Credential, n int) waitersRun {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	argv, metricsSock := luxidAs(t, kind, cred)
	sb, err := sandbox.Create(ctx, sandbox.Options{Luxid: argv, LuxidUser: waiterUser})
	require.NoError(t, err, "start sandbox with %s", kind)
	defer func() {
		if err := sb.Close(); err != nil {
			t.Errorf("close %s sandbox: %v", kind, err)
		}
	}()
	mustRun(t, sb, "gnt-filter", "add", "--action", "PAUSE")
	socket := sb.Layout().LuxiSocket
	ctl, err := luxi.DialContext(ctx, socket)
	require.NoError(t, err)
	defer ctl.Close()
	id := submitQueuedJob(ctx, t, ctl)
	pid := sb.Pid(sandbox.Luxid)
	run := waitersRun{idleInstances: countInotify(pid)}
	w := luxidWaiters{kind: kind, pid: pid, idle: run.idleInstances, metricsSock: metricsSock, output: sb.OutFile(sandbox.Luxid)}

	waitCtx, stopWaiting := context.WithTimeout(ctx, waiterTimeout+10*time.Second)
	defer stopWaiting()
	run.outcomes = make([]waiterOutcome, n)
	var early atomic.Int64
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { run.outcomes[i] = waitForChange(waitCtx, socket, id, &early) })
	}
	started := time.Now()
	waitFor(t, "the waiters", func() bool { return w.waiting(t)+int(early.Load()) >= n })
	run.waitingInstances = countInotify(pid)
	t.Logf("%s: %d waiters waiting or answered after %s", kind, n, time.Since(started).Round(time.Millisecond))

	waiting, refused := w.waiting(t), w.refused(t)
	client := startClientWait(sb, id)
	waitFor(t, "the Python client", func() bool {
		return w.waiting(t) > waiting || w.refused(t) >= refused+clientRefusals || client.finished()
	})
	changed := time.Now()
	t.Logf("%s: the Python client waiting or refused after %s", kind, changed.Sub(started).Round(time.Millisecond))
	cancelJob(ctx, t, ctl, id)
	wg.Wait()
	run.client, run.clientErrors, run.clientTook = client.result(t, changed)
	run.inotifyErrors = w.refused(t)
	return run
}

// luxidAs returns the command line of the luxid of kind, run as the user
// cred, and the path of its metrics socket (goluxid's, "" for the Haskell
// luxid, which has none).
func luxidAs(t *testing.T, kind string, cred *syscall.Credential) (argv []string, metricsSock string) {
	t.Helper()
	if kind == haskellKind {
		return sandbox.HaskellLuxid(), ""
	}
	dir, err := os.MkdirTemp("", "goluxid-waiters-")
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(dir) })
	require.NoError(t, os.Chmod(dir, 0o755))
	require.NoError(t, os.Chown(dir, int(cred.Uid), int(cred.Gid)))
	data, err := os.ReadFile(goluxidBinary(t))
	require.NoError(t, err)
	bin := filepath.Join(dir, "goluxid")
	require.NoError(t, os.WriteFile(bin, data, 0o755))
	metricsSock = filepath.Join(dir, "metrics.sock")
	return append(sandbox.GoLuxid(bin), "--metrics=unix:"+metricsSock), metricsSock
}

// luxidWaiters tells how many waiters a luxid holds and how many it
// refused.
type luxidWaiters struct {
	kind        string
	pid         int
	idle        int    // the luxid's inotify instances before the waiters
	metricsSock string // goluxid's metrics endpoint
	output      string // the luxid's output file
}

// waiting is the number of WaitForJobChange calls the luxid holds:
// goluxid's own count, or the Haskell luxid's inotify instances beyond
// those it had before.
func (w luxidWaiters) waiting(t *testing.T) int {
	if w.kind == haskellKind {
		return countInotify(w.pid) - w.idle
	}
	return int(gaugeValue(t, w.metricsSock, "goluxid_wait_for_job_change_waiters"))
}

// refused is the number of calls for which the luxid reported it could
// not open an inotify instance.
func (w luxidWaiters) refused(t *testing.T) int {
	data, err := os.ReadFile(w.output)
	require.NoError(t, err)
	return strings.Count(string(data), haskellInotifyError)
}

// waitFor polls cond until it holds, failing the test after settleTimeout.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(settleTimeout)
	for !cond() {
		require.True(t, time.Now().Before(deadline), "%s did not settle within %s", what, settleTimeout)
		time.Sleep(20 * time.Millisecond)
	}
}

// submitQueuedJob submits a job of one OP_TEST_DELAY; the PAUSE rule keeps
// it queued.
func submitQueuedJob(ctx context.Context, t *testing.T, c *luxi.Client) uint64 {
	t.Helper()
	op := map[string]any{"OP_ID": "OP_TEST_DELAY", "duration": 0, "on_master": true, "on_nodes": []any{},
		"repeat": 0, "interruptible": false, "no_locks": true, "priority": 0, "depends": nil, "comment": nil, "reason": []any{}}
	raw, err := c.Call(ctx, "SubmitJob", []any{[]any{op}})
	require.NoError(t, err, "SubmitJob")
	id, err := strconv.ParseUint(string(raw), 10, 64)
	require.NoError(t, err, "SubmitJob answered %s", raw)
	return id
}

// cancelJob cancels the queued job id.
func cancelJob(ctx context.Context, t *testing.T, c *luxi.Client, id uint64) {
	t.Helper()
	raw, err := c.Call(ctx, "CancelJob", []any{id})
	require.NoError(t, err, "CancelJob")
	var answer [2]json.RawMessage
	require.NoError(t, json.Unmarshal(raw, &answer), "CancelJob answered %s", raw)
	require.Equal(t, "true", string(answer[0]), "CancelJob answered %s", raw)
}

// waitForChange connects and waits for job id to leave "queued"; early
// counts the waiters answered before the change.
func waitForChange(ctx context.Context, socket string, id uint64, early *atomic.Int64) waiterOutcome {
	out := waitOnce(ctx, socket, id)
	if out.status != "canceled" {
		early.Add(1)
		out.early = true
	}
	return out
}

func waitOnce(ctx context.Context, socket string, id uint64) waiterOutcome {
	c, err := dialRetrying(ctx, socket)
	if err != nil {
		return waiterOutcome{err: err}
	}
	defer c.Close()
	raw, err := c.Call(ctx, "WaitForJobChange", []any{id, []string{"status"}, []string{"queued"}, nil, int(waiterTimeout.Seconds())})
	if err != nil {
		return waiterOutcome{err: err}
	}
	var answer []json.RawMessage
	var values []string
	if json.Unmarshal(raw, &answer) != nil || len(answer) != 2 || json.Unmarshal(answer[0], &values) != nil || len(values) != 1 {
		return waiterOutcome{err: fmt.Errorf("unexpected answer %s", raw)}
	}
	return waiterOutcome{status: values[0]}
}

// dialRetrying connects to socket, trying again while the listen backlog
// is full (the Haskell luxid's is 5).
func dialRetrying(ctx context.Context, socket string) (*luxi.Client, error) {
	for {
		c, err := luxi.DialContext(ctx, socket)
		if err == nil || !errors.Is(err, syscall.EAGAIN) {
			return c, err
		}
		select {
		case <-ctx.Done():
			return nil, err
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// clientWaitScript is Ganeti's Python client waiting for job argv[1] to
// leave "queued".
const clientWaitScript = `
import sys
from ganeti import luxi
try:
    print("answered", luxi.Client().WaitForJobChangeOnce(int(sys.argv[1]), ["status"], ["queued"], None, 20))
except Exception as err:
    print("raised", type(err).__name__, err)
`

// clientWait is Ganeti's Python client waiting in the background.
type clientWait struct {
	done           chan struct{}
	ended          time.Time
	stdout, stderr string
	err            error
}

// startClientWait has Ganeti's Python client wait for job id to change.
func startClientWait(sb *sandbox.Sandbox, id uint64) *clientWait {
	c := &clientWait{done: make(chan struct{})}
	go func() {
		defer close(c.done)
		ctx, cancel := context.WithTimeout(context.Background(), clientTimeout)
		defer cancel()
		var code int
		c.stdout, c.stderr, code, c.err = sb.RunPython(ctx, clientWaitScript, strconv.FormatUint(id, 10))
		c.ended = time.Now()
		if c.err == nil && code != 0 {
			c.err = fmt.Errorf("exit code %d: %s", code, c.stderr)
		}
	}()
	return c
}

// finished reports whether the client has ended.
func (c *clientWait) finished() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// result waits for the client and returns what it printed on its output
// and its error output, and how long after changed it ended.
func (c *clientWait) result(t *testing.T, changed time.Time) (stdout, stderr string, took time.Duration) {
	t.Helper()
	<-c.done
	require.NoError(t, c.err, "the Python client")
	return strings.TrimSpace(c.stdout), c.stderr, c.ended.Sub(changed)
}

// gaugeValue reads one unlabelled sample from the metrics endpoint at the
// Unix socket path.
func gaugeValue(t *testing.T, path, name string) float64 {
	t.Helper()
	client := &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, "unix", path)
		},
	}}
	defer client.CloseIdleConnections()
	resp, err := client.Get("http://goluxid/metrics")
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(name) + ` (\S+)$`).FindSubmatch(body)
	require.NotNil(t, m, "no %s in the metrics", name)
	v, err := strconv.ParseFloat(string(m[1]), 64)
	require.NoError(t, err)
	return v
}

// tally counts the waiters' outcomes by kind.
func tally(outcomes []waiterOutcome) map[string]int {
	counts := map[string]int{}
	for _, o := range outcomes {
		counts[describe(o)]++
	}
	return counts
}

// describe names a waiter's outcome in words that do not depend on the
// run.
func describe(o waiterOutcome) string {
	switch {
	case errors.Is(o.err, luxi.ErrConnectionClosed) && errors.Is(o.err, io.EOF):
		return closedUnanswered
	case o.err != nil:
		return "failed: " + o.err.Error()
	case o.early:
		return fmt.Sprintf("answered %q before the change", o.status)
	default:
		return fmt.Sprintf("answered %q", o.status)
	}
}

func summarize(outcomes []waiterOutcome) string {
	counts := tally(outcomes)
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(counts)) {
		parts = append(parts, fmt.Sprintf("%d %s", counts[k], k))
	}
	return strings.Join(parts, "; ")
}
