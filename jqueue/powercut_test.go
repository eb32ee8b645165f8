package jqueue

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/ganeti/paths"
	"github.com/goluxid/goluxid/internal/testkit/crashfs"
)

// These tests cut the power under the queue (package crashfs keeps only
// what fsyncs made durable) where a write of the queue once lost what it
// had told.

// crashQueue lays out an empty queue on a crash-simulating file system.
// t runs in a private mount namespace.
func crashQueue(t *testing.T) (*crashfs.FS, *paths.Layout) {
	t.Helper()
	crashfs.RequireFuse(t)
	l := paths.New(crashfs.Tmpfs(t))
	require.NoError(t, os.MkdirAll(l.ArchiveDir, 0o750))
	f, err := crashfs.Mount(l.DataDir)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, f.Close()) })
	return f, l
}

// cutPower cuts the power and serves what survived again.
func cutPower(t *testing.T, f *crashfs.FS) {
	t.Helper()
	_, err := f.Cut()
	require.NoError(t, err)
	require.NoError(t, f.Remount())
}

// oneOpJob is job id with one opcode of status st.
func oneOpJob(id uint64, st Status) *Job {
	return &Job{ID: id, Ops: []*OpCode{{Input: json.RawMessage(`{"OP_ID":"OP_TEST_DELAY"}`), Status: st}}}
}

// addNewJob allocates an id and adds a one-opcode job of status st under
// it, as a submission does; it returns the id.
func addNewJob(t *testing.T, q *Queue, st Status) uint64 {
	t.Helper()
	ids, err := q.AllocateIDs(1)
	require.NoError(t, err)
	require.NoError(t, q.AddJob(oneOpJob(ids[0], st)))
	return ids[0]
}

// writeAsJobProcess writes job's file the way Ganeti's job process does:
// temporary file, fsync, rename, and no sync of the directory.
func writeAsJobProcess(t *testing.T, l *paths.Layout, job *Job) {
	t.Helper()
	data, err := job.Marshal()
	require.NoError(t, err)
	tmp := l.JobFile(job.ID) + "abc.new"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	require.NoError(t, err)
	_, err = f.Write(append(data, '\n'))
	require.NoError(t, err)
	require.NoError(t, f.Sync())
	require.NoError(t, f.Close())
	require.NoError(t, os.Rename(tmp, l.JobFile(job.ID)))
}

// fileStatus is the status job id's file shows, live or archived.
func fileStatus(t *testing.T, q *Queue, id uint64) Status {
	t.Helper()
	job, _, err := q.ReadJobAnywhere(id)
	require.NoError(t, err)
	return job.Status()
}

// The serial file Open writes comes back whole, with the queue's
// directory synced by a later write: a queue whose serial came back empty
// could not be opened.
func TestSerialSurvivesPowerCut(t *testing.T) {
	if !crashfs.InPrivateNamespace(t) {
		return
	}
	f, l := crashQueue(t)
	q, err := Open(l, nil)
	require.NoError(t, err)
	ids, err := q.AllocateIDs(1)
	require.NoError(t, err)
	require.NoError(t, q.AddJob(oneOpJob(ids[0], StatusQueued)))

	cutPower(t, f)
	q, err = Open(l, nil)
	require.NoError(t, err)
	next, err := q.AllocateIDs(1)
	require.NoError(t, err)
	assert.Greater(t, next[0], ids[0])
}

// A starting job's file, rewritten without a directory sync, is whole
// after a cut once another write synced the directory.
func TestStartingJobFileSurvivesPowerCut(t *testing.T) {
	if !crashfs.InPrivateNamespace(t) {
		return
	}
	f, l := crashQueue(t)
	q, err := Open(l, nil)
	require.NoError(t, err)
	first := addNewJob(t, q, StatusQueued)
	starting := oneOpJob(first, StatusQueued)
	livelock := "/var/run/ganeti/livelocks/luxid"
	starting.Livelock = &livelock
	require.NoError(t, q.WriteJobNoDirSync(starting))
	second := addNewJob(t, q, StatusQueued)

	cutPower(t, f)
	for _, id := range []uint64{first, second} {
		job, err := q.ReadJob(id)
		require.NoError(t, err, "job %d", id)
		assert.Equal(t, id, job.ID)
	}
}

// A job archived into an archive directory made for it is archived after
// a cut.
func TestArchiveIntoNewDirectorySurvivesPowerCut(t *testing.T) {
	if !crashfs.InPrivateNamespace(t) {
		return
	}
	f, l := crashQueue(t)
	q, err := Open(l, nil)
	require.NoError(t, err)
	id := addNewJob(t, q, StatusSuccess)
	moved, err := q.Archive(id)
	require.NoError(t, err)
	require.True(t, moved)

	cutPower(t, f)
	_, archived, err := q.ReadJobAnywhere(id)
	require.NoError(t, err)
	assert.True(t, archived)
}

// A status a job process wrote survives a cut once a query or a wait
// showed it.
func TestShownStatusSurvivesPowerCut(t *testing.T) {
	shows := []struct {
		name string
		show func(t *testing.T, q *Queue, id uint64) Status
	}{
		{"WaitForJobChange", func(t *testing.T, q *Queue, id uint64) Status {
			job, err := q.ReadJobToShow(id)
			require.NoError(t, err)
			return job.Status()
		}},
		{"query by id", func(t *testing.T, q *Queue, id uint64) Status {
			return loadOne(t, q, JobRef{ID: id, Where: Requested})
		}},
		{"query of the live queue", func(t *testing.T, q *Queue, id uint64) Status {
			return loadOne(t, q, JobRef{ID: id, Where: Live})
		}},
	}
	for _, tc := range shows {
		t.Run(tc.name, func(t *testing.T) {
			if !crashfs.InPrivateNamespace(t) {
				return
			}
			f, l := crashQueue(t)
			q, err := Open(l, nil)
			require.NoError(t, err)
			id := addNewJob(t, q, StatusQueued)
			writeAsJobProcess(t, l, oneOpJob(id, StatusRunning))
			require.Equal(t, StatusRunning, tc.show(t, q, id))
			writeAsJobProcess(t, l, oneOpJob(id, StatusSuccess))
			require.Equal(t, StatusSuccess, tc.show(t, q, id))
			require.Equal(t, StatusSuccess, tc.show(t, q, id), "from the cache")

			cutPower(t, f)
			assert.Equal(t, StatusSuccess, fileStatus(t, q, id))
		})
	}
}

// loadOne loads one job the way queries do and returns its status.
func loadOne(t *testing.T, q *Queue, ref JobRef) Status {
	t.Helper()
	var got *Job
	require.NoError(t, q.LoadJobs(context.Background(), []JobRef{ref}, nil, func(_ JobRef, j *LoadedJob) error {
		got = j.Job
		return nil
	}))
	require.NotNil(t, got)
	return got.Status()
}

// Open finishes an archive move a crash cut between its two directory
// syncs, which leaves the job under both names; a live file that differs
// from the archived one stays.
func TestOpenFinishesInterruptedArchiveMoves(t *testing.T) {
	l := newLayout(t)
	for id, live := range map[uint64]*Job{1: oneOpJob(1, StatusSuccess), 2: oneOpJob(2, StatusError)} {
		data, err := oneOpJob(id, StatusSuccess).Marshal()
		require.NoError(t, err)
		require.NoError(t, os.MkdirAll(filepath.Dir(l.ArchivedJobFile(id)), 0o750))
		require.NoError(t, os.WriteFile(l.ArchivedJobFile(id), data, 0o600))
		data, err = live.Marshal()
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(l.JobFile(id), data, 0o600))
	}

	q, err := Open(l, nil)
	require.NoError(t, err)
	assert.NoFileExists(t, l.JobFile(1))
	assert.FileExists(t, l.ArchivedJobFile(1))
	assert.FileExists(t, l.JobFile(2), "a live file unlike the archived one")
	assert.EqualValues(t, 1, q.LiveCount())
}
