package crashfs_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/goluxid/goluxid/internal/testkit/crashfs"
	"github.com/goluxid/goluxid/internal/testkit/leakcheck"
)

func TestMain(m *testing.M) { leakcheck.Main(m) }

// serve mounts a crash-simulating file system over a new tmpfs that holds
// files (name to content; a name ending in "/" is a directory) and closes
// it when t ends. t runs in a private mount namespace.
func serve(t *testing.T, files map[string]string) (*crashfs.FS, string) {
	t.Helper()
	crashfs.RequireFuse(t)
	dir := crashfs.Tmpfs(t)
	makeTree(t, dir, files)
	f, err := crashfs.Mount(dir)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, f.Close()) })
	return f, dir
}

func makeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		path := filepath.Join(dir, name)
		if strings.HasSuffix(name, "/") {
			require.NoError(t, os.Mkdir(path, 0o755))
			continue
		}
		require.NoError(t, os.WriteFile(path, []byte(files[name]), 0o644))
	}
}

// tree describes the files below dir as makeTree takes them; a symlink
// is "-> target".
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	found := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || path == dir {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		switch {
		case d.IsDir():
			found[rel+"/"] = ""
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(path)
			found[rel] = "-> " + target
			return err
		default:
			data, err := os.ReadFile(path)
			found[rel] = string(data)
			return err
		}
		return nil
	})
	require.NoError(t, err)
	return found
}

// cut cuts the power, checks that the directory then holds what Durable
// promised, and serves it again.
func cut(t *testing.T, f *crashfs.FS) crashfs.Stats {
	t.Helper()
	promised, err := f.Durable()
	require.NoError(t, err)
	stats, err := f.Cut()
	require.NoError(t, err)
	left, err := f.Durable()
	require.NoError(t, err)
	require.Equal(t, promised, left, "the directory after the cut against the durable state before it")
	require.NoError(t, f.Remount())
	return stats
}

// writeFile replaces path's content with data, synced or not.
func writeFile(t *testing.T, path, data string, sync bool) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	require.NoError(t, err)
	_, err = f.WriteString(data)
	require.NoError(t, err)
	if sync {
		require.NoError(t, f.Sync())
	}
	require.NoError(t, f.Close())
}

// syncFile fsyncs the file at path.
func syncFile(t *testing.T, path string) {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	require.NoError(t, f.Sync())
	require.NoError(t, f.Close())
}

// syncDir fsyncs the directory at path.
func syncDir(t *testing.T, path string) {
	t.Helper()
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_DIRECTORY, 0)
	require.NoError(t, err)
	require.NoError(t, unix.Fsync(fd))
	require.NoError(t, unix.Close(fd))
}
