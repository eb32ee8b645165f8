package luxid

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"time"

	"github.com/goluxid/goluxid/ganeti/gerrors"
	"github.com/goluxid/goluxid/ganeti/livelock"
	"github.com/goluxid/goluxid/jqueue"
)

// archiveWaitLimit is how long ArchiveJob waits for the process of a
// finished job to exit: twice the RPC connect timeout plus one second, as
// the real luxid waits.
const archiveWaitLimit = 11 * time.Second

// setDrainFlag answers SetDrainFlag [flag]: creates or removes the drain
// file, which the queue replicates to the master candidates. Clearing an already clear flag succeeds (the real luxid's handler
// crashes and never answers).
func (d *Dispatcher) setDrainFlag(c *call) (any, error) {
	var drain bool
	if err := decodeArgs(c.args, &drain); err != nil {
		return nil, err
	}
	if err := c.needConfig(); err != nil {
		return nil, err
	}
	if err := d.deps.Queue.SetDrained(drain); err != nil {
		return nil, gerrors.Generic("%v", err)
	}
	return true, nil
}

// archiveJob answers ArchiveJob [job]: false unless the job is live and
// finalized; otherwise it waits for the job's process to exit and moves
// the file to the archive.
func (d *Dispatcher) archiveJob(c *call) (any, error) {
	var id jobID
	if err := decodeArgs(c.args, &id); err != nil {
		return nil, err
	}
	if err := c.needConfig(); err != nil {
		return nil, err
	}
	job, err := d.deps.Queue.ReadJob(uint64(id))
	if err != nil || !job.Status().Finalized() {
		return false, nil
	}
	if err := d.waitForJobProcess(c, job); err != nil {
		return nil, err
	}
	moved, err := d.deps.Queue.Archive(uint64(id))
	if err != nil {
		return nil, gerrors.New(gerrors.JobQueueError, err.Error())
	}
	return moved, nil
}

// waitForJobProcess waits until the livelock of a finished job is dead, so
// that the job process has written its last. A job that never had a
// process of its own (canceled while queued) has nothing to wait for, and
// a livelock file that is gone, with its directory or not (a job file
// from another node or release), is dead.
func (d *Dispatcher) waitForJobProcess(c *call, job *jqueue.Job) error {
	if job.Livelock == nil || *job.Livelock == d.deps.OwnLivelock {
		return nil
	}
	path := *job.Livelock
	if dead, err := livelock.IsDead(path); err != nil || dead {
		return livelockErr(err)
	}
	var changed <-chan struct{} // nil: polled only
	if sub, err := d.deps.Watcher.Subscribe(filepath.Dir(path), filepath.Base(path)); err == nil {
		defer sub.Close()
		changed = sub.C
	} else {
		d.deps.Logger.Warn("watching a job's livelock; polling it instead", "job", job.ID, "error", err)
	}
	start := time.Now()
	limit := time.NewTimer(archiveWaitLimit)
	defer limit.Stop()
	for {
		dead, err := livelock.IsDead(path)
		if err != nil || dead {
			return livelockErr(err)
		}
		select {
		case <-changed:
		case <-time.After(100 * time.Millisecond):
		case <-limit.C:
			return gerrors.Generic("user error (Job %d still running after %s)", job.ID, time.Since(start).Round(time.Millisecond))
		case <-c.ctx.Done():
			return gerrors.Generic("user error (Job %d still running: daemon shutting down)", job.ID)
		}
	}
}

// livelockErr is the error a failed livelock check answers, or nil.
func livelockErr(err error) error {
	if err != nil {
		return gerrors.Generic("%v", err)
	}
	return nil
}

// autoArchiveJobs answers AutoArchiveJobs [age, timeout]: archives every
// finalized live job that ended (or else started) more than age seconds
// ago, inspecting jobs in id order until timeout seconds have passed, and
// answers [archived, left uninspected]. A negative age archives every
// finalized job (the real luxid archives none, defeating `gnt-job
// autoarchive all`).
func (d *Dispatcher) autoArchiveJobs(c *call) (any, error) {
	var age, timeout int64
	if err := decodeArgs(c.args, &age, &timeout); err != nil {
		return nil, err
	}
	if err := c.needConfig(); err != nil {
		return nil, err
	}
	ids, err := d.deps.Queue.LiveJobIDs()
	if err != nil {
		return nil, gerrors.New(gerrors.JobQueueError, err.Error())
	}
	now := time.Now()
	end := now.Add(time.Duration(timeout) * time.Second)
	cutoff := jqueue.TimestampOf(now.Add(-time.Duration(age) * time.Second))
	archived := 0
	for i, id := range ids {
		if !time.Now().Before(end) {
			return []int{archived, len(ids) - i}, nil
		}
		ok, err := d.archiveIfOld(id, age < 0, cutoff)
		if err != nil {
			d.deps.Logger.Warn("auto-archiving failed", "job", id, "error", err)
		}
		if ok {
			archived++
		}
	}
	return []int{archived, 0}, nil
}

// archiveIfOld archives job id if it is finalized and old enough.
func (d *Dispatcher) archiveIfOld(id uint64, all bool, cutoff jqueue.Timestamp) (bool, error) {
	job, err := d.deps.Queue.ReadJob(id)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, jqueue.ErrCorrupt) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if !job.Status().Finalized() {
		return false, nil
	}
	if !all {
		ts := job.End
		if ts == nil {
			ts = job.Start
		}
		if ts == nil || !ts.Before(cutoff) {
			return false, nil
		}
	}
	moved, err := d.deps.Queue.Archive(id)
	if err != nil {
		return false, fmt.Errorf("archiving job %d: %w", id, err)
	}
	return moved, nil
}
