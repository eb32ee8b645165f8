package runner

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"time"

	"github.com/goluxid/goluxid/ganeti/livelock"
	"github.com/goluxid/goluxid/jqscheduler"
	"github.com/goluxid/goluxid/jqueue"
)

// adopt watches a job that was running when the daemon started, until its
// process is gone: woken by its livelock or its file changing.
func (r *Runner) adopt(j *jqscheduler.Job) {
	path := ""
	if j.File.Livelock != nil {
		path = *j.File.Livelock
	}
	var wake []<-chan struct{}
	if path != "" {
		if sub, err := r.deps.Watcher.Subscribe(filepath.Dir(path), filepath.Base(path)); err == nil {
			defer sub.Close()
			wake = append(wake, sub.C)
		}
	}
	if sub, err := r.watchJobFile(j.ID); err == nil {
		defer sub.Close()
		wake = append(wake, sub.C)
	}
	ticker := time.NewTicker(safetyInterval)
	defer ticker.Stop()
	for {
		if r.adoptedEnded(j.ID, path) {
			r.adoptedJobEnded(j.ID)
			return
		}
		if !waitAny(r.ctx, wake, ticker.C) {
			return
		}
	}
}

// adoptedEnded reports whether an adopted job's process is gone: its file
// finished, or its livelock dead. A job without a livelock of its own
// never had a process and is not waited for.
func (r *Runner) adoptedEnded(id uint64, path string) bool {
	file, err := r.deps.Queue.ReadJob(id)
	if err != nil || file.Status().Finalized() {
		return true
	}
	if path == "" || path == r.deps.OwnLivelock {
		return true
	}
	dead, err := livelock.IsDead(path)
	return err == nil && dead
}

// adoptedJobEnded handles the end of a process an earlier daemon started.
// If the job never started (every opcode still queued), the process ended
// in its start-up handshake, most likely because that daemon died before
// handing it its secret parameters: nothing of the job ran, so it is
// queued again rather than failed. Otherwise as jobEnded.
func (r *Runner) adoptedJobEnded(id uint64) {
	file, err := r.deps.Queue.ReadJob(id)
	if err != nil || !neverStarted(file) {
		r.jobEnded(id)
		return
	}
	r.deps.Logger.Info(fmt.Sprintf("Job %d's process ended before the job started; queueing it again", id))
	r.mu.Lock()
	r.state.RemoveRunning(id)
	r.state.Enqueue(jqscheduler.NewJob(file, r.valid))
	r.mu.Unlock()
	r.Kick()
}

// neverStarted reports whether no opcode of the job has left the queued
// state: the job process writes that change before an opcode does
// anything.
func neverStarted(file *jqueue.Job) bool {
	if file.Start != nil {
		return false
	}
	for _, op := range file.Ops {
		if op.Status != jqueue.StatusQueued {
			return false
		}
	}
	return true
}

// waitAny waits for a wake-up on any channel; false when ctx ends. It
// returns once the goroutine it starts per channel has ended.
func waitAny(ctx context.Context, wake []<-chan struct{}, tick <-chan time.Time) bool {
	cases := make(chan struct{}, 1)
	stop := make(chan struct{})
	var watchers sync.WaitGroup
	defer watchers.Wait()
	defer close(stop)
	for _, c := range wake {
		watchers.Add(1)
		go func() {
			defer watchers.Done()
			select {
			case <-c:
				select {
				case cases <- struct{}{}:
				default:
				}
			case <-stop:
			}
		}()
	}
	select {
	case <-ctx.Done():
		return false
	case <-cases:
	case <-tick:
	}
	return true
}
