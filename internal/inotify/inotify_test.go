package inotify

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func woken(s *Sub) bool {
	select {
	case <-s.C:
		return true
	case <-time.After(2 * time.Second):
		return false
	}
}

func notWoken(s *Sub) bool {
	select {
	case <-s.C:
		return false
	case <-time.After(50 * time.Millisecond):
		return true
	}
}

func TestSubscribersSeeTheirFile(t *testing.T) {
	dir := t.TempDir()
	w, err := New()
	require.NoError(t, err)
	defer w.Close()
	job1, err := w.Subscribe(dir, "job-1")
	require.NoError(t, err)
	job2, err := w.Subscribe(dir, "job-2")
	require.NoError(t, err)
	any, err := w.Subscribe(dir, "")
	require.NoError(t, err)

	// Replace by rename, the way every Ganeti writer does it.
	tmp := filepath.Join(dir, "job-1.tmp")
	require.NoError(t, os.WriteFile(tmp, []byte("x"), 0o600))
	require.NoError(t, os.Rename(tmp, filepath.Join(dir, "job-1")))
	assert.True(t, woken(job1))
	assert.True(t, woken(any))
	assert.True(t, notWoken(job2))

	// Written in place.
	require.NoError(t, os.WriteFile(filepath.Join(dir, "job-2"), []byte("y"), 0o600))
	assert.True(t, woken(job2))

	job1.Close()
	require.NoError(t, os.Remove(filepath.Join(dir, "job-1")))
	assert.True(t, notWoken(job1), "closed subscription stays quiet")
}

func TestProcessExitClosesWatchedFile(t *testing.T) {
	dir := t.TempDir()
	w, err := New()
	require.NoError(t, err)
	defer w.Close()
	sub, err := w.Subscribe(dir, "livelock")
	require.NoError(t, err)
	f, err := os.Create(filepath.Join(dir, "livelock"))
	require.NoError(t, err)
	<-sub.C // creation
	require.NoError(t, f.Close())
	assert.True(t, woken(sub), "closing a file opened for writing wakes its watchers")
}

// One instance serves a thousand waiters; each gets its wake-up.
func TestThousandSubscribersOneInstance(t *testing.T) {
	dir := t.TempDir()
	w, err := New()
	require.NoError(t, err)
	defer w.Close()
	subs := make([]*Sub, 1000)
	for i := range subs {
		subs[i], err = w.Subscribe(dir, "job-"+strconv.Itoa(i%10))
		require.NoError(t, err)
	}
	for i := range 10 {
		require.NoError(t, os.WriteFile(filepath.Join(dir, "job-"+strconv.Itoa(i)), nil, 0o600))
	}
	for i, s := range subs {
		require.True(t, woken(s), "subscriber %d", i)
	}
	assert.Len(t, w.dirs, 1)
}

func TestCloseEndsReader(t *testing.T) {
	w, err := New()
	require.NoError(t, err)
	require.NoError(t, w.Close())
	_, err = w.Subscribe(t.TempDir(), "x")
	assert.ErrorIs(t, err, ErrClosed)
	assert.NoError(t, w.Close(), "idempotent")
}

func TestSubscribeDirsWakesOnAnyOfThem(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	w, err := New()
	require.NoError(t, err)
	defer w.Close()
	tree, err := w.SubscribeDirs([]string{a, b})
	require.NoError(t, err)
	onlyA, err := w.Subscribe(a, "")
	require.NoError(t, err)

	require.NoError(t, os.WriteFile(filepath.Join(b, "module.py"), []byte("x"), 0o600))
	assert.True(t, woken(tree))
	assert.True(t, notWoken(onlyA))
	require.NoError(t, os.WriteFile(filepath.Join(a, "module.py"), []byte("x"), 0o600))
	assert.True(t, woken(tree))
	assert.True(t, woken(onlyA))

	tree.Close()
	notWoken(tree) // a wake-up pending from before Close
	require.NoError(t, os.Remove(filepath.Join(b, "module.py")))
	assert.True(t, notWoken(tree), "closed subscription stays quiet")
}

func TestSubscribeDirsFailsWhole(t *testing.T) {
	a := t.TempDir()
	w, err := New()
	require.NoError(t, err)
	defer w.Close()
	_, err = w.SubscribeDirs([]string{a, filepath.Join(a, "missing")})
	require.Error(t, err)
	later, err := w.Subscribe(a, "")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(a, "f"), nil, 0o600))
	assert.True(t, woken(later))
	w.mu.Lock()
	defer w.mu.Unlock()
	assert.Len(t, w.dirs[a].all, 1, "the failed subscription left nothing behind")
}
