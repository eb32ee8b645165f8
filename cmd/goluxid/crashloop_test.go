package main

import (
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/ganeti/gerrors"
	"github.com/goluxid/goluxid/internal/testkit/sandbox"
	"github.com/goluxid/goluxid/jqueue"
	"github.com/goluxid/goluxid/luxi"
)

// crashRoundsEnv overrides the number of rounds of the crash loop.
const crashRoundsEnv = "GOLUXID_CRASH_ROUNDS"

// crashLoopOps is the opcode list of a job that runs briefly in its own
// job process (no noded needed).
func crashLoopOps(seconds float64) json.RawMessage {
	op := map[string]any{"OP_ID": "OP_TEST_DELAY", "duration": seconds, "on_master": false,
		"on_nodes": []any{}, "repeat": 0, "interruptible": false, "no_locks": true,
		"priority": 0, "depends": nil, "comment": nil, "reason": []any{}}
	data, _ := json.Marshal([]any{op})
	return data
}

// crashLoopJob is SubmitJob's arguments for a crashLoopOps job.
func crashLoopJob(seconds float64) json.RawMessage {
	data, _ := json.Marshal([]any{crashLoopOps(seconds)})
	return data
}

// crashLoad is the mixed load of one round: submissions, cancels,
// priority changes and archiving, until the daemon dies under it.
type crashLoad struct {
	socket string
	mu     sync.Mutex // guards acked
	acked  []uint64
}

// run drives one client doing action until the daemon stops answering.
func (l *crashLoad) run(action func(c *luxi.Client) error) {
	c, err := luxi.Dial(l.socket)
	if err != nil {
		return
	}
	defer c.Close()
	for action(c) == nil {
		time.Sleep(time.Duration(10+rand.IntN(90)) * time.Millisecond)
	}
}

func (l *crashLoad) submit(c *luxi.Client) error {
	res, err := c.Call(context.Background(), "SubmitJob", crashLoopJob(0.05+rand.Float64()/4))
	if err != nil {
		return transportOnly(err)
	}
	id, err := strconv.ParseUint(string(res), 10, 64)
	if err != nil {
		return err
	}
	l.ack(id)
	return nil
}

// ack records an acknowledged job id.
func (l *crashLoad) ack(id uint64) {
	l.mu.Lock()
	l.acked = append(l.acked, id)
	l.mu.Unlock()
}

// some returns an acknowledged job id, 0 if there is none yet.
func (l *crashLoad) some() uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.acked) == 0 {
		return 0
	}
	return l.acked[rand.IntN(len(l.acked))]
}

func (l *crashLoad) cancel(c *luxi.Client) error {
	_, err := c.Call(context.Background(), "CancelJob", []any{l.some()})
	return transportOnly(err)
}

// reprioritize sets a priority in Ganeti's range, -20 to 19 (a job
// process refuses to run an opcode outside it, and no luxid checks).
func (l *crashLoad) reprioritize(c *luxi.Client) error {
	_, err := c.Call(context.Background(), "ChangeJobPriority", []any{l.some(), rand.IntN(40) - 20})
	return transportOnly(err)
}

func (l *crashLoad) archive(c *luxi.Client) error {
	if rand.IntN(2) == 0 {
		_, err := c.Call(context.Background(), "ArchiveJob", []any{l.some()})
		return transportOnly(err)
	}
	_, err := c.Call(context.Background(), "AutoArchiveJobs", []any{-1, 1})
	return transportOnly(err)
}

// transportOnly keeps the errors that say the daemon is gone: refusals
// (an unknown job, a job in the wrong state, a drained queue) are part of
// the load.
func transportOnly(err error) error {
	var re *luxi.RequestError
	var ge *gerrors.Error
	if err == nil || errors.As(err, &re) || errors.As(err, &ge) {
		return nil
	}
	return err
}

// TestCrashLoopUnderMixedLoad kills goluxid with SIGKILL at a random
// moment of a mixed load (submissions, cancels, priority changes,
// archiving, real job processes running and finishing) and starts it
// again, 50 rounds by default, every other one with --cold-start (the
// others start job processes warm, the default). After every round each
// acknowledged job has an intact file, live or archived; at the end every job has finished
// (jobs running across a kill were re-adopted), none failed, no id was
// given twice, and no job's opcode ran twice (jobs.log, where each job
// process logs its opcode's start).
func TestCrashLoopUnderMixedLoad(t *testing.T) {
	sandbox.RequireForTest(t)
	rounds := 50
	if n, err := strconv.Atoi(os.Getenv(crashRoundsEnv)); err == nil && n > 0 {
		rounds = n
	}
	sb, err := sandbox.Create(context.Background(), sandbox.Options{Luxid: sandbox.GoLuxid(binary)})
	require.NoError(t, err)
	t.Cleanup(func() { sb.Close() })
	l := sb.Layout()
	load := &crashLoad{socket: l.LuxiSocket}
	queue, err := jqueue.Open(l, nil)
	require.NoError(t, err)

	kills := 0
	for round := range rounds {
		if round > 0 {
			// Every other round starts job processes cold; the others
			// from the warm-start helper, which dies with the daemon.
			argv := sandbox.GoLuxid(binary)
			if round%2 == 1 {
				argv = append(argv, "--cold-start")
			}
			require.NoError(t, sb.StartLuxid(context.Background(), argv...), "round %d: restart", round)
		}
		var wg sync.WaitGroup
		for _, action := range []func(*luxi.Client) error{load.submit, load.cancel, load.reprioritize, load.archive} {
			wg.Go(func() { load.run(action) })
		}
		time.Sleep(time.Duration(200+rand.IntN(800)) * time.Millisecond)
		require.NoError(t, syscall.Kill(sb.Pid(sandbox.Luxid), syscall.SIGKILL))
		kills++
		wg.Wait()
		require.NoError(t, sb.StopLuxid(), "round %d: clean up after the kill", round)
		for _, id := range load.acked {
			job, _, err := queue.ReadJobAnywhere(id)
			if assert.NoError(t, err, "round %d: acknowledged job %d", round, id) {
				assert.Equal(t, id, job.ID)
			}
		}
	}

	require.NoError(t, sb.StartLuxid(context.Background()))
	statuses := waitAllFinished(t, queue, load.acked, 3*time.Minute)
	counts := map[jqueue.Status]int{}
	for id, s := range statuses {
		counts[s]++
		if s == jqueue.StatusError {
			job, _, _ := queue.ReadJobAnywhere(id)
			data, _ := job.Marshal()
			t.Errorf("job %d failed: %s\nwhat the logs say of it:\n%s", id, data, logLinesOf(l.LogDir, id))
		}
	}
	seen := map[uint64]bool{}
	for _, id := range load.acked {
		assert.False(t, seen[id], "job id %d given twice", id)
		seen[id] = true
	}
	runs := opcodeRuns(t, l.LogDir+"/jobs.log")
	for id, n := range runs {
		assert.LessOrEqual(t, n, 1, "job %d's opcode ran %d times", id, n)
	}
	t.Logf("%d rounds, %d SIGKILLs, %d jobs acknowledged (%v), %d opcode runs in job processes",
		rounds, kills, len(load.acked), counts, len(runs))
}

// waitAllFinished waits until every job is finalized, live or archived,
// and returns their statuses.
func waitAllFinished(t *testing.T, queue *jqueue.Queue, ids []uint64, within time.Duration) map[uint64]jqueue.Status {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		out := map[uint64]jqueue.Status{}
		pending := 0
		for _, id := range ids {
			job, _, err := queue.ReadJobAnywhere(id)
			require.NoError(t, err, "job %d", id)
			out[id] = job.Status()
			if !job.Status().Finalized() {
				pending++
			}
		}
		if pending == 0 {
			return out
		}
		require.True(t, time.Now().Before(deadline), "%d jobs still unfinished after %s", pending, within)
		time.Sleep(200 * time.Millisecond)
	}
}

// opcodeStartRE matches the line a job process logs when its first opcode
// starts: "job-N pid=P INFO Op 1/1: opcode ...".
var opcodeStartRE = regexp.MustCompile(`job-(\d+) pid=\d+ INFO Op 1/\d+: opcode`)

// opcodeRuns counts, per job id, how often a job process started its
// first opcode.
func opcodeRuns(t *testing.T, jobsLog string) map[uint64]int {
	t.Helper()
	data, err := os.ReadFile(jobsLog)
	require.NoError(t, err)
	runs := map[uint64]int{}
	for _, m := range opcodeStartRE.FindAllSubmatch(data, -1) {
		id, err := strconv.ParseUint(string(m[1]), 10, 64)
		require.NoError(t, err)
		runs[id]++
	}
	return runs
}

// logLinesOf returns the lines of the daemon's and the jobs' logs that
// name job id.
func logLinesOf(logDir string, id uint64) string {
	var b strings.Builder
	re := regexp.MustCompile(`(job[- ]|Job |jobs: |, )` + strconv.FormatUint(id, 10) + `\b`)
	for _, name := range []string{"luxi-daemon.log", "jobs.log"} {
		data, _ := os.ReadFile(filepath.Join(logDir, name))
		lines := strings.Split(string(data), "\n")
		for i, line := range lines {
			if !re.MatchString(line) {
				continue
			}
			b.WriteString(name + ": " + line + "\n")
			// A traceback follows on lines of its own.
			for _, next := range lines[i+1 : min(i+25, len(lines))] {
				if strings.HasPrefix(next, "20") {
					break
				}
				b.WriteString("    " + next + "\n")
			}
		}
	}
	return b.String()
}
