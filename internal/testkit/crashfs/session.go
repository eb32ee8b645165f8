package crashfs

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"sync"

	"github.com/hanwen/go-fuse/v2/fs"
	"github.com/hanwen/go-fuse/v2/fuse"
	"golang.org/x/sys/unix"
)

// collectFloor is how many inodes the model may hold beyond twice those
// alive at its last collection before it collects again.
const collectFloor = 1024

// session is one mount of the directory, from Mount or Remount to Cut or
// Close.
type session struct {
	// root reaches the backing directory through a descriptor opened
	// before the mount covered it.
	root   string
	server *fuse.Server

	// gate is held shared by every operation that changes the backing or
	// the model, and exclusively to stop them or to collect.
	gate    sync.RWMutex
	stopped bool // guarded by gate

	mu      sync.Mutex // guards the fields below
	durable *model
	// unsyncedFiles holds the files written since their last sync;
	// unsyncedEntries, by directory, the names changed since its last.
	unsyncedFiles   map[uint64]struct{}
	unsyncedEntries map[uint64]map[string]struct{}
	// open holds the handles the kernel has not released: a cut may
	// leave some unreleased, to be closed when the server has ended.
	open      map[handle]struct{}
	collectAt int // model size that triggers a collection
}

func newSession(root string, durable *model) *session {
	return &session{
		root:            root,
		durable:         durable,
		unsyncedFiles:   map[uint64]struct{}{},
		unsyncedEntries: map[uint64]map[string]struct{}{},
		open:            map[handle]struct{}{},
		collectAt:       2*len(durable.inodes) + collectFloor,
	}
}

// enter admits an operation that changes the backing or the model; it
// reports false once the session is stopped. leave ends it.
func (s *session) enter() bool {
	s.gate.RLock()
	if s.stopped {
		s.gate.RUnlock()
		return false
	}
	return true
}

func (s *session) leave() { s.gate.RUnlock() }

// stop waits for the admitted operations and admits no more: the model
// is final.
func (s *session) stop() {
	s.gate.Lock()
	s.stopped = true
	s.gate.Unlock()
}

func (s *session) entryChanged(dir uint64, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	names := s.unsyncedEntries[dir]
	if names == nil {
		names = map[string]struct{}{}
		s.unsyncedEntries[dir] = names
	}
	names[name] = struct{}{}
}

func (s *session) written(ino uint64) {
	s.mu.Lock()
	s.unsyncedFiles[ino] = struct{}{}
	s.mu.Unlock()
}

// handle is an open file or directory of the backing.
type handle interface {
	// close closes it for good.
	close()
}

// opened wraps a loopback file handle of inode ino.
func (s *session) opened(fh fs.FileHandle, ino uint64) fs.FileHandle {
	lf := fh.(*fs.LoopbackFile)
	fd, _ := lf.PassthroughFd()
	f := &file{lf: lf, fd: fd, ino: ino, s: s}
	s.track(f)
	return f
}

func (s *session) track(h handle) {
	s.mu.Lock()
	s.open[h] = struct{}{}
	s.mu.Unlock()
}

func (s *session) released(h handle) {
	s.mu.Lock()
	delete(s.open, h)
	s.mu.Unlock()
	h.close()
}

// closeUnreleased closes the handles the kernel never released, once the
// server has ended.
func (s *session) closeUnreleased() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for h := range s.open {
		h.close()
	}
	clear(s.open)
}

// syncFile makes f's file durable as the backing holds it now.
func (s *session) syncFile(f *file) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var st unix.Stat_t
	data, err := readBacking(f.fd, &st)
	if err != nil {
		return err
	}
	s.durable.syncFile(&st, data)
	delete(s.unsyncedFiles, st.Ino)
	return nil
}

// readBacking reads the whole backing file open as fd, which may be open
// for writing only, and stats it into st.
func readBacking(fd int, st *unix.Stat_t) ([]byte, error) {
	r, err := os.Open("/proc/self/fd/" + strconv.Itoa(fd))
	if err != nil {
		return nil, err
	}
	defer r.Close()
	if err := unix.Fstat(int(r.Fd()), st); err != nil {
		return nil, err
	}
	return io.ReadAll(r)
}

// syncDir makes the entries of directory ino, at path in the backing,
// durable as the backing holds them now.
func (s *session) syncDir(ino uint64, path string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	dirfd, err := unix.Open(path, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if errors.Is(err, unix.ENOENT) {
		return nil // removed: it has no entries to sync
	}
	if err != nil {
		return err
	}
	defer unix.Close(dirfd)
	var st unix.Stat_t
	if err := unix.Fstat(dirfd, &st); err != nil {
		return err
	}
	if st.Ino != ino {
		return fmt.Errorf("crashfs: %s is inode %d, not %d: %w", path, st.Ino, ino, unix.EIO)
	}
	if err := s.durable.syncNames(dirfd, &st, s.unsyncedEntries[ino]); err != nil {
		return err
	}
	delete(s.unsyncedEntries, ino)
	return nil
}

// collectIfDue drops from the model what nothing can reach any more, once
// it has grown enough since the last time.
func (s *session) collectIfDue() {
	s.mu.Lock()
	due := len(s.durable.inodes) >= s.collectAt
	s.mu.Unlock()
	if !due {
		return
	}
	s.gate.Lock()
	defer s.gate.Unlock()
	if s.stopped {
		return
	}
	backing, err := backingInodes(s.root)
	if err != nil {
		return // keep everything; the next sync tries again
	}
	live := map[uint64]bool{}
	for ino := range backing {
		live[ino] = true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for h := range s.open {
		if f, ok := h.(*file); ok {
			live[f.ino] = true
		}
	}
	s.durable.collect(live)
	for ino := range s.unsyncedFiles {
		if !live[ino] {
			delete(s.unsyncedFiles, ino)
		}
	}
	s.collectAt = 2*len(s.durable.inodes) + collectFloor
}

// backingInodes returns the file type of every inode below root, by
// number.
func backingInodes(root string) (map[uint64]uint32, error) {
	found := map[uint64]uint32{}
	// root may be a /proc/self/fd link, which only a trailing "/." follows
	// when not followed by a name.
	err := filepath.WalkDir(root+"/.", func(path string, _ os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		var st unix.Stat_t
		if err := unix.Lstat(path, &st); err != nil {
			return err
		}
		found[st.Ino] = st.Mode & unix.S_IFMT
		return nil
	})
	return found, err
}

// stats counts the durable state against the backing, which no operation
// may change meanwhile.
func (s *session) stats() (Stats, error) {
	backing, err := backingInodes(s.root)
	if err != nil {
		return Stats{}, fmt.Errorf("crashfs: counting files: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st := Stats{ModelInodes: len(s.durable.inodes)}
	st.DurableFiles, st.DurableDirs = s.durable.counts()
	for ino, kind := range backing {
		if kind != unix.S_IFREG {
			continue
		}
		st.Files++
		if _, unsynced := s.unsyncedFiles[ino]; unsynced {
			st.UnsyncedFiles++
		}
	}
	for _, names := range s.unsyncedEntries {
		st.UnsyncedEntries += len(names)
	}
	return st, nil
}
