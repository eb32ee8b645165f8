package durable

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// batchOf is n files job-1 … job-n, each holding its own name.
func batchOf(n int) []File {
	files := make([]File, n)
	for i := range files {
		name := "job-" + strconv.Itoa(i+1)
		files[i] = File{Name: name, Data: []byte(name), Perm: 0o600}
	}
	return files
}

// failingSyncer fails the sync of the temporary file of one name with EIO
// and counts every sync.
type failingSyncer struct {
	countingSyncer
	failName string
}

func (s *failingSyncer) SyncFile(f *os.File) error {
	if strings.HasPrefix(filepath.Base(f.Name()), s.failName+"-") {
		s.fileSyncs.Add(1)
		return syscall.EIO
	}
	return s.countingSyncer.SyncFile(f)
}

func TestWriteFilesSyncsEachFileAndTheDirectoryOnce(t *testing.T) {
	dir := t.TempDir()
	cs := &countingSyncer{}
	d := Open(dir, cs)
	files := batchOf(100)
	var namesBeforeRename []string
	errs := d.WriteFiles(files, func() error {
		namesBeforeRename = listNames(t, dir)
		return nil
	})
	for i, err := range errs {
		require.NoError(t, err, files[i].Name)
	}
	assert.EqualValues(t, 100, cs.fileSyncs.Load(), "one sync per file")
	assert.EqualValues(t, 1, cs.dirSyncs.Load(), "one directory sync for the batch")
	for _, name := range namesBeforeRename {
		assert.True(t, strings.HasSuffix(name, ".tmp"), "%s renamed before beforeRename returned", name)
	}
	assert.Len(t, listNames(t, dir), 100, "every file, no temporary file")
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join(dir, f.Name))
		require.NoError(t, err)
		assert.Equal(t, f.Data, data)
	}
}

// barrierSyncer holds every file sync until n of them are under way at
// once, so that a batch that synced its files one by one never finishes.
type barrierSyncer struct {
	n       int
	mu      sync.Mutex // guards waiting
	waiting int
	full    chan struct{}
}

func (b *barrierSyncer) SyncFile(f *os.File) error {
	b.mu.Lock()
	b.waiting++
	if b.waiting == b.n {
		close(b.full)
	}
	b.mu.Unlock()
	select {
	case <-b.full:
		return f.Sync()
	case <-time.After(10 * time.Second):
		return errors.New("the other syncs never came")
	}
}

func (b *barrierSyncer) SyncDir(dir *os.File) error { return dir.Sync() }

func TestWriteFilesSyncsFilesConcurrently(t *testing.T) {
	dir := t.TempDir()
	d := Open(dir, &barrierSyncer{n: batchParallelism, full: make(chan struct{})})
	for _, err := range d.WriteFiles(batchOf(2*batchParallelism), nil) {
		require.NoError(t, err)
	}
}

func TestWriteFilesFailedSyncRenamesNothing(t *testing.T) {
	dir := t.TempDir()
	syncer := &failingSyncer{failName: "job-50"}
	d := Open(dir, syncer)
	files := batchOf(100)
	errs := d.WriteFiles(files, nil)
	for i, err := range errs {
		require.Error(t, err, files[i].Name)
		var pe *fs.PathError
		require.ErrorAs(t, err, &pe)
		assert.Equal(t, filepath.Join(dir, files[i].Name), pe.Path)
		if files[i].Name == "job-50" {
			assert.ErrorIs(t, err, syscall.EIO)
		} else {
			assert.ErrorIs(t, err, ErrSyncFailed)
		}
	}
	assert.Empty(t, listNames(t, dir), "no file renamed, no temporary file left")
	assert.Zero(t, syncer.dirSyncs.Load())
	assert.ErrorIs(t, d.Err(), ErrSyncFailed)

	syncs := syncer.fileSyncs.Load()
	for _, err := range d.WriteFiles(batchOf(3), nil) {
		assert.ErrorIs(t, err, ErrSyncFailed, "later batches fail")
	}
	assert.Equal(t, syncs, syncer.fileSyncs.Load(), "no sync tried again")
	assert.Empty(t, listNames(t, dir))
}

func TestWriteFilesFailedBeforeRenameRenamesNothing(t *testing.T) {
	dir := t.TempDir()
	cs := &countingSyncer{}
	d := Open(dir, cs)
	refused := errors.New("serial not durable")
	for _, err := range d.WriteFiles(batchOf(10), func() error { return refused }) {
		assert.ErrorIs(t, err, refused)
	}
	assert.Empty(t, listNames(t, dir))
	assert.Zero(t, cs.dirSyncs.Load())
	assert.NoError(t, d.Err(), "not a failed sync of the directory's files")
}

func TestWriteFilesOneFileFailsAlone(t *testing.T) {
	dir := t.TempDir()
	cs := &countingSyncer{}
	d := Open(dir, cs)
	files := batchOf(3)
	files[1].Name = "missing/job-2"
	errs := d.WriteFiles(files, nil)
	assert.NoError(t, errs[0])
	assert.ErrorIs(t, errs[1], fs.ErrNotExist)
	assert.NoError(t, errs[2])
	assert.Equal(t, []string{"job-1", "job-3"}, listNames(t, dir))
	assert.EqualValues(t, 1, cs.dirSyncs.Load())
}

func TestWriteFilesFailedDirectorySyncFailsEveryFile(t *testing.T) {
	dir := t.TempDir()
	cs := &countingSyncer{}
	cs.failDir.Store(true)
	d := Open(dir, cs)
	for _, err := range d.WriteFiles(batchOf(5), nil) {
		assert.ErrorIs(t, err, ErrSyncFailed)
	}
	assert.ErrorIs(t, d.Err(), ErrSyncFailed)
}

func TestSyncFile(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "serial"), []byte("1\n"), 0o600))
	cs := &countingSyncer{}
	d := Open(dir, cs)
	require.NoError(t, d.SyncFile("serial"))
	assert.EqualValues(t, 1, cs.fileSyncs.Load())

	cs.failFile.Store(true)
	require.Error(t, d.SyncFile("serial"))
	assert.ErrorIs(t, d.Err(), ErrSyncFailed, "a failed sync fails the directory")
	cs.failFile.Store(false)
	assert.ErrorIs(t, d.SyncFile("serial"), ErrSyncFailed)
	assert.EqualValues(t, 2, cs.fileSyncs.Load(), "no sync tried again")
}
