package runner

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/goluxid/goluxid/jqscheduler"
)

// safetyInterval is how often every running job is checked even without
// an event: a net under inotify, never the way a job's end is found.
const safetyInterval = 30 * time.Second

// loop runs rounds when kicked and checks running jobs now and then.
func (r *Runner) loop() {
	safety := time.NewTicker(safetyInterval)
	defer safety.Stop()
	for {
		select {
		case <-r.ctx.Done():
			return
		case <-r.kick:
			r.round()
		case <-safety.C:
			r.checkRunning()
			r.round()
		}
	}
}

// round decides what to start and reject, then does it.
func (r *Runner) round() {
	d, starts, ok := r.decide()
	if !ok {
		r.deps.Logger.Debug("Configuration unavailable")
		return
	}
	for _, rej := range d.Reject {
		r.reject(rej)
	}
	if len(starts) > 0 {
		r.deps.Logger.Info("Starting jobs: " + joinIDs(jqscheduler.IDs(d.Start)))
	}
	for _, s := range starts {
		r.go_(func() { r.start(s) })
	}
}

// decide takes the submitted jobs in and schedules the State, handing the
// secrets of the jobs it starts to their start requests and dropping
// those of the jobs it rejects; false without a configuration.
func (r *Runner) decide() (jqscheduler.Decision, []startRequest, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.absorbPendingLocked(nil)
	if r.cfg == nil {
		return jqscheduler.Decision{}, nil, false
	}
	d := r.state.Schedule(r.cfg)
	starts := make([]startRequest, len(d.Start))
	for i, j := range d.Start {
		starts[i] = startRequest{job: j, secrets: r.secrets[j.ID]}
		delete(r.secrets, j.ID)
	}
	for _, rej := range d.Reject {
		delete(r.secrets, rej.Job.ID)
	}
	return d, starts, true
}

// reject writes a job a REJECT rule applies to as canceled.
func (r *Runner) reject(rej jqscheduler.Rejection) {
	r.deps.Logger.Info(fmt.Sprintf("Job %d REJECTed by filter rule %s", rej.Job.ID, rej.Rule.UUID))
	if err := r.writeCanceled(rej.Job.ID); err != nil {
		r.deps.Logger.Error("writing a rejected job as canceled", "job", rej.Job.ID, "error", err)
	}
}

// joinIDs lists job ids the way the real luxid logs them.
func joinIDs(ids []uint64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatUint(id, 10)
	}
	return strings.Join(parts, ", ")
}
