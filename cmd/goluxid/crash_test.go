package main

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/ganeti/paths"
	"github.com/goluxid/goluxid/internal/testkit/prereq"
	"github.com/goluxid/goluxid/jqueue"
	"github.com/goluxid/goluxid/luxi"
)

// pauseAll rewrites the node's config so that a PAUSE rule holds every job:
// the crash test needs jobs that stay queued.
func pauseAll(t *testing.T, l *paths.Layout) {
	t.Helper()
	data, err := os.ReadFile(l.ConfigFile)
	require.NoError(t, err)
	var cfg map[string]any
	require.NoError(t, json.Unmarshal(data, &cfg))
	cfg["filters"] = map[string]any{"bbbbbbbb-0000-4000-8000-000000000001": map[string]any{
		"uuid": "bbbbbbbb-0000-4000-8000-000000000001", "watermark": 0, "priority": 0,
		"predicates": []any{}, "action": "PAUSE", "reason_trail": []any{},
	}}
	out, err := json.Marshal(cfg)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(l.ConfigFile, out, 0o640))
}

const crashDelayOp = `{"OP_ID":"OP_TEST_DELAY","duration":1,"on_master":false,"reason":[]}`

// submitUntilError submits jobs over one connection until a call fails,
// recording every id the daemon acknowledged.
func submitUntilError(socket string, acked chan<- uint64) {
	c, err := luxi.Dial(socket)
	if err != nil {
		return
	}
	defer c.Close()
	for {
		res, err := c.Call(context.Background(), "SubmitJob", []json.RawMessage{json.RawMessage(`[` + crashDelayOp + `]`)})
		if err != nil {
			return
		}
		id, err := strconv.ParseUint(string(res), 10, 64)
		if err != nil {
			return
		}
		acked <- id
	}
}

// TestAcknowledgedJobsSurviveKill kills the daemon with SIGKILL while
// clients submit, again and again, and checks after each round that every
// acknowledged job has a complete job file, that no id was given twice,
// and that the restarted daemon continues after the highest id.
func TestAcknowledgedJobsSurviveKill(t *testing.T) {
	requireGanetiUsers(t)
	l := nodeRoot(t, "node1.example.com")
	pauseAll(t, l)
	seen := map[uint64]bool{}
	const rounds = 5
	// No bound on the live queue: a fast machine acknowledges more than
	// the default 5,000 jobs over the rounds, and the bound is not what
	// this test is about.
	args := []string{"-f", "--no-user-checks", "--no-voting", "--yes-do-it", "--max-queued-jobs=0"}
	for round := range rounds {
		cmd := command(l, args...)
		require.NoError(t, cmd.Start())
		dialWhenReady(t, l.LuxiSocket).Close()

		acked := make(chan uint64, 1<<16)
		var wg sync.WaitGroup
		for range 8 {
			wg.Add(1)
			go func() { defer wg.Done(); submitUntilError(l.LuxiSocket, acked) }()
		}
		time.Sleep(time.Duration(50+rand.IntN(250)) * time.Millisecond)
		require.NoError(t, cmd.Process.Kill())
		cmd.Wait()
		wg.Wait()
		close(acked)

		n := 0
		for id := range acked {
			n++
			assert.False(t, seen[id], "round %d: job id %d given twice", round, id)
			seen[id] = true
			data, err := os.ReadFile(l.JobFile(id))
			if assert.NoError(t, err, "round %d: acknowledged job %d has no file", round, id) {
				job, err := jqueue.ParseJob(data)
				if assert.NoError(t, err, "round %d: job %d", round, id) {
					assert.Equal(t, id, job.ID)
					assert.Equal(t, jqueue.StatusQueued, job.Status())
				}
			}
		}
		t.Logf("round %d: %d jobs acknowledged before SIGKILL", round, n)
	}
	require.NotEmpty(t, seen)
	// The next daemon continues after every job, whatever the serial file
	// says.
	cmd := command(l, args...)
	require.NoError(t, cmd.Start())
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	c := dialWhenReady(t, l.LuxiSocket)
	defer c.Close()
	res, err := c.Call(context.Background(), "SubmitJob", []json.RawMessage{json.RawMessage(`[` + crashDelayOp + `]`)})
	require.NoError(t, err)
	next, err := strconv.ParseUint(string(res), 10, 64)
	require.NoError(t, err)
	var highest uint64
	for id := range seen {
		highest = max(highest, id)
	}
	assert.Greater(t, next, highest)
	serial, err := os.ReadFile(l.SerialFile)
	require.NoError(t, err)
	assert.Equal(t, strconv.FormatUint(next, 10), strings.TrimSpace(string(serial)))
}

// TestFullDiskRefusesCleanly runs the queue on a tiny tmpfs: once it is
// full, submissions fail with a clear error, leave no partial job file, and
// queries keep working.
func TestFullDiskRefusesCleanly(t *testing.T) {
	requireGanetiUsers(t)
	l := nodeRoot(t, "node1.example.com")
	pauseAll(t, l)
	serial, err := os.ReadFile(l.SerialFile)
	require.NoError(t, err)
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", l.QueueDir).CombinedOutput(); err != nil {
		prereq.Missing(t, "cannot mount a tmpfs here: %v: %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", l.QueueDir).Run() })
	require.NoError(t, os.MkdirAll(l.ArchiveDir, 0o750))
	require.NoError(t, os.WriteFile(l.SerialFile, serial, 0o600))

	cmd := command(l, "-f", "--no-user-checks", "--no-voting", "--yes-do-it")
	require.NoError(t, cmd.Start())
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	c := dialWhenReady(t, l.LuxiSocket)
	defer c.Close()
	big := `{"OP_ID":"OP_TEST_DELAY","duration":1,"on_master":false,"reason":[],"comment":"` + strings.Repeat("x", 3000) + `"}`
	var failure error
	accepted := 0
	for range 200 {
		_, err := c.Call(context.Background(), "SubmitJob", []json.RawMessage{json.RawMessage(`[` + big + `]`)})
		if err != nil {
			failure = err
			break
		}
		accepted++
	}
	require.Error(t, failure, "the queue never filled up")
	assert.Contains(t, failure.Error(), "no space left on device")
	t.Logf("%d jobs accepted, then: %v", accepted, failure)

	entries, err := os.ReadDir(l.QueueDir)
	require.NoError(t, err)
	for _, e := range entries {
		assert.False(t, strings.HasSuffix(e.Name(), ".tmp"), "temporary file %s left behind", e.Name())
		if id, ok := jqueue.ParseJobFileName(e.Name()); ok {
			data, err := os.ReadFile(l.JobFile(id))
			require.NoError(t, err)
			_, err = jqueue.ParseJob(data)
			assert.NoError(t, err, "job %d is whole", id)
		}
	}
	res, err := c.Call(context.Background(), "QueryJobs", []any{nil, []string{"id", "status"}})
	require.NoError(t, err, "queries keep working")
	var rows [][]any
	require.NoError(t, json.Unmarshal(res, &rows))
	assert.Len(t, rows, accepted)
}

// TestReadOnlyQueueRefusesCleanly turns the queue directory read-only
// under a running daemon (a read-only bind mount, as a file system
// remounted read-only after errors): submissions fail with the file
// system's error and leave nothing behind, queries keep working, and once
// the queue is writable again submissions succeed with fresh ids.
func TestReadOnlyQueueRefusesCleanly(t *testing.T) {
	requireGanetiUsers(t)
	l := nodeRoot(t, "node1.example.com")
	pauseAll(t, l)
	cmd := command(l, "-f", "--no-user-checks", "--no-voting", "--yes-do-it")
	require.NoError(t, cmd.Start())
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	c := dialWhenReady(t, l.LuxiSocket)
	defer c.Close()
	submit := func() (json.RawMessage, error) {
		return c.Call(context.Background(), "SubmitJob", []json.RawMessage{json.RawMessage(`[` + crashDelayOp + `]`)})
	}
	first, err := submit()
	require.NoError(t, err)

	for _, args := range [][]string{{"--bind", l.QueueDir, l.QueueDir}, {"-o", "remount,bind,ro", l.QueueDir}} {
		if out, err := exec.Command("mount", args...).CombinedOutput(); err != nil {
			prereq.Missing(t, "cannot bind-mount here: mount %v: %v: %s", args, err, out)
		}
	}
	mounted := true
	unmount := func() {
		if mounted {
			require.NoError(t, exec.Command("umount", l.QueueDir).Run())
			mounted = false
		}
	}
	t.Cleanup(func() {
		if mounted {
			exec.Command("umount", l.QueueDir).Run()
		}
	})

	for range 3 {
		_, err = submit()
		require.Error(t, err)
		assert.Contains(t, err.Error(), "GenericError")
		assert.Contains(t, err.Error(), "read-only file system")
	}
	_, err = c.Call(context.Background(), "SubmitManyJobs", []json.RawMessage{json.RawMessage(`[[` + crashDelayOp + `]]`)})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "read-only file system")
	res, err := c.Call(context.Background(), "QueryJobs", []any{nil, []string{"id", "status"}})
	require.NoError(t, err, "queries keep working")
	assert.JSONEq(t, `[[`+string(first)+`,"queued"]]`, string(res))

	unmount()
	entries, err := os.ReadDir(l.QueueDir)
	require.NoError(t, err)
	var jobs []string
	for _, e := range entries {
		assert.False(t, strings.HasSuffix(e.Name(), ".tmp") || strings.HasPrefix(e.Name(), "."), "temporary file %s left behind", e.Name())
		if _, ok := jqueue.ParseJobFileName(e.Name()); ok {
			jobs = append(jobs, e.Name())
		}
	}
	assert.Equal(t, []string{"job-" + string(first)}, jobs, "no job file from the refused submissions")

	next, err := submit()
	require.NoError(t, err, "writable again")
	firstID, _ := strconv.ParseUint(string(first), 10, 64)
	nextID, err := strconv.ParseUint(string(next), 10, 64)
	require.NoError(t, err)
	assert.Greater(t, nextID, firstID)
	_, err = os.Stat(l.JobFile(nextID))
	assert.NoError(t, err)
}
