package jqscheduler

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

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
// result and ends now, valid opcodes get reason appended to their reason
// trail, and the job ends now. valid is as for NewJob.
func Failed(job *jqueue.Job, reason Reason, now jqueue.Timestamp, valid Validator) (*jqueue.Job, error) {
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
		if _, ok := parseOpcode(op.Input); !ok || (valid != nil && !valid(op.Input)) {
			continue
		}
		if op.Input, err = appendReason(op.Input, reason); err != nil {
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

// appendReason adds an entry to the reason trail of an opcode input,
// keeping everything else as it is.
func appendReason(input json.RawMessage, reason Reason) (json.RawMessage, error) {
	members, ok := readObject(input)
	if !ok {
		return nil, errors.New("opcode input is not an object")
	}
	entry, err := reason.MarshalJSON()
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.WriteByte('{')
	done := false
	for i, m := range members {
		if i > 0 {
			b.WriteByte(',')
		}
		key, err := hsjson.Marshal(m.key)
		if err != nil {
			return nil, err
		}
		b.Write(key)
		b.WriteByte(':')
		if m.key == "reason" && !done {
			b.Write(appendToList(m.val, entry))
			done = true
			continue
		}
		b.Write(m.val)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// appendToList appends an element to a JSON list.
func appendToList(list json.RawMessage, elem []byte) []byte {
	head := bytes.TrimSuffix(bytes.TrimSpace(list), []byte("]"))
	out := append([]byte(nil), head...)
	if len(bytes.TrimSpace(head)) > 1 { // not just "["
		out = append(out, ',')
	}
	out = append(out, elem...)
	return append(out, ']')
}
