package crashfs_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/goluxid/goluxid/internal/testkit/crashfs"
)

// Rule 1: content not synced is lost; a name made durable without a sync
// of its file leaves it empty.
func TestUnsyncedContentIsLost(t *testing.T) {
	if !crashfs.InPrivateNamespace(t) {
		return
	}
	f, dir := serve(t, map[string]string{"a": "old"})
	writeFile(t, filepath.Join(dir, "a"), "new", false)
	writeFile(t, filepath.Join(dir, "named"), "never synced", false)
	syncDir(t, dir)
	assert.Equal(t, map[string]string{"a": "new", "named": "never synced"}, tree(t, dir))

	cut(t, f)
	assert.Equal(t, map[string]string{"a": "old", "named": ""}, tree(t, dir))
}

// Rule 1: fsync, fdatasync and an O_SYNC write each make content durable.
func TestSyncMakesContentDurable(t *testing.T) {
	for _, tc := range []struct {
		name  string
		flags int
		sync  func(*os.File) error
	}{
		{"fsync", 0, (*os.File).Sync},
		{"fdatasync", 0, func(f *os.File) error { return unix.Fdatasync(int(f.Fd())) }},
		{"O_SYNC write", os.O_SYNC, func(*os.File) error { return nil }},
		{"O_DSYNC write", unix.O_DSYNC, func(*os.File) error { return nil }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !crashfs.InPrivateNamespace(t) {
				return
			}
			f, dir := serve(t, map[string]string{"a": "old"})
			file, err := os.OpenFile(filepath.Join(dir, "a"), os.O_WRONLY|os.O_TRUNC|tc.flags, 0)
			require.NoError(t, err)
			_, err = file.WriteString("new")
			require.NoError(t, err)
			require.NoError(t, tc.sync(file))
			require.NoError(t, file.Close())

			cut(t, f)
			assert.Equal(t, map[string]string{"a": "new"}, tree(t, dir))
		})
	}
}

// Rule 2: a file written, synced and renamed without a sync of its
// directory comes back under its durable old name, or not at all.
func TestRenameWithoutDirectorySync(t *testing.T) {
	t.Run("old name durable", func(t *testing.T) {
		if !crashfs.InPrivateNamespace(t) {
			return
		}
		f, dir := serve(t, map[string]string{"a": "old"})
		writeFile(t, filepath.Join(dir, "a"), "new", true)
		require.NoError(t, os.Rename(filepath.Join(dir, "a"), filepath.Join(dir, "b")))

		cut(t, f)
		assert.Equal(t, map[string]string{"a": "new"}, tree(t, dir))
	})
	t.Run("old name not durable", func(t *testing.T) {
		if !crashfs.InPrivateNamespace(t) {
			return
		}
		f, dir := serve(t, map[string]string{"other": "x"})
		writeFile(t, filepath.Join(dir, "tmp"), "new", true)
		require.NoError(t, os.Rename(filepath.Join(dir, "tmp"), filepath.Join(dir, "b")))

		cut(t, f)
		assert.Equal(t, map[string]string{"other": "x"}, tree(t, dir))
	})
}

// Rule 2: with the directory synced, the rename holds, with the synced
// content.
func TestRenameWithDirectorySync(t *testing.T) {
	if !crashfs.InPrivateNamespace(t) {
		return
	}
	f, dir := serve(t, map[string]string{"a": "old"})
	writeFile(t, filepath.Join(dir, "tmp"), "new", true)
	require.NoError(t, os.Rename(filepath.Join(dir, "tmp"), filepath.Join(dir, "a")))
	syncDir(t, dir)
	writeFile(t, filepath.Join(dir, "a"), "newer, unsynced", false)

	cut(t, f)
	assert.Equal(t, map[string]string{"a": "new"}, tree(t, dir))
}

// Rule 2: an unlinked durable entry comes back unless its directory was
// synced.
func TestUnlink(t *testing.T) {
	for _, tc := range []struct {
		name    string
		syncDir bool
		want    map[string]string
	}{
		{"without directory sync", false, map[string]string{"a": "x", "d/": ""}},
		{"with directory sync", true, map[string]string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !crashfs.InPrivateNamespace(t) {
				return
			}
			f, dir := serve(t, map[string]string{"a": "x", "d/": ""})
			require.NoError(t, os.Remove(filepath.Join(dir, "a")))
			require.NoError(t, os.Remove(filepath.Join(dir, "d")))
			if tc.syncDir {
				syncDir(t, dir)
			}

			cut(t, f)
			assert.Equal(t, tc.want, tree(t, dir))
		})
	}
}

// Rule 2: a new directory lives through a cut only with its parent
// synced, and holds only what its own sync made durable.
func TestMkdir(t *testing.T) {
	for _, tc := range []struct {
		name                 string
		syncParent, syncSelf bool
		want                 map[string]string
	}{
		{"without parent sync", false, true, map[string]string{}},
		{"with parent sync only", true, false, map[string]string{"d/": ""}},
		{"with both synced", true, true, map[string]string{"d/": "", "d/f": "x"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !crashfs.InPrivateNamespace(t) {
				return
			}
			f, dir := serve(t, nil)
			sub := filepath.Join(dir, "d")
			require.NoError(t, os.Mkdir(sub, 0o755))
			writeFile(t, filepath.Join(sub, "f"), "x", true)
			if tc.syncSelf {
				syncDir(t, sub)
			}
			if tc.syncParent {
				syncDir(t, dir)
			}

			cut(t, f)
			assert.Equal(t, tc.want, tree(t, dir))
		})
	}
}

// Rule 3: between two directories, each name follows its own directory's
// sync.
func TestRenameAcrossDirectories(t *testing.T) {
	for _, tc := range []struct {
		name             string
		syncOld, syncNew bool
		want             map[string]string
	}{
		{"no sync", false, false, map[string]string{"old/": "", "old/f": "x", "new/": ""}},
		{"new directory synced", false, true, map[string]string{"old/": "", "old/f": "x", "new/": "", "new/g": "x"}},
		{"old directory synced", true, false, map[string]string{"old/": "", "new/": ""}},
		{"both synced", true, true, map[string]string{"old/": "", "new/": "", "new/g": "x"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !crashfs.InPrivateNamespace(t) {
				return
			}
			f, dir := serve(t, map[string]string{"old/": "", "old/f": "x", "new/": ""})
			require.NoError(t, os.Rename(filepath.Join(dir, "old/f"), filepath.Join(dir, "new/g")))
			if tc.syncOld {
				syncDir(t, filepath.Join(dir, "old"))
			}
			if tc.syncNew {
				syncDir(t, filepath.Join(dir, "new"))
			}

			cut(t, f)
			assert.Equal(t, tc.want, tree(t, dir))
		})
	}
}

// Rule 1 for O_APPEND: appends up to the last sync survive.
func TestAppend(t *testing.T) {
	if !crashfs.InPrivateNamespace(t) {
		return
	}
	f, dir := serve(t, map[string]string{"log": "a"})
	log, err := os.OpenFile(filepath.Join(dir, "log"), os.O_WRONLY|os.O_APPEND, 0)
	require.NoError(t, err)
	for _, step := range []struct {
		data string
		sync bool
	}{{"b", false}, {"c", true}, {"d", false}} {
		_, err := log.WriteString(step.data)
		require.NoError(t, err)
		if step.sync {
			require.NoError(t, log.Sync())
		}
	}
	require.NoError(t, log.Close())
	assert.Equal(t, map[string]string{"log": "abcd"}, tree(t, dir))

	cut(t, f)
	assert.Equal(t, map[string]string{"log": "abc"}, tree(t, dir))
}

// Rule 1 for truncation, by path or descriptor.
func TestTruncate(t *testing.T) {
	byPath := func(t *testing.T, path string) { require.NoError(t, os.Truncate(path, 2)) }
	byDescriptor := func(t *testing.T, path string) {
		file, err := os.OpenFile(path, os.O_WRONLY, 0)
		require.NoError(t, err)
		require.NoError(t, file.Truncate(2))
		require.NoError(t, file.Close())
	}
	for _, tc := range []struct {
		name     string
		truncate func(*testing.T, string)
		sync     bool
		want     string
	}{
		{"by path, unsynced", byPath, false, "hello"},
		{"by path, synced", byPath, true, "he"},
		{"by descriptor, unsynced", byDescriptor, false, "hello"},
		{"by descriptor, synced", byDescriptor, true, "he"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !crashfs.InPrivateNamespace(t) {
				return
			}
			f, dir := serve(t, map[string]string{"a": "hello"})
			path := filepath.Join(dir, "a")
			tc.truncate(t, path)
			if tc.sync {
				syncFile(t, path)
			}
			assert.Equal(t, map[string]string{"a": "he"}, tree(t, dir))

			cut(t, f)
			assert.Equal(t, map[string]string{"a": tc.want}, tree(t, dir))
		})
	}
}

// A cut with a file still open: the descriptor fails from then on, and
// the file holds its content at its last sync.
func TestFileOpenAtCut(t *testing.T) {
	if !crashfs.InPrivateNamespace(t) {
		return
	}
	f, dir := serve(t, map[string]string{"a": "one"})
	file, err := os.OpenFile(filepath.Join(dir, "a"), os.O_RDWR, 0)
	require.NoError(t, err)
	_, err = file.WriteAt([]byte("two"), 0)
	require.NoError(t, err)
	require.NoError(t, file.Sync())
	_, err = file.WriteAt([]byte("six"), 0)
	require.NoError(t, err)

	stats := cut(t, f)
	assert.Equal(t, 1, stats.UnsyncedFiles, "stats at the cut: %+v", stats)
	_, err = file.WriteAt([]byte("ten"), 0)
	assert.Error(t, err, "a write to a descriptor opened before the cut")
	assert.Error(t, file.Sync(), "a sync of a descriptor opened before the cut")
	file.Close()
	assert.Equal(t, map[string]string{"a": "two"}, tree(t, dir))
}

// Rule 4: what the directory held at the mount is durable: removed,
// replaced or changed without syncs, it all comes back, modes and
// symlinks included.
func TestMountTimeStateIsDurable(t *testing.T) {
	if !crashfs.InPrivateNamespace(t) {
		return
	}
	crashfs.RequireFuse(t)
	dir := crashfs.Tmpfs(t)
	makeTree(t, dir, map[string]string{"a": "1", "d/": "", "d/b": "2", "d/e/": "", "d/e/c": "3"})
	require.NoError(t, os.Symlink("d/b", filepath.Join(dir, "link")))
	require.NoError(t, os.Chmod(filepath.Join(dir, "d/b"), 0o600))
	before := tree(t, dir)
	f, err := crashfs.Mount(dir)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, f.Close()) })

	writeFile(t, filepath.Join(dir, "d/e/c"), "changed", false)
	require.NoError(t, os.RemoveAll(filepath.Join(dir, "d/e")))
	require.NoError(t, os.Rename(filepath.Join(dir, "d/b"), filepath.Join(dir, "a")))
	require.NoError(t, os.Remove(filepath.Join(dir, "link")))
	writeFile(t, filepath.Join(dir, "new"), "synced content, unsynced name", true)
	assert.NotEqual(t, before, tree(t, dir))

	cut(t, f)
	assert.Equal(t, before, tree(t, dir))
	info, err := os.Stat(filepath.Join(dir, "d/b"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())
}

// A hard link is one file: synced through one name, both names hold it.
func TestHardLink(t *testing.T) {
	if !crashfs.InPrivateNamespace(t) {
		return
	}
	f, dir := serve(t, map[string]string{"a": "old"})
	require.NoError(t, os.Link(filepath.Join(dir, "a"), filepath.Join(dir, "b")))
	syncDir(t, dir)
	writeFile(t, filepath.Join(dir, "b"), "new", true)

	cut(t, f)
	assert.Equal(t, map[string]string{"a": "new", "b": "new"}, tree(t, dir))
	var a, b unix.Stat_t
	require.NoError(t, unix.Stat(filepath.Join(dir, "a"), &a))
	require.NoError(t, unix.Stat(filepath.Join(dir, "b"), &b))
	assert.Equal(t, a.Ino, b.Ino, "one inode under both names")
}

// Stats count what a cut keeps and what it drops.
func TestStats(t *testing.T) {
	if !crashfs.InPrivateNamespace(t) {
		return
	}
	f, dir := serve(t, map[string]string{"a": "1", "d/": "", "d/b": "2"})
	writeFile(t, filepath.Join(dir, "a"), "changed", false)
	writeFile(t, filepath.Join(dir, "d/c"), "new", false)
	require.NoError(t, os.Remove(filepath.Join(dir, "d/b")))

	stats, err := f.Stats()
	require.NoError(t, err)
	assert.Equal(t, crashfs.Stats{Files: 2, DurableFiles: 2, DurableDirs: 1, UnsyncedFiles: 2, UnsyncedEntries: 2, ModelInodes: 4}, stats)
	syncDir(t, filepath.Join(dir, "d"))
	stats, err = f.Stats()
	require.NoError(t, err)
	assert.Equal(t, crashfs.Stats{Files: 2, DurableFiles: 2, DurableDirs: 1, UnsyncedFiles: 2, UnsyncedEntries: 0, ModelInodes: 5}, stats)
}

// Mount refuses a directory off tmpfs, and a tree with another file
// system inside: either could reuse an inode number while mounted.
func TestMountRefuses(t *testing.T) {
	if !crashfs.InPrivateNamespace(t) {
		return
	}
	ramfs := t.TempDir()
	require.NoError(t, unix.Mount("ramfs", ramfs, "ramfs", 0, ""))
	t.Cleanup(func() { require.NoError(t, unix.Unmount(ramfs, 0)) })
	_, err := crashfs.Mount(ramfs)
	assert.ErrorIs(t, err, crashfs.ErrNotTmpfs)

	dir := crashfs.Tmpfs(t)
	inner := filepath.Join(dir, "inner")
	require.NoError(t, os.Mkdir(inner, 0o755))
	require.NoError(t, unix.Mount("tmpfs", inner, "tmpfs", 0, ""))
	t.Cleanup(func() { require.NoError(t, unix.Unmount(inner, 0)) })
	_, err = crashfs.Mount(dir)
	assert.ErrorIs(t, err, crashfs.ErrCrossesMount)
}
