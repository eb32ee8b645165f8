package jqueue

import (
	"context"
	"errors"
	"io/fs"
	"runtime"
	"sync"

	"golang.org/x/sys/unix"

	"github.com/goluxid/goluxid/internal/durable"
)

// LoadedJob is a job as a query sees it: its file's content (nil when the
// file is missing or does not parse) and where it was found.
type LoadedJob struct {
	ID       uint64
	Job      *Job
	Archived bool
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
// ctx ends. Live files are read through one descriptor of the queue
// directory, and finished jobs come from a cache while their files are
// unchanged: the jobs handed out are shared and must not be changed.
// Before it returns, the versions of the live files it read are durable
// (see showDurably), so that the query's answer shows nothing a power
// failure can take back.
func (q *Queue) LoadJobs(ctx context.Context, refs []JobRef, emit func(JobRef, *LoadedJob) error) error {
	dir := q.openLiveDir()
	defer dir.close()
	shown := map[string]durable.FileID{}
	load := func(ref JobRef) *LoadedJob { return q.loadRef(dir, ref) }
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

// loadRef reads a job where it was listed; live files are read in dir.
func (q *Queue) loadRef(dir liveDir, ref JobRef) *LoadedJob {
	switch ref.Where {
	case Live:
		return q.loadLive(dir, ref.ID)
	case Archived:
		if job, err := readJobFile(q.layout.ArchivedJobFile(ref.ID)); err == nil {
			return &LoadedJob{ID: ref.ID, Job: job, Archived: true}
		}
		return &LoadedJob{ID: ref.ID}
	}
	return q.loadRequested(dir, ref.ID)
}

// loadLive reads job id's live file in dir; a file that cannot be read or
// parsed gives a job without content.
func (q *Queue) loadLive(dir liveDir, id uint64) *LoadedJob {
	job, file, err := q.readLiveForQuery(dir, id)
	if err != nil {
		return &LoadedJob{ID: id}
	}
	return &LoadedJob{ID: id, Job: job, file: file}
}

// LoadEach reads the live files of ids, several at a time, and hands each
// job (or the error reading it) to f in id order.
func (q *Queue) LoadEach(ctx context.Context, ids []uint64, f func(id uint64, job *Job, err error) error) error {
	type result struct {
		job *Job
		err error
	}
	load := func(id uint64) result {
		job, err := q.ReadJob(id)
		return result{job, err}
	}
	return loadParallel(ctx, ids, load, func(id uint64, r result) error { return f(id, r.job, r.err) })
}

// loadParallel runs load over ids on a few workers, a window at a time so
// that memory stays bounded, and emits the results in order.
func loadParallel[K, T any](ctx context.Context, ids []K, load func(K) T, emit func(K, T) error) error {
	const window = 256
	workers := min(runtime.GOMAXPROCS(0)*2, 16)
	loaded := make([]T, window)
	for start := 0; start < len(ids); start += window {
		batch := ids[start:min(start+window, len(ids))]
		var wg sync.WaitGroup
		next := make(chan int)
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range next {
					loaded[i] = load(batch[i])
				}
			}()
		}
		for i := range batch {
			next <- i
		}
		close(next)
		wg.Wait()
		for i, id := range batch {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := emit(id, loaded[i]); err != nil {
				return err
			}
		}
	}
	return nil
}

// loadRequested reads job id the way queries do, live files in dir: the
// archived copy wins over a live one; a job that cannot be read or parsed
// has no content.
func (q *Queue) loadRequested(dir liveDir, id uint64) *LoadedJob {
	if job, err := readJobFile(q.layout.ArchivedJobFile(id)); err == nil {
		return &LoadedJob{ID: id, Job: job, Archived: true}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return &LoadedJob{ID: id}
	}
	return q.loadLive(dir, id)
}

// ReadJobToShow reads job id's live file for an answer to a client, as
// ReadJob does; once it returns, the version it read is durable (see
// ShowDurably).
func (q *Queue) ReadJobToShow(id uint64) (*Job, error) {
	data, file, err := readVersionAt(unix.AT_FDCWD, q.layout.JobFile(id))
	if err != nil {
		return nil, err
	}
	job, err := ParseJob(data)
	if err != nil {
		return nil, err
	}
	q.showDurably(map[string]durable.FileID{JobFileName(id): file})
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
