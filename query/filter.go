package query

import (
	"bytes"
	"fmt"

	"github.com/goluxid/goluxid/internal/hsjson"
)

// Op is the operator of a filter node.
type Op uint8

// The operators of the filter language. "=" and "!=" are not operators of
// their own: they parse as OpEqual and as OpNot over OpEqual.
const (
	OpAnd          Op = iota + 1 // "&": all operands hold
	OpOr                         // "|": some operand holds
	OpNot                        // "!": the operand does not hold
	OpTrue                       // "?": the boolean field is true
	OpEqual                      // "=="
	OpLess                       // "<"
	OpGreater                    // ">"
	OpLessEqual                  // "<="
	OpGreaterEqual               // ">="
	OpRegexp                     // "=~": the regular expression matches
	OpContains                   // "=[]": the list field contains the value
)

var opSymbols = [...]string{
	OpAnd: "&", OpOr: "|", OpNot: "!", OpTrue: "?", OpEqual: "==",
	OpLess: "<", OpGreater: ">", OpLessEqual: "<=", OpGreaterEqual: ">=",
	OpRegexp: "=~", OpContains: "=[]",
}

// String returns the operator's wire symbol.
func (o Op) String() string {
	if int(o) < len(opSymbols) && opSymbols[o] != "" {
		return opSymbols[o]
	}
	return fmt.Sprintf("Op(%d)", uint8(o))
}

// IsLogic reports whether o combines filters (&, |, !).
func (o Op) IsLogic() bool { return o == OpAnd || o == OpOr || o == OpNot }

// IsComparison reports whether o compares a field with a value
// (==, <, >, <=, >=).
func (o Op) IsComparison() bool { return o >= OpEqual && o <= OpGreaterEqual }

// Holds tells whether a comparison operator holds for the ordering c of a
// field value against a filter value (negative, zero or positive, as
// from Value.Compare); false for other operators.
func (o Op) Holds(c int) bool {
	switch o {
	case OpEqual:
		return c == 0
	case OpLess:
		return c < 0
	case OpGreater:
		return c > 0
	case OpLessEqual:
		return c <= 0
	case OpGreaterEqual:
		return c >= 0
	}
	return false
}

// Filter is one node of a parsed filter. A nil *Filter is the empty
// filter, which every item passes. Filters are immutable once built and
// safe for concurrent use.
type Filter struct {
	Op Op
	// Children are the operands of &, | and ! (exactly one for !). A nil
	// child is an empty filter.
	Children []*Filter
	// Field is the field a leaf looks at.
	Field string
	// Value is what a comparison or =[] leaf compares with.
	Value Value
	// Regexp is the expression of a =~ leaf.
	Regexp *Regexp
}

// And returns the filter that holds when all fs hold.
func And(fs ...*Filter) *Filter { return &Filter{Op: OpAnd, Children: fs} }

// Or returns the filter that holds when any of fs holds.
func Or(fs ...*Filter) *Filter { return &Filter{Op: OpOr, Children: fs} }

// Not returns the negation of f.
func Not(f *Filter) *Filter { return &Filter{Op: OpNot, Children: []*Filter{f}} }

// Compare returns the leaf comparing field with v by op, one of ==, <, >,
// <=, >= or =[].
func Compare(op Op, field string, v Value) *Filter {
	return &Filter{Op: op, Field: field, Value: v}
}

// Equal returns the leaf field == v.
func Equal(field string, v Value) *Filter { return Compare(OpEqual, field, v) }

// Fields returns the field names f uses, in order, with repetitions.
func (f *Filter) Fields() []string {
	var names []string
	f.walk(func(leaf *Filter) { names = append(names, leaf.Field) })
	return names
}

// walk calls visit for every leaf of f, left to right, keeping its own
// stack.
func (f *Filter) walk(visit func(leaf *Filter)) {
	stack := []*Filter{f}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		switch {
		case n == nil:
		case n.Op.IsLogic():
			for i := len(n.Children) - 1; i >= 0; i-- {
				stack = append(stack, n.Children[i])
			}
		default:
			visit(n)
		}
	}
}

// MarshalJSON writes f in the wire form; legacy "=" and "!=" come out as
// "==" and ["!", ["==", …]], as Ganeti writes them back.
func (f *Filter) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	if err := f.encode(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// encode appends the wire form of f to buf.
func (f *Filter) encode(buf *bytes.Buffer) error {
	if f == nil {
		buf.WriteString("null")
		return nil
	}
	buf.WriteString(`["` + f.Op.String() + `"`)
	var err error
	switch {
	case f.Op.IsLogic():
		for _, c := range f.Children {
			buf.WriteByte(',')
			if err = c.encode(buf); err != nil {
				return err
			}
		}
	case f.Op == OpTrue:
		err = writeJSON(buf, ",", f.Field)
	case f.Op == OpRegexp:
		err = writeJSON(buf, ",", f.Field, f.Regexp.String())
	default:
		err = writeJSON(buf, ",", f.Field, f.Value)
	}
	buf.WriteByte(']')
	return err
}

// writeJSON appends each of vs, preceded by sep, to buf.
func writeJSON(buf *bytes.Buffer, sep string, vs ...any) error {
	for _, v := range vs {
		data, err := hsjson.Marshal(v)
		if err != nil {
			return fmt.Errorf("query: encoding filter: %w", err)
		}
		buf.WriteString(sep)
		buf.Write(data)
	}
	return nil
}
