package jqscheduler

import (
	"math"
	"math/big"

	"github.com/goluxid/goluxid/query"
)

// Matches reports whether all predicates of r hold for j; a rule without
// predicates matches every job.
func (r *Rule) Matches(j *Job) bool {
	for _, p := range r.Predicates {
		if !p.Holds(j, r.Watermark) {
			return false
		}
	}
	return true
}

// Holds reports whether p holds for j, for a rule with the given
// watermark:
//   - jobid: the filter over field "id" holds for the job id, where the
//     value "watermark" stands for the watermark;
//   - opcode: the filter holds for at least one valid opcode, its fields
//     looked up by dotted path, the common parameters hidden;
//   - reason: the filter holds for at least one reason trail entry of
//     the valid opcodes, with fields source, reason and timestamp.
//
// jobid and reason filters admit only comparisons: any other leaf, field
// or value reached makes the whole predicate false.
func (p Predicate) Holds(j *Job, watermark uint64) bool {
	switch p.Kind {
	case JobIDPredicate:
		return p.Filter.EvalComparisons(jobIDLeaf(j.ID, watermark))
	case OpcodePredicate:
		for _, op := range j.ops {
			if p.Filter.EvalJSON(op.lookupField) {
				return true
			}
		}
	case ReasonPredicate:
		for _, r := range j.reasons {
			if p.Filter.EvalComparisons(reasonLeaf(r)) {
				return true
			}
		}
	}
	return false
}

// comparison decides one comparison leaf; ok is false for a leaf the
// predicate kind does not support.
type comparison = func(op query.Op, field string, v query.Value) (result, ok bool)

// jobIDLeaf decides the leaves of a jobid predicate.
func jobIDLeaf(id, watermark uint64) comparison {
	return func(op query.Op, field string, v query.Value) (bool, bool) {
		if field != "id" {
			return false, false
		}
		if s, isString := v.Text(); isString {
			if s != "watermark" {
				return false, false
			}
			v = idValue(watermark)
		}
		return op.Holds(idValue(id).Compare(v)), true
	}
}

// reasonLeaf decides the leaves of a reason predicate for one entry.
// Filter values order every string before every integer.
func reasonLeaf(r Reason) comparison {
	return func(op query.Op, field string, v query.Value) (bool, bool) {
		var have query.Value
		switch field {
		case "source":
			have = query.StringValue(r.Source)
		case "reason":
			have = query.StringValue(r.Text)
		case "timestamp":
			have = query.IntValue(r.Timestamp)
		default:
			return false, false
		}
		return op.Holds(have.Compare(v)), true
	}
}

// idValue is a job id as a filter value.
func idValue(id uint64) query.Value {
	if id > math.MaxInt64 {
		return query.BigIntValue(new(big.Int).SetUint64(id))
	}
	return query.IntValue(int64(id))
}
