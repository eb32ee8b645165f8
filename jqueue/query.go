package jqueue

import (
	"cmp"
	"context"
	"errors"
	"io/fs"
	"runtime"
	"slices"
	"sync"

	"github.com/goluxid/goluxid/query"
)

// JobResource is the query resource over the queue's jobs. Only the id
// comes without reading the job file; every other field is "live" data
// read from the file, as in the real luxid.
func (q *Queue) JobResource(getters map[string]FieldGetter) *query.Resource[JobRef, *LoadedJob] {
	return &query.Resource[JobRef, *LoadedJob]{
		Table:     jobTable(getters),
		NameField: "id",
		Select:    q.selectJobs,
		Live:      q.loadJobs,
	}
}

// jobTable builds the field table from Ganeti's job field definitions.
func jobTable(getters map[string]FieldGetter) *query.Table[JobRef, *LoadedJob] {
	var fields []query.Field[JobRef, *LoadedJob]
	for _, def := range query.JobFields() {
		f := query.Field[JobRef, *LoadedJob]{FieldDefinition: def, Mode: query.JobFieldMode(def.Name)}
		if def.Name == "id" {
			f.Get = func(ref JobRef) query.Cell { return query.Normal(ref.ID) }
		} else {
			get := getters[def.Name]
			f.GetLive = func(_ JobRef, j *LoadedJob) query.Cell {
				if j == nil {
					return query.Status(query.RSUnavail)
				}
				if v, ok := get(j); ok {
					return query.Normal(v)
				}
				return query.Status(query.RSUnavail)
			}
		}
		fields = append(fields, f)
	}
	return query.NewTable(fields...)
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

// selectJobs returns the requested ids (deduplicated, in request order), or
// every live job, plus every archived one when the field "archived" is
// requested, in id order (a job both live and archived is listed twice, as
// the real luxid lists it).
func (q *Queue) selectJobs(_ context.Context, names []query.Value, fields []string) ([]JobRef, error) {
	if names != nil {
		ids, err := query.JobIDs(names)
		if err != nil {
			return nil, err
		}
		return refs(ids, Requested), nil
	}
	ids, err := q.LiveJobIDs()
	if err != nil {
		return nil, err
	}
	out := refs(ids, Live)
	if slices.Contains(fields, "archived") {
		archived, err := q.ArchivedJobIDs()
		if err != nil {
			return nil, err
		}
		out = append(out, refs(archived, Archived)...)
		slices.SortStableFunc(out, func(a, b JobRef) int { return cmp.Compare(a.ID, b.ID) })
	}
	return out, nil
}

func refs(ids []uint64, where Location) []JobRef {
	out := make([]JobRef, len(ids))
	for i, id := range ids {
		out[i] = JobRef{ID: id, Where: where}
	}
	return out
}

// loadJobs reads the jobs' files for a query and emits them in order.
func (q *Queue) loadJobs(ctx context.Context, refs []JobRef, _ []string, emit func(JobRef, *LoadedJob) error) error {
	dir := q.openLiveDir()
	defer dir.close()
	return loadParallel(ctx, refs, func(ref JobRef) *LoadedJob { return q.loadRef(dir, ref) }, emit)
}

// loadRef reads a job where it was listed; live files are read in dir.
func (q *Queue) loadRef(dir liveDir, ref JobRef) *LoadedJob {
	switch ref.Where {
	case Live:
		if job, err := q.readLiveForQuery(dir, ref.ID); err == nil {
			return &LoadedJob{ID: ref.ID, Job: job}
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
