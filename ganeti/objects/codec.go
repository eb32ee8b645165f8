package objects

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/goluxid/goluxid/internal/hsjson"
)

// keySet remembers which of a type's known keys a loaded object had, so
// that writing it back neither drops nor invents keys. The zero value marks
// an object built in Go rather than loaded.
type keySet struct {
	bits   uint64
	loaded bool
}

func (k keySet) has(bit int) bool { return k.bits&(1<<bit) != 0 }

// codecField is one JSON key of a struct type.
type codecField struct {
	key       string
	index     int  // struct field index
	omitEmpty bool // omit the zero value when writing a built object
}

// structCodec lists the JSON keys of one struct type.
type structCodec struct {
	fields []codecField // bit i of a keySet is fields[i]
	byKey  map[string]int
}

var codecs sync.Map // reflect.Type -> *structCodec

// codecFor returns the codec of struct type t: every exported field with
// a json tag other than "-", in declaration order.
func codecFor(t reflect.Type) *structCodec {
	if c, ok := codecs.Load(t); ok {
		return c.(*structCodec)
	}
	c := &structCodec{byKey: map[string]int{}}
	for i := range t.NumField() {
		f := t.Field(i)
		tag, ok := f.Tag.Lookup("json")
		if !f.IsExported() || !ok || tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		c.byKey[name] = len(c.fields)
		c.fields = append(c.fields, codecField{key: name, index: i, omitEmpty: opts == "omitempty"})
	}
	if len(c.fields) > 64 {
		panic("objects: " + t.String() + " has more than 64 keys")
	}
	codecs.Store(t, c)
	return c
}

// member is one key and raw value of a JSON object; both alias the input.
type member struct {
	key, value []byte
}

// decodeObject fills the struct *v from the JSON object data, one key at a
// time: known keys go to their field and are recorded in keys, unknown
// keys are copied into extra.
func decodeObject(data []byte, v any, keys *keySet, extra *map[string]json.RawMessage) error {
	list, err := splitPooled(data)
	if err != nil {
		return err
	}
	defer list.release()
	return decodeMembers(list.members, v, keys, extra)
}

// decodeMembers is decodeObject for an object already split.
func decodeMembers(members []member, v any, keys *keySet, extra *map[string]json.RawMessage) error {
	rv := reflect.ValueOf(v).Elem()
	rv.SetZero() // also clears *keys and *extra, which live in v
	c := codecFor(rv.Type())
	keys.loaded = true
	for _, m := range members {
		i, known := c.byKey[string(m.key)]
		if !known && bytes.IndexByte(m.key, '\\') >= 0 {
			i, known = c.byKey[unquoteKey(m.key)]
		}
		if !known {
			if *extra == nil {
				*extra = map[string]json.RawMessage{}
			}
			(*extra)[unquoteKey(m.key)] = bytes.Clone(m.value)
			continue
		}
		keys.bits |= 1 << i
		f := c.fields[i]
		if err := decodeValue(m.value, rv.Field(f.index)); err != nil {
			return fmt.Errorf("key '%s': %w", f.key, err)
		}
	}
	return nil
}

// rawMembers maps each member's key to its value, cloned or aliased.
func rawMembers(members []member, clone bool) map[string]json.RawMessage {
	raw := make(map[string]json.RawMessage, len(members))
	for _, m := range members {
		v := m.value
		if clone {
			v = bytes.Clone(v)
		}
		raw[unquoteKey(m.key)] = v
	}
	return raw
}

// isNumber tells whether the valid JSON value raw is a number literal.
func isNumber(raw []byte) bool {
	return len(raw) > 0 && (raw[0] == '-' || raw[0] >= '0' && raw[0] <= '9')
}

// parseInt reads an integer literal, also one written with a fraction or
// exponent ("5000000.0"), as Haskell's readers of integral types accept.
func parseInt(raw []byte) (int64, bool) {
	if n, err := strconv.ParseInt(string(raw), 10, 64); err == nil {
		return n, true
	}
	f, err := strconv.ParseFloat(string(raw), 64)
	if err != nil || f != float64(int64(f)) {
		return 0, false
	}
	return int64(f), true
}

// unquoteKey turns a raw JSON string into its value.
func unquoteKey(raw []byte) string {
	if bytes.IndexByte(raw, '\\') < 0 {
		return string(raw)
	}
	var s string
	if err := json.Unmarshal(append(append([]byte{'"'}, raw...), '"'), &s); err != nil {
		return string(raw)
	}
	return s
}

// encodeObject writes the struct v and extra as one JSON object with keys
// in byte order. A loaded object writes exactly the keys it was read with;
// a built one writes every field except nil pointers, slices and maps and
// zero omitempty fields.
func encodeObject(v any, keys keySet, extra map[string]json.RawMessage) ([]byte, error) {
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer {
		rv = rv.Elem()
	}
	c := codecFor(rv.Type())
	type pair struct {
		key string
		val []byte
	}
	pairs := make([]pair, 0, len(c.fields)+len(extra))
	for i, f := range c.fields {
		fv := rv.Field(f.index)
		if !written(keys, i, f, fv) {
			continue
		}
		val, err := encodeValue(fv)
		if err != nil {
			return nil, fmt.Errorf("key '%s': %w", f.key, err)
		}
		pairs = append(pairs, pair{f.key, val})
	}
	for k, val := range extra {
		if _, known := c.byKey[k]; !known {
			pairs = append(pairs, pair{k, val})
		}
	}
	slices.SortFunc(pairs, func(a, b pair) int { return strings.Compare(a.key, b.key) })
	buf := make([]byte, 0, 64*len(pairs))
	buf = append(buf, '{')
	for i, p := range pairs {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = appendString(buf, p.key)
		buf = append(buf, ':')
		buf = append(buf, p.val...)
	}
	return append(buf, '}'), nil
}

// written tells whether field i belongs in the output.
func written(keys keySet, i int, f codecField, fv reflect.Value) bool {
	if keys.loaded {
		return keys.has(i)
	}
	switch fv.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Map, reflect.Interface:
		return !fv.IsNil()
	}
	return !f.omitEmpty || !fv.IsZero()
}

// encodeValue writes one field value, scalars directly and everything
// else through encoding/json without HTML escaping.
func encodeValue(fv reflect.Value) ([]byte, error) {
	switch fv.Kind() {
	case reflect.String:
		return appendString(nil, fv.String()), nil
	case reflect.Bool:
		return strconv.AppendBool(nil, fv.Bool()), nil
	case reflect.Int, reflect.Int64:
		return strconv.AppendInt(nil, fv.Int(), 10), nil
	case reflect.Pointer:
		if fv.IsNil() {
			return []byte("null"), nil
		}
		if isScalarKind(fv.Elem().Kind()) {
			return encodeValue(fv.Elem())
		}
	}
	return hsjson.Marshal(fv.Interface())
}

// appendString writes s as a JSON string the way the Haskell daemons do:
// quote and backslash escaped, control characters as \b \f \n \r \t or
// \u00xx, everything else as it is.
func appendString(buf []byte, s string) []byte {
	const hex = "0123456789abcdef"
	buf = append(buf, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			buf = append(buf, '\\', c)
		case c >= 0x20:
			buf = append(buf, c)
		case c == '\b':
			buf = append(buf, '\\', 'b')
		case c == '\f':
			buf = append(buf, '\\', 'f')
		case c == '\n':
			buf = append(buf, '\\', 'n')
		case c == '\r':
			buf = append(buf, '\\', 'r')
		case c == '\t':
			buf = append(buf, '\\', 't')
		default:
			buf = append(buf, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		}
	}
	return append(buf, '"')
}

func isScalarKind(k reflect.Kind) bool {
	switch k {
	case reflect.String, reflect.Bool, reflect.Int, reflect.Int64, reflect.Float64:
		return true
	}
	return false
}
