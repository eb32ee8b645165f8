package jqueue

import (
	"encoding/json"
)

// LoadedJob is a job as a query sees it: its file's content (nil when the
// file is missing or does not parse) and where it was found.
type LoadedJob struct {
	ID       uint64
	Job      *Job
	Archived bool
}

// Summarizer turns an opcode input into its job summary string; the opcode
// schema provides it.
type Summarizer func(input json.RawMessage) string

// Canonicalizer re-serialises an opcode input the way luxid shows it in the
// ops field; the opcode schema provides it.
type Canonicalizer func(input json.RawMessage) json.RawMessage

// FieldGetter returns a job field's value, or false when the value is not
// available (RS_UNAVAIL).
type FieldGetter func(j *LoadedJob) (any, bool)

// FieldGetters returns the getters of the 16 job fields of Ganeti 3.0.
func FieldGetters(summarize Summarizer, canonical Canonicalizer) map[string]FieldGetter {
	return map[string]FieldGetter{
		"id":          func(j *LoadedJob) (any, bool) { return j.ID, true },
		"status":      withJob(func(j *Job) any { return j.Status().String() }),
		"priority":    withJob(func(j *Job) any { return j.Priority() }),
		"archived":    archivedField,
		"ops":         perOp(func(op *OpCode) any { return canonical(op.Input) }),
		"opresult":    perOp(func(op *OpCode) any { return rawOrNull(op.Result) }),
		"opstatus":    perOp(func(op *OpCode) any { return op.Status.String() }),
		"oplog":       perOp(func(op *OpCode) any { return op.Log }),
		"opstart":     perOp(func(op *OpCode) any { return op.Start }),
		"opexec":      perOp(func(op *OpCode) any { return op.Exec }),
		"opend":       perOp(func(op *OpCode) any { return op.End }),
		"oppriority":  perOp(func(op *OpCode) any { return op.Priority }),
		"summary":     perOp(func(op *OpCode) any { return summarize(op.Input) }),
		"received_ts": timestampField(func(j *Job) *Timestamp { return j.Received }),
		"start_ts":    timestampField(func(j *Job) *Timestamp { return j.Start }),
		"end_ts":      timestampField(func(j *Job) *Timestamp { return j.End }),
	}
}

// archivedField is the getter of "archived".
func archivedField(j *LoadedJob) (any, bool) {
	if j.Job == nil {
		return nil, false
	}
	return j.Archived, true
}

// withJob makes a getter of a value computed from a loaded job.
func withJob(f func(*Job) any) FieldGetter {
	return func(j *LoadedJob) (any, bool) {
		if j.Job == nil {
			return nil, false
		}
		return f(j.Job), true
	}
}

// perOp makes a getter of a list with one value per opcode.
func perOp(f func(*OpCode) any) FieldGetter {
	return withJob(func(job *Job) any {
		out := make([]any, len(job.Ops))
		for i, op := range job.Ops {
			out[i] = f(op)
		}
		return out
	})
}

// timestampField makes a getter of a job timestamp, unavailable when unset.
func timestampField(f func(*Job) *Timestamp) FieldGetter {
	return func(j *LoadedJob) (any, bool) {
		if j.Job == nil {
			return nil, false
		}
		ts := f(j.Job)
		if ts == nil {
			return nil, false
		}
		return ts, true
	}
}

func rawOrNull(raw json.RawMessage) any {
	if len(raw) == 0 {
		return nil
	}
	return raw
}
