package runner

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/goluxid/goluxid/ganeti/livelock"
	"github.com/goluxid/goluxid/internal/durable"
	"github.com/goluxid/goluxid/jqscheduler"
	"github.com/goluxid/goluxid/jqueue"
)

// Timings of CancelJob for a job handed to a process, as in the real luxid.
const (
	cancelAttempts    = 6
	cancelFirstBackof = 200 * time.Millisecond
	// cancelWaitLimit is how long a SIGTERM'ed queued or waiting job may
	// take to turn canceled ((LUXI_DEF_RWTO-1)/4 seconds).
	cancelWaitLimit = 44 * time.Second
)

// Cancel answers CancelJob: a queued job is taken out of the queue and
// written as canceled; a job handed to a process gets SIGTERM (SIGKILL with
// kill) and, while it still waits, the answer waits for it to end. The
// result is Ganeti's [success, message] pair.
func (r *Runner) Cancel(ctx context.Context, id uint64, kill bool) (bool, string) {
	if !r.waitReady(ctx) {
		return false, fmt.Sprintf("Job %d not found in queue", id)
	}
	r.mu.Lock()
	r.absorbPendingLocked(nil)
	entry, running, err := r.state.Dequeue(id)
	if entry != nil {
		delete(r.secrets, id)
	}
	r.mu.Unlock()
	switch {
	case entry != nil:
		defer r.Kick() // dependants may start now
		if err := r.writeCanceled(id); err != nil {
			return false, fmt.Sprintf("Dequeued job %d, but failed to mark as cancelled: %v", id, err)
		}
		return true, fmt.Sprintf("Dequeued job %d", id)
	case running:
		return r.cancelRunning(ctx, id, kill)
	default:
		return false, err.Error()
	}
}

// cancelRunning signals the process of a handed-over job, retrying while
// the process has not told its pid yet.
func (r *Runner) cancelRunning(ctx context.Context, id uint64, kill bool) (bool, string) {
	backoff := cancelFirstBackof
	for attempt := range cancelAttempts {
		if attempt > 0 {
			if !sleep(ctx, backoff) {
				break
			}
			backoff *= 2
		}
		file, _, err := r.deps.Queue.ReadJobAnywhere(id)
		if err != nil {
			continue
		}
		if r.ownLivelockDead(file) {
			return true, fmt.Sprintf("Job %d has been already dead", id)
		}
		if file.ProcessID == nil {
			continue
		}
		return r.signalForCancel(ctx, file, kill)
	}
	return false, "Timeout: job still in its startup phase"
}

// ownLivelockDead reports whether the job has a livelock of its own whose
// process is gone.
func (r *Runner) ownLivelockDead(file *jqueue.Job) bool {
	if file.Livelock == nil || *file.Livelock == r.deps.OwnLivelock {
		return false
	}
	dead, err := livelock.IsDead(*file.Livelock)
	return err == nil && dead
}

// signalForCancel sends the cancel signal and, for a job not yet running
// an opcode, waits for it to end.
func (r *Runner) signalForCancel(ctx context.Context, file *jqueue.Job, kill bool) (bool, string) {
	sig := syscall.SIGTERM
	if kill {
		sig = syscall.SIGKILL
	}
	if err := syscall.Kill(int(*file.ProcessID), sig); err != nil {
		r.deps.Logger.Warn("signalling a job process", "job", file.ID, "pid", *file.ProcessID, "error", err)
	}
	if kill {
		return true, "SIGKILL send to the process"
	}
	if file.Status() > jqueue.StatusWaiting {
		return false, "Job no longer waiting, can't cancel (informed it anyway)"
	}
	return r.awaitCancel(ctx, file.ID)
}

// awaitCancel waits for a signalled job to end.
func (r *Runner) awaitCancel(ctx context.Context, id uint64) (bool, string) {
	sub, err := r.deps.Watcher.Subscribe(r.deps.Queue.Layout().QueueDir, jqueue.JobFileName(id))
	if err == nil {
		defer sub.Close()
	}
	limit := time.NewTimer(cancelWaitLimit)
	defer limit.Stop()
	for {
		status := jqueue.StatusQueued
		if file, _, err := r.deps.Queue.ReadJobAnywhere(id); err == nil {
			status = file.Status()
		}
		switch {
		case status == jqueue.StatusCanceled:
			return true, "Job successfully cancelled"
		case status.Finalized():
			return false, "Job exited before it could have been canceled, status " + haskellStatus(status)
		}
		var woken <-chan struct{}
		if sub != nil {
			woken = sub.C
		}
		select {
		case <-woken:
		case <-time.After(time.Second):
		case <-limit.C:
			return false, "Job could not be canceled, status " + haskellStatus(status)
		case <-ctx.Done():
			return false, "Job could not be canceled, status " + haskellStatus(status)
		}
	}
}

// haskellStatus is a job status as the real luxid names it in messages.
func haskellStatus(s jqueue.Status) string {
	return "JOB_STATUS_" + strings.ToUpper(s.String())
}

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
	r.state.Enqueue(jqscheduler.NewJob(changed, r.deps.Valid))
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

// sleep waits d unless ctx ends first.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// removeQuietly removes a file nobody needs any more; a failure leaves a
// stale message file behind, which the job process would delete.
func removeQuietly(path string) {
	_ = os.Remove(path)
}
