package jqueue

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/internal/durable"
)

// recordingSyncer records the queue directory's syncs: which files, what
// the serial file showed and how many job files the directory held at
// each sync of the serial. It fails with EIO the sync of the file (or of
// the temporary file of the file) named failName, and makes the syncs of
// the serial file and of the directory last delay.
type recordingSyncer struct {
	dir      string
	failName string
	delay    time.Duration

	mu           sync.Mutex // guards the fields below
	fileSyncs    []string   // the names synced, temporary files by their target's name
	dirSyncs     int
	serialShown  []string // the serial file's content at each of its syncs
	jobsAtSerial []int    // the job files in the directory at each sync of the serial
}

func (r *recordingSyncer) SyncFile(f *os.File) error {
	name := filepath.Base(f.Name())
	if target, _, temporary := strings.Cut(name, "-"+strconv.Itoa(os.Getpid())+"-"); temporary {
		name = target
	}
	r.mu.Lock()
	r.fileSyncs = append(r.fileSyncs, name)
	r.mu.Unlock()
	if name == r.failName {
		return syscall.EIO
	}
	if name == "serial" {
		r.recordSerial(f.Name())
		time.Sleep(r.delay)
	}
	return f.Sync()
}

func (r *recordingSyncer) SyncDir(dir *os.File) error {
	r.mu.Lock()
	r.dirSyncs++
	r.mu.Unlock()
	time.Sleep(r.delay)
	return dir.Sync()
}

func (r *recordingSyncer) recordSerial(path string) {
	data, err := os.ReadFile(path)
	if err != nil {
		data = []byte(err.Error())
	}
	jobs := 0
	entries, _ := os.ReadDir(r.dir)
	for _, e := range entries {
		if _, ok := ParseJobFileName(e.Name()); ok {
			jobs++
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.serialShown = append(r.serialShown, string(data))
	r.jobsAtSerial = append(r.jobsAtSerial, jobs)
}

// counts returns how many syncs of job files, of the serial file and of
// the directory were made so far.
func (r *recordingSyncer) counts() (jobs, serial, dir int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, name := range r.fileSyncs {
		if name == "serial" {
			serial++
		} else {
			jobs++
		}
	}
	return jobs, serial, r.dirSyncs
}

// newJobs allocates n ids and returns a job of no opcodes for each.
func newJobs(t *testing.T, q *Queue, n int) []*Job {
	t.Helper()
	ids, err := q.AllocateIDs(n)
	require.NoError(t, err)
	jobs := make([]*Job, n)
	for i, id := range ids {
		received := Timestamp{Sec: 1700000000, Usec: int64(i)}
		jobs[i] = &Job{ID: id, Ops: []*OpCode{}, Received: &received}
	}
	return jobs
}

// openRecorded opens a queue in a fresh layout with a recordingSyncer.
func openRecorded(t *testing.T, failName string, delay time.Duration) (*Queue, *recordingSyncer) {
	t.Helper()
	l := newLayout(t)
	rs := &recordingSyncer{dir: l.QueueDir, failName: failName, delay: delay}
	q, err := Open(l, rs)
	require.NoError(t, err)
	return q, rs
}

func TestOpenWritesTheSerialDurably(t *testing.T) {
	_, rs := openRecorded(t, "", 0)
	jobs, serial, dir := rs.counts()
	assert.Equal(t, []int{0, 1, 1}, []int{jobs, serial, dir})
}

// A batch costs one sync per job file, one of the serial, made before any
// job file appeared, and one of the directory.
func TestAddJobsSyncsEachFileTheSerialAndTheDirectoryOnce(t *testing.T) {
	q, rs := openRecorded(t, "", 0)
	_, serialBefore, dirBefore := rs.counts()
	jobs := newJobs(t, q, 100)
	for _, err := range q.AddJobs(jobs) {
		require.NoError(t, err)
	}
	jobSyncs, serial, dir := rs.counts()
	assert.Equal(t, 100, jobSyncs, "one sync per job file")
	assert.Equal(t, 1, serial-serialBefore, "one sync of the serial")
	assert.Equal(t, 1, dir-dirBefore, "one sync of the directory")
	assert.Equal(t, []string{"0\n", "100\n"}, rs.serialShown, "Open's and the batch's: the serial shows every id")
	assert.Equal(t, []int{0, 0}, rs.jobsAtSerial, "the serial was synced before any job file appeared")
	for _, job := range jobs {
		read, err := q.ReadJob(job.ID)
		require.NoError(t, err)
		assert.Equal(t, job.ID, read.ID)
	}
	assert.EqualValues(t, 100, q.LiveCount())
}

// A failed sync in the middle of a batch leaves no job file and no
// temporary file, fails every job of the batch, and the ids stay used.
func TestAddJobsFailedSyncLeavesNoJob(t *testing.T) {
	q, rs := openRecorded(t, "job-50", 0)
	jobs := newJobs(t, q, 100)
	for i, err := range q.AddJobs(jobs) {
		require.Error(t, err)
		if jobs[i].ID == 50 {
			assert.ErrorIs(t, err, syscall.EIO)
		} else {
			assert.ErrorIs(t, err, durable.ErrSyncFailed)
		}
	}
	assert.Equal(t, []string{"archive", "serial"}, dirNames(t, q.layout.QueueDir), "no job file, no temporary file")
	serialFile, err := os.ReadFile(q.layout.SerialFile)
	require.NoError(t, err)
	assert.Equal(t, "100\n", string(serialFile), "the ids stay used")
	assert.Zero(t, q.LiveCount())

	jobSyncs, serial, dir := rs.counts()
	later := newJobs(t, q, 1)
	assert.EqualValues(t, 101, later[0].ID, "no id given out again")
	assert.ErrorIs(t, q.AddJobs(later)[0], durable.ErrSyncFailed, "the queue refuses later jobs")
	after := make([]int, 3)
	after[0], after[1], after[2] = rs.counts()
	assert.Equal(t, []int{jobSyncs, serial, dir}, after, "no sync tried again")
}

func TestAddJobsFailedSerialSyncWritesNoJob(t *testing.T) {
	q, _ := openRecordedAfterOpen(t, "serial")
	jobs := newJobs(t, q, 10)
	for _, err := range q.AddJobs(jobs) {
		assert.ErrorIs(t, err, ErrSerial)
		assert.ErrorIs(t, err, syscall.EIO)
	}
	assert.Equal(t, []string{"archive", "serial"}, dirNames(t, q.layout.QueueDir))
}

// openRecordedAfterOpen is openRecorded whose failName fails only the
// syncs after Open.
func openRecordedAfterOpen(t *testing.T, failName string) (*Queue, *recordingSyncer) {
	t.Helper()
	q, rs := openRecorded(t, "", 0)
	rs.failName = failName
	return q, rs
}

func TestAddJobsRefusesUnallocatedIDs(t *testing.T) {
	q, rs := openRecorded(t, "", 0)
	jobs := newJobs(t, q, 1)
	jobs = append(jobs, &Job{ID: 2, Ops: []*OpCode{}})
	errs := q.AddJobs(jobs)
	assert.NoError(t, errs[0])
	assert.ErrorContains(t, errs[1], "job 2 was never allocated")
	assert.Equal(t, []string{"archive", "job-1", "serial"}, dirNames(t, q.layout.QueueDir))
	jobSyncs, _, _ := rs.counts()
	assert.Equal(t, 1, jobSyncs)
}

// Single jobs added at the same time share syncs of the serial and of the
// directory.
func TestConcurrentAddJobSharesSyncs(t *testing.T) {
	const writers = 16
	q, rs := openRecorded(t, "", 5*time.Millisecond)
	_, serialBefore, dirBefore := rs.counts()
	var wg sync.WaitGroup
	for range writers {
		wg.Go(func() {
			ids, err := q.AllocateIDs(1)
			if assert.NoError(t, err) {
				assert.NoError(t, q.AddJob(&Job{ID: ids[0], Ops: []*OpCode{}}))
			}
		})
	}
	wg.Wait()
	jobSyncs, serial, dir := rs.counts()
	assert.Equal(t, writers, jobSyncs)
	assert.Less(t, serial-serialBefore, writers/2, "serial syncs are shared")
	assert.Less(t, dir-dirBefore, writers/2, "directory syncs are shared")
	assert.Len(t, dirNames(t, q.layout.QueueDir), writers+2)
	t.Logf("%d jobs: %d serial syncs, %d directory syncs", writers, serial-serialBefore, dir-dirBefore)
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	names := make([]string, len(entries))
	for i, e := range entries {
		names[i] = e.Name()
	}
	return names
}
