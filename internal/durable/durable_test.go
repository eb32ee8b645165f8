package durable

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// countingSyncer counts syncs, can be slowed down, and can fail.
type countingSyncer struct {
	fileSyncs, dirSyncs atomic.Int64
	dirDelay            time.Duration
	failFile, failDir   atomic.Bool
}

func (c *countingSyncer) SyncFile(f *os.File) error {
	c.fileSyncs.Add(1)
	if c.failFile.Load() {
		return errors.New("EIO")
	}
	return f.Sync()
}

func (c *countingSyncer) SyncDir(dir *os.File) error {
	c.dirSyncs.Add(1)
	time.Sleep(c.dirDelay)
	if c.failDir.Load() {
		return errors.New("EIO")
	}
	return dir.Sync()
}

func listNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestWriteFileReplacesAtomically(t *testing.T) {
	dir := t.TempDir()
	cs := &countingSyncer{}
	d := Open(dir, cs)
	require.NoError(t, d.WriteFile("job-1", []byte("one"), 0o600))
	require.NoError(t, d.WriteFile("job-1", []byte("two"), 0o600))
	data, err := os.ReadFile(filepath.Join(dir, "job-1"))
	require.NoError(t, err)
	assert.Equal(t, "two", string(data))
	fi, err := os.Stat(filepath.Join(dir, "job-1"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	assert.Equal(t, []string{"job-1"}, listNames(t, dir), "no temporary file left")
	assert.EqualValues(t, 2, cs.fileSyncs.Load())
	assert.EqualValues(t, 2, cs.dirSyncs.Load())

	require.NoError(t, d.WriteFileNoSync("serial", []byte("1\n"), 0o600))
	assert.EqualValues(t, 2, cs.fileSyncs.Load(), "no sync for WriteFileNoSync")
	assert.EqualValues(t, 2, cs.dirSyncs.Load())

	require.NoError(t, d.WriteFileNoDirSync("job-1", []byte("three"), 0o600))
	assert.EqualValues(t, 3, cs.fileSyncs.Load(), "the file synced by WriteFileNoDirSync")
	assert.EqualValues(t, 2, cs.dirSyncs.Load(), "no directory sync for WriteFileNoDirSync")
	data, err = os.ReadFile(filepath.Join(dir, "job-1"))
	require.NoError(t, err)
	assert.Equal(t, "three", string(data))
}

func TestConcurrentWritersShareDirectorySyncs(t *testing.T) {
	dir := t.TempDir()
	cs := &countingSyncer{dirDelay: 5 * time.Millisecond}
	d := Open(dir, cs)
	const writers = 64
	var wg sync.WaitGroup
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			assert.NoError(t, d.WriteFile("job-"+strconv.Itoa(i), []byte("x"), 0o600))
		}()
	}
	wg.Wait()
	assert.Len(t, listNames(t, dir), writers)
	assert.Less(t, cs.dirSyncs.Load(), int64(writers/2), "directory syncs are shared")
	t.Logf("%d writers, %d directory syncs", writers, cs.dirSyncs.Load())
}

func TestFailedSyncIsNeverRetried(t *testing.T) {
	dir := t.TempDir()
	cs := &countingSyncer{}
	d := Open(dir, cs)
	cs.failDir.Store(true)
	err := d.WriteFile("job-1", []byte("x"), 0o600)
	require.ErrorIs(t, err, ErrSyncFailed)
	cs.failDir.Store(false)
	syncsBefore := cs.dirSyncs.Load()
	err = d.WriteFile("job-2", []byte("x"), 0o600)
	require.ErrorIs(t, err, ErrSyncFailed, "later writes fail too")
	assert.Equal(t, syncsBefore, cs.dirSyncs.Load(), "no sync attempted after a failure")
	_, statErr := os.Stat(filepath.Join(dir, "job-2"))
	assert.True(t, os.IsNotExist(statErr), "nothing written after the failure")
}

func TestFailedFileSyncLeavesNoFile(t *testing.T) {
	dir := t.TempDir()
	cs := &countingSyncer{}
	d := Open(dir, cs)
	cs.failFile.Store(true)
	err := d.WriteFile("job-1", []byte("x"), 0o600)
	require.Error(t, err)
	assert.Empty(t, listNames(t, dir), "neither target nor temporary file")
	assert.ErrorIs(t, d.Err(), ErrSyncFailed)
}

func TestRenameSyncsBothDirectories(t *testing.T) {
	root := t.TempDir()
	archive := filepath.Join(root, "archive")
	require.NoError(t, os.Mkdir(archive, 0o750))
	cs := &countingSyncer{}
	q, a := Open(root, cs), Open(archive, cs)
	require.NoError(t, q.WriteFile("job-1", []byte("x"), 0o600))
	before := cs.dirSyncs.Load()
	require.NoError(t, q.Rename("job-1", a, "job-1"))
	assert.Equal(t, before+2, cs.dirSyncs.Load())
	_, err := os.Stat(filepath.Join(archive, "job-1"))
	assert.NoError(t, err)
}

// seenNow stats names in dir the way a reader does before it shows them.
func seenNow(t *testing.T, dir string, names ...string) map[string]FileID {
	t.Helper()
	seen := map[string]FileID{}
	for _, name := range names {
		var st unix.Stat_t
		require.NoError(t, unix.Stat(filepath.Join(dir, name), &st))
		seen[name] = FileIDOf(&st)
	}
	return seen
}

// writeAsOther writes name the way another process does: temporary file,
// fsync, rename, and no sync of the directory.
func writeAsOther(t *testing.T, dir, name, data string) {
	t.Helper()
	tmp := filepath.Join(dir, name+".new")
	f, err := os.Create(tmp)
	require.NoError(t, err)
	_, err = f.WriteString(data)
	require.NoError(t, err)
	require.NoError(t, f.Sync())
	require.NoError(t, f.Close())
	require.NoError(t, os.Rename(tmp, filepath.Join(dir, name)))
}

func TestEnsureDurableSyncsOncePerVersion(t *testing.T) {
	dir := t.TempDir()
	cs := &countingSyncer{}
	d := Open(dir, cs)
	require.NoError(t, d.WriteFile("job-1", []byte("ours"), 0o600))
	require.NoError(t, d.WriteFileNoDirSync("job-2", []byte("ours, directory unsynced"), 0o600))
	writeAsOther(t, dir, "job-3", "theirs")
	require.EqualValues(t, 1, cs.dirSyncs.Load())

	require.NoError(t, d.EnsureDurable(seenNow(t, dir, "job-1")))
	assert.EqualValues(t, 1, cs.dirSyncs.Load(), "a version WriteFile made durable needs no sync")

	require.NoError(t, d.EnsureDurable(seenNow(t, dir, "job-1", "job-2", "job-3")))
	assert.EqualValues(t, 2, cs.dirSyncs.Load(), "one sync for every version not known durable")
	require.NoError(t, d.EnsureDurable(seenNow(t, dir, "job-1", "job-2", "job-3")))
	assert.EqualValues(t, 2, cs.dirSyncs.Load(), "versions known durable need no sync")

	writeAsOther(t, dir, "job-3", "theirs, later and longer")
	require.NoError(t, d.EnsureDurable(seenNow(t, dir, "job-3")))
	assert.EqualValues(t, 3, cs.dirSyncs.Load(), "a new version needs a sync")
}

func TestEnsureDurableAfterAFailedSync(t *testing.T) {
	dir := t.TempDir()
	cs := &countingSyncer{}
	d := Open(dir, cs)
	writeAsOther(t, dir, "job-1", "theirs")
	cs.failDir.Store(true)
	assert.ErrorIs(t, d.EnsureDurable(seenNow(t, dir, "job-1")), ErrSyncFailed)
	assert.ErrorIs(t, d.EnsureDurable(seenNow(t, dir, "job-1")), ErrSyncFailed)
	assert.EqualValues(t, 1, cs.dirSyncs.Load(), "a failed sync is not tried again")
}
