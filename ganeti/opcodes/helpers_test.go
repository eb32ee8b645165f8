package opcodes

import (
	"encoding/json"
	"strconv"
)

// ID returns the opcode's OP_ID.
func (op *OpCode) ID() string { return op.def.ID }

// Def returns the opcode's definition.
func (op *OpCode) Def() *Def { return op.def }

// Reasons returns the opcode's reason trail.
func (op *OpCode) Reasons() []Reason {
	trail := op.common[iReason].arr
	out := make([]Reason, len(trail))
	for i := range trail {
		e := trail[i].arr
		out[i] = Reason{Source: e[0].s, Text: e[1].s, Timestamp: json.Number(e[2].s)}
	}
	return out
}

// Submit returns what Canonical writes as an OpCode, whose parts tests
// can read.
func (op *OpCode) Submit(jobID uint64, index int, receivedNs int64) (*OpCode, error) {
	rw, err := op.submission(jobID, index, receivedNs)
	if err != nil {
		return nil, err
	}
	out := *op
	if rw.depends != nil {
		out.common[iDepends] = *rw.depends
	}
	trail := op.common[iReason].arr
	out.common[iReason] = arrValue(append(trail[:len(trail):len(trail)], rw.reason))
	return &out, nil
}

// Fields returns the opcode without its common parameters, as the
// "opcode" predicates of job filters see it: OP_ID and the opcode's set
// parameters.
func (op *OpCode) Fields() json.RawMessage {
	return op.appendJSON(make([]byte, 0, op.size+64), false, nil)
}

// Optional reports whether the parameter may be left unset: it is then
// absent from the canonical opcode.
func (p Param) Optional() bool { return !p.Required && p.Default == nil }

// MustForRelease is ForRelease for a release known to have a table, as in
// package-level variables; it panics if release has none.
func MustForRelease(release string) *Schema {
	s, err := ForRelease(release)
	if err != nil {
		panic(err)
	}
	return s
}

// Release returns the Ganeti release the schema belongs to.
func (s *Schema) Release() string { return s.release }

// Lookup returns the definition of the opcode with the given OP_ID.
func (s *Schema) Lookup(opID string) (*Def, bool) {
	d, ok := s.byID[opID]
	return d, ok
}

// Defs returns every opcode definition, in Ganeti's order.
func (s *Schema) Defs() []*Def { return s.Opcodes }

// CommonParams returns the parameters every opcode takes, as Ganeti's
// Python definitions list them. luxid decodes them as Haskell's
// CommonOpParams do, which differ: reason is mandatory there.
func (s *Schema) CommonParams() []Param { return s.Common }

// UnmappedChecks returns the Python type checks the generator mapped to
// "any", with the parameters that use them.
func (s *Schema) UnmappedChecks() []Unmapped { return s.Unmapped }

// InputOf wraps a valid opcode.
func InputOf(op *OpCode) Input { return Input{op: op} }

// Priority returns the submit priority of a valid opcode, else
// PriorityNormal.
func (in Input) Priority() int {
	if in.op == nil {
		return PriorityNormal
	}
	return in.op.Priority()
}

// Depends returns the dependencies of a valid opcode; invalid inputs have
// none.
func (in Input) Depends() []Dependency {
	if in.op == nil {
		return nil
	}
	return in.op.Depends()
}

// Reason is one entry of a reason trail.
type Reason struct {
	Source string
	Text   string
	// Timestamp is in nanoseconds; Ganeti allows any integer.
	Timestamp json.Number
}

// Dependency is one entry of an opcode's depends: a job and the final
// statuses it may end in. A negative JobID is relative to the job of the
// opcode (-1 the job submitted just before, in SubmitManyJobs); Canonical
// turns them absolute.
type Dependency struct {
	JobID    int64
	Statuses []string
}

// Depends returns the opcode's job dependencies; nil if it has none.
func (op *OpCode) Depends() []Dependency {
	deps := &op.common[iDepends]
	if deps.kind != kArr {
		return nil
	}
	out := make([]Dependency, len(deps.arr))
	for i := range deps.arr {
		id, _ := strconv.ParseInt(deps.arr[i].arr[0].s, 10, 64)
		statuses := deps.arr[i].arr[1].arr
		out[i] = Dependency{JobID: id, Statuses: make([]string, len(statuses))}
		for j := range statuses {
			out[i].Statuses[j] = statuses[j].s
		}
	}
	return out
}
