package runner

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/jqueue"
)

func TestRunnerRunsJobsAndDependants(t *testing.T) {
	e := newRunnerEnv(t, 20)
	require.NoError(t, e.runner.Start())
	parent := e.submit(t, "sleep:0.3")
	child := e.submit(t, "", parent)
	job := e.waitStatus(t, child, jqueue.StatusSuccess, 10*time.Second)
	pj, err := e.queue.ReadJob(parent)
	require.NoError(t, err)
	assert.Equal(t, jqueue.StatusSuccess, pj.Status(), "the dependant ran after its parent")
	require.NotNil(t, job.Livelock)
	assert.Contains(t, *job.Livelock, fmt.Sprintf("job_%06d_1", child), "the process's livelock was recorded")
}

func TestRunnerReleasesDependantsBeforeTheProcessExits(t *testing.T) {
	e := newRunnerEnv(t, 20)
	require.NoError(t, e.runner.Start())
	parent := e.submit(t, "linger:4")
	child := e.submit(t, "", parent)
	start := time.Now()
	e.waitStatus(t, child, jqueue.StatusSuccess, 10*time.Second)
	assert.Less(t, time.Since(start), 3*time.Second, "the finished job file released the dependant, not the exit 4 s later")
}

func TestRunnerRespectsMaxRunning(t *testing.T) {
	e := newRunnerEnv(t, 2)
	require.NoError(t, e.runner.Start())
	var ids []uint64
	for range 6 {
		ids = append(ids, e.submit(t, "sleep:0.2"))
	}
	var mu sync.Mutex
	most := 0
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-stop:
				return
			default:
			}
			e.runner.mu.Lock()
			n := len(e.runner.state.Running())
			e.runner.mu.Unlock()
			mu.Lock()
			most = max(most, n)
			mu.Unlock()
			time.Sleep(2 * time.Millisecond)
		}
	}()
	for _, id := range ids {
		e.waitStatus(t, id, jqueue.StatusSuccess, 20*time.Second)
	}
	close(stop)
	<-done
	assert.Equal(t, 2, most, "never more than max_running_jobs at once, and the slots were used")
}

// Bounds on failing misbehaving job processes, from their submission. On
// a loaded 2-CPU machine, race detector on or off, the silent one was
// failed 10–61 ms after the step timeout and the others within 29–521 ms
// (most of it Python starting): the bounds leave room for a slow fsync,
// and fail a start that waits for another's timeout or a second timeout.
const (
	maxStepOverrun         = 500 * time.Millisecond
	maxMisbehaviourFailure = 1500 * time.Millisecond
)

// Job processes that misbehave in their handshake (silent, flooding their
// pipe without a terminator, or flooding it with messages) and one that
// dies mid-job: each job is failed the way Ganeti's luxid fails it, the
// silent one at the step timeout and the others long before, and the slots
// are free again for the next job.
func TestRunnerFailsMisbehavingJobProcesses(t *testing.T) {
	e := newRunnerEnv(t, 20)
	require.NoError(t, e.runner.Start())
	start := time.Now()
	ids := map[string]uint64{}
	for _, mode := range []string{"mute", "flood", "flood-messages", "die"} {
		ids[mode] = e.submit(t, mode)
	}
	failed, took := e.waitAllStatus(t, ids, jqueue.StatusError, start, 15*time.Second)
	for mode, d := range took {
		t.Logf("%s: failed after %s", mode, d.Round(time.Millisecond))
		if mode == "mute" {
			assert.Less(t, d, runnerStepTimeout+maxStepOverrun, "mute: ended at the step timeout")
		} else {
			assert.Less(t, d, maxMisbehaviourFailure, "%s: failed long before the step timeout", mode)
		}
	}
	for mode, job := range failed {
		var result string
		require.NoError(t, json.Unmarshal(job.Ops[0].Result, &result), mode)
		switch mode {
		case "mute", "flood":
			assert.True(t, strings.HasPrefix(result, fmt.Sprintf("job %d failed to start: ", ids[mode])), "%s: %s", mode, result)
			assert.Contains(t, string(job.Ops[0].Input), jqueue.ReasonStartJobs, mode)
		default: // the process started and then died
			assert.Equal(t, fmt.Sprintf("detected death of job %d", ids[mode]), result, mode)
			assert.Contains(t, string(job.Ops[0].Input), jqueue.ReasonDeathDetection, mode)
		}
	}
	assert.Contains(t, resultText(t, failed["flood"]), "message too large")
	assert.Contains(t, resultText(t, failed["mute"]), "waiting for the livelock path")
	e.waitStatus(t, e.submit(t, ""), jqueue.StatusSuccess, 10*time.Second)
}

func resultText(t *testing.T, job *jqueue.Job) string {
	var s string
	require.NoError(t, json.Unmarshal(job.Ops[0].Result, &s))
	return s
}
