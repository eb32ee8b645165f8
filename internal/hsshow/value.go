package hsshow

import (
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
type Member = hsjson.Member[Value]

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

// reader reads JSON into Values.
var reader = hsjson.Reader[Value]{Build: builder{}}

// Parse decodes the JSON text data, nested at most hsjson.MaxDepth deep.
func Parse(data []byte) (Value, error) {
	return reader.Read(data)
}

// builder makes the Values of Parse.
type builder struct{}

func (builder) Null() Value                   { return JSNull() }
func (builder) Bool(b bool) Value             { return JSBool(b) }
func (builder) String(s string) Value         { return JSString(s) }
func (builder) Array(elems []Value) Value     { return JSArray(elems) }
func (builder) Object(members []Member) Value { return JSObject(members) }
func (builder) Number(lit []byte, _ bool) (Value, error) {
	return JSNumber(string(lit)), nil
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
