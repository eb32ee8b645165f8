package gerrors

import (
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
