package query

import (
	"cmp"
	"errors"
)

// The job filter rules of the scheduler evaluate their predicates with the
// same filters and evaluator as queries, but over other things than field
// tables: the helpers here give the two flavours Ganeti uses.

// errInvalid stops an evaluation at a leaf its flavour cannot decide.
var errInvalid = errors.New("query: leaf not valid here")

// EvalComparisons evaluates f where only comparison leaves (==, <, >, <=,
// >=) are allowed, as the jobid and reason predicates of job filter rules
// do. decide returns a comparison's verdict, or ok false when it is not
// valid (unknown field, unsupported value). Any invalid leaf reached, and
// any other operator, makes the whole result false, even under "!".
//
// decide is also the hook for special values: the jobid predicate reads
// the string "watermark" as the rule's watermark:
//
//	matched := pred.EvalComparisons(func(op Op, field string, v Value) (bool, bool) {
//		if field != "id" {
//			return false, false
//		}
//		if s, isString := v.Text(); isString {
//			if s != "watermark" {
//				return false, false
//			}
//			v = IntValue(watermark)
//		}
//		return op.Holds(IntValue(jobID).Compare(v)), true
//	})
func (f *Filter) EvalComparisons(decide func(op Op, field string, v Value) (result, ok bool)) bool {
	result, err := f.Eval(func(leaf *Filter) (bool, error) {
		if !leaf.Op.IsComparison() {
			return false, errInvalid
		}
		r, ok := decide(leaf.Op, leaf.Field, leaf.Value)
		if !ok {
			return false, errInvalid
		}
		return r, nil
	})
	return err == nil && result
}

// EvalJSON evaluates f over a JSON document, as the opcode predicates of
// job filter rules do. lookup resolves a field name, a dotted path into
// the document ("a.b.c"), to its value; if any field of f does not
// resolve, the result is false.
// Comparisons order JSON values as Haskell does: null < bool < number <
// string < array < object, each type in its natural order. A leaf on a
// value of the wrong type makes the whole result false.
func (f *Filter) EvalJSON(lookup func(field string) (any, bool)) bool {
	values := map[string]any{}
	for _, name := range f.Fields() {
		v, ok := lookup(name)
		if !ok {
			return false
		}
		values[name] = v
	}
	result, err := f.Eval(func(leaf *Filter) (bool, error) {
		return matchJSON(leaf, values[leaf.Field])
	})
	return err == nil && result
}

// matchJSON decides one leaf of EvalJSON.
func matchJSON(leaf *Filter, value any) (bool, error) {
	v, err := normalize(value)
	if err != nil {
		return false, err
	}
	switch leaf.Op {
	case OpTrue:
		return truth(v)
	case OpRegexp:
		return regexpMatch(leaf.Regexp, v)
	case OpContains:
		return contains(leaf.Value, v)
	}
	fv, _ := normalize(leaf.Value)
	return leaf.Op.Holds(compareJSON(v, fv)), nil
}

// get returns the value of the first member called key.
func (o object) get(key string) (any, bool) {
	for _, m := range o {
		if m.Key == key {
			return m.Value, true
		}
	}
	return nil, false
}

// jsonRank orders the JSON types as Text.JSON's constructors do.
func jsonRank(v any) int {
	switch v.(type) {
	case nil:
		return 0
	case bool:
		return 1
	case int64, float64:
		return 2
	case string:
		return 3
	case []any:
		return 4
	case object:
		return 5
	}
	return 2 // *big.Rat
}

// compareJSON orders two normalized JSON values as Haskell's derived
// ordering of Text.JSON values does.
func compareJSON(a, b any) int {
	if ra, rb := jsonRank(a), jsonRank(b); ra != rb {
		return cmp.Compare(ra, rb)
	}
	switch x := a.(type) {
	case nil:
		return 0
	case bool:
		return compareBool(x, b.(bool))
	case string:
		return cmp.Compare(x, b.(string))
	case []any:
		return compareLists(x, b.([]any))
	case object:
		return compareObjects(x, b.(object))
	}
	ra, _ := toRat(a)
	rb, _ := toRat(b)
	if ra == nil || rb == nil {
		return 0
	}
	return ra.Cmp(rb)
}

func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case b:
		return -1
	}
	return 1
}

// compareLists orders lists lexicographically.
func compareLists(a, b []any) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		if c := compareNormalized(a[i], b[i]); c != 0 {
			return c
		}
	}
	return cmp.Compare(len(a), len(b))
}

// compareObjects orders objects as lists of (key, value) pairs in their
// stored order.
func compareObjects(a, b object) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		if c := cmp.Compare(a[i].Key, b[i].Key); c != 0 {
			return c
		}
		if c := compareNormalized(a[i].Value, b[i].Value); c != 0 {
			return c
		}
	}
	return cmp.Compare(len(a), len(b))
}

// compareNormalized normalizes two elements and compares them.
func compareNormalized(a, b any) int {
	na, _ := normalize(a)
	nb, _ := normalize(b)
	return compareJSON(na, nb)
}
