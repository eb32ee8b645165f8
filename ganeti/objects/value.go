package objects

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"

	"github.com/goluxid/goluxid/internal/hsjson"
)

// Value is a free-form JSON value from config.data (a parameter value, a
// filter expression) to be written as the Haskell daemons write it: no
// whitespace, object keys in their stored order, strings re-escaped,
// numbers as exact rationals (see Double).
type Value json.RawMessage

// MarshalJSON rewrites the stored JSON in the Haskell form.
func (v Value) MarshalJSON() ([]byte, error) {
	if len(v) == 0 {
		return []byte("null"), nil
	}
	return appendValue(nil, v)
}

// EncodeParams returns a parameter map ready to be written the Haskell
// way: keys in byte order (as for any Go map) and values as Value.
func EncodeParams(p Params) map[string]Value {
	out := make(map[string]Value, len(p))
	for k, v := range p {
		out[k] = Value(v)
	}
	return out
}

// appendValue appends the valid JSON value raw in the Haskell form.
func appendValue(buf, raw []byte) ([]byte, error) {
	i := skipSpace(raw, 0)
	if i >= len(raw) {
		return nil, fmt.Errorf("objects: empty JSON value")
	}
	switch c := raw[i]; {
	case c == '{':
		return appendObjectValue(buf, raw[i:])
	case c == '[':
		return appendArrayValue(buf, raw[i:])
	case c == '"':
		var s string
		if err := json.Unmarshal(raw[i:valueEnd(raw, i)], &s); err != nil {
			return nil, err
		}
		return appendString(buf, s), nil
	case c == '-' || c >= '0' && c <= '9':
		return appendNumber(buf, raw[i:valueEnd(raw, i)])
	default:
		return append(buf, raw[i:valueEnd(raw, i)]...), nil
	}
}

func appendObjectValue(buf, raw []byte) ([]byte, error) {
	members, err := splitObject(raw)
	if err != nil {
		return nil, err
	}
	buf = append(buf, '{')
	for i, m := range members {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = appendString(buf, unquoteKey(m.key))
		buf = append(buf, ':')
		if buf, err = appendValue(buf, m.value); err != nil {
			return nil, err
		}
	}
	return append(buf, '}'), nil
}

func appendArrayValue(buf, raw []byte) ([]byte, error) {
	buf = append(buf, '[')
	i := skipSpace(raw, 1)
	for n := 0; i < len(raw) && raw[i] != ']'; n++ {
		if n > 0 {
			buf = append(buf, ',')
		}
		end := valueEnd(raw, i)
		var err error
		if buf, err = appendValue(buf, raw[i:end]); err != nil {
			return nil, err
		}
		i = skipSpace(raw, end)
		if i < len(raw) && raw[i] == ',' {
			i = skipSpace(raw, i+1)
		}
	}
	return append(buf, ']'), nil
}

// appendNumber writes a number literal as Haskell's Text.JSON writes the
// exact rational it reads: an integer when whole, else the nearest
// Double in show notation.
func appendNumber(buf, lit []byte) ([]byte, error) {
	if hugeExponent(lit) {
		f, err := strconv.ParseFloat(string(lit), 64)
		if err != nil && !errors.Is(err, strconv.ErrRange) {
			return nil, fmt.Errorf("objects: bad number %q", lit)
		}
		out, err := Double(f).MarshalJSON()
		return append(buf, out...), err
	}
	r, ok := new(big.Rat).SetString(string(lit))
	if !ok {
		return nil, fmt.Errorf("objects: bad number %q", lit)
	}
	if r.IsInt() {
		return r.Num().Append(buf, 10), nil
	}
	f, _ := r.Float64()
	return append(buf, hsjson.FormatDouble(f)...), nil
}

// hugeExponent tells whether lit has an exponent too large to expand
// exactly; such numbers are read as the nearest Double instead.
func hugeExponent(lit []byte) bool {
	i := bytes.IndexAny(lit, "eE")
	if i < 0 {
		return false
	}
	exp, err := strconv.Atoi(strings.TrimPrefix(string(lit[i+1:]), "+"))
	return err != nil || exp > 400 || exp < -400
}
