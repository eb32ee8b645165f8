package jqueue

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

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
