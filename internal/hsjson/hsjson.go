package hsjson

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
)

// NormalizeNumbers returns src with every number literal whose value is
// integral written as an integer. Strings and everything else are copied
// unchanged; src must be valid JSON.
func NormalizeNumbers(src []byte) []byte {
	var out []byte // allocated on the first change only
	inString, escaped := false, false
	last := 0
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '-' || (c >= '0' && c <= '9'):
			end := numberEnd(src, i)
			if repl, ok := integralForm(src[i:end]); ok {
				if out == nil {
					out = make([]byte, 0, len(src))
				}
				out = append(out, src[last:i]...)
				out = append(out, repl...)
				last = end
			}
			i = end - 1
		}
	}
	if out == nil {
		return src
	}
	return append(out, src[last:]...)
}

// numberEnd returns the index just past the number literal starting at i.
func numberEnd(src []byte, i int) int {
	for i < len(src) {
		switch c := src[i]; {
		case c >= '0' && c <= '9', c == '-', c == '+', c == '.', c == 'e', c == 'E':
			i++
		default:
			return i
		}
	}
	return i
}

// integralForm returns the integer spelling of lit when lit has a fraction
// or exponent but an integral value.
func integralForm(lit []byte) ([]byte, bool) {
	if bytes.IndexAny(lit, ".eE") < 0 {
		return nil, false
	}
	f, err := strconv.ParseFloat(string(lit), 64)
	if err != nil || math.IsInf(f, 0) || f != math.Trunc(f) {
		return nil, false
	}
	if f == 0 {
		return []byte("0"), true
	}
	return strconv.AppendFloat(nil, f, 'f', -1, 64), true
}

// Field is one key and value of an Object.
type Field struct {
	Key   string
	Value any
}

// Object is a JSON object whose keys are written in slice order.
type Object []Field

// MarshalJSON writes the fields in order.
func (o Object) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, f := range o {
		if i > 0 {
			buf.WriteByte(',')
		}
		key, err := json.Marshal(f.Key)
		if err != nil {
			return nil, err
		}
		buf.Write(key)
		buf.WriteByte(':')
		val, err := Marshal(f.Value)
		if err != nil {
			return nil, err
		}
		buf.Write(val)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// Marshal encodes v like json.Marshal but without HTML escaping, so that
// "<" and ">" reach clients as themselves, as the Haskell encoder writes them.
func Marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// KV is a Field, for compact Object literals.
func KV(key string, value any) Field { return Field{Key: key, Value: value} }
