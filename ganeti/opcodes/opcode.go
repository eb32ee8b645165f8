package opcodes

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/goluxid/goluxid/internal/hsjson"
)

// OpCode is a valid opcode: its definition and every parameter as luxid
// keeps it (defaults filled in, values in their canonical form). An OpCode
// is never changed; WithReason returns a new one.
type OpCode struct {
	def    *Def
	common [nCommon]value
	params []value
	// size is the length of the JSON the opcode came from, to size the
	// buffer it is written to.
	size int
}

// Validate decodes one opcode of a SubmitJob request (or the input of an
// opcode in a job file) as the luxid of the schema's release does. Errors
// are *Error matching ErrInvalid.
func (s *Schema) Validate(raw []byte) (*OpCode, error) {
	v, err := parseJSON(raw, s.reader)
	if err != nil {
		return nil, invalid(err)
	}
	op, err := decodeOp(s, &v)
	if err != nil {
		return nil, invalid(err)
	}
	op.size = len(raw)
	return op, nil
}

// decodeOp reads an opcode in Haskell's order: the common parameters,
// OP_ID, the opcode's parameters, then the check for unknown keys.
func decodeOp(s *Schema, v *value) (*OpCode, error) {
	if v.kind != kObj {
		return nil, errReadObject
	}
	op := &OpCode{}
	if err := commonRecord.load(v, op.common[:]); err != nil {
		return nil, err
	}
	idv, found := v.lookup(opIDKey)
	if !found {
		return nil, missingKey(v, opIDKey)
	}
	id, err := readString(idv)
	if err != nil {
		return nil, fmt.Errorf("key '%s': %w", opIDKey, err)
	}
	def, ok := s.byID[id]
	if !ok {
		return nil, fmt.Errorf("Unknown opcode %s", id)
	}
	op.def = def
	op.params = make([]value, len(def.record.fields))
	if err := def.record.load(v, op.params); err != nil {
		return nil, err
	}
	if err := checkKeys(v, def.allowed, def.accepts); err != nil {
		return nil, err
	}
	return op, nil
}

// accepts reports whether key is a parameter of the opcode.
func (d *Def) accepts(key string) bool {
	if d.record.known[key] || key == opIDKey {
		return true
	}
	return commonRecord.known[key]
}

// Priority returns the opcode's submit priority: PriorityLow,
// PriorityNormal or PriorityHigh.
func (op *OpCode) Priority() int {
	n, _ := strconv.Atoi(op.common[iPriority].s)
	return n
}

// rewrite is what submission changes in an opcode.
type rewrite struct {
	depends *value // the dependencies made absolute; nil if unchanged
	reason  value  // the entry appended to the reason trail
}

func (op *OpCode) submission(jobID uint64, index int, receivedNs int64) (*rewrite, error) {
	rw := &rewrite{reason: reasonEntry(op.def.reasonSrc,
		"job="+strconv.FormatUint(jobID, 10)+";index="+strconv.Itoa(index), receivedNs)}
	if deps := &op.common[iDepends]; deps.kind == kArr && hasRelative(deps) {
		resolved, err := resolveDepends(deps, int64(jobID))
		if err != nil {
			return nil, &Error{err: err, kind: ErrDependency}
		}
		rw.depends = &resolved
	}
	return rw, nil
}

func reasonEntry(source, text string, ns int64) value {
	return arrValue([]value{strValue(source), strValue(text), intValue(ns)})
}

// hasRelative reports whether a dependency list has a relative job id.
func hasRelative(deps *value) bool {
	for i := range deps.arr {
		if strings.HasPrefix(deps.arr[i].arr[0].s, "-") {
			return true
		}
	}
	return false
}

// resolveDepends makes relative dependency ids absolute.
func resolveDepends(deps *value, jobID int64) (value, error) {
	out := make([]value, len(deps.arr))
	for i := range deps.arr {
		dep := deps.arr[i].arr
		id, _ := strconv.ParseInt(dep[0].s, 10, 64)
		if id >= 0 {
			out[i] = deps.arr[i]
			continue
		}
		abs := jobID + id
		if abs < 0 {
			return value{}, invalidJobID(abs)
		}
		out[i] = arrValue([]value{intValue(abs), dep[1]})
	}
	return arrValue(out), nil
}

// Canonical returns the opcode as luxid writes it into the job file when
// it is the index-th opcode of job jobID received at receivedNs
// (nanoseconds since the epoch): relative dependencies made absolute and
// the reason trail extended with ["gnt:opcode:<op>", "job=<id>;index=<index>",
// receivedNs]. A dependency on a job before the first fails with an *Error
// matching ErrDependency.
func (op *OpCode) Canonical(jobID uint64, index int, receivedNs int64) (json.RawMessage, error) {
	rw, err := op.submission(jobID, index, receivedNs)
	if err != nil {
		return nil, err
	}
	return op.appendJSON(make([]byte, 0, op.size+256), true, rw), nil
}

// WithReason returns the opcode with one more reason trail entry, as
// luxid appends when it fails a job.
func (op *OpCode) WithReason(source, text string, ns int64) *OpCode {
	out := *op
	trail := op.common[iReason].arr
	out.common[iReason] = arrValue(append(trail[:len(trail):len(trail)], reasonEntry(source, text, ns)))
	return &out
}

// MarshalJSON writes the opcode as luxid does: the common parameters
// (dry_run and debug_level only when set; depends and comment null when
// unset), OP_ID, then the opcode's parameters in declaration order, unset
// optional ones left out and secret values written as "<redacted>".
func (op *OpCode) MarshalJSON() ([]byte, error) {
	return op.appendJSON(make([]byte, 0, op.size+256), true, nil), nil
}

// appendJSON writes the opcode, with the common parameters or not, and
// with the changes of rw if not nil.
func (op *OpCode) appendJSON(buf []byte, withCommon bool, rw *rewrite) []byte {
	buf = append(buf, '{')
	first := true
	if withCommon {
		buf = op.appendCommon(buf, &first, rw)
	}
	buf = appendKey(buf, &first, opIDKey)
	buf = hsjson.AppendString(buf, op.def.ID)
	return append(appendFields(buf, &first, op.def.record, op.params, op.def.secret), '}')
}

// appendCommon writes the common parameters, rewritten by rw if not nil.
func (op *OpCode) appendCommon(buf []byte, first *bool, rw *rewrite) []byte {
	if rw == nil {
		return appendFields(buf, first, commonRecord, op.common[:], -1)
	}
	common := op.common
	if rw.depends != nil {
		common[iDepends] = *rw.depends
	}
	buf = appendFields(buf, first, commonRecord, common[:iReason], -1)
	buf = appendKey(buf, first, keyReason)
	buf = append(buf, '[')
	for i := range common[iReason].arr {
		buf = appendValue(buf, &common[iReason].arr[i])
		buf = append(buf, ',')
	}
	return append(appendValue(buf, &rw.reason), ']')
}

// appendFields writes the set fields among the first len(vals) of a
// record; the value of field secret (if not -1) is redacted.
func appendFields(buf []byte, first *bool, r *record, vals []value, secret int) []byte {
	for i := range vals {
		v := &vals[i]
		switch {
		case v.kind == kAbsent && r.fields[i].mode == modeNull:
			v = &nullValue
		case v.kind == kAbsent:
			continue
		}
		buf = appendKey(buf, first, r.fields[i].name)
		if i == secret {
			buf = appendRedacted(buf, v)
		} else {
			buf = appendValue(buf, v)
		}
	}
	return buf
}

func appendKey(buf []byte, first *bool, key string) []byte {
	if !*first {
		buf = append(buf, ',')
	}
	*first = false
	return append(hsjson.AppendString(buf, key), ':')
}

// redacted is what luxid writes for a secret value.
const redacted = "<redacted>"

// appendRedacted writes a secret object with every value redacted.
func appendRedacted(buf []byte, v *value) []byte {
	if v.kind != kObj {
		return appendValue(buf, v)
	}
	buf = append(buf, '{')
	for i := range v.obj {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = hsjson.AppendString(buf, v.obj[i].Key)
		buf = append(buf, ':')
		buf = hsjson.AppendString(buf, redacted)
	}
	return append(buf, '}')
}

// Secrets returns the values of the opcode's secret parameter
// (osparams_secret), revealed, for the job process; nil if the opcode has
// none or it is unset.
func (op *OpCode) Secrets() json.RawMessage {
	if op.def.secret < 0 || op.params[op.def.secret].kind == kAbsent {
		return nil
	}
	return appendValue(nil, &op.params[op.def.secret])
}

// reasonSourcePrefix starts the reason source luxid adds at submission.
const reasonSourcePrefix = "gnt:opcode:"

// lowerOpName is the OP_ID without "OP_", lower-cased.
func lowerOpName(id string) string {
	return strings.ToLower(strings.TrimPrefix(id, "OP_"))
}
