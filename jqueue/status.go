package jqueue

import (
	"encoding/json"
	"fmt"
)

// Status is the status of an opcode or a job. Opcodes and jobs share the
// seven values; their order matters (finalized = after running).
type Status int

// The statuses in Ganeti's order.
const (
	StatusQueued Status = iota
	StatusWaiting
	StatusCanceling
	StatusRunning
	StatusCanceled
	StatusSuccess
	StatusError
)

var statusNames = [...]string{"queued", "waiting", "canceling", "running", "canceled", "success", "error"}

// String is the status as written in job files.
func (s Status) String() string {
	if s < 0 || int(s) >= len(statusNames) {
		return fmt.Sprintf("Status(%d)", int(s))
	}
	return statusNames[s]
}

// ParseStatus reads a status name.
func ParseStatus(name string) (Status, error) {
	for i, n := range statusNames {
		if n == name {
			return Status(i), nil
		}
	}
	return 0, fmt.Errorf("unknown job status %q", name)
}

// Finalized reports whether the status is final (canceled, success or
// error); canceling is not.
func (s Status) Finalized() bool { return s > StatusRunning }

// MarshalJSON writes the status name.
func (s Status) MarshalJSON() ([]byte, error) {
	return json.Marshal(s.String())
}

// UnmarshalJSON reads a status name; unknown names make the file unreadable,
// as they do for the real luxid.
func (s *Status) UnmarshalJSON(data []byte) error {
	var name string
	if err := json.Unmarshal(data, &name); err != nil {
		return fmt.Errorf("job status: %w", err)
	}
	st, err := ParseStatus(name)
	if err != nil {
		return err
	}
	*s = st
	return nil
}

// CalcStatus computes a job's status from its opcodes' the way both Ganeti
// implementations do: the first canceling, canceled or failed opcode
// decides; otherwise the last waiting or running one; a job whose opcodes
// all succeeded (or that has none) succeeded.
func CalcStatus(ops []*OpCode) Status {
	status := StatusQueued
	allSuccess := true
	for _, op := range ops {
		if op.Status == StatusSuccess {
			continue
		}
		allSuccess = false
		switch op.Status {
		case StatusWaiting, StatusRunning:
			status = op.Status
		case StatusCanceling, StatusCanceled, StatusError:
			return op.Status
		}
	}
	if allSuccess {
		return StatusSuccess
	}
	return status
}
