package query

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"

	"github.com/goluxid/goluxid/internal/hsjson"
	"github.com/goluxid/goluxid/internal/hsshow"
)

// Field values reach the engine as whatever Go value a getter returns. The
// engine looks at them as JSON: normalize turns a value into one of nil,
// bool, string, int64, float64, *big.Rat, []any or object, converting
// anything else through its JSON encoding.

// object is a JSON object whose members keep their order.
type object []hsjson.Member[any]

// maxExponent bounds the decimal exponent of a number literal the engine
// expands exactly; a bigger one would cost unbounded time and memory.
const maxExponent = 10000

// errExponent is returned for number literals beyond maxExponent.
var errExponent = errors.New("exponent out of range")

// normalize returns the JSON shape of v at the top level; the elements of
// lists and objects are normalized when they are looked at.
func normalize(v any) (any, error) {
	switch x := v.(type) {
	case nil, bool, string, int64, float64, *big.Rat, []any, object:
		return x, nil
	case int:
		return int64(x), nil
	case int32:
		return int64(x), nil
	case uint64:
		if x > math.MaxInt64 {
			return new(big.Rat).SetInt(new(big.Int).SetUint64(x)), nil
		}
		return int64(x), nil
	case uint32:
		return int64(x), nil
	case uint:
		return normalize(uint64(x))
	case float32:
		return float64(x), nil
	case *big.Int:
		return new(big.Rat).SetInt(x), nil
	case json.Number:
		return parseNumber(string(x))
	case Value:
		if !x.isInt {
			return x.str, nil
		}
		if x.big == nil {
			return x.small, nil
		}
		return x.rat(), nil
	case []string:
		list := make([]any, len(x))
		for i, s := range x {
			list[i] = s
		}
		return list, nil
	case json.RawMessage:
		return decodeJSON(x, true)
	}
	return normalizeEncoded(v)
}

// normalizeEncoded normalizes v through its JSON encoding.
func normalizeEncoded(v any) (any, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("query: field value of type %T: %w", v, err)
	}
	return decodeJSON(data, true)
}

// Readers of JSON keeping object member order: exactReader reads numbers
// as int64 or *big.Rat, literalReader leaves them json.Number literals,
// to be read later. Strings are read as encoding/json reads them.
var (
	exactReader   = hsjson.Reader[any]{Build: jsonBuilder{exact: true}}
	literalReader = hsjson.Reader[any]{Build: jsonBuilder{}}
)

// errUnexpectedEnd is the failure of a text cut short, in
// encoding/json's words.
var errUnexpectedEnd = errors.New("unexpected end of JSON input")

// decodeJSON decodes one JSON text.
func decodeJSON(data []byte, exact bool) (any, error) {
	r := &literalReader
	if exact {
		r = &exactReader
	}
	v, err := r.Read(data)
	if err != nil {
		var syn *hsjson.SyntaxError
		if errors.As(err, &syn) && syn.Offset == len(data) {
			return nil, errUnexpectedEnd
		}
		return nil, err
	}
	return v, nil
}

// jsonBuilder makes the values of decodeJSON.
type jsonBuilder struct {
	exact bool
}

func (jsonBuilder) Null() any                               { return nil }
func (jsonBuilder) Bool(b bool) any                         { return b }
func (jsonBuilder) String(s string) any                     { return s }
func (jsonBuilder) Array(elems []any) any                   { return elems }
func (jsonBuilder) Object(members []hsjson.Member[any]) any { return object(members) }

func (b jsonBuilder) Number(lit []byte, _ bool) (any, error) {
	if b.exact {
		return parseNumber(string(lit))
	}
	return json.Number(lit), nil
}

// parseNumber reads a JSON number literal exactly: an int64 when it is
// one, otherwise a rational.
func parseNumber(lit string) (any, error) {
	if i, err := strconv.ParseInt(lit, 10, 64); err == nil {
		return i, nil
	}
	if i := strings.IndexAny(lit, "eE"); i >= 0 {
		exp, err := strconv.Atoi(lit[i+1:])
		if err != nil || exp > maxExponent || exp < -maxExponent {
			return nil, fmt.Errorf("number %s: %w", lit, errExponent)
		}
	}
	r, ok := new(big.Rat).SetString(lit)
	if !ok {
		return nil, fmt.Errorf("invalid number %q", lit)
	}
	if r.IsInt() && r.Num().IsInt64() {
		return r.Num().Int64(), nil
	}
	return r, nil
}

// isNumber reports whether a normalized value is a number.
func isNumber(v any) bool {
	switch v.(type) {
	case int64, float64, *big.Rat:
		return true
	}
	return false
}

// toRat returns a normalized number as an exact rational; false for NaN
// and infinities, which JSON cannot carry.
func toRat(v any) (*big.Rat, bool) {
	switch x := v.(type) {
	case int64:
		return new(big.Rat).SetInt64(x), true
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, false
		}
		return new(big.Rat).SetFloat64(x), true
	case *big.Rat:
		return x, true
	}
	return nil, false
}

// pretty renders v as Ganeti's messages show a JSON value: Text.JSON's
// pretty printer, wrapped as HughesPJ lays it out.
func pretty(v any) string { return jsValue(v).Pretty() }

// jsValue is the Text.JSON value v stands for.
func jsValue(v any) hsshow.Value {
	n, err := normalize(v)
	if err != nil {
		return hsshow.Verbatim(fmt.Sprint(v))
	}
	switch x := n.(type) {
	case nil:
		return hsshow.JSNull()
	case bool:
		return hsshow.JSBool(x)
	case string:
		return hsshow.JSString(x)
	case int64:
		return hsshow.JSInt(x)
	case float64:
		return hsshow.JSDouble(x)
	case *big.Rat:
		return hsshow.JSRat(x)
	case []any:
		elems := make([]hsshow.Value, len(x))
		for i, e := range x {
			elems[i] = jsValue(e)
		}
		return hsshow.JSArray(elems)
	case object:
		members := make([]hsshow.Member, len(x))
		for i, m := range x {
			members[i] = hsshow.Member{Key: m.Key, Value: jsValue(m.Value)}
		}
		return hsshow.JSObject(members)
	}
	return hsshow.Verbatim(fmt.Sprint(v))
}
