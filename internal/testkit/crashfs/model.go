package crashfs

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing/fstest"

	"golang.org/x/sys/unix"
)

// inode is one file's durable state.
type inode struct {
	mode     uint32 // type and permission bits, as stat's st_mode
	uid, gid uint32
	rdev     uint64
	// data is a regular file's content or a symlink's target.
	data []byte
	// entries maps a directory's names to inode numbers.
	entries map[string]uint64
}

func newInode(st *unix.Stat_t) *inode {
	in := &inode{}
	in.setMeta(st)
	if in.isDir() {
		in.entries = map[string]uint64{}
	}
	return in
}

func (in *inode) setMeta(st *unix.Stat_t) {
	in.mode, in.uid, in.gid, in.rdev = st.Mode, st.Uid, st.Gid, st.Rdev
}

func (in *inode) kind() uint32    { return in.mode & unix.S_IFMT }
func (in *inode) isDir() bool     { return in.kind() == unix.S_IFDIR }
func (in *inode) isRegular() bool { return in.kind() == unix.S_IFREG }
func (in *inode) perm() uint32    { return in.mode &^ unix.S_IFMT }

func (in *inode) sortedNames() []string { return slices.Sorted(maps.Keys(in.entries)) }

// model is the durable state of one mount: what a cut keeps. Inodes are
// named by their backing inode numbers.
type model struct {
	root   uint64
	dev    uint64 // the backing file system's device
	inodes map[uint64]*inode
}

// loadModel reads the tree at root, all of it durable.
func loadModel(root string) (*model, error) {
	var st unix.Stat_t
	if err := unix.Stat(root, &st); err != nil {
		return nil, fmt.Errorf("crashfs: reading %s: %w", root, err)
	}
	m := &model{root: st.Ino, dev: st.Dev, inodes: map[uint64]*inode{}}
	if err := m.load(root, &st); err != nil {
		return nil, err
	}
	return m, nil
}

func (m *model) load(path string, st *unix.Stat_t) error {
	if st.Dev != m.dev {
		return fmt.Errorf("%w: %s", ErrCrossesMount, path)
	}
	if _, linked := m.inodes[st.Ino]; linked {
		return nil
	}
	in := newInode(st)
	m.inodes[st.Ino] = in
	var err error
	switch in.kind() {
	case unix.S_IFREG:
		in.data, err = os.ReadFile(path)
	case unix.S_IFLNK:
		var target string
		target, err = os.Readlink(path)
		in.data = []byte(target)
	case unix.S_IFDIR:
		err = m.loadEntries(path, in)
	}
	if err != nil {
		return fmt.Errorf("crashfs: reading %s: %w", path, err)
	}
	return nil
}

func (m *model) loadEntries(path string, dir *inode) error {
	entries, err := os.ReadDir(path)
	if err != nil {
		return err
	}
	for _, e := range entries {
		child := filepath.Join(path, e.Name())
		var st unix.Stat_t
		if err := unix.Lstat(child, &st); err != nil {
			return err
		}
		dir.entries[e.Name()] = st.Ino
		if err := m.load(child, &st); err != nil {
			return err
		}
	}
	return nil
}

// inode returns the record of the file st describes, making an empty one
// for a file the model does not know yet.
func (m *model) inode(st *unix.Stat_t) *inode {
	in, ok := m.inodes[st.Ino]
	if !ok {
		in = newInode(st)
		m.inodes[st.Ino] = in
	}
	return in
}

// syncFile makes data the durable content of the file st describes.
func (m *model) syncFile(st *unix.Stat_t, data []byte) {
	in := m.inode(st)
	in.setMeta(st)
	in.data = data
}

// syncNames makes the entries names of the directory st describes
// durable as the backing directory, open as dirfd, holds them now.
func (m *model) syncNames(dirfd int, st *unix.Stat_t, names map[string]struct{}) error {
	dir := m.inode(st)
	dir.setMeta(st)
	for name := range names {
		var child unix.Stat_t
		err := unix.Fstatat(dirfd, name, &child, unix.AT_SYMLINK_NOFOLLOW)
		if errors.Is(err, unix.ENOENT) {
			delete(dir.entries, name)
			continue
		}
		if err != nil {
			return err
		}
		if err := m.learn(dirfd, name, &child); err != nil {
			return err
		}
		dir.entries[name] = child.Ino
	}
	return nil
}

// learn records a file that just got a durable name, if the model does
// not know it yet: empty, or a symlink with its target.
func (m *model) learn(dirfd int, name string, st *unix.Stat_t) error {
	if _, known := m.inodes[st.Ino]; known {
		return nil
	}
	in := newInode(st)
	if in.kind() == unix.S_IFLNK {
		target, err := readlinkat(dirfd, name)
		if err != nil {
			return err
		}
		in.data = target
	}
	m.inodes[st.Ino] = in
	return nil
}

func readlinkat(dirfd int, name string) ([]byte, error) {
	for size := 256; ; size *= 2 {
		buf := make([]byte, size)
		n, err := unix.Readlinkat(dirfd, name, buf)
		if err != nil {
			return nil, err
		}
		if n < size {
			return buf[:n], nil
		}
	}
}

// walk calls fn for every path of the durable tree below the root,
// parents first, names in order, each directory once (the durable state
// can name a directory twice, or in a cycle, when a rename between
// directories was synced on one side only).
func (m *model) walk(fn func(path string, ino uint64, in *inode) error) error {
	seenDirs := map[uint64]bool{m.root: true}
	var walkDir func(path string, dir *inode) error
	walkDir = func(path string, dir *inode) error {
		for _, name := range dir.sortedNames() {
			ino := dir.entries[name]
			in := m.inodes[ino]
			if in.isDir() {
				if seenDirs[ino] {
					continue
				}
				seenDirs[ino] = true
			}
			child := filepath.Join(path, name)
			if err := fn(child, ino, in); err != nil {
				return err
			}
			if in.isDir() {
				if err := walkDir(child, in); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return walkDir("", m.inodes[m.root])
}

// reachable returns the inode numbers the durable tree names.
func (m *model) reachable() map[uint64]bool {
	found := map[uint64]bool{m.root: true}
	m.walk(func(_ string, ino uint64, _ *inode) error {
		found[ino] = true
		return nil
	})
	return found
}

// collect drops the inodes that neither the durable tree nor live names.
func (m *model) collect(live map[uint64]bool) {
	keep := m.reachable()
	for ino := range m.inodes {
		if !keep[ino] && !live[ino] {
			delete(m.inodes, ino)
		}
	}
}

// counts returns how many regular files and directories the durable tree
// holds (inodes, so a file of two names counts once).
func (m *model) counts() (files, dirs int) {
	seen := map[uint64]bool{}
	m.walk(func(_ string, ino uint64, in *inode) error {
		if seen[ino] {
			return nil
		}
		seen[ino] = true
		switch {
		case in.isRegular():
			files++
		case in.isDir():
			dirs++
		}
		return nil
	})
	return files, dirs
}

// mapFS copies the durable tree into an in-memory file system.
func (m *model) mapFS() fstest.MapFS {
	out := fstest.MapFS{}
	m.walk(func(path string, _ uint64, in *inode) error {
		out[path] = &fstest.MapFile{Data: append([]byte{}, in.data...), Mode: fileMode(in.mode)}
		return nil
	})
	return out
}

// fileMode converts a stat mode to an io/fs one.
func fileMode(mode uint32) fs.FileMode {
	m := fs.FileMode(mode & 0o777)
	types := map[uint32]fs.FileMode{
		unix.S_IFDIR: fs.ModeDir, unix.S_IFLNK: fs.ModeSymlink, unix.S_IFIFO: fs.ModeNamedPipe,
		unix.S_IFSOCK: fs.ModeSocket, unix.S_IFBLK: fs.ModeDevice, unix.S_IFCHR: fs.ModeDevice | fs.ModeCharDevice,
	}
	m |= types[mode&unix.S_IFMT]
	for bit, flag := range map[uint32]fs.FileMode{unix.S_ISUID: fs.ModeSetuid, unix.S_ISGID: fs.ModeSetgid, unix.S_ISVTX: fs.ModeSticky} {
		if mode&bit != 0 {
			m |= flag
		}
	}
	return m
}
