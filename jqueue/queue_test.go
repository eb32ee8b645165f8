package jqueue

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/ganeti/paths"
)

// newLayout makes an empty queue below a fresh root.
func newLayout(t testing.TB) *paths.Layout {
	t.Helper()
	l := paths.New(t.TempDir())
	require.NoError(t, os.MkdirAll(l.ArchiveDir, 0o750))
	return l
}

// copyGoldenQueue copies the queue captured from the real luxid.
func copyGoldenQueue(t testing.TB, l *paths.Layout) {
	t.Helper()
	src := filepath.Join("testdata", "golden", "queue")
	require.NoError(t, filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		require.NoError(t, err)
		rel, _ := filepath.Rel(src, path)
		dst := filepath.Join(l.QueueDir, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o750)
		}
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		return os.WriteFile(dst, data, 0o600)
	}))
}

func TestWriteArchiveAndDrain(t *testing.T) {
	l := newLayout(t)
	q, err := Open(l, nil)
	require.NoError(t, err)
	ids, err := q.AllocateIDs(1)
	require.NoError(t, err)
	job := &Job{ID: ids[0] + 20000, Ops: []*OpCode{}}
	require.NoError(t, q.WriteJob(job))
	fi, err := os.Stat(l.JobFile(job.ID))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())

	moved, err := q.Archive(job.ID)
	require.NoError(t, err)
	assert.True(t, moved)
	_, err = os.Stat(l.ArchivedJobFile(job.ID))
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(l.ArchiveDir, "2", "job-20001"), l.ArchivedJobFile(job.ID))
	moved, err = q.Archive(job.ID)
	require.NoError(t, err)
	assert.False(t, moved, "second archive finds nothing")

	assert.False(t, q.Drained())
	require.NoError(t, q.SetDrained(true))
	assert.True(t, q.Drained())
	require.NoError(t, q.SetDrained(false))
	require.NoError(t, q.SetDrained(false), "undrain of an undrained queue succeeds")
	assert.False(t, q.Drained())
}
