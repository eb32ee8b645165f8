package jqueue

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/goluxid/goluxid/ganeti/paths"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// Finished jobs are read once; a rewritten file is read again; unfinished
// jobs are never cached.
func TestFinishedCache(t *testing.T) {
	l := newLayout(t)
	copyGoldenQueue(t, l)
	q, err := Open(l, nil)
	require.NoError(t, err)
	dir := q.openLiveDir()
	defer dir.close()

	first, _, err := q.readLiveForQuery(dir, 2)
	require.NoError(t, err)
	again, _, err := q.readLiveForQuery(dir, 2)
	require.NoError(t, err)
	assert.Same(t, first, again, "an unchanged finished job comes from the cache")

	data, err := os.ReadFile(l.JobFile(2))
	require.NoError(t, err)
	changed := strings.Replace(string(data), `"result": ["OpExecError", ["boom"]]`, `"result": ["OpExecError", ["BOOM!"]]`, 1)
	require.NotEqual(t, string(data), changed)
	tmp := l.JobFile(2) + ".new"
	require.NoError(t, os.WriteFile(tmp, []byte(changed), 0o600))
	require.NoError(t, os.Rename(tmp, l.JobFile(2)))
	reread, _, err := q.readLiveForQuery(dir, 2)
	require.NoError(t, err)
	assert.NotSame(t, first, reread)
	assert.Contains(t, string(reread.Ops[1].Result), "BOOM!")

	running, err := os.ReadFile("testdata/golden/spec-8_4.json")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(l.JobFile(26), running, 0o600))
	a, _, err := q.readLiveForQuery(dir, 26)
	require.NoError(t, err)
	b, _, err := q.readLiveForQuery(dir, 26)
	require.NoError(t, err)
	assert.NotSame(t, a, b, "unfinished jobs are read every time")

	_, _, err = q.readLiveForQuery(dir, 99)
	assert.True(t, os.IsNotExist(err))
}

func TestArchivedJobsLeaveTheCache(t *testing.T) {
	l := newLayout(t)
	copyGoldenQueue(t, l)
	q, err := Open(l, nil)
	require.NoError(t, err)
	dir := q.openLiveDir()
	defer dir.close()
	_, _, err = q.readLiveForQuery(dir, 2)
	require.NoError(t, err)
	require.Contains(t, q.cache.jobs, uint64(2))
	moved, err := q.Archive(2)
	require.NoError(t, err)
	require.True(t, moved)
	assert.NotContains(t, q.cache.jobs, uint64(2), "memory only for jobs still live")
}

// The queue holds no descriptor of its own: a query opens the live
// directory for its reads and closes it again.
func TestQueriesHoldNoDescriptor(t *testing.T) {
	l := newLayout(t)
	copyGoldenQueue(t, l)
	before := openDescriptors(t)
	q, err := Open(l, nil)
	require.NoError(t, err)
	assert.Equal(t, before, openDescriptors(t), "after Open")
	ids, err := q.LiveJobIDs()
	require.NoError(t, err)
	refs := make([]JobRef, len(ids))
	for i, id := range ids {
		refs[i] = JobRef{ID: id, Where: Live}
	}
	var loaded []*LoadedJob
	require.NoError(t, q.LoadJobs(context.Background(), refs, func(_ JobRef, j *LoadedJob) error {
		loaded = append(loaded, j)
		return nil
	}))
	require.NotEmpty(t, loaded)
	assert.Equal(t, before, openDescriptors(t), "after a query")
}

// A live directory that cannot be opened is read by full paths, which
// report the error per file.
func TestLiveDirFallsBackToPaths(t *testing.T) {
	l := newLayout(t)
	copyGoldenQueue(t, l)
	q, err := Open(l, nil)
	require.NoError(t, err)
	dir := q.openLiveDir()
	defer dir.close()
	fallback := liveDir{fd: unix.AT_FDCWD, prefix: l.QueueDir + "/"}
	viaDir, _, err := q.readLiveForQuery(dir, 2)
	require.NoError(t, err)
	q.cache.jobs = nil
	viaPath, _, err := q.readLiveForQuery(fallback, 2)
	require.NoError(t, err)
	assert.Equal(t, viaDir, viaPath)

	gone := paths.New(t.TempDir() + "/missing")
	q2 := &Queue{layout: gone}
	missing := q2.openLiveDir()
	assert.Equal(t, unix.AT_FDCWD, missing.fd)
	_, _, err = q2.readLiveForQuery(missing, 2)
	assert.True(t, os.IsNotExist(err))
}

func openDescriptors(t *testing.T) int {
	t.Helper()
	entries, err := os.ReadDir("/proc/self/fd")
	require.NoError(t, err)
	return len(entries)
}
