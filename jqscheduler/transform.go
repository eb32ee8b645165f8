package jqscheduler

import (
	"fmt"

	"github.com/goluxid/goluxid/ganeti/opcodes"
	"github.com/goluxid/goluxid/internal/hsjson"
	"github.com/goluxid/goluxid/jqueue"
)

// The functions here compute the new content of a job file for the queue
// changes luxid makes itself. They return a changed copy; the job given
// is not modified.

// Canceled is a queued job canceled by CancelJob or a REJECT rule: every
// opcode canceled and ended now, the job ended now; results and reason
// trails stay as they are.
func Canceled(job *jqueue.Job, now jqueue.Timestamp) *jqueue.Job {
	return withOps(job, now, func(op *jqueue.OpCode) {
		op.Status = jqueue.StatusCanceled
		op.End = &now
	})
}

// Failed is a job luxid gives up on (its process failed to start, or
// died): every opcode, finished or not, fails with reason's text as its
// result and ends now, the job ends now, and every valid opcode gets reason
// appended to its reason trail and is re-encoded the way luxid writes
// opcodes (its key order, integral numbers as integers), as the real luxid
// rewrites the whole job from its parsed form. Invalid opcodes (by the
// release's schema ops) stay as they are.
func Failed(job *jqueue.Job, reason Reason, now jqueue.Timestamp, ops *opcodes.Schema) (*jqueue.Job, error) {
	result, err := hsjson.Marshal(reason.Text)
	if err != nil {
		return nil, fmt.Errorf("jqscheduler: fail job %d: %w", job.ID, err)
	}
	failed := withOps(job, now, func(op *jqueue.OpCode) {
		op.Status = jqueue.StatusError
		op.Result = result
		op.End = &now
	})
	for i, op := range failed.Ops {
		in := ops.ParseInput(op.Input)
		if in.OpCode() == nil {
			continue
		}
		if op.Input, err = in.WithReason(reason.Source, reason.Text, reason.Timestamp).MarshalJSON(); err != nil {
			return nil, fmt.Errorf("jqscheduler: fail job %d opcode %d: %w", job.ID, i, err)
		}
	}
	return failed, nil
}

// WithPriority is a queued job after ChangeJobPriority: the opcodes that
// have not finished get the new priority.
func WithPriority(job *jqueue.Job, prio int) *jqueue.Job {
	c := *job
	c.Ops = make([]*jqueue.OpCode, len(job.Ops))
	for i, op := range job.Ops {
		cp := *op
		if !cp.Status.Finalized() {
			cp.Priority = prio
		}
		c.Ops[i] = &cp
	}
	return &c
}

// withOps copies job, changes every opcode with change and sets the job's
// end timestamp.
func withOps(job *jqueue.Job, now jqueue.Timestamp, change func(*jqueue.OpCode)) *jqueue.Job {
	c := *job
	c.Ops = make([]*jqueue.OpCode, len(job.Ops))
	for i, op := range job.Ops {
		cp := *op
		change(&cp)
		c.Ops[i] = &cp
	}
	c.End = &now
	return &c
}
