package runner

import (
	"fmt"
	"time"

	"github.com/goluxid/goluxid/jqscheduler"
	"github.com/goluxid/goluxid/jqueue"
)

// jobEnded handles a job whose process is gone: a job file left
// unfinished means the process died, and the job is written as failed.
// Either way the job leaves running and a round runs.
func (r *Runner) jobEnded(id uint64) {
	file, err := r.deps.Queue.ReadJob(id)
	if err == nil && !file.Status().Finalized() {
		r.deathDetected(id)
		file, err = r.deps.Queue.ReadJob(id)
	}
	r.mu.Lock()
	if err != nil {
		// Archived or unreadable: nothing more to learn from it.
		r.state.RemoveRunning(id)
	} else {
		r.state.Update(jqscheduler.NewJob(file, r.valid))
		r.state.RemoveFinished()
	}
	r.mu.Unlock()
	r.Kick()
}

// deathDetected rewrites a job whose process died as failed, holding its
// slot (manipulated) meanwhile.
func (r *Runner) deathDetected(id uint64) {
	msg := jqueue.DeathMessage(id)
	r.deps.Logger.Info(fmt.Sprintf("Detected death of job %d", id))
	r.mu.Lock()
	_, moved := r.state.Manipulate(id)
	r.mu.Unlock()
	if err := r.writeFailed(id, jqueue.ReasonDeathDetection, msg); err != nil {
		r.deps.Logger.Error("writing a dead job as failed", "job", id, "error", err)
	}
	if moved {
		r.mu.Lock()
		r.state.Unmanipulate(id)
		r.mu.Unlock()
	}
	select {
	case r.cleanup <- struct{}{}:
	default: // one is pending already
	}
}

// writeFailed rewrites the job's live file as failed with msg.
func (r *Runner) writeFailed(id uint64, source, msg string) error {
	file, err := r.deps.Queue.ReadJob(id)
	if err != nil {
		return err
	}
	now := jqueue.TimestampOf(time.Now())
	failed, err := jqscheduler.Failed(file, jqscheduler.Reason{Source: source, Text: msg, Timestamp: now.Nanos()}, now, r.deps.Opcodes)
	if err != nil {
		return err
	}
	return r.deps.Queue.WriteJob(failed)
}

// cleanupLoop has WConfd free the locks of dead processes now, instead of
// at its next periodic check, whenever a death was detected; the real
// luxid does so after a kill only. Each call is bounded by WConfd's
// timeouts.
func (r *Runner) cleanupLoop() {
	for {
		select {
		case <-r.ctx.Done():
			return
		case <-r.cleanup:
		}
		if err := r.deps.Locks.CleanupLocks(r.ctx); err != nil && r.ctx.Err() == nil {
			r.deps.Logger.Warn("asking WConfd to clean up locks", "error", err)
		}
	}
}

// checkRunning drops running jobs whose file shows them finished, the
// safety net under the process and inotify watches.
func (r *Runner) checkRunning() {
	r.mu.Lock()
	running := r.state.Running()
	r.mu.Unlock()
	for _, j := range running {
		if file, err := r.deps.Queue.ReadJob(j.ID); err != nil || file.Status().Finalized() {
			r.jobEnded(j.ID)
		}
	}
}
