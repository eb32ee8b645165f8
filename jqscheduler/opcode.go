package jqscheduler

import (
	"encoding/json"
	"slices"
	"strings"
)

// Validator tells whether an opcode input is a valid opcode of Ganeti's
// opcode schema. The scheduler ignores invalid opcodes: they add no
// dependencies, no reasons and no predicate matches. Passing nil to NewJob
// checks only the parts the scheduler reads: a string OP_ID and well-formed
// common parameters.
type Validator func(input json.RawMessage) bool

// commonParams are the opcode parameters every opcode has. Filter rules
// do not see them: opcode predicates look at OP_ID and the opcode's own
// fields only.
var commonParams = map[string]bool{
	"priority": true, "depends": true, "comment": true,
	"reason": true, "dry_run": true, "debug_level": true,
}

// opcode is what the rules read from one valid opcode.
type opcode struct {
	fields  []member // OP_ID and the opcode's own fields, in file order
	values  []any    // leafValue of each field, decoded once
	depends []uint64 // absolute dependencies
	reasons []Reason
}

// parseOpcode reads an opcode input; false if it is not a valid opcode.
func parseOpcode(input json.RawMessage) (*opcode, bool) {
	members, ok := readObject(input)
	if !ok {
		return nil, false
	}
	if id, found := lookup(members, "OP_ID"); !found || !isString(id) {
		return nil, false
	}
	op := &opcode{}
	if !op.readCommon(members) {
		return nil, false
	}
	for _, m := range members {
		if !commonParams[m.Key] {
			op.fields = append(op.fields, m)
			op.values = append(op.values, leafValue(m.Value))
		}
	}
	return op, true
}

// readCommon checks the common parameters and keeps the reason trail and
// the absolute dependencies.
func (op *opcode) readCommon(members []member) bool {
	reason, found := lookup(members, "reason")
	if !found {
		return false
	}
	var err error
	if op.reasons, err = readReasonTrail(reason); err != nil {
		return false
	}
	if op.depends, err = readDepends(members); err != nil {
		return false
	}
	return optional(members, "priority", isSubmitPriority) &&
		optional(members, "comment", isString) &&
		optional(members, "dry_run", isBool) &&
		optional(members, "debug_level", isNonNegative)
}

// optional checks a parameter that may be missing or null.
func optional(members []member, key string, check func(json.RawMessage) bool) bool {
	v, found := lookup(members, key)
	return !found || isNull(v) || check(v)
}

func isString(raw json.RawMessage) bool { _, err := readString(raw); return err == nil }

func isBool(raw json.RawMessage) bool {
	s := string(raw)
	return s == "true" || s == "false"
}

func isNonNegative(raw json.RawMessage) bool { _, err := readNonNegative(raw); return err == nil }

// isSubmitPriority accepts the three priorities a job may be submitted
// with: high (-10), normal (0) and low (10).
func isSubmitPriority(raw json.RawMessage) bool {
	n, err := readRounded(raw, "Int")
	return err == nil && (n == -10 || n == 0 || n == 10)
}

// readDepends decodes the depends parameter: null or [[id, [status…]]…].
// Relative (negative) ids are valid but block nothing: submission made
// them absolute.
func readDepends(members []member) ([]uint64, error) {
	raw, found := lookup(members, "depends")
	if !found || isNull(raw) {
		return nil, nil
	}
	list, err := readList(raw)
	if err != nil {
		return nil, err
	}
	var ids []uint64
	for _, dep := range list {
		id, absolute, err := readDependency(dep)
		if err != nil {
			return nil, err
		}
		if absolute {
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// finalizedStatuses are the statuses a dependency may ask for.
var finalizedStatuses = map[string]bool{"canceled": true, "success": true, "error": true}

// readDependency decodes one [id, [status…]] pair.
func readDependency(raw json.RawMessage) (id uint64, absolute bool, err error) {
	pair, err := readList(raw)
	if err != nil || len(pair) != 2 {
		return 0, false, parseErrorf("Unable to read Pair")
	}
	statuses, err := readList(pair[1])
	if err != nil {
		return 0, false, err
	}
	for _, s := range statuses {
		if name, err := readString(s); err != nil || !finalizedStatuses[name] {
			return 0, false, parseErrorf("invalid dependency status %s", s)
		}
	}
	if n, err := readRounded(pair[0], "Int"); err == nil && n < 0 {
		return 0, false, nil
	}
	id, err = readJobID(pair[0])
	return id, err == nil, err
}

// lookupField resolves a dotted path ("a.b.c") in the opcode's fields:
// each step but the last must be an object with that key.
func (op *opcode) lookupField(path string) (any, bool) {
	first, rest, nested := strings.Cut(path, ".")
	i := slices.IndexFunc(op.fields, func(m member) bool { return m.Key == first })
	if i < 0 {
		return nil, false
	}
	if !nested {
		return op.values[i], true
	}
	v := op.fields[i].Value
	for key := range strings.SplitSeq(rest, ".") {
		members, ok := readObject(v)
		if !ok {
			return nil, false
		}
		if v, ok = lookup(members, key); !ok {
			return nil, false
		}
	}
	return leafValue(v), true
}

// leafValue turns a raw JSON value into what the query evaluator reads:
// scalars decoded (numbers kept exact as json.Number), lists and objects
// left raw for it to decode in order.
func leafValue(raw json.RawMessage) any {
	switch raw[0] {
	case '{', '[':
		return raw
	case '"':
		s, _ := readString(raw)
		return s
	case 't':
		return true
	case 'f':
		return false
	case 'n':
		return nil
	}
	return json.Number(raw)
}
