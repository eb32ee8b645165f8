package runner

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/goluxid/goluxid/internal/inotify"
	"github.com/goluxid/goluxid/jobexec"
	"github.com/goluxid/goluxid/jqscheduler"
	"github.com/goluxid/goluxid/jqueue"
)

// startRequest is a job chosen to run and the secrets for its process.
type startRequest struct {
	job     *jqscheduler.Job
	secrets json.RawMessage
}

// start hands a job to a new job process. The job file first names the
// daemon's own livelock (the job is starting), then the process's.
func (r *Runner) start(s startRequest) {
	decided := time.Now()
	id := s.job.ID
	file := *s.job.File
	if err := r.markStarting(&file); err != nil {
		r.startFailed(id, err)
		return
	}
	if !r.takeStartSlot() {
		return
	}
	changes := r.watchStarting(id)
	if changes != nil {
		defer changes.Close()
	}
	proc, err := r.launch(&file, s.secrets)
	<-r.startSlots
	if err != nil {
		r.startFailed(id, err)
		return
	}
	if r.deps.JobStarted != nil {
		r.deps.JobStarted(time.Since(decided))
	}
	if r.awaitEnd(id, proc, changes) {
		r.jobEnded(id)
	}
}

// markStarting writes the job file naming the daemon's own livelock.
func (r *Runner) markStarting(file *jqueue.Job) error {
	own := r.deps.OwnLivelock
	file.Livelock = &own
	return r.deps.Queue.WriteJobNoDirSync(file)
}

// watchStarting watches the file of a job about to start, so that a job
// finished at once is not missed; nil if the watch fails.
func (r *Runner) watchStarting(id uint64) *inotify.Sub {
	changes, err := r.watchJobFile(id)
	if err != nil {
		r.deps.Logger.Warn("watching a job file; its end is noticed when its process exits", "job", id, "error", err)
		return nil
	}
	return changes
}

// takeStartSlot waits for room among the processes in their start-up
// handshake; false when the runner stops first. Starting a Python job
// process is CPU-bound (imports): more starts at once than CPUs only slow
// each other and the daemon's own answers. A start that hangs holds one
// slot for at most the step timeout.
func (r *Runner) takeStartSlot() bool {
	select {
	case r.startSlots <- struct{}{}:
		return true
	case <-r.ctx.Done():
		return false
	}
}

// launch starts the job's process and rewrites its file to name the
// process's livelock as soon as the handshake tells it.
func (r *Runner) launch(file *jqueue.Job, secrets json.RawMessage) (*jobexec.Process, error) {
	if secrets == nil {
		secrets = nullSecrets(len(file.Ops))
	}
	return r.deps.Exec.Start(r.ctx, file.ID, secrets, func(path string) error {
		file.Livelock = &path
		return r.deps.Queue.WriteJobNoDirSync(file)
	})
}

// awaitEnd waits until the job's file shows it finished or its process
// exits, whichever comes first: a Python job process takes tens of
// milliseconds to shut down after writing its last job file, and the
// slot and the dependants need not wait for that. False when the runner
// stops first.
func (r *Runner) awaitEnd(id uint64, proc *jobexec.Process, changes *inotify.Sub) bool {
	var changed <-chan struct{}
	if changes != nil {
		changed = changes.C
	}
	for {
		select {
		case <-proc.Done():
			return true
		case <-changed:
			if file, err := r.deps.Queue.ReadJob(id); err == nil && file.Status().Finalized() {
				return true
			}
		case <-r.ctx.Done():
			return false
		}
	}
}

// nullSecrets is the secret parameters of a job without any: null per
// opcode (after a restart the secrets of queued jobs are gone, as in the
// real luxid).
func nullSecrets(n int) json.RawMessage {
	return json.RawMessage("[" + strings.TrimSuffix(strings.Repeat("null,", n), ",") + "]")
}

// startFailed takes a job whose process did not start out of running and
// writes it as failed.
func (r *Runner) startFailed(id uint64, cause error) {
	msg := jqueue.FailedToStart(id, cause)
	r.deps.Logger.Error(msg)
	r.mu.Lock()
	r.state.RemoveRunning(id)
	r.mu.Unlock()
	if err := r.writeFailed(id, jqueue.ReasonStartJobs, msg); err != nil {
		r.deps.Logger.Error("writing a job that failed to start", "job", id, "error", err)
	}
	r.Kick()
}
