package runner

import (
	"fmt"

	"github.com/goluxid/goluxid/ganeti/livelock"
	"github.com/goluxid/goluxid/jqscheduler"
	"github.com/goluxid/goluxid/jqueue"
)

// recover loads the live jobs, merges them with the jobs submitted since
// Start, and starts the loop.
func (r *Runner) recover(ids []uint64) {
	defer close(r.ready)
	entries, err := r.recoverJobs(ids)
	if err != nil {
		r.deps.Logger.Error("recovering the job queue", "error", err)
		return
	}
	running, queued := r.installRecovered(entries)
	r.deps.Logger.Info(fmt.Sprintf("Waiting jobs: %v; running jobs: %v", jqscheduler.IDs(queued), jqscheduler.IDs(running)))
	for _, j := range running {
		r.go_(func() { r.adopt(j) })
	}
	r.go_(r.loop)
	r.Kick()
}

// installRecovered makes the State of the recovered jobs and of those
// submitted meanwhile, reads the configuration, and returns the running
// and queued jobs.
func (r *Runner) installRecovered(entries []*jqscheduler.Job) (running, queued []*jqscheduler.Job) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.state = jqscheduler.Recover(entries)
	recovered := make(map[uint64]bool, len(entries))
	for _, e := range entries {
		recovered[e.ID] = true
	}
	r.absorbPendingLocked(recovered)
	r.cfg = r.schedulerConfig()
	return r.state.Running(), r.state.Enqueued()
}

// recoverJobs reads every live job for Recover, several files at a time.
// A queued job whose file names a live livelock other than ours had its
// process started by an earlier daemon: it counts as started, so it never
// runs twice.
func (r *Runner) recoverJobs(ids []uint64) ([]*jqscheduler.Job, error) {
	var entries []*jqscheduler.Job
	err := r.deps.Queue.LoadEach(r.ctx, ids, func(id uint64, file *jqueue.Job, err error) error {
		if err != nil {
			r.deps.Logger.Warn("skipping unreadable job file", "job", id, "error", err)
			return nil
		}
		if file.Status().Finalized() {
			return nil
		}
		entry := jqscheduler.NewJob(file, r.valid)
		if entry.Status == jqueue.StatusQueued && r.hasLiveProcess(file) {
			entry.Status = jqueue.StatusWaiting
		}
		entries = append(entries, entry)
		return nil
	})
	return entries, err
}

// hasLiveProcess reports whether the job's livelock belongs to a live
// process other than this daemon.
func (r *Runner) hasLiveProcess(file *jqueue.Job) bool {
	if file.Livelock == nil || *file.Livelock == r.deps.OwnLivelock {
		return false
	}
	dead, err := livelock.IsDead(*file.Livelock)
	return err == nil && !dead
}
