package leakcheck

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func blockedForTest(stop chan struct{}) { <-stop }

func TestFindsAGoroutineStartedAfterTheSnapshot(t *testing.T) {
	before := goroutineIDs(stacks())
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		blockedForTest(stop)
	}()
	err := waitForGoroutines(before, 50*time.Millisecond)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "goroutine leak: 1 goroutines left")
	assert.Contains(t, err.Error(), "leakcheck.blockedForTest(")

	close(stop)
	<-done
	assert.NoError(t, waitForGoroutines(before, time.Second), "the ended goroutine is gone")
}

func TestIgnoresGoroutinesOlderThanTheSnapshot(t *testing.T) {
	stop := make(chan struct{})
	defer close(stop)
	go blockedForTest(stop)
	time.Sleep(10 * time.Millisecond) // let it start
	before := goroutineIDs(stacks())
	assert.NoError(t, waitForGoroutines(before, 50*time.Millisecond))
	for _, s := range stacks() {
		if strings.Contains(s, "blockedForTest") {
			assert.True(t, before[goroutineID(s)])
		}
	}
}
