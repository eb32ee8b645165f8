package crashfs

import (
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"sync"
	"testing/fstest"
	"time"

	"github.com/hanwen/go-fuse/v2/fs"
	"github.com/hanwen/go-fuse/v2/fuse"
	"golang.org/x/sys/unix"
)

var (
	// ErrNotTmpfs refuses a directory on another file system than tmpfs.
	ErrNotTmpfs = errors.New("crashfs: the directory is not on tmpfs")
	// ErrCrossesMount refuses a tree with another file system inside.
	ErrCrossesMount = errors.New("crashfs: the tree crosses into another file system")
	// ErrNotMounted is the answer of Cut and Stats while nothing is served.
	ErrNotMounted = errors.New("crashfs: not mounted")
	// ErrMounted is the answer of Remount while served.
	ErrMounted = errors.New("crashfs: already mounted")
	// ErrClosed is the answer of everything after Close.
	ErrClosed = errors.New("crashfs: closed")
)

// cacheTimeout is how long the kernel keeps names and attributes: every
// change goes through the mount, so its caches stay true.
const cacheTimeout = time.Second

// FS is a crash-simulating file system served over one directory.
type FS struct {
	dir string
	// root reaches the directory itself, under any mount, through rootFd.
	root string

	mu     sync.Mutex // guards the fields below
	rootFd int        // -1 once closed
	sess   *session   // nil while not served
}

// Stats counts what a cut would keep and lose. Files counts inodes, so a
// file of two names counts once.
type Stats struct {
	Files        int // regular files served
	DurableFiles int // regular files the durable state holds
	DurableDirs  int // directories it holds, the root excluded
	// UnsyncedFiles counts the files served that were written since their
	// last sync, UnsyncedEntries the names changed since their
	// directory's.
	UnsyncedFiles   int
	UnsyncedEntries int
	// ModelInodes counts the inodes whose durable state is held in
	// memory: the durable tree's, and those a sync recorded that a name
	// or descriptor may still make durable.
	ModelInodes int
}

// Mount serves a crash-simulating file system over dir, which must be on
// tmpfs; everything in it now is durable. It needs root and /dev/fuse,
// and belongs in a private mount namespace (InPrivateNamespace).
func Mount(dir string) (*FS, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("crashfs: %w", err)
	}
	fd, err := unix.Open(abs, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("crashfs: opening %s: %w", abs, err)
	}
	f := &FS{dir: abs, root: "/proc/self/fd/" + strconv.Itoa(fd), rootFd: fd}
	if err := checkTmpfs(fd, abs); err != nil {
		unix.Close(fd)
		return nil, err
	}
	if err := f.serve(); err != nil {
		unix.Close(fd)
		return nil, err
	}
	return f, nil
}

func checkTmpfs(fd int, dir string) error {
	var st unix.Statfs_t
	if err := unix.Fstatfs(fd, &st); err != nil {
		return fmt.Errorf("crashfs: %s: %w", dir, err)
	}
	if st.Type != unix.TMPFS_MAGIC {
		return fmt.Errorf("%w: %s (file system type %#x)", ErrNotTmpfs, dir, st.Type)
	}
	return nil
}

// Dir is the directory served.
func (f *FS) Dir() string { return f.dir }

// serve mounts the directory with its content as the durable state.
func (f *FS) serve() error {
	durable, err := loadModel(f.root)
	if err != nil {
		return err
	}
	s := newSession(f.root, durable)
	lroot := &fs.LoopbackRoot{Path: f.root, Dev: durable.dev}
	root := &node{LoopbackNode: &fs.LoopbackNode{RootData: lroot}, s: s}
	lroot.RootNode = root
	timeout := cacheTimeout
	s.server, err = fs.Mount(f.dir, root, &fs.Options{
		EntryTimeout:   &timeout,
		AttrTimeout:    &timeout,
		RootStableAttr: &fs.StableAttr{Ino: durable.root},
		MountOptions: fuse.MountOptions{
			AllowOther:        true,
			Options:           []string{"default_permissions"},
			FsName:            "crashfs",
			Name:              "crashfs",
			DirectMountStrict: true,
			DisableXAttrs:     true,
		},
	})
	if err != nil {
		return fmt.Errorf("crashfs: mounting %s: %w", f.dir, err)
	}
	f.sess = s
	return nil
}

// Cut is the power cut: the caller has killed every process using the
// mount. It stops serving, unmounts and rewrites the directory to its
// durable state; it returns what the state was at the cut.
func (f *FS) Cut() (Stats, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s, err := f.sessionLocked()
	if err != nil {
		return Stats{}, err
	}
	f.sess = nil
	s.stop()
	stats, statsErr := s.stats()
	if err := f.abort(s); err != nil {
		return stats, err
	}
	if err := rewrite(f.root, s.durable); err != nil {
		return stats, fmt.Errorf("crashfs: rewriting %s to its durable state: %w", f.dir, err)
	}
	return stats, statsErr
}

// abort ends the session's FUSE connection, even with descriptors still
// open on it, and waits for its server.
func (f *FS) abort(s *session) error {
	err := unix.Unmount(f.dir, unix.MNT_FORCE)
	if errors.Is(err, unix.EBUSY) {
		err = unix.Unmount(f.dir, unix.MNT_DETACH)
	}
	if err != nil {
		return fmt.Errorf("crashfs: unmounting %s: %w", f.dir, err)
	}
	s.server.Wait()
	s.closeUnreleased()
	return nil
}

// Remount serves the directory again after a cut; what it holds is
// durable.
func (f *FS) Remount() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case f.rootFd < 0:
		return ErrClosed
	case f.sess != nil:
		return ErrMounted
	}
	return f.serve()
}

// Close stops serving, as a clean shutdown would: the directory keeps
// everything written to it, synced or not. The FS cannot serve again.
func (f *FS) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.rootFd < 0 {
		return nil
	}
	var err error
	if s := f.sess; s != nil {
		f.sess = nil
		s.stop()
		err = f.abort(s)
	}
	unix.Close(f.rootFd)
	f.rootFd = -1
	return err
}

// Durable returns a copy of the durable state: what a cut now would
// leave (after a cut, what it left).
func (f *FS) Durable() (fstest.MapFS, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.rootFd < 0 {
		return nil, ErrClosed
	}
	if s := f.sess; s != nil {
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.durable.mapFS(), nil
	}
	m, err := loadModel(f.root)
	if err != nil {
		return nil, err
	}
	return m.mapFS(), nil
}

// Stats counts what a cut now would keep and lose. The counts are
// consistent only while nothing changes the files.
func (f *FS) Stats() (Stats, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s, err := f.sessionLocked()
	if err != nil {
		return Stats{}, err
	}
	return s.stats()
}

func (f *FS) sessionLocked() (*session, error) {
	switch {
	case f.rootFd < 0:
		return nil, ErrClosed
	case f.sess == nil:
		return nil, ErrNotMounted
	}
	return f.sess, nil
}
