package jqueue

import (
	"os"
	"path/filepath"
	"sync"
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

func TestOpenRepairsSerialFromJobFiles(t *testing.T) {
	l := newLayout(t)
	copyGoldenQueue(t, l)
	require.NoError(t, os.WriteFile(l.SerialFile, []byte("3\n"), 0o600), "serial behind the jobs")
	q, err := Open(l, nil)
	require.NoError(t, err)
	assert.EqualValues(t, 10, q.Serial(), "highest live job is 10")
	data, _ := os.ReadFile(l.SerialFile)
	assert.Equal(t, "10\n", string(data))

	ids, err := q.AllocateIDs(2)
	require.NoError(t, err)
	assert.Equal(t, []uint64{11, 12}, ids)
	data, _ = os.ReadFile(l.SerialFile)
	assert.Equal(t, "12\n", string(data))
}

func TestOpenFindsArchivedHighest(t *testing.T) {
	l := newLayout(t)
	require.NoError(t, os.MkdirAll(filepath.Join(l.ArchiveDir, "2"), 0o750))
	require.NoError(t, os.WriteFile(filepath.Join(l.ArchiveDir, "2", "job-20005"), []byte("{}"), 0o600))
	require.NoError(t, os.MkdirAll(filepath.Join(l.ArchiveDir, "10"), 0o750))
	require.NoError(t, os.WriteFile(filepath.Join(l.ArchiveDir, "10", "job-100001"), []byte("{}"), 0o600))
	q, err := Open(l, nil)
	require.NoError(t, err)
	assert.EqualValues(t, 100001, q.Serial(), "no serial file: recreated from the archive")
}

func TestListingAndReading(t *testing.T) {
	l := newLayout(t)
	copyGoldenQueue(t, l)
	require.NoError(t, os.WriteFile(filepath.Join(l.QueueDir, "job-11-123-4.tmp"), nil, 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(l.QueueDir, "job-x"), nil, 0o600))
	q, err := Open(l, nil)
	require.NoError(t, err)
	live, err := q.LiveJobIDs()
	require.NoError(t, err)
	assert.Equal(t, []uint64{2, 3, 7, 10}, live)
	archived, err := q.ArchivedJobIDs()
	require.NoError(t, err)
	assert.Equal(t, []uint64{1}, archived)

	_, err = q.ReadJob(7)
	assert.ErrorIs(t, err, ErrCorrupt)
	job, wasArchived, err := q.ReadJobAnywhere(1)
	require.NoError(t, err)
	assert.True(t, wasArchived)
	assert.Equal(t, StatusSuccess, job.Status())
	_, err = q.ReadJob(1)
	assert.True(t, os.IsNotExist(err))
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

func TestConcurrentAllocationNeverRepeats(t *testing.T) {
	q, err := Open(newLayout(t), nil)
	require.NoError(t, err)
	var mu sync.Mutex
	seen := map[uint64]bool{}
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				ids, err := q.AllocateIDs(2)
				assert.NoError(t, err)
				mu.Lock()
				for _, id := range ids {
					assert.False(t, seen[id], "id %d twice", id)
					seen[id] = true
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	assert.Len(t, seen, 1600)
	assert.EqualValues(t, 1600, q.Serial())
	data, err := os.ReadFile(q.layout.SerialFile)
	require.NoError(t, err)
	assert.Equal(t, "1600\n", string(data), "the file shows every id handed out")
}

func TestParseJobFileName(t *testing.T) {
	for name, want := range map[string]bool{"job-1": true, "job-0012": true, "job-": false, "job-1.tmp": false, "job-1-2-3.tmp": false, "jobs-1": false, "job--1": false} {
		_, ok := ParseJobFileName(name)
		assert.Equal(t, want, ok, name)
	}
}

func TestAllocationOverwritesSerialInPlace(t *testing.T) {
	l := newLayout(t)
	require.NoError(t, os.WriteFile(l.SerialFile, []byte("9  \n\n"), 0o600), "not in canonical form")
	q, err := Open(l, nil)
	require.NoError(t, err)
	data, err := os.ReadFile(l.SerialFile)
	require.NoError(t, err)
	assert.Equal(t, "9\n", string(data), "Open rewrites the file whole")
	before, err := os.Stat(l.SerialFile)
	require.NoError(t, err)

	ids, err := q.AllocateIDs(3)
	require.NoError(t, err)
	assert.Equal(t, []uint64{10, 11, 12}, ids, "one more digit than before")
	data, err = os.ReadFile(l.SerialFile)
	require.NoError(t, err)
	assert.Equal(t, "12\n", string(data))
	after, err := os.Stat(l.SerialFile)
	require.NoError(t, err)
	assert.True(t, os.SameFile(before, after), "the same inode: no file created and freed per allocation")
}
