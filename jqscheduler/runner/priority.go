package runner

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"syscall"

	"github.com/goluxid/goluxid/internal/durable"
	"github.com/goluxid/goluxid/jqscheduler"
)

// ChangePriority answers ChangeJobPriority: a queued job is rewritten with
// the new priority and queued again; a running job is told through its
// message file and SIGUSR1.
func (r *Runner) ChangePriority(id uint64, prio int) (bool, string) {
	if !r.waitReady(r.ctx) {
		return false, fmt.Sprintf("Job %d not found in queue", id)
	}
	r.mu.Lock()
	r.absorbPendingLocked(nil)
	entry, running, _ := r.state.Dequeue(id)
	r.mu.Unlock()
	switch {
	case entry != nil:
		return r.reprioritize(entry, prio)
	case running:
		return r.signalPriority(id, prio)
	default:
		return false, fmt.Sprintf("Job %d not found in queue", id)
	}
}

// reprioritize rewrites a dequeued job with prio and queues it again.
func (r *Runner) reprioritize(entry *jqscheduler.Job, prio int) (bool, string) {
	defer r.Kick()
	file, err := r.deps.Queue.ReadJob(entry.ID)
	if err != nil {
		file = entry.File
	}
	changed := jqscheduler.WithPriority(file, prio)
	err = r.deps.Queue.WriteJob(changed)
	r.mu.Lock()
	r.state.Enqueue(jqscheduler.NewJob(changed, r.valid))
	r.mu.Unlock()
	if err != nil {
		return false, fmt.Sprintf("Failed to write job %d with its new priority: %v", entry.ID, err)
	}
	return true, fmt.Sprintf("Priorities of pending opcodes for job %d have been changed to %d", entry.ID, prio)
}

// signalPriority leaves the new priority for a running job's process and
// wakes it with SIGUSR1.
func (r *Runner) signalPriority(id uint64, prio int) (bool, string) {
	layout := r.deps.Queue.Layout()
	msgFile := layout.LuxidMessage(id)
	dir := durable.Open(filepath.Dir(msgFile), nil)
	if err := dir.WriteFileNoSync(filepath.Base(msgFile), []byte(strconv.Itoa(prio)), 0o600); err != nil {
		return false, fmt.Sprintf("Failed to write the priority of job %d: %v", id, err)
	}
	file, _, err := r.deps.Queue.ReadJobAnywhere(id)
	if err != nil {
		return false, fmt.Sprintf("Job %d not found in queue", id)
	}
	if r.ownLivelockDead(file) {
		removeQuietly(msgFile)
		return false, fmt.Sprintf("Job %d is dead", id)
	}
	if file.ProcessID == nil {
		return false, fmt.Sprintf("Job %d's pid unknown", id)
	}
	if err := syscall.Kill(int(*file.ProcessID), syscall.SIGUSR1); err != nil {
		r.deps.Logger.Warn("signalling a job process", "job", id, "error", err)
	}
	return true, fmt.Sprintf("Job %d with pid %d signaled", id, *file.ProcessID)
}

// removeQuietly removes a file nobody needs any more; a failure leaves a
// stale message file behind, which the job process would delete.
func removeQuietly(path string) {
	_ = os.Remove(path)
}
