// Package gerrors models Ganeti's exceptions as Go errors and encodes them
// the way Ganeti puts them on the wire.
//
// A Ganeti exception travels as a two-element JSON array, the class name and
// its argument list: ["OpPrereqError", ["Node name x not found",
// "unknown_entity"]]. Python's errors.MaybeRaise turns that array back into
// the exception class of the same name, so the name must be one of Ganeti's
// classes. Every package that fails a LUXI call returns an *Error (or wraps
// one); the LUXI server encodes it with Encode and clients of Ganeti's
// daemons decode it with Decode, the one place that knows the wire form.
package gerrors

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Exception class names used by luxid. Ganeti has more; any name of a
// subclass of errors.GenericError may be used with New.
const (
	GenericError       = "GenericError"
	ProgrammerError    = "ProgrammerError"
	BlockDeviceError   = "BlockDeviceError"
	ConfigurationError = "ConfigurationError"
	ConfigVersionError = "ConfigVersionMismatch"
	ParameterError     = "ParameterError"
	OpPrereqError      = "OpPrereqError"
	JobLost            = "JobLost"
	JobFileCorrupted   = "JobFileCorrupted"
	JobQueueError      = "JobQueueError"
	JobQueueDrainError = "JobQueueDrainError"
	JobQueueFull       = "JobQueueFull"
	QueryFilterParse   = "QueryFilterParseError"
)

// Error codes carried as the second argument of OpPrereqError.
const (
	CodeResolver     = "resolver_error"
	CodeNoRes        = "insufficient_resources"
	CodeTempNoRes    = "temp_insufficient_resources"
	CodeInval        = "wrong_input"
	CodeState        = "wrong_state"
	CodeNoEnt        = "unknown_entity"
	CodeExists       = "already_exists"
	CodeNotUnique    = "resource_not_unique"
	CodeFault        = "internal_error"
	CodeEnvironError = "environment_error"
)

// Error is one Ganeti exception: its class name and its arguments, in the
// order the Python class takes them.
type Error struct {
	Name string
	Args []any
}

// New returns the exception name with args.
func New(name string, args ...any) *Error {
	if args == nil {
		args = []any{}
	}
	return &Error{Name: name, Args: args}
}

// Generic returns a GenericError with a formatted message.
func Generic(format string, a ...any) *Error {
	return New(GenericError, fmt.Sprintf(format, a...))
}

// OpPrereq returns an OpPrereqError with its error code.
func OpPrereq(msg, code string) *Error {
	return New(OpPrereqError, msg, code)
}

// Configuration returns a ConfigurationError.
func Configuration(msg string) *Error {
	return New(ConfigurationError, msg)
}

// Error renders the exception as Python's str() of it would for one
// argument, and as the argument tuple otherwise.
func (e *Error) Error() string {
	if len(e.Args) == 1 {
		return fmt.Sprintf("%s: %v", e.Name, e.Args[0])
	}
	parts := make([]string, len(e.Args))
	for i, a := range e.Args {
		parts[i] = fmt.Sprint(a)
	}
	return fmt.Sprintf("%s: (%s)", e.Name, strings.Join(parts, ", "))
}

// Encode returns the wire form [name, [args...]] of err. An error that is
// not (and wraps no) *Error is reported as a GenericError with its text, so
// that every failure reaches the client as an exception it can raise.
func Encode(err error) []any {
	var ge *Error
	if errors.As(err, &ge) {
		args := ge.Args
		if args == nil {
			args = []any{} // Python raises only for a list of arguments
		}
		return []any{ge.Name, args}
	}
	return []any{GenericError, []any{err.Error()}}
}

// Decode returns the exception whose wire form is raw, the array
// [name, [args...]] that Encode produces. Any other JSON value, an array
// whose arguments are null included, is no exception: Python's
// errors.MaybeRaise raises only for a name and a list.
func Decode(raw []byte) (*Error, bool) {
	var encoded []json.RawMessage
	if json.Unmarshal(raw, &encoded) != nil || len(encoded) != 2 {
		return nil, false
	}
	var name string
	var args []any
	if json.Unmarshal(encoded[0], &name) != nil || json.Unmarshal(encoded[1], &args) != nil || args == nil {
		return nil, false
	}
	return New(name, args...), true
}
