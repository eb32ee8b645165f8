package jqueue

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/goluxid/goluxid/internal/hsjson"
)

// Job is one job of the queue, as stored in queue/job-<id>.
type Job struct {
	ID       uint64
	Ops      []*OpCode
	Received *Timestamp
	Start    *Timestamp
	End      *Timestamp
	// Livelock is the path of the livelock of the process running the job
	// (luxid's own until the job process reported its own).
	Livelock *string
	// ProcessID is the job process's pid, written by the process itself.
	ProcessID *int64
}

// OpCode is one opcode of a job with its progress.
type OpCode struct {
	// Input is the opcode as submitted (canonicalised by luxid). It is kept
	// as JSON: a job process may have rewritten it, and an opcode that does
	// not validate is still shown as it is.
	Input    json.RawMessage
	Status   Status
	Result   json.RawMessage
	Log      []json.RawMessage
	Priority int
	Start    *Timestamp
	Exec     *Timestamp
	End      *Timestamp
}

// Status is the job's status computed from its opcodes.
func (j *Job) Status() Status { return CalcStatus(j.Ops) }

// Priority is the lowest priority of the job's unfinished opcodes, or 0.
func (j *Job) Priority() int {
	prio, found := 0, false
	for _, op := range j.Ops {
		if op.Status.Finalized() {
			continue
		}
		if !found || op.Priority < prio {
			prio, found = op.Priority, true
		}
	}
	return prio
}

// wireJob is the job object of a job file. Pointers tell missing keys from
// present ones where the reader must insist.
type wireJob struct {
	ID        *uint64    `json:"id"`
	Ops       *[]wireOp  `json:"ops"`
	Received  *Timestamp `json:"received_timestamp"`
	Start     *Timestamp `json:"start_timestamp"`
	End       *Timestamp `json:"end_timestamp"`
	Livelock  *string    `json:"livelock"`
	ProcessID *int64     `json:"process_id"`
}

type wireOp struct {
	Input    json.RawMessage   `json:"input"`
	Status   *Status           `json:"status"`
	Result   json.RawMessage   `json:"result"`
	Log      []json.RawMessage `json:"log"`
	Priority *int              `json:"priority"`
	Start    *Timestamp        `json:"start_timestamp"`
	Exec     *Timestamp        `json:"exec_timestamp"`
	End      *Timestamp        `json:"end_timestamp"`
}

// ErrCorrupt marks a job file that does not parse.
var ErrCorrupt = errors.New("jqueue: corrupt job file")

// ParseJob reads a job file in either form Ganeti writes: the compact one of
// luxid or the indented one of the Python job process. It insists on what
// the real luxid insists on (id, ops, each op's input, status, result and
// priority) and fails with an error wrapping ErrCorrupt otherwise.
func ParseJob(data []byte) (*Job, error) {
	return parseOwnedJob(bytes.Clone(data))
}

// parseOwnedJob is ParseJob of a file's content that the job keeps: its
// raw JSON values point into data, which nothing may change after.
// Files in the shapes Ganeti writes take parseJobFast's single pass;
// anything else takes encoding/json's, which reads them the same way.
func parseOwnedJob(data []byte) (*Job, error) {
	if job, ok := parseJobFast(data); ok {
		return job, nil
	}
	return parseJobJSON(data)
}

// parseJobJSON is ParseJob by encoding/json.
func parseJobJSON(data []byte) (*Job, error) {
	var w wireJob
	if err := json.Unmarshal(data, &w); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	if w.ID == nil {
		return nil, fmt.Errorf("%w: key 'id' not found", ErrCorrupt)
	}
	if w.Ops == nil {
		return nil, fmt.Errorf("%w: key 'ops' not found", ErrCorrupt)
	}
	job := &Job{ID: *w.ID, Received: w.Received, Start: w.Start, End: w.End, Livelock: w.Livelock, ProcessID: w.ProcessID}
	job.Ops = make([]*OpCode, len(*w.Ops))
	for i := range *w.Ops {
		op, err := (*w.Ops)[i].opCode()
		if err != nil {
			return nil, fmt.Errorf("%w: opcode %d: %v", ErrCorrupt, i, err)
		}
		job.Ops[i] = op
	}
	return job, nil
}

// opCode checks that the entry has what the real luxid insists on (input,
// status, result and priority; raw values are empty only when missing) and
// returns it.
func (w *wireOp) opCode() (*OpCode, error) {
	switch {
	case len(w.Input) == 0:
		return nil, errors.New("key 'input' not found")
	case w.Status == nil:
		return nil, errors.New("key 'status' not found")
	case len(w.Result) == 0:
		return nil, errors.New("key 'result' not found")
	case w.Priority == nil:
		return nil, errors.New("key 'priority' not found")
	}
	op := &OpCode{Input: w.Input, Status: *w.Status, Result: w.Result, Log: w.Log, Priority: *w.Priority,
		Start: w.Start, Exec: w.Exec, End: w.End}
	if op.Log == nil {
		op.Log = []json.RawMessage{}
	}
	return op, nil
}

// Marshal writes the job the way the Haskell luxid does: compact JSON,
// keys in its order, livelock and process_id only when set, no trailing
// newline.
func (j *Job) Marshal() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(`{"id":`)
	b.WriteString(strconv.FormatUint(j.ID, 10))
	b.WriteString(`,"ops":[`)
	for i, op := range j.Ops {
		if i > 0 {
			b.WriteByte(',')
		}
		if err := op.marshalTo(&b); err != nil {
			return nil, fmt.Errorf("job %d opcode %d: %w", j.ID, i, err)
		}
	}
	b.WriteString(`],"received_timestamp":`)
	writeTimestamp(&b, j.Received)
	b.WriteString(`,"start_timestamp":`)
	writeTimestamp(&b, j.Start)
	b.WriteString(`,"end_timestamp":`)
	writeTimestamp(&b, j.End)
	if j.Livelock != nil {
		b.WriteString(`,"livelock":`)
		if err := writeValue(&b, *j.Livelock); err != nil {
			return nil, err
		}
	}
	if j.ProcessID != nil {
		b.WriteString(`,"process_id":`)
		b.WriteString(strconv.FormatInt(*j.ProcessID, 10))
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// marshalTo writes one opcode entry in the Haskell key order.
func (op *OpCode) marshalTo(b *bytes.Buffer) error {
	b.WriteString(`{"input":`)
	if err := writeRaw(b, op.Input); err != nil {
		return fmt.Errorf("input: %w", err)
	}
	b.WriteString(`,"status":"`)
	b.WriteString(op.Status.String())
	b.WriteString(`","result":`)
	if err := writeRaw(b, op.Result); err != nil {
		return fmt.Errorf("result: %w", err)
	}
	b.WriteString(`,"log":[`)
	for i, entry := range op.Log {
		if i > 0 {
			b.WriteByte(',')
		}
		if err := writeRaw(b, entry); err != nil {
			return fmt.Errorf("log: %w", err)
		}
	}
	b.WriteString(`],"priority":`)
	b.WriteString(strconv.Itoa(op.Priority))
	b.WriteString(`,"start_timestamp":`)
	writeTimestamp(b, op.Start)
	b.WriteString(`,"exec_timestamp":`)
	writeTimestamp(b, op.Exec)
	b.WriteString(`,"end_timestamp":`)
	writeTimestamp(b, op.End)
	b.WriteByte('}')
	return nil
}

func writeTimestamp(b *bytes.Buffer, ts *Timestamp) {
	if ts == nil {
		b.WriteString("null")
		return
	}
	fmt.Fprintf(b, "[%d,%d]", ts.Sec, ts.Usec)
}

// writeRaw writes stored JSON compactly, null when absent.
func writeRaw(b *bytes.Buffer, raw json.RawMessage) error {
	if len(raw) == 0 {
		b.WriteString("null")
		return nil
	}
	return json.Compact(b, raw)
}

func writeValue(b *bytes.Buffer, v any) error {
	data, err := hsjson.Marshal(v)
	if err != nil {
		return err
	}
	b.Write(data)
	return nil
}
