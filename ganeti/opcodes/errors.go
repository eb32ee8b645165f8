package opcodes

import "errors"

var (
	// ErrInvalid matches, with errors.Is, every error of Validate: luxid
	// answers them with "Failed to parse request: SubmitJob: <error>".
	ErrInvalid = errors.New("opcodes: invalid opcode")
	// ErrDependency matches the error of Canonical for a relative dependency
	// that resolves to a negative job id: luxid answers it with a
	// GenericError, after allocating the job id.
	ErrDependency = errors.New("opcodes: relative dependency before the first job")
)

// Error is why luxid refuses an opcode. Its text is the message Ganeti's
// luxid gives, worded as its Haskell decoder words it (for example
// "key 'reason' not found, object contains only [\"OP_ID\"]").
type Error struct {
	err  error
	kind error // ErrInvalid or ErrDependency
}

func (e *Error) Error() string { return e.err.Error() }

// Unwrap returns the cause and the sentinel (ErrInvalid or ErrDependency).
func (e *Error) Unwrap() []error { return []error{e.err, e.kind} }

func invalid(err error) *Error { return &Error{err: err, kind: ErrInvalid} }
