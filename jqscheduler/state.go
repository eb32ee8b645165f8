package jqscheduler

import (
	"cmp"
	"slices"
)

// State is the scheduler's queue (see the package doc). It is a plain
// value: the daemon guards it with its lock, and nothing here blocks or
// does I/O. The zero State is an empty queue.
type State struct {
	enqueued    []*Job // sorted by id
	running     []*Job // in start order
	manipulated []*Job
}

// Counts returns the number of queued, running and manipulated jobs.
func (s *State) Counts() (queued, running, manipulated int) {
	return len(s.enqueued), len(s.running), len(s.manipulated)
}

// Recover builds the queue found at startup from the jobs read from disk:
// finished jobs are dropped, started ones (waiting, canceling, running)
// count as running, queued ones are enqueued; both in id order.
func Recover(jobs []*Job) *State {
	sorted := slices.Clone(jobs)
	slices.SortStableFunc(sorted, byID)
	s := &State{}
	for _, j := range sorted {
		switch {
		case j.Finalized():
		case j.Started():
			s.running = append(s.running, j)
		default:
			s.enqueued = append(s.enqueued, j)
		}
	}
	return s
}

func byID(a, b *Job) int { return cmp.Compare(a.ID, b.ID) }

// Enqueued returns the queued jobs, in id order.
func (s *State) Enqueued() []*Job { return slices.Clone(s.enqueued) }

// Running returns the running jobs, in start order.
func (s *State) Running() []*Job { return slices.Clone(s.running) }

// Enqueue inserts new (or re-prioritised) jobs, keeping the queue in id
// order; a job goes before queued jobs of the same id.
func (s *State) Enqueue(jobs ...*Job) {
	for _, j := range jobs {
		i, _ := slices.BinarySearchFunc(s.enqueued, j.ID, compareID)
		s.enqueued = slices.Insert(s.enqueued, i, j)
	}
}

// Dequeue takes a queued job out of the queue, for CancelJob and for a
// priority change. It returns the removed entry; or running true if the
// job was already handed to a process; or a *QueueError: "Job <id> not
// found in queue" (ErrNotQueued, also for manipulated jobs) or "Queue in
// inconsistent state.Job <id> queued multiple times" (ErrInconsistent).
func (s *State) Dequeue(id uint64) (job *Job, running bool, err error) {
	at := indexesOf(s.enqueued, id)
	switch {
	case len(at) == 1:
		job = s.enqueued[at[0]]
		s.enqueued = slices.Delete(s.enqueued, at[0], at[0]+1)
		return job, false, nil
	case len(at) > 1:
		return nil, false, queuedTwice(id)
	case slices.ContainsFunc(s.running, hasID(id)):
		return nil, true, nil
	}
	return nil, false, notQueued(id)
}

// indexesOf finds the entries of id in an id-sorted list.
func indexesOf(sorted []*Job, id uint64) []int {
	i, _ := slices.BinarySearchFunc(sorted, id, compareID)
	var at []int
	for ; i < len(sorted) && sorted[i].ID == id; i++ {
		at = append(at, i)
	}
	return at
}

func hasID(id uint64) func(*Job) bool { return func(j *Job) bool { return j.ID == id } }

// Update replaces the running entry of j.ID with j, the job read again;
// false if the job is not running (any more).
func (s *State) Update(j *Job) bool {
	i := slices.IndexFunc(s.running, hasID(j.ID))
	if i < 0 {
		return false
	}
	s.running[i] = j
	return true
}

// RemoveFinished takes the finalized jobs out of running and returns
// them; manipulated jobs stay.
func (s *State) RemoveFinished() []*Job {
	var done []*Job
	s.running = slices.DeleteFunc(s.running, func(j *Job) bool {
		if j.Finalized() {
			done = append(done, j)
			return true
		}
		return false
	})
	return done
}

// RemoveRunning takes the given jobs out of running, e.g. those whose
// process failed to start.
func (s *State) RemoveRunning(ids ...uint64) {
	s.running = slices.DeleteFunc(s.running, func(j *Job) bool { return slices.Contains(ids, j.ID) })
}

// Manipulate moves a running job to manipulated while death detection
// rewrites its file; false if it is not running.
func (s *State) Manipulate(id uint64) (*Job, bool) {
	return move(&s.running, &s.manipulated, id)
}

// Unmanipulate moves a manipulated job back to the end of running.
func (s *State) Unmanipulate(id uint64) (*Job, bool) {
	return move(&s.manipulated, &s.running, id)
}

// move moves the first entry of id from one list to the end of another.
func move(from, to *[]*Job, id uint64) (*Job, bool) {
	i := slices.IndexFunc(*from, hasID(id))
	if i < 0 {
		return nil, false
	}
	j := (*from)[i]
	*from = slices.Delete(*from, i, i+1)
	*to = append(*to, j)
	return j, true
}
