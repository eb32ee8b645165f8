package crashfs

import (
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// rewrite replaces everything below root with the durable state m.
func rewrite(root string, m *model) error {
	entries, err := os.ReadDir(root)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if err := os.RemoveAll(filepath.Join(root, e.Name())); err != nil {
			return err
		}
	}
	if err := setMeta(root+"/.", m.inodes[m.root]); err != nil {
		return err
	}
	firstPath := map[uint64]string{}
	return m.walk(func(path string, ino uint64, in *inode) error {
		target := filepath.Join(root, path)
		if first, linked := firstPath[ino]; linked {
			return os.Link(first, target)
		}
		firstPath[ino] = target
		if err := create(target, in); err != nil {
			return fmt.Errorf("creating %s: %w", path, err)
		}
		return nil
	})
}

// create makes the file in at path.
func create(path string, in *inode) error {
	var err error
	switch in.kind() {
	case unix.S_IFDIR:
		err = os.Mkdir(path, 0o700)
	case unix.S_IFREG:
		err = os.WriteFile(path, in.data, 0o600)
	case unix.S_IFLNK:
		err = os.Symlink(string(in.data), path)
	default:
		err = unix.Mknod(path, in.mode, int(in.rdev))
	}
	if err != nil {
		return err
	}
	return setMeta(path, in)
}

// setMeta gives the file at path the owner and mode of in (a symlink's
// mode cannot change).
func setMeta(path string, in *inode) error {
	if err := os.Lchown(path, int(in.uid), int(in.gid)); err != nil {
		return err
	}
	if in.kind() == unix.S_IFLNK {
		return nil
	}
	return unix.Chmod(path, in.perm())
}
