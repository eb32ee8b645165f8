package jqueue

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Finished jobs are read once; a rewritten file is read again; unfinished
// jobs are never cached.
func TestFinishedCache(t *testing.T) {
	l := newLayout(t)
	copyGoldenQueue(t, l)
	q, err := Open(l, nil)
	require.NoError(t, err)
	defer q.Close()

	first, err := q.readLiveForQuery(2)
	require.NoError(t, err)
	again, err := q.readLiveForQuery(2)
	require.NoError(t, err)
	assert.Same(t, first, again, "an unchanged finished job comes from the cache")

	data, err := os.ReadFile(l.JobFile(2))
	require.NoError(t, err)
	changed := strings.Replace(string(data), `"result": ["OpExecError", ["boom"]]`, `"result": ["OpExecError", ["BOOM!"]]`, 1)
	require.NotEqual(t, string(data), changed)
	tmp := l.JobFile(2) + ".new"
	require.NoError(t, os.WriteFile(tmp, []byte(changed), 0o600))
	require.NoError(t, os.Rename(tmp, l.JobFile(2)))
	reread, err := q.readLiveForQuery(2)
	require.NoError(t, err)
	assert.NotSame(t, first, reread)
	assert.Contains(t, string(reread.Ops[1].Result), "BOOM!")

	running, err := os.ReadFile("testdata/golden/spec-8_4.json")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(l.JobFile(26), running, 0o600))
	a, err := q.readLiveForQuery(26)
	require.NoError(t, err)
	b, err := q.readLiveForQuery(26)
	require.NoError(t, err)
	assert.NotSame(t, a, b, "unfinished jobs are read every time")

	_, err = q.readLiveForQuery(99)
	assert.True(t, os.IsNotExist(err))
}

func TestArchivedJobsLeaveTheCache(t *testing.T) {
	l := newLayout(t)
	copyGoldenQueue(t, l)
	q, err := Open(l, nil)
	require.NoError(t, err)
	defer q.Close()
	_, err = q.readLiveForQuery(2)
	require.NoError(t, err)
	require.Contains(t, q.cache.jobs, uint64(2))
	moved, err := q.Archive(2)
	require.NoError(t, err)
	require.True(t, moved)
	assert.NotContains(t, q.cache.jobs, uint64(2), "memory only for jobs still live")
}
