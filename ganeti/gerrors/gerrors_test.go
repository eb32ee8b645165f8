package gerrors

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestEncode(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want []any
	}{
		{"generic", Generic("Queue drained"), []any{"GenericError", []any{"Queue drained"}}},
		{"prereq with code", OpPrereq("Sync queries are not allowed", CodeInval),
			[]any{"OpPrereqError", []any{"Sync queries are not allowed", "wrong_input"}}},
		{"no arguments", New(JobQueueFull), []any{"JobQueueFull", []any{}}},
		{"nil arguments", &Error{Name: JobQueueFull}, []any{"JobQueueFull", []any{}}},
		{"wrapped", fmt.Errorf("context: %w", Configuration("bad")), []any{"ConfigurationError", []any{"bad"}}},
		{"plain Go error", errors.New("disk full"), []any{"GenericError", []any{"disk full"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, Encode(tc.err))
		})
	}
}

func TestErrorText(t *testing.T) {
	assert.Equal(t, "GenericError: x", Generic("x").Error())
	assert.Equal(t, "OpPrereqError: (m, wrong_input)", OpPrereq("m", CodeInval).Error())
}

func TestDecode(t *testing.T) {
	tests := []struct {
		name, raw string
		want      *Error
	}{
		{"prereq with code", `["OpPrereqError",["Node name x not found","unknown_entity"]]`,
			OpPrereq("Node name x not found", CodeNoEnt)},
		{"no arguments", `["JobQueueFull",[]]`, New(JobQueueFull)},
		{"null arguments", `["GenericError",null]`, nil},
		{"arguments not a list", `["GenericError","x"]`, nil},
		{"name not a string", `[1,["x"]]`, nil},
		{"three elements", `["GenericError",["x"],1]`, nil},
		{"a string", `"Failed to parse request: x"`, nil},
		{"not JSON", `[`, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := Decode([]byte(tc.raw))
			assert.Equal(t, tc.want != nil, ok)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestDecodeInvertsEncode(t *testing.T) {
	for _, err := range []error{Generic("Queue drained"), OpPrereq("m", CodeInval), New(JobQueueFull)} {
		raw, merr := json.Marshal(Encode(err))
		assert.NoError(t, merr)
		got, ok := Decode(raw)
		assert.True(t, ok)
		assert.Equal(t, err, got)
	}
}
