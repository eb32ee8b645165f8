package jqueue

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/goluxid/goluxid/ganeti/paths"
	"github.com/goluxid/goluxid/internal/durable"
)

// A job file's parsed job is shared by the queries while the file is
// unchanged; a rewritten file is read again by the next query, whatever
// the job's status.
func TestJobCache(t *testing.T) {
	l := newLayout(t)
	copyGoldenQueue(t, l)
	q, err := Open(l, nil)
	require.NoError(t, err)
	query := func() liveDir {
		dir := q.openLiveDir()
		t.Cleanup(dir.close)
		return dir
	}
	dir := query()

	first, err := q.readLiveForQuery(dir, 2)
	require.NoError(t, err)
	again, err := q.readLiveForQuery(dir, 2)
	require.NoError(t, err)
	assert.Same(t, first.job, again.job, "an unchanged job is parsed once")
	assert.Same(t, first.memo, again.memo, "and keeps what was derived from it")

	data, err := os.ReadFile(l.JobFile(2))
	require.NoError(t, err)
	changed := strings.Replace(string(data), `"result": ["OpExecError", ["boom"]]`, `"result": ["OpExecError", ["BOOM!"]]`, 1)
	require.NotEqual(t, string(data), changed)
	replaceFile(t, l.JobFile(2), []byte(changed))
	dir = query()
	reread, err := q.readLiveForQuery(dir, 2)
	require.NoError(t, err)
	assert.NotSame(t, first.job, reread.job)
	assert.NotSame(t, first.memo, reread.memo, "nothing derived from the old file")
	assert.Contains(t, string(reread.job.Ops[1].Result), "BOOM!")

	running := readGolden(t, "spec-8_4.json")
	replaceFile(t, l.JobFile(26), running)
	dir = query()
	a, err := q.readLiveForQuery(dir, 26)
	require.NoError(t, err)
	b, err := q.readLiveForQuery(dir, 26)
	require.NoError(t, err)
	assert.Same(t, a.job, b.job, "unfinished jobs are cached too")
	assert.Equal(t, StatusRunning, b.job.Status())
	replaceFile(t, l.JobFile(26), readGolden(t, "spec-8_5.json"))
	dir = query()
	c, err := q.readLiveForQuery(dir, 26)
	require.NoError(t, err)
	assert.Equal(t, StatusSuccess, c.job.Status(), "the job's next status is seen at once")

	_, err = q.readLiveForQuery(dir, 99)
	assert.True(t, os.IsNotExist(err))
}

// A settled entry is used on its stamp alone; one that is not is checked
// against the file's bytes.
func TestJobCacheTrustsSettledStampsOnly(t *testing.T) {
	l := newLayout(t)
	copyGoldenQueue(t, l)
	q, err := Open(l, nil)
	require.NoError(t, err)
	dir := q.openLiveDir()
	defer dir.close()

	// Reads an hour before the file was written find it unsettled.
	q.cache.now = func() time.Time { return time.Now().Add(-time.Hour) }
	read, err := q.readLiveForQuery(dir, 2)
	require.NoError(t, err)
	require.False(t, read.settled, "a file just written is not settled")
	// An entry with the file's stamp but other content: a stamp that
	// does not tell versions apart.
	other, err := ParseJob(readGolden(t, "spec-8_5.json"))
	require.NoError(t, err)
	forged := &cachedJob{stamp: read.stamp, data: []byte("other"), job: other, memo: &Memo{}}
	q.cache.store(dir, 2, forged)
	got, err := q.readLiveForQuery(dir, 2)
	require.NoError(t, err)
	assert.Equal(t, read.job, got.job, "an unsettled entry is checked against the file")

	q.cache.now = func() time.Time { return time.Now().Add(SettleTime + time.Second) }
	settled, err := q.readLiveForQuery(dir, 2)
	require.NoError(t, err)
	require.True(t, settled.settled, "read well after its last change")
	assert.Same(t, got.job, settled.job, "same bytes, same parsed job")
	again, err := q.readLiveForQuery(dir, 2)
	require.NoError(t, err)
	assert.Same(t, settled, again, "a settled entry is used without reading the file")
}

func TestSettledAt(t *testing.T) {
	at := time.Unix(1_700_000_000, 0)
	limit := at.Add(-fineSettleTime).UnixNano() // a whole number of seconds
	coarse := at.Add(-coarseSettleTime).UnixNano()
	tests := []struct {
		name         string
		mtime, ctime int64
		want         bool
	}{
		{"fine times, both older", limit - 3, limit - 5, true},
		{"fine times, changed after the limit", limit - 3, limit + 3, false},
		{"fine times, modified after the limit", limit + 3, limit - 3, false},
		{"fine times, changed since", limit - 3, at.UnixNano() - 3, false},
		{"whole seconds, past the fine limit", limit - int64(time.Second), limit - int64(time.Second), false},
		{"whole seconds, at the coarse limit", coarse, coarse, false},
		{"whole seconds, older", coarse - int64(time.Second), coarse - int64(time.Second), true},
		{"one time whole", limit - 3, limit - int64(time.Second), false},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, fileStamp{id: durable.FileID{Mtime: unix.NsecToTimespec(tc.mtime), Ctime: unix.NsecToTimespec(tc.ctime)}}.settledAt(at), tc.name)
	}
}

// Queries follow every change of a job file as the writers make them
// (a new file renamed over the old), whatever its size: each answer is
// the file's content as a fresh parse reads it.
func TestJobCacheFollowsStatusChanges(t *testing.T) {
	clocks := map[string]func() time.Time{
		"real clock": nil,
		// Every read counts as settled: the stamps alone tell versions
		// apart, as they do for files unchanged for SettleTime.
		"settled": func() time.Time { return time.Now().Add(SettleTime + time.Second) },
	}
	for name, clock := range clocks {
		t.Run(name, func(t *testing.T) {
			l := newLayout(t)
			require.NoError(t, os.MkdirAll(l.QueueDir, 0o750))
			q, err := Open(l, nil)
			require.NoError(t, err)
			q.cache.now = clock
			rng := rand.New(rand.NewPCG(1, 2))
			const jobs = 5
			for id := uint64(1); id <= jobs; id++ {
				replaceFile(t, l.JobFile(id), jobFileWithStatus(t, id, StatusQueued, 0))
			}
			for step := range 300 {
				id := 1 + rng.Uint64N(jobs)
				// waiting and running have the same length: some rewrites
				// keep the size.
				status := []Status{StatusQueued, StatusWaiting, StatusRunning, StatusSuccess, StatusError}[rng.IntN(5)]
				replaceFile(t, l.JobFile(id), jobFileWithStatus(t, id, status, rng.IntN(2)))
				requireQueryMatchesFiles(t, q, jobs, step)
			}
		})
	}
}

// jobFileWithStatus is a job file in luxid's form with one opcode of
// status; variant changes the file without changing its size.
func jobFileWithStatus(t *testing.T, id uint64, status Status, variant int) []byte {
	t.Helper()
	job := &Job{ID: id, Ops: []*OpCode{{
		Input:  json.RawMessage(`{"OP_ID":"OP_TEST_DELAY","duration":` + strconv.Itoa(1+variant) + `}`),
		Status: status, Result: json.RawMessage("null"), Log: []json.RawMessage{},
	}}}
	data, err := job.Marshal()
	require.NoError(t, err)
	return data
}

// requireQueryMatchesFiles lists jobs 1..n as a query does and checks
// each against a fresh parse of its file.
func requireQueryMatchesFiles(t *testing.T, q *Queue, n uint64, step int) {
	t.Helper()
	refs := make([]JobRef, n)
	for i := range refs {
		refs[i] = JobRef{ID: uint64(i) + 1, Where: Live}
	}
	require.NoError(t, q.LoadJobs(context.Background(), refs, nil, func(ref JobRef, got *LoadedJob) error {
		data, err := os.ReadFile(q.layout.JobFile(ref.ID))
		require.NoError(t, err)
		want, err := parseJobJSON(data)
		require.NoError(t, err)
		require.Equal(t, want, got.Job, "step %d, job %d", step, ref.ID)
		return nil
	}))
}

// replaceFile writes data as writers of job files do: a new file renamed
// over the old.
func replaceFile(t *testing.T, path string, data []byte) {
	t.Helper()
	tmp := path + ".tmp"
	require.NoError(t, os.WriteFile(tmp, data, 0o600))
	require.NoError(t, os.Rename(tmp, path))
}

func TestArchivedJobsLeaveTheCache(t *testing.T) {
	l := newLayout(t)
	copyGoldenQueue(t, l)
	q, err := Open(l, nil)
	require.NoError(t, err)
	dir := q.openLiveDir()
	defer dir.close()
	_, err = q.readLiveForQuery(dir, 2)
	require.NoError(t, err)
	require.Contains(t, q.cache.jobs, uint64(2))
	assert.Equal(t, int64(1), q.CachedJobs())
	moved, err := q.Archive(2)
	require.NoError(t, err)
	require.True(t, moved)
	assert.NotContains(t, q.cache.jobs, uint64(2), "memory only for jobs still live")
	assert.Zero(t, q.CachedJobs())
}

// A job archived between a query's read of its file and the cache's
// update is not cached: the archive's eviction has already run.
func TestJobArchivedWhileReadIsNotCached(t *testing.T) {
	l := newLayout(t)
	copyGoldenQueue(t, l)
	q, err := Open(l, nil)
	require.NoError(t, err)
	dir := q.openLiveDir()
	defer dir.close()
	data, stamp, err := dir.read(2)
	require.NoError(t, err)
	job, err := ParseJob(data)
	require.NoError(t, err)
	moved, err := q.Archive(2)
	require.NoError(t, err)
	require.True(t, moved)
	q.cache.store(dir, 2, &cachedJob{stamp: stamp, data: data, job: job, memo: &Memo{}})
	assert.Zero(t, q.CachedJobs(), "an archived job is not cached")
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
	var loaded []LoadedJob
	require.NoError(t, q.LoadJobs(context.Background(), refs, nil, func(_ JobRef, j *LoadedJob) error {
		loaded = append(loaded, *j)
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
	viaDir, err := q.readLiveForQuery(dir, 2)
	require.NoError(t, err)
	q.cache.jobs = nil
	viaPath, err := q.readLiveForQuery(fallback, 2)
	require.NoError(t, err)
	assert.Equal(t, viaDir.job, viaPath.job)

	gone := paths.New(t.TempDir() + "/missing")
	q2 := &Queue{layout: gone}
	missing := q2.openLiveDir()
	assert.Equal(t, unix.AT_FDCWD, missing.fd)
	_, err = q2.readLiveForQuery(missing, 2)
	assert.True(t, os.IsNotExist(err))
}

func openDescriptors(t *testing.T) int {
	t.Helper()
	entries, err := os.ReadDir("/proc/self/fd")
	require.NoError(t, err)
	return len(entries)
}

// A reader that finds the same file being read waits for that read and
// takes its entry instead of parsing the file again.
func TestConcurrentReadersParseOnce(t *testing.T) {
	l := newLayout(t)
	copyGoldenQueue(t, l)
	q, err := Open(l, nil)
	require.NoError(t, err)
	q.cache.forget(2)
	q.cache.now = func() time.Time { return time.Now().Add(SettleTime + time.Second) }
	dir := q.openLiveDir()
	defer dir.close()

	require.Nil(t, q.cache.beginRead(2), "no read of job 2 going on")
	got := make(chan *cachedJob)
	go func() {
		entry, err := q.readLiveForQuery(dir, 2)
		assert.NoError(t, err)
		got <- entry
	}()
	select {
	case <-got:
		t.Fatal("the second reader did not wait for the read going on")
	case <-time.After(50 * time.Millisecond):
	}
	first, err := q.readAndCache(dir, 2, nil)
	require.NoError(t, err)
	q.cache.endRead(2)
	assert.Same(t, first, <-got, "the waiting reader takes the entry the first read stored")
}

// A query takes a file another reader read after the query began, such
// as the loading of the queue at start, without looking at the file
// again; a file read before it began must show its stamp unchanged.
func TestQueryTakesFilesReadSinceItBegan(t *testing.T) {
	l := newLayout(t)
	copyGoldenQueue(t, l)
	q, err := Open(l, nil)
	require.NoError(t, err)
	q.cache.forget(2)
	now := time.Now().Add(-time.Hour) // nothing read now is settled
	q.cache.now = func() time.Time { return now }

	query := q.openLiveDir()
	defer query.close()
	now = now.Add(time.Millisecond)
	loading := q.openLiveDir()
	defer loading.close()
	readByLoading, err := q.readLiveForQuery(loading, 2)
	require.NoError(t, err)
	require.False(t, readByLoading.settled)
	got, err := q.readLiveForQuery(query, 2)
	require.NoError(t, err)
	assert.Same(t, readByLoading, got, "read since the query began")

	now = now.Add(time.Millisecond)
	later := q.openLiveDir()
	defer later.close()
	again, err := q.readLiveForQuery(later, 2)
	require.NoError(t, err)
	assert.NotSame(t, readByLoading, again, "read before the query began, unsettled: read again")
	assert.Same(t, readByLoading.job, again.job, "the same bytes, the same parsed job")
}
