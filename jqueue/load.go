package jqueue

import (
	"context"
	"errors"
	"io/fs"
	"runtime"
	"sync"
	"sync/atomic"

	"golang.org/x/sys/unix"

	"github.com/goluxid/goluxid/internal/durable"
)

// LoadedJob is a job as a query sees it: its file's content (nil when the
// file is missing or does not parse) and where it was found.
type LoadedJob struct {
	ID       uint64
	Job      *Job
	Archived bool
	// Memo keeps values derived from Job for every query that reads the
	// same parsed file.
	Memo *Memo
	// file is the version of the live file Job was read from, zero for
	// an archived one.
	file durable.FileID
}

// JobRef names a job a query runs over and where its file was seen.
type JobRef struct {
	ID    uint64
	Where Location
}

// Location is where a job's file was listed.
type Location uint8

// Locations of a job file.
const (
	// Requested jobs were named by the query: the archived copy wins over a
	// live one, as in the real luxid.
	Requested Location = iota
	Live
	Archived
)

// LoadJobs reads the files of refs for a query, several at a time, and
// hands each job to emit in order, stopping at emit's first error or when
// ctx ends. prepare, if not nil, runs on each job on the goroutines that
// read the files, as soon as it is read: for work on the jobs that emit,
// which runs on one goroutine, would otherwise do. The job handed to emit
// is valid until emit returns; every job has a Memo. Live files are read
// through one descriptor of the queue directory, and their jobs come from
// a cache while the files are unchanged: the jobs are shared and must not
// be changed. Before it returns, the versions of the live files it read
// are durable (see showDurably), so that the query's answer shows nothing
// a power failure can take back.
func (q *Queue) LoadJobs(ctx context.Context, refs []JobRef, prepare func(*LoadedJob), emit func(JobRef, *LoadedJob) error) error {
	dir := q.openLiveDir()
	defer dir.close()
	load := func(ref JobRef, out *LoadedJob) {
		q.loadRef(dir, ref, out)
		if prepare != nil {
			prepare(out)
		}
	}
	shown := map[string]durable.FileID{}
	err := loadParallel(ctx, refs, load, func(ref JobRef, j *LoadedJob) error {
		if j.Job != nil && !j.Archived {
			shown[JobFileName(j.ID)] = j.file
		}
		return emit(ref, j)
	})
	if err != nil {
		return err
	}
	q.showDurably(shown)
	return nil
}

// loadRef reads a job where it was listed into out; live files are read
// in dir.
func (q *Queue) loadRef(dir liveDir, ref JobRef, out *LoadedJob) {
	*out = LoadedJob{ID: ref.ID, Memo: &Memo{}}
	switch ref.Where {
	case Live:
		q.loadLive(dir, out)
	case Archived:
		if job, err := readJobFile(q.layout.ArchivedJobFile(ref.ID)); err == nil {
			out.Job, out.Archived = job, true
		}
	default:
		q.loadRequested(dir, out)
	}
}

// loadLive reads out.ID's live file in dir into out; a file that cannot
// be read or parsed leaves out without content.
func (q *Queue) loadLive(dir liveDir, out *LoadedJob) {
	if c, err := q.readLiveForQuery(dir, out.ID); err == nil {
		out.Job, out.Memo, out.file = c.job, c.memo, c.stamp.fileID()
	}
}

// LoadEach reads the live files of ids, several at a time, and hands each
// job (or the error reading it) to f in id order. The jobs are those of
// the queries' cache, which they fill: they are shared and must not be
// changed.
func (q *Queue) LoadEach(ctx context.Context, ids []uint64, f func(id uint64, job *Job, err error) error) error {
	type result struct {
		job *Job
		err error
	}
	dir := q.openLiveDir()
	defer dir.close()
	load := func(id uint64, out *result) {
		c, err := q.readLiveForQuery(dir, id)
		if err != nil {
			*out = result{err: err}
			return
		}
		*out = result{job: c.job}
	}
	return loadParallel(ctx, ids, load, func(id uint64, r *result) error { return f(id, r.job, r.err) })
}

// loadWindow is how many files loadParallel reads ahead of what it
// emitted, at most: the memory of a load stays bounded.
const loadWindow = 256

// loadParallel runs load over ids on a few workers, a window of ids at a
// time, and emits the results in order: each window is emitted while the
// next one loads. A result handed to emit is valid until emit returns.
func loadParallel[K, T any](ctx context.Context, ids []K, load func(K, *T), emit func(K, *T) error) error {
	windows := (len(ids) + loadWindow - 1) / loadWindow
	var bufs [2][]T
	for i := range bufs {
		bufs[i] = make([]T, min(loadWindow, len(ids)))
	}
	window := func(w int) ([]K, []T) {
		keys := ids[w*loadWindow : min((w+1)*loadWindow, len(ids))]
		return keys, bufs[w%2][:len(keys)]
	}
	var loading sync.WaitGroup
	defer loading.Wait()
	if windows > 0 {
		keys, out := window(0)
		loadAll(&loading, keys, out, load)
	}
	for w := range windows {
		loading.Wait()
		if w+1 < windows {
			keys, out := window(w + 1)
			loadAll(&loading, keys, out, load)
		}
		keys, out := window(w)
		for i, k := range keys {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := emit(k, &out[i]); err != nil {
				return err
			}
		}
	}
	return nil
}

// loadAll starts the workers that load keys into out, counted by wg.
func loadAll[K, T any](wg *sync.WaitGroup, keys []K, out []T, load func(K, *T)) {
	var next atomic.Int64
	for range min(runtime.GOMAXPROCS(0)*2, 16, len(keys)) {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(keys) {
					return
				}
				load(keys[i], &out[i])
			}
		})
	}
}

// loadRequested reads out.ID into out the way queries of named jobs do,
// live files in dir: the archived copy wins over a live one; a job that
// cannot be read or parsed has no content.
func (q *Queue) loadRequested(dir liveDir, out *LoadedJob) {
	if job, err := readJobFile(q.layout.ArchivedJobFile(out.ID)); err == nil {
		out.Job, out.Archived = job, true
		return
	} else if !errors.Is(err, fs.ErrNotExist) {
		return
	}
	q.loadLive(dir, out)
}

// ReadJobToShow reads job id's live file for an answer to a client, as
// ReadJob does; once it returns, the version it read is durable (see
// showDurably).
func (q *Queue) ReadJobToShow(id uint64) (*Job, error) {
	data, stamp, err := readJobFileAt(unix.AT_FDCWD, q.layout.JobFile(id))
	if err != nil {
		return nil, err
	}
	job, err := parseOwnedJob(data)
	if err != nil {
		return nil, err
	}
	q.showDurably(map[string]durable.FileID{JobFileName(id): stamp.fileID()})
	return job, nil
}

// showDurably makes the versions of live job files read for an answer
// durable before the answer goes out: job processes rename their files
// into the queue without syncing it, and a status a client was shown must
// survive a power failure. It costs a sync of the queue directory, shared
// with concurrent callers, unless one already covered every version.
// After a failed sync nothing can be made durable, and writes are refused
// until restart; queries answer all the same, so the error is dropped.
func (q *Queue) showDurably(shown map[string]durable.FileID) {
	_ = q.live.EnsureDurable(shown)
}
