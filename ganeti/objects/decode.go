package objects

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
)

var (
	unmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	rawMessageType  = reflect.TypeFor[json.RawMessage]()
)

// decodeValue decodes the valid JSON value raw into fv. It walks objects,
// lists and scalars itself, calling the UnmarshalJSON of this package's
// types directly, which makes loading a large config.data several times
// faster than going through encoding/json for every value; other types
// are left to encoding/json.
func decodeValue(raw []byte, fv reflect.Value) error {
	if fv.Type() == rawMessageType {
		fv.SetBytes(bytes.Clone(raw))
		return nil
	}
	if string(raw) == "null" {
		switch fv.Kind() {
		case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Interface:
			fv.SetZero()
		}
		return nil
	}
	if fv.Kind() == reflect.Pointer {
		p := reflect.New(fv.Type().Elem())
		if err := decodeValue(raw, p.Elem()); err != nil {
			return err
		}
		fv.Set(p)
		return nil
	}
	if u, ok := fv.Addr().Interface().(json.Unmarshaler); ok {
		return u.UnmarshalJSON(raw)
	}
	if done, err := decodeScalar(raw, fv); done {
		return err
	}
	switch fv.Kind() {
	case reflect.Map:
		if fv.Type().Key().Kind() == reflect.String && raw[0] == '{' {
			return decodeMap(raw, fv)
		}
	case reflect.Slice:
		if fv.Type().Elem().Kind() != reflect.Uint8 && raw[0] == '[' {
			return decodeSlice(raw, fv)
		}
	}
	return json.Unmarshal(raw, fv.Addr().Interface())
}

// decodeScalar decodes strings without escapes, booleans and numbers; it
// reports whether it handled raw.
func decodeScalar(raw []byte, fv reflect.Value) (bool, error) {
	switch fv.Kind() {
	case reflect.String:
		if len(raw) >= 2 && raw[0] == '"' && bytes.IndexByte(raw, '\\') < 0 {
			fv.SetString(string(raw[1 : len(raw)-1]))
			return true, nil
		}
	case reflect.Bool:
		if s := string(raw); s == "true" || s == "false" {
			fv.SetBool(s == "true")
			return true, nil
		}
	case reflect.Int, reflect.Int64:
		if n, ok := parseInt(raw); ok && isNumber(raw) {
			fv.SetInt(n)
			return true, nil
		}
	case reflect.Float64:
		if f, err := strconv.ParseFloat(string(raw), 64); err == nil && isNumber(raw) {
			fv.SetFloat(f)
			return true, nil
		}
	}
	return false, nil
}

// decodeMap decodes a JSON object into a map with string keys, naming the
// key whose value fails.
func decodeMap(raw []byte, fv reflect.Value) error {
	list, err := splitPooled(raw)
	if err != nil {
		return err
	}
	defer list.release()
	t := fv.Type()
	m := reflect.MakeMapWithSize(t, len(list.members))
	for _, mem := range list.members {
		key := unquoteKey(mem.key)
		elem := reflect.New(t.Elem()).Elem()
		if err := decodeValue(mem.value, elem); err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		m.SetMapIndex(reflect.ValueOf(key).Convert(t.Key()), elem)
	}
	fv.Set(m)
	return nil
}

// decodeSlice decodes a JSON list into a slice, naming the element that
// fails.
func decodeSlice(raw []byte, fv reflect.Value) error {
	elems := splitArray(raw)
	s := reflect.MakeSlice(fv.Type(), len(elems), len(elems))
	for i, e := range elems {
		if err := decodeValue(e, s.Index(i)); err != nil {
			return fmt.Errorf("element %d: %w", i, err)
		}
	}
	fv.Set(s)
	return nil
}
