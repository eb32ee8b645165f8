package jqueue

import (
	"context"
	"errors"
	"io/fs"
	"runtime"
	"sync"
)

// LoadedJob is a job as a query sees it: its file's content (nil when the
// file is missing or does not parse) and where it was found.
type LoadedJob struct {
	ID       uint64
	Job      *Job
	Archived bool
	// Memo keeps values derived from Job for every query that reads the
	// same parsed file; nil when the job was read for this query alone.
	Memo *Memo
}

// Memo keeps values derived from one parsed job file, each computed once:
// for values that cost more to derive than to keep, such as those that
// parse the opcodes.
type Memo struct {
	mu     sync.Mutex // guards values
	values []memoValue
}

type memoValue struct{ key, value any }

// Value returns the value derived under key, from compute on first use;
// a nil Memo computes it every time. compute must depend on the job's
// content and key only.
func (m *Memo) Value(key any, compute func() any) any {
	if m == nil {
		return compute()
	}
	if v, ok := m.find(key); ok {
		return v
	}
	v := compute()
	m.mu.Lock()
	defer m.mu.Unlock()
	if found, ok := m.findLocked(key); ok {
		return found
	}
	m.values = append(m.values, memoValue{key, v})
	return v
}

func (m *Memo) find(key any) (any, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.findLocked(key)
}

func (m *Memo) findLocked(key any) (any, bool) {
	for _, kv := range m.values {
		if kv.key == key {
			return kv.value, true
		}
	}
	return nil, false
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
// directory, and their jobs come from a cache while the files are
// unchanged: the jobs handed out are shared and must not be changed.
func (q *Queue) LoadJobs(ctx context.Context, refs []JobRef, emit func(JobRef, *LoadedJob) error) error {
	dir := q.openLiveDir()
	defer dir.close()
	return loadParallel(ctx, refs, func(ref JobRef) *LoadedJob { return q.loadRef(dir, ref) }, emit)
}

// loadRef reads a job where it was listed; live files are read in dir.
func (q *Queue) loadRef(dir liveDir, ref JobRef) *LoadedJob {
	switch ref.Where {
	case Live:
		if c, err := q.readLiveForQuery(dir, ref.ID); err == nil {
			return &LoadedJob{ID: ref.ID, Job: c.job, Memo: c.memo}
		}
		return &LoadedJob{ID: ref.ID}
	case Archived:
		if job, err := readJobFile(q.layout.ArchivedJobFile(ref.ID)); err == nil {
			return &LoadedJob{ID: ref.ID, Job: job, Archived: true}
		}
		return &LoadedJob{ID: ref.ID}
	}
	return q.LoadForQuery(ref.ID)
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
	load := func(id uint64) result {
		c, err := q.readLiveForQuery(dir, id)
		if err != nil {
			return result{err: err}
		}
		return result{job: c.job}
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

// LoadForQuery reads job id the way queries do: the archived copy wins
// over a live one; a job that cannot be read or parsed has no content.
func (q *Queue) LoadForQuery(id uint64) *LoadedJob {
	if job, err := readJobFile(q.layout.ArchivedJobFile(id)); err == nil {
		return &LoadedJob{ID: id, Job: job, Archived: true}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return &LoadedJob{ID: id}
	}
	job, err := q.ReadJob(id)
	if err != nil {
		return &LoadedJob{ID: id}
	}
	return &LoadedJob{ID: id, Job: job}
}
