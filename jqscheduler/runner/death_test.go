package runner

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/jqueue"
)

func TestRunnerDetectsDeathAtOnce(t *testing.T) {
	e := newRunnerEnv(t, 20)
	require.NoError(t, e.runner.Start())
	id := e.submit(t, "die")
	job := e.waitStatus(t, id, jqueue.StatusError, 10*time.Second)
	assert.JSONEq(t, fmt.Sprintf(`"detected death of job %d"`, id), string(job.Ops[0].Result))
	assert.Contains(t, string(job.Ops[0].Input), jqueue.ReasonDeathDetection)
}

// hangingLocks is a WConfd that never answers cleanupLocks.
type hangingLocks struct{ calls atomic.Int32 }

func (h *hangingLocks) CleanupLocks(ctx context.Context) error {
	h.calls.Add(1)
	<-ctx.Done()
	return ctx.Err()
}

// A dead job's lock cleanup waits for WConfd in the background: with
// WConfd hanging, the dead job's slot still goes to the next job at once.
func TestRunnerLockCleanupDoesNotHoldTheSlot(t *testing.T) {
	e := newRunnerEnv(t, 1)
	locks := &hangingLocks{}
	e.runner.deps.Locks = locks
	require.NoError(t, e.runner.Start())
	dead := e.submit(t, "die")
	next := e.submit(t, "")
	e.waitStatus(t, dead, jqueue.StatusError, 10*time.Second)
	e.waitStatus(t, next, jqueue.StatusSuccess, 10*time.Second)
	assert.Equal(t, int32(1), locks.calls.Load(), "WConfd was asked to clean up once")
}
