package opcodes

import (
	"encoding/json"
)

// Input is the input of an opcode in a job file: a valid opcode, or JSON
// that does not validate, which luxid keeps and shows as it is (Ganeti's
// InputOpCode). The zero Input is an invalid null.
type Input struct {
	op  *OpCode
	raw value
	// text is the input when it is not even JSON.
	text json.RawMessage
}

// ParseInput reads the input of an opcode from a job file.
func (s *Schema) ParseInput(raw json.RawMessage) Input {
	v, err := parseJSON(raw, s.reader)
	if err != nil {
		return Input{text: append(json.RawMessage(nil), raw...)}
	}
	if op, err := decodeOp(s, &v); err == nil {
		op.size = len(raw)
		return Input{op: op}
	}
	return Input{raw: v}
}

// OpCode returns the opcode, or nil if the input is not a valid one.
func (in Input) OpCode() *OpCode { return in.op }

// Summary returns the input's entry in the job field "summary". For an
// invalid input that is its OP_ID without the first three characters,
// or "INVALID_OP" when it has no string OP_ID.
func (in Input) Summary() string {
	if in.op != nil {
		return in.op.Summary()
	}
	return invalidSummary(&in.raw)
}

// WithReason appends a reason trail entry to a valid opcode; an invalid
// input is returned unchanged, as luxid does when it fails a job.
func (in Input) WithReason(source, text string, ns int64) Input {
	if in.op == nil {
		return in
	}
	return Input{op: in.op.WithReason(source, text, ns)}
}

// MarshalJSON writes a valid opcode canonically and anything else as the
// JSON it was, in luxid's number and string forms.
func (in Input) MarshalJSON() ([]byte, error) {
	switch {
	case in.op != nil:
		return in.op.MarshalJSON()
	case in.text != nil:
		return in.text, nil
	}
	return appendValue(nil, &in.raw), nil
}
