package runner

import (
	"context"
	"fmt"
	"strings"
	"syscall"
	"time"

	"github.com/goluxid/goluxid/ganeti/livelock"
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

// writeCanceled rewrites the job's current file as canceled now.
func (r *Runner) writeCanceled(id uint64) error {
	file, _, err := r.deps.Queue.ReadJobAnywhere(id)
	if err != nil {
		return err
	}
	return r.deps.Queue.WriteJob(jqscheduler.Canceled(file, jqueue.TimestampOf(time.Now())))
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
	var woken <-chan struct{}
	if sub, err := r.watchJobFile(id); err == nil {
		defer sub.Close()
		woken = sub.C
	}
	limit := time.NewTimer(cancelWaitLimit)
	defer limit.Stop()
	for {
		status := r.statusAnywhere(id)
		if status.Finalized() {
			return cancelOutcome(status)
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

// statusAnywhere is the status of job id's file, live or archived; queued
// while the file cannot be read.
func (r *Runner) statusAnywhere(id uint64) jqueue.Status {
	if file, _, err := r.deps.Queue.ReadJobAnywhere(id); err == nil {
		return file.Status()
	}
	return jqueue.StatusQueued
}

// cancelOutcome is the answer to CancelJob for a signalled job that
// finished with status.
func cancelOutcome(status jqueue.Status) (bool, string) {
	if status == jqueue.StatusCanceled {
		return true, "Job successfully cancelled"
	}
	return false, "Job exited before it could have been canceled, status " + haskellStatus(status)
}

// haskellStatus is a job status as the real luxid names it in messages.
func haskellStatus(s jqueue.Status) string {
	return "JOB_STATUS_" + strings.ToUpper(s.String())
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
