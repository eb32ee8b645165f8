package luxid

import (
	"encoding/json"

	"github.com/goluxid/goluxid/ganeti/opcodes"
	"github.com/goluxid/goluxid/jqueue"
)

// jobFields computes job query values for WaitForJobChange and the job
// queries.
type jobFields struct {
	getters map[string]jqueue.FieldGetter
}

func newJobFields() *jobFields {
	return &jobFields{getters: jqueue.FieldGetters(opcodeSummary, canonicalInput)}
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

// opcodeSummary is an opcode's entry in the job field "summary".
func opcodeSummary(input json.RawMessage) string {
	return opcodes.ParseInput(input).Summary()
}

// canonicalInput is an opcode as the job field "ops" shows it: valid
// opcodes re-serialised as luxid writes them, anything else as it is.
func canonicalInput(input json.RawMessage) json.RawMessage {
	out, err := opcodes.ParseInput(input).MarshalJSON()
	if err != nil {
		return input
	}
	return out
}
