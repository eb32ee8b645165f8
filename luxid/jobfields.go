package luxid

import (
	"encoding/json"

	"github.com/goluxid/goluxid/jqueue"
)

// jobFields computes job query values for WaitForJobChange and the job
// queries.
type jobFields struct {
	getters map[string]jqueue.FieldGetter
}

func newJobFields() *jobFields {
	return &jobFields{getters: jqueue.FieldGetters(plainSummary, identityInput)}
}

// values returns the values of fields for j (nil where unavailable), or
// false when a field is unknown.
func (f *jobFields) values(j *jqueue.LoadedJob, fields []string) ([]any, bool) {
	out := make([]any, len(fields))
	for i, name := range fields {
		get, ok := f.getters[name]
		if !ok {
			return nil, false
		}
		if v, ok := get(j); ok {
			out[i] = v
		}
	}
	return out, true
}

// plainSummary is the summary of an opcode without its summary value:
// OP_ID without "OP_", or INVALID_OP.
func plainSummary(input json.RawMessage) string {
	var op struct {
		ID *string `json:"OP_ID"`
	}
	if json.Unmarshal(input, &op) != nil || op.ID == nil {
		return "INVALID_OP"
	}
	if len(*op.ID) < 3 {
		return ""
	}
	return (*op.ID)[3:]
}

// identityInput shows an opcode input as stored.
func identityInput(input json.RawMessage) json.RawMessage { return input }
