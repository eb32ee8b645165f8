package runner

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/jqueue"
)

func TestRunnerCancelQueuedAndPriority(t *testing.T) {
	e := newRunnerEnv(t, 1)
	require.NoError(t, e.runner.Start())
	holder := e.submit(t, "sleep:1")
	queued := e.submit(t, "")
	other := e.submit(t, "")
	ok, msg := e.runner.ChangePriority(other, -10)
	assert.True(t, ok)
	assert.Equal(t, fmt.Sprintf("Priorities of pending opcodes for job %d have been changed to -10", other), msg)
	ok, msg = e.runner.Cancel(context.Background(), queued, false)
	assert.True(t, ok)
	assert.Equal(t, fmt.Sprintf("Dequeued job %d", queued), msg)
	e.waitStatus(t, queued, jqueue.StatusCanceled, time.Second)
	ok, msg = e.runner.Cancel(context.Background(), 999, false)
	assert.False(t, ok)
	assert.Equal(t, "Job 999 not found in queue", msg)
	e.waitStatus(t, other, jqueue.StatusSuccess, 10*time.Second)
	e.waitStatus(t, holder, jqueue.StatusSuccess, 10*time.Second)
}
