// Package durable writes files so that they survive a crash whole or not at
// all: the data goes to a temporary file in the target's directory, which
// is synced, renamed over the target, and the directory is synced. Renames
// between directories sync both. WriteFileNoDirSync leaves the directory
// out (a crash may undo the rename, never leave a partial file), and
// WriteFileNoSync replaces a file atomically with no sync at all, for
// writes a crash may lose or leave empty; SyncFile syncs a file of the
// directory that was changed in place.
//
// WriteFiles writes many files as one batch, in this order: every file
// goes to its temporary file and is synced, up to batchParallelism files
// at once, while the caller's own step (beforeRename) runs alongside;
// once every sync and that step succeeded, the files are renamed one by
// one; then one directory sync covers every rename. A file's sync never
// waits for another file's, so the disk sees many syncs at once and the
// batch costs about as long as a few syncs, not one per file.
//
// Files other processes write (synced, and renamed into the directory)
// become durable with the directory's next sync: EnsureDurable makes sure
// one has covered the versions a reader saw before it shows them, and
// remembers them, so that showing them again costs no sync.
//
// Directory syncs of concurrent writers are shared (group commit): a writer
// waits for one directory sync that started after its rename, so eight
// writers at once cost about one directory sync, not eight. A failed sync is
// never retried: after one, the directory is marked failed and every later
// write fails too, because the kernel may already have dropped the data the
// failed sync was about (a retried fsync can report success for lost data).
// A batch in which a file's sync failed renames none of its files.
package durable

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// ErrSyncFailed marks every write after a failed sync of the directory.
var ErrSyncFailed = errors.New("durable: an earlier sync of this directory failed; refusing to write until restart")

// Syncer is how files and directories reach the disk; tests inject faults
// through it.
type Syncer interface {
	SyncFile(f *os.File) error
	SyncDir(dir *os.File) error
}

// OSSyncer syncs through the operating system (what a nil Syncer means).
var OSSyncer Syncer = osSyncer{}

type osSyncer struct{}

func (osSyncer) SyncFile(f *os.File) error  { return f.Sync() }
func (osSyncer) SyncDir(dir *os.File) error { return dir.Sync() }

// Dir writes durable files into one directory.
type Dir struct {
	path   string
	syncer Syncer
	// tmpInfix ("-<pid>-") and tmpSeq name temporary files so that
	// concurrent writers never share one.
	tmpInfix string
	tmpSeq   atomic.Uint64

	mu sync.Mutex // guards the fields below
	// requested counts callers that asked for a directory sync; done is the
	// highest request covered by a finished sync.
	requested, done uint64
	running         bool
	failed          error
	cond            *sync.Cond
	// entries are the versions of names seen or written here, each with
	// the request a sync must cover for it to be durable (see
	// EnsureDurable).
	entries map[string]entry
}

// Open returns a writer for the directory at path. A nil syncer syncs
// through the operating system.
func Open(path string, syncer Syncer) *Dir {
	if syncer == nil {
		syncer = osSyncer{}
	}
	d := &Dir{
		path: path, syncer: syncer,
		tmpInfix: "-" + strconv.Itoa(os.Getpid()) + "-",
		entries:  map[string]entry{},
	}
	d.cond = sync.NewCond(&d.mu)
	return d
}

// WriteFile atomically replaces name in the directory with data, synced to
// disk before it returns.
func (d *Dir) WriteFile(name string, data []byte, perm fs.FileMode) error {
	return d.WriteFiles([]File{{Name: name, Data: data, Perm: perm}}, nil)[0]
}

// WriteFileNoDirSync atomically replaces name with data synced to disk,
// without waiting for a sync of the directory: after a crash the file
// holds its old content or the new, whole.
func (d *Dir) WriteFileNoDirSync(name string, data []byte, perm fs.FileMode) error {
	if err := d.Err(); err != nil {
		return err
	}
	return d.replace(name, data, perm, true)
}

// WriteFileNoSync atomically replaces name with data without syncing:
// after a crash the file may hold its old content, the new, or nothing at
// all (the rename can reach the disk before the data). Only for files
// that do not outlive the machine's uptime (on tmpfs) or are rebuilt at
// start-up whatever they hold.
func (d *Dir) WriteFileNoSync(name string, data []byte, perm fs.FileMode) error {
	if err := d.Err(); err != nil {
		return err
	}
	return d.replace(name, data, perm, false)
}

// replace writes data to a temporary file and renames it over name.
func (d *Dir) replace(name string, data []byte, perm fs.FileMode, syncFile bool) error {
	tmp, err := d.createTemp(name, data, perm)
	if err != nil {
		return err
	}
	if err := d.closeTemp(tmp, name, syncFile); err != nil {
		return err
	}
	return d.rename(tmp.Name(), name, syncFile)
}

// createTemp creates a temporary file for name holding data, and leaves
// it open.
func (d *Dir) createTemp(name string, data []byte, perm fs.FileMode) (*os.File, error) {
	path := filepath.Join(d.path, name+d.tmpInfix+strconv.FormatUint(d.tmpSeq.Add(1), 10)+".tmp")
	f, err := openFile(path, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL, perm)
	if err != nil {
		return nil, d.writeError(name, err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(path)
		return nil, d.writeError(name, err)
	}
	return f, nil
}

// closeTemp syncs the temporary file tmp of name, if asked, and closes
// it; on failure it removes it. A failed sync marks the directory failed.
func (d *Dir) closeTemp(tmp *os.File, name string, syncFile bool) error {
	err := syncAndClose(tmp, syncFile, d.syncer)
	if err != nil {
		os.Remove(tmp.Name())
		d.failOnSync(err)
		return d.writeError(name, err)
	}
	return nil
}

// rename moves the temporary file tmp to name, removing it on failure,
// and records the version now under name (see EnsureDurable): durable
// with the next directory sync if its data was synced, unknown if not.
func (d *Dir) rename(tmp, name string, synced bool) error {
	if err := os.Rename(tmp, filepath.Join(d.path, name)); err != nil {
		os.Remove(tmp)
		return d.writeError(name, err)
	}
	if synced {
		d.noteRenamed(name)
	} else {
		d.forget(name)
	}
	return nil
}

// writeError is the error of a failed write of name: an *fs.PathError
// with the operation "write" and the target's path.
func (d *Dir) writeError(name string, err error) error {
	return &fs.PathError{Op: "write", Path: filepath.Join(d.path, name), Err: err}
}

// openFile opens path as os.OpenFile does, minus what os.OpenFile adds on
// Linux for every file: it tries the runtime's network poller, which
// refuses regular files and directories, at the cost of four fcntl calls
// and a failing epoll_ctl. A durable write opens two files; without that
// it makes about a third fewer system calls.
func openFile(path string, flag int, perm fs.FileMode) (*os.File, error) {
	for {
		fd, err := unix.Open(path, flag|unix.O_CLOEXEC, uint32(perm.Perm()))
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, &fs.PathError{Op: "open", Path: path, Err: err}
		}
		return os.NewFile(uintptr(fd), path), nil
	}
}

// syncError marks an error that came from a sync.
type syncError struct{ err error }

func (e *syncError) Error() string { return "sync: " + e.err.Error() }
func (e *syncError) Unwrap() error { return e.err }

func syncAndClose(f *os.File, syncFile bool, syncer Syncer) error {
	if syncFile {
		if err := syncer.SyncFile(f); err != nil {
			f.Close()
			return &syncError{err}
		}
	}
	return f.Close()
}

// failOnSync marks the directory failed when err is a sync failure.
func (d *Dir) failOnSync(err error) {
	var se *syncError
	if !errors.As(err, &se) {
		return
	}
	d.mu.Lock()
	if d.failed == nil {
		d.failed = fmt.Errorf("%w (%v)", ErrSyncFailed, err)
	}
	d.mu.Unlock()
}

// Err is the failure that stopped all writes, or nil.
func (d *Dir) Err() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.failed
}

// SyncDir returns once a sync of the directory that started after the call
// has finished. Concurrent callers share syncs.
func (d *Dir) SyncDir() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.requested++
	return d.awaitLocked(d.requested)
}

// awaitLocked returns once a sync covering request ticket has finished,
// leading one if none runs.
func (d *Dir) awaitLocked(ticket uint64) error {
	for d.done < ticket && d.failed == nil {
		if d.running {
			d.cond.Wait()
			continue
		}
		d.leadSyncLocked()
	}
	return d.failed
}

// leadSyncLocked runs one directory sync covering every request made so
// far, with d.mu held on entry and exit (released during the sync).
func (d *Dir) leadSyncLocked() {
	d.running = true
	covers := d.requested
	d.mu.Unlock()
	err := d.syncDir()
	d.mu.Lock()
	d.running = false
	if err != nil && d.failed == nil {
		d.failed = fmt.Errorf("%w (syncing %s: %v)", ErrSyncFailed, d.path, err)
	}
	if err == nil {
		d.done = covers
	}
	d.cond.Broadcast()
}

func (d *Dir) syncDir() error {
	dir, err := openFile(d.path, unix.O_RDONLY|unix.O_DIRECTORY, 0)
	if err != nil {
		return err
	}
	defer dir.Close()
	return d.syncer.SyncDir(dir)
}

// SyncFile syncs name, an existing file of the directory changed in place,
// through the directory's syncer. A failed sync marks the directory failed.
func (d *Dir) SyncFile(name string) error {
	if err := d.Err(); err != nil {
		return err
	}
	f, err := openFile(filepath.Join(d.path, name), unix.O_RDONLY, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := d.syncer.SyncFile(f); err != nil {
		err = &syncError{err}
		d.failOnSync(err)
		return err
	}
	return nil
}

// Rename moves oldName in this directory to newName in to (which may be
// this directory), syncing both directories.
func (d *Dir) Rename(oldName string, to *Dir, newName string) error {
	if err := d.Err(); err != nil {
		return err
	}
	if err := os.Rename(filepath.Join(d.path, oldName), filepath.Join(to.path, newName)); err != nil {
		return err
	}
	d.forget(oldName)
	if to != d {
		if err := to.SyncDir(); err != nil {
			return err
		}
	}
	return d.SyncDir()
}
