package luxid

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/ganeti/gerrors"
	"github.com/goluxid/goluxid/ganeti/release"
	"github.com/goluxid/goluxid/internal/inotify"
	"github.com/goluxid/goluxid/internal/testkit/luxitest"
	"github.com/goluxid/goluxid/jqueue"
)

// eioSyncer fails every file sync with EIO once armed, as a dying disk
// would, and counts the syncs it was asked for.
type eioSyncer struct {
	armed atomic.Bool
	calls atomic.Int64
}

func (s *eioSyncer) SyncFile(f *os.File) error {
	s.calls.Add(1)
	if s.armed.Load() {
		return syscall.EIO
	}
	return f.Sync()
}

func (s *eioSyncer) SyncDir(d *os.File) error { return d.Sync() }

// TestFailedFsyncFailsSubmissionsAndKeepsQueries injects EIO into the
// queue's fsync: the submission fails with a Ganeti error naming the
// cause, leaves no job file, later submissions fail too without another
// fsync attempt (a failed fsync is never retried as if it had worked),
// and queries go on answering.
func TestFailedFsyncFailsSubmissionsAndKeepsQueries(t *testing.T) {
	layout, store := goldenNode(t)
	require.NoError(t, os.MkdirAll(layout.ArchiveDir, 0o750))
	syncer := &eioSyncer{}
	queue, err := jqueue.Open(layout, syncer)
	require.NoError(t, err)
	watcher, err := inotify.New()
	require.NoError(t, err)
	t.Cleanup(func() { watcher.Close() })
	d := New(Deps{Config: store, Paths: layout, Queue: queue, Watcher: watcher, Ganeti: release.Ganeti30, Opcodes: schema30, VCSVersion: "test"})

	const job = `[[{"OP_ID": "OP_TEST_DELAY", "duration": 0, "reason": []}]]`
	first, err := callJSON(t, d, "SubmitJob", job)
	require.NoError(t, err)
	assert.Equal(t, "1", first)

	syncer.armed.Store(true)
	_, err = luxitest.NewServer(t, d).Call(t, "SubmitJob", job)
	require.Error(t, err)
	assert.Equal(t, []any{"GenericError", []any{"Failed to write " + layout.JobFile(2) + ": sync: input/output error"}}, gerrors.Encode(err),
		"a Ganeti error worded as the Haskell luxid's")
	_, statErr := os.Stat(layout.JobFile(2))
	assert.True(t, errors.Is(statErr, os.ErrNotExist), "no job file for the failed submission")
	entries, err := os.ReadDir(layout.QueueDir)
	require.NoError(t, err)
	for _, e := range entries {
		assert.False(t, strings.HasSuffix(e.Name(), ".tmp"), "temporary file %s left behind", e.Name())
	}

	calls := syncer.calls.Load()
	_, err = callJSON(t, d, "SubmitJob", job)
	require.Error(t, err, "the queue stays refused after a failed fsync")
	assert.Equal(t, calls, syncer.calls.Load(), "no fsync tried again")

	listed, err := callJSON(t, d, "QueryJobs", `[null, ["id", "status"]]`)
	require.NoError(t, err, "queries keep answering")
	assert.Equal(t, `[[1,"queued"]]`, listed)
	_, err = callJSON(t, d, "QueryConfigValues", `[["cluster_name"]]`)
	assert.NoError(t, err)
}

// failingJobSyncer fails with EIO the sync of the file of one job and
// counts every file sync.
type failingJobSyncer struct {
	failJob string // the job file's name
	calls   atomic.Int64
}

func (s *failingJobSyncer) SyncFile(f *os.File) error {
	s.calls.Add(1)
	if strings.HasPrefix(filepath.Base(f.Name()), s.failJob+"-") {
		return syscall.EIO
	}
	return f.Sync()
}

func (s *failingJobSyncer) SyncDir(d *os.File) error { return d.Sync() }

// A failed fsync in the middle of a SubmitManyJobs fails every job of it,
// each with Ganeti's per-job [false, message], and leaves no file of the
// batch; no job is enqueued, no sync is tried again, and queries go on
// answering.
func TestFailedFsyncInSubmitManyJobs(t *testing.T) {
	layout, store := goldenNode(t)
	require.NoError(t, os.MkdirAll(layout.ArchiveDir, 0o750))
	syncer := &failingJobSyncer{failJob: "job-5"}
	queue, err := jqueue.Open(layout, syncer)
	require.NoError(t, err)
	rec := &recordingJobs{}
	d := New(Deps{Config: store, Paths: layout, Queue: queue, Jobs: rec, Ganeti: release.Ganeti30, Opcodes: schema30, VCSVersion: "test"})

	batch := `[[` + strings.Repeat(`[`+delayOp+`], `, 9) + `[` + delayOp + `]]]`
	got, err := callJSON(t, d, "SubmitManyJobs", batch)
	require.NoError(t, err, "the call itself succeeds")
	var results [][2]any
	require.NoError(t, json.Unmarshal([]byte(got), &results))
	require.Len(t, results, 10)
	refused := "durable: an earlier sync of this directory failed; refusing to write until restart (sync: input/output error)"
	for i, r := range results {
		path := layout.JobFile(uint64(i + 1))
		want := "Failed to write " + path + ": " + refused
		if i+1 == 5 {
			want = "Failed to write " + path + ": sync: input/output error"
		}
		assert.Equal(t, [2]any{false, want}, r)
	}
	entries, err := os.ReadDir(layout.QueueDir)
	require.NoError(t, err)
	for _, e := range entries {
		assert.Contains(t, []string{"archive", "serial"}, e.Name(), "no job file, no temporary file")
	}
	assert.Empty(t, rec.jobs, "nothing enqueued")

	calls := syncer.calls.Load()
	got, err = callJSON(t, d, "SubmitManyJobs", `[[[`+delayOp+`]]]`)
	require.NoError(t, err)
	assert.Equal(t, `[[false,"Failed to write `+layout.JobFile(11)+`: `+refused+`"]]`, got, "ids are not given out again")
	assert.Equal(t, calls, syncer.calls.Load(), "no fsync tried again")

	listed, err := callJSON(t, d, "QueryJobs", `[null, ["id"]]`)
	require.NoError(t, err, "queries keep answering")
	assert.Equal(t, `[]`, listed)
}
