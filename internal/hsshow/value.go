package hsshow

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"math/big"
	"strings"

	"github.com/goluxid/goluxid/internal/hsjson"
)

// kind is the Text.JSON constructor of a Value.
type kind uint8

const (
	kNull kind = iota
	kBool
	kNumber
	kString
	kArray
	kObject
	kVerbatim
)

// Value is a JSON value as Text.JSON's JSValue holds it: numbers exact,
// object members in their order, duplicates included. The zero Value is
// JSNull.
type Value struct {
	kind kind
	b    bool
	// text is a string's contents, a number's literal, or verbatim text.
	text string
	// rat is a number given by its exact value rather than a literal.
	rat     *big.Rat
	elems   []Value
	members []Member
}

// Member is one key and value of a JSON object.
type Member struct {
	Key   string
	Value Value
}

// JSNull is null.
func JSNull() Value { return Value{} }

// JSBool is true or false.
func JSBool(b bool) Value { return Value{kind: kBool, b: b} }

// JSString is a string.
func JSString(s string) Value { return Value{kind: kString, text: s} }

// JSNumber is the number that the JSON literal lit denotes.
func JSNumber(lit string) Value { return Value{kind: kNumber, text: lit} }

// JSInt is an integer.
func JSInt(n int64) Value { return JSNumber(Int(n)) }

// JSRat is the number r.
func JSRat(r *big.Rat) Value { return Value{kind: kNumber, rat: r} }

// JSDouble is the number x, as showJSON makes it of a Double: its exact
// value. NaN and the infinities, which JSON cannot carry, are shown as
// show shows them.
func JSDouble(x float64) Value {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return Verbatim(hsjson.FormatDouble(x))
	}
	return JSRat(new(big.Rat).SetFloat64(x))
}

// JSArray is an array of elems.
func JSArray(elems []Value) Value { return Value{kind: kArray, elems: elems} }

// JSObject is an object of members, in their order.
func JSObject(members []Member) Value { return Value{kind: kObject, members: members} }

// Verbatim is text shown as it is by both renderings, for a value that
// has no JSON form.
func Verbatim(text string) Value { return Value{kind: kVerbatim, text: text} }

// maxDepth bounds the nesting Parse accepts.
const maxDepth = 10000

var errDepth = errors.New("hsshow: JSON nested too deeply")

// Parse decodes the JSON text data.
func Parse(data []byte) (Value, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := parseValue(dec, 0)
	if err != nil {
		return Value{}, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return Value{}, errors.New("hsshow: data after the JSON value")
	}
	return v, nil
}

func parseValue(dec *json.Decoder, depth int) (Value, error) {
	tok, err := dec.Token()
	if err != nil {
		return Value{}, err
	}
	switch t := tok.(type) {
	case bool:
		return JSBool(t), nil
	case json.Number:
		return JSNumber(string(t)), nil
	case string:
		return JSString(t), nil
	case json.Delim:
		if depth >= maxDepth {
			return Value{}, errDepth
		}
		if t == '[' {
			return parseArray(dec, depth+1)
		}
		return parseObject(dec, depth+1)
	}
	return JSNull(), nil
}

// parseArray reads the elements of an array whose '[' was read.
func parseArray(dec *json.Decoder, depth int) (Value, error) {
	elems := []Value{}
	for dec.More() {
		v, err := parseValue(dec, depth)
		if err != nil {
			return Value{}, err
		}
		elems = append(elems, v)
	}
	_, err := dec.Token()
	return JSArray(elems), err
}

// parseObject reads the members of an object whose '{' was read.
func parseObject(dec *json.Decoder, depth int) (Value, error) {
	members := []Member{}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return Value{}, err
		}
		v, err := parseValue(dec, depth)
		if err != nil {
			return Value{}, err
		}
		members = append(members, Member{Key: key.(string), Value: v})
	}
	_, err := dec.Token()
	return JSObject(members), err
}

// Show renders v as Haskell's derived show of a JSValue, e.g.
// JSArray [JSRational False (1 % 2),JSNull], cut to MaxLen.
func (v Value) Show() string {
	var b strings.Builder
	v.writeShow(&b)
	return clip(b.String())
}

func (v Value) writeShow(b *strings.Builder) {
	if b.Len() > MaxLen {
		return
	}
	switch v.kind {
	case kNull:
		b.WriteString("JSNull")
	case kBool:
		if v.b {
			b.WriteString("JSBool True")
		} else {
			b.WriteString("JSBool False")
		}
	case kNumber:
		b.WriteString("JSRational False (")
		if v.rat != nil {
			b.WriteString(Rational(v.rat))
		} else {
			b.WriteString(NumberRational(v.text))
		}
		b.WriteByte(')')
	case kString:
		b.WriteString("JSString (JSONString {fromJSString = ")
		b.WriteString(String(v.text))
		b.WriteString("})")
	case kArray:
		b.WriteString("JSArray [")
		for i := range v.elems {
			if i > 0 {
				b.WriteByte(',')
			}
			v.elems[i].writeShow(b)
		}
		b.WriteByte(']')
	case kObject:
		b.WriteString("JSObject (JSONObject {fromJSObject = [")
		for i := range v.members {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteByte('(')
			b.WriteString(String(v.members[i].Key))
			b.WriteByte(',')
			v.members[i].Value.writeShow(b)
			b.WriteByte(')')
		}
		b.WriteString("]})")
	default:
		b.WriteString(v.text)
	}
}

// ShowJSON renders the JSON text data as Show does, or returns it as it
// is when it is not valid JSON.
func ShowJSON(data []byte) string {
	v, err := Parse(data)
	if err != nil {
		return string(data)
	}
	return v.Show()
}
