package jqscheduler

import (
	"errors"
	"fmt"
)

// Sentinels for errors.Is. The error values themselves carry Ganeti's
// texts, which reach clients verbatim.
var (
	// ErrInvalidRule marks a filter rule, predicate or action that does
	// not decode.
	ErrInvalidRule = errors.New("jqscheduler: invalid filter rule")
	// ErrNotQueued marks a job that is neither queued nor running.
	ErrNotQueued = errors.New("jqscheduler: job not in queue")
	// ErrInconsistent marks a job id queued more than once.
	ErrInconsistent = errors.New("jqscheduler: job queued multiple times")
)

// ParseError is a filter rule (or ReplaceFilter argument) that does not
// decode. Msg is Ganeti's text, the part luxid puts after "error: " in
// "Failed to parse request: Cannot convert value '…', error: …".
type ParseError struct {
	Msg string
}

func (e *ParseError) Error() string { return e.Msg }

// Unwrap makes errors.Is(err, ErrInvalidRule) hold.
func (e *ParseError) Unwrap() error { return ErrInvalidRule }

// parseErrorf builds a ParseError.
func parseErrorf(format string, args ...any) error {
	return &ParseError{Msg: fmt.Sprintf(format, args...)}
}

// QueueError is a queue manipulation that found the job in no suitable
// place. Msg is Ganeti's text for the reply, e.g. "Job 5 not found in
// queue".
type QueueError struct {
	Msg string
	Err error // ErrNotQueued or ErrInconsistent
}

func (e *QueueError) Error() string { return e.Msg }

// Unwrap returns the sentinel.
func (e *QueueError) Unwrap() error { return e.Err }

func notQueued(id uint64) error {
	return &QueueError{Msg: fmt.Sprintf("Job %d not found in queue", id), Err: ErrNotQueued}
}

func queuedTwice(id uint64) error {
	return &QueueError{Msg: fmt.Sprintf("Queue in inconsistent state.Job %d queued multiple times", id), Err: ErrInconsistent}
}
