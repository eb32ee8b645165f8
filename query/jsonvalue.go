package query

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"strconv"
	"strings"

	"github.com/goluxid/goluxid/internal/hsshow"
)

// Field values reach the engine as whatever Go value a getter returns. The
// engine looks at them as JSON: normalize turns a value into one of nil,
// bool, string, int64, float64, *big.Rat, []any or object, converting
// anything else through its JSON encoding.

// object is a JSON object whose members keep their order.
type object []member

// member is one key and value of an object.
type member struct {
	key string
	val any
}

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

// jsonDecoder decodes JSON keeping object member order. With exact set,
// numbers become int64 or *big.Rat; otherwise they stay json.Number
// literals, to be read later.
type jsonDecoder struct {
	dec   *json.Decoder
	exact bool
}

// decodeJSON decodes one JSON text.
func decodeJSON(data []byte, exact bool) (any, error) {
	d := jsonDecoder{dec: json.NewDecoder(bytes.NewReader(data)), exact: exact}
	d.dec.UseNumber()
	v, err := d.next()
	if err == io.EOF {
		return nil, errors.New("unexpected end of JSON input")
	}
	if err != nil {
		return nil, err
	}
	if _, err := d.dec.Token(); err != io.EOF {
		return nil, errors.New("trailing data after JSON value")
	}
	return v, nil
}

// next decodes the next value.
func (d jsonDecoder) next() (any, error) {
	tok, err := d.dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		if t == '[' {
			return d.array()
		}
		return d.object()
	case json.Number:
		if d.exact {
			return parseNumber(string(t))
		}
		return t, nil
	default:
		return t, nil
	}
}

// array decodes the elements of an array whose '[' was read.
func (d jsonDecoder) array() ([]any, error) {
	list := []any{}
	for d.dec.More() {
		v, err := d.next()
		if err != nil {
			return nil, err
		}
		list = append(list, v)
	}
	_, err := d.dec.Token()
	return list, err
}

// object decodes the members of an object whose '{' was read.
func (d jsonDecoder) object() (object, error) {
	obj := object{}
	for d.dec.More() {
		key, err := d.dec.Token()
		if err != nil {
			return nil, err
		}
		v, err := d.next()
		if err != nil {
			return nil, err
		}
		obj = append(obj, member{key: key.(string), val: v})
	}
	_, err := d.dec.Token()
	return obj, err
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
			members[i] = hsshow.Member{Key: m.key, Value: jsValue(m.val)}
		}
		return hsshow.JSObject(members)
	}
	return hsshow.Verbatim(fmt.Sprint(v))
}
