package jqueue

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/goluxid/goluxid/ganeti/opcodes"
)

// Reason sources luxid writes when it fails a job.
const (
	ReasonStartJobs      = "gnt:daemon:luxid:startjobs"
	ReasonDeathDetection = "gnt:daemon:luxid:deathdetection"
)

// MarkCanceled rewrites a job that never started as canceled at now: every
// opcode canceled and ended, results untouched, as luxid does for CancelJob
// of a queued job.
func (j *Job) MarkCanceled(now time.Time) {
	ts := TimestampOf(now)
	for _, op := range j.Ops {
		op.Status = StatusCanceled
		op.End = &ts
	}
	j.End = &ts
}

// MarkFailed rewrites the job as failed at now with message as every
// opcode's result, appending [source, message, now] to the reason trail of
// every valid opcode. Like the real luxid, it rewrites all opcodes, also
// ones that had succeeded.
func (j *Job) MarkFailed(source, message string, now time.Time) error {
	ts := TimestampOf(now)
	result, err := json.Marshal(message)
	if err != nil {
		return err
	}
	for _, op := range j.Ops {
		input, err := opcodes.ParseInput(op.Input).WithReason(source, message, ts.Nanos()).MarshalJSON()
		if err != nil {
			return err
		}
		op.Input = input
		op.Status = StatusError
		op.Result = result
		op.End = &ts
	}
	j.End = &ts
	return nil
}

// FailedToStart is the message of a job whose process could not be started.
func FailedToStart(id uint64, err error) string {
	return "job " + strconv.FormatUint(id, 10) + " failed to start: " + err.Error()
}

// DeathMessage is the message of a job whose process died before it
// finished the job.
func DeathMessage(id uint64) string {
	return "detected death of job " + strconv.FormatUint(id, 10)
}

// SetPriority sets the priority of every opcode not yet finished.
func (j *Job) SetPriority(prio int) {
	for _, op := range j.Ops {
		if !op.Status.Finalized() {
			op.Priority = prio
		}
	}
}
