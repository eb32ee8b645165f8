package query

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"time"
	"unicode/utf8"

	"github.com/goluxid/goluxid/internal/hsshow"
)

// MaxDepth is the deepest nesting of JSON arrays ParseFilter accepts. Real
// filters are a few levels deep; the bound keeps every walk over a filter
// (which recurses) shallow whatever a client sends.
const MaxDepth = 1000

// ParseError is a filter that cannot be decoded. luxid reports it as a
// request-decoding failure: Msg is the text Ganeti puts after "error: " in
// "Failed to parse request: Cannot convert value '<args>', error: <Msg>".
type ParseError struct {
	Msg string
}

func (e *ParseError) Error() string { return "query: invalid filter: " + e.Msg }

// parseErrorf returns a *ParseError with a formatted message.
func parseErrorf(format string, a ...any) *ParseError {
	return &ParseError{Msg: fmt.Sprintf(format, a...)}
}

// ParseOption adjusts ParseFilter.
type ParseOption func(*parser)

// WithRegexpDialect sets the language of the filter's regular
// expressions; RegexpPCRE if not given.
func WithRegexpDialect(d RegexpDialect) ParseOption {
	return func(p *parser) { p.dialect = d }
}

// parser holds the settings of one ParseFilter call.
type parser struct {
	timeout time.Duration
	dialect RegexpDialect
}

// ParseFilter decodes a filter from its JSON wire form. JSON null is the
// empty filter (nil). Failures are *ParseError with Ganeti's texts;
// regular expressions are compiled here, so a bad one fails the parse.
func ParseFilter(data []byte, opts ...ParseOption) (*Filter, error) {
	p := parser{timeout: DefaultMatchTimeout}
	for _, o := range opts {
		o(&p)
	}
	if depth := jsonDepth(data); depth > MaxDepth {
		return nil, parseErrorf("Cannot deserialise filter: nested %d levels deep, more than the %d allowed", depth, MaxDepth)
	}
	v, err := decodeJSON(data, false)
	if err != nil {
		return nil, parseErrorf("Cannot deserialise filter: invalid JSON: %v", err)
	}
	return p.filter(v)
}

// jsonDepth returns the deepest nesting of arrays and objects in data,
// which need not be valid JSON.
func jsonDepth(data []byte) int {
	depth, deepest := 0, 0
	inString, escaped := false, false
	for _, c := range data {
		switch {
		case inString && escaped:
			escaped = false
		case inString && c == '\\':
			escaped = true
		case c == '"':
			inString = !inString
		case inString:
		case c == '[' || c == '{':
			depth++
			deepest = max(deepest, depth)
		case c == ']' || c == '}':
			depth--
		}
	}
	return deepest
}

// filter decodes one filter from its decoded JSON.
func (p parser) filter(v any) (*Filter, error) {
	if v == nil {
		return nil, nil
	}
	list, ok := v.([]any)
	if ok && len(list) > 0 {
		if op, ok := list[0].(string); ok {
			return p.operation(op, list[1:])
		}
	}
	return nil, parseErrorf("Cannot deserialise filter: expected array [string, args], got %s", pretty(v))
}

// operation decodes the operands of op.
func (p parser) operation(op string, args []any) (*Filter, error) {
	switch op {
	case "&", "|":
		return p.logic(op, args)
	case "!":
		if len(args) != 1 {
			return nil, parseErrorf("Cannot deserialise field, expected [filter] but got %s", pretty(args))
		}
		child, err := p.filter(args[0])
		if err != nil {
			return nil, err
		}
		return Not(child), nil
	case "?":
		if len(args) != 1 {
			return nil, parseErrorf("Cannot deserialise field, expected [fieldname] but got %s", pretty(args))
		}
		field, err := readString(args[0])
		if err != nil {
			return nil, err
		}
		return &Filter{Op: OpTrue, Field: field}, nil
	}
	if binary, ok := binaryOps[op]; ok {
		return p.binary(op, binary, args)
	}
	return nil, parseErrorf("Unknown filter operand '%s'", op)
}

// binaryOps maps the wire symbols of the field/value operators to their
// Op; "!=" is handled as "!" over "==".
var binaryOps = map[string]Op{
	"==": OpEqual, "=": OpEqual, "!=": OpEqual,
	"<": OpLess, ">": OpGreater, "<=": OpLessEqual, ">=": OpGreaterEqual,
	"=~": OpRegexp, "=[]": OpContains,
}

// logic decodes the operands of & and |.
func (p parser) logic(op string, args []any) (*Filter, error) {
	children := make([]*Filter, len(args))
	for i, a := range args {
		child, err := p.filter(a)
		if err != nil {
			return nil, err
		}
		children[i] = child
	}
	if op == "&" {
		return And(children...), nil
	}
	return Or(children...), nil
}

// binary decodes the [field, value] operands of a leaf.
func (p parser) binary(symbol string, op Op, args []any) (*Filter, error) {
	if len(args) != 2 {
		return nil, parseErrorf("Cannot deserialise field/value pair, expected [fieldname, value] but got %s", pretty(args))
	}
	field, err := readString(args[0])
	if err != nil {
		return nil, err
	}
	leaf := &Filter{Op: op, Field: field}
	if op == OpRegexp {
		src, err := readString(args[1])
		if err != nil {
			return nil, err
		}
		if leaf.Regexp, err = CompileRegexp(src, p.dialect, p.timeout); err != nil {
			return nil, err
		}
		return leaf, nil
	}
	if leaf.Value, err = readValue(args[1]); err != nil {
		return nil, err
	}
	if symbol == "!=" {
		return Not(leaf), nil
	}
	return leaf, nil
}

// readString reads a JSON string the way Haskell's Text.JSON reads a
// String, which also takes an array of one-character strings.
func readString(v any) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case []any:
		runes := make([]rune, len(x))
		for i, e := range x {
			s, ok := e.(string)
			if !ok || utf8.RuneCountInString(s) != 1 {
				return "", &ParseError{Msg: "Unable to read Char"}
			}
			runes[i], _ = utf8.DecodeRuneInString(s)
		}
		return string(runes), nil
	}
	return "", &ParseError{Msg: "Unable to read String"}
}

// readValue reads a filter value: a string or an integral number.
func readValue(v any) (Value, error) {
	switch x := v.(type) {
	case string:
		return StringValue(x), nil
	case json.Number:
		return readNumber(string(x))
	}
	return Value{}, parseErrorf("Cannot deserialise filter value, expecting string or integer, got %s", pretty(v))
}

// readNumber reads an integral number literal; "1.0" and "1e0" are 1.
func readNumber(lit string) (Value, error) {
	n, err := parseNumber(lit)
	if errors.Is(err, errExponent) {
		return Value{}, parseErrorf("Cannot deserialise numeric filter value, exponent out of range: %s", lit)
	}
	if err != nil {
		return Value{}, parseErrorf("Cannot deserialise numeric filter value: %v", err)
	}
	switch x := n.(type) {
	case int64:
		return IntValue(x), nil
	case *big.Rat:
		if !x.IsInt() {
			return Value{}, parseErrorf("Cannot deserialise numeric filter value, expecting integral but got a fractional value: %s", hsshow.Rational(x))
		}
		return BigIntValue(x.Num()), nil
	}
	return Value{}, parseErrorf("Cannot deserialise numeric filter value: %s", lit)
}
