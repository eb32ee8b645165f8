package luxid

import (
	"errors"
	"os"
	"strings"
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
	armed bool
	calls int
}

func (s *eioSyncer) SyncFile(f *os.File) error {
	s.calls++
	if s.armed {
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

	syncer.armed = true
	_, err = luxitest.NewServer(t, d).Call(t, "SubmitJob", job)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "input/output error")
	assert.Equal(t, "GenericError", gerrors.Encode(err)[0], "a Ganeti error: %v", err)
	_, statErr := os.Stat(layout.JobFile(2))
	assert.True(t, errors.Is(statErr, os.ErrNotExist), "no job file for the failed submission")
	entries, err := os.ReadDir(layout.QueueDir)
	require.NoError(t, err)
	for _, e := range entries {
		assert.False(t, strings.HasSuffix(e.Name(), ".tmp"), "temporary file %s left behind", e.Name())
	}

	calls := syncer.calls
	_, err = callJSON(t, d, "SubmitJob", job)
	require.Error(t, err, "the queue stays refused after a failed fsync")
	assert.Equal(t, calls, syncer.calls, "no fsync tried again")

	listed, err := callJSON(t, d, "QueryJobs", `[null, ["id", "status"]]`)
	require.NoError(t, err, "queries keep answering")
	assert.Equal(t, `[[1,"queued"]]`, listed)
	_, err = callJSON(t, d, "QueryConfigValues", `[["cluster_name"]]`)
	assert.NoError(t, err)
}
