package opcodes

import (
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/goluxid/goluxid/internal/hsjson"
)

// kind is the JSON type of a value.
type kind uint8

const (
	kAbsent kind = iota // no value: a missing key or an unset optional parameter
	kNull
	kBool
	kNum
	kStr
	kArr
	kObj
)

// value is a decoded JSON value as Haskell's Text.JSON keeps it: object
// members in their order, duplicates included, and numbers as their
// literal so that no precision is lost before a type decides how to read
// them.
type value struct {
	kind kind
	// canon marks a number whose text is already as luxid writes it.
	canon bool
	b     bool
	// s is the text of a string, or the literal of a number.
	s   string
	arr []value
	obj []member
}

// member is one key and value of a JSON object.
type member = hsjson.Member[value]

var nullValue = value{kind: kNull}

func strValue(s string) value      { return value{kind: kStr, s: s} }
func canonNum(text string) value   { return value{kind: kNum, canon: true, s: text} }
func intValue(n int64) value       { return canonNum(strconv.FormatInt(n, 10)) }
func arrValue(items []value) value { return value{kind: kArr, arr: items} }

// lookup returns the first member named key, as Haskell's lookup does.
func (v *value) lookup(key string) (*value, bool) {
	for i := range v.obj {
		if v.obj[i].Key == key {
			return &v.obj[i].Value, true
		}
	}
	return nil, false
}

// keys returns the object's keys in their order, duplicates included.
func (v *value) keys() []string {
	out := make([]string, len(v.obj))
	for i := range v.obj {
		out[i] = v.obj[i].Key
	}
	return out
}

// errSyntax is the error of every malformed JSON text.
var errSyntax = errors.New("Invalid JSON")

// plainReader reads JSON for the opcode decoder as Text.JSON does: strings
// keep their bytes, valid UTF-8 or not, and numbers their literals.
var plainReader = newReader(nil)

// newReader returns a reader like plainReader that interns the keys in
// keys, so that decoding an opcode allocates no key strings.
func newReader(keys map[string]string) *hsjson.Reader[value] {
	return &hsjson.Reader[value]{Build: builder{}, Keys: keys, KeepInvalidUTF8: true}
}

// parseJSON decodes data, which must hold exactly one JSON value, with r,
// or with plainReader if r is nil.
func parseJSON(data []byte, r *hsjson.Reader[value]) (value, error) {
	if r == nil {
		r = plainReader
	}
	v, err := r.Read(data)
	if err != nil {
		return value{}, fmt.Errorf("%w: %w", errSyntax, err)
	}
	return v, nil
}

// builder makes the values of the opcode decoder.
type builder struct{}

func (builder) Null() value                   { return nullValue }
func (builder) Bool(b bool) value             { return value{kind: kBool, b: b} }
func (builder) String(s string) value         { return strValue(s) }
func (builder) Array(elems []value) value     { return arrValue(elems) }
func (builder) Object(members []member) value { return value{kind: kObj, obj: members} }

// Number keeps the literal. Like Text.JSON it refuses a number whose
// value is beyond the range of a Double.
func (builder) Number(lit []byte, integer bool) (value, error) {
	text := string(lit)
	if (!integer || len(text) > 300) && outOfRange(text) {
		return value{}, fmt.Errorf("JSON Rational out of range: %s", text)
	}
	// A plain integer literal is already written as luxid writes it.
	return value{kind: kNum, canon: integer && text != "-0", s: text}, nil
}

// outOfRange reports whether lit is beyond the largest Double.
func outOfRange(lit string) bool {
	f, err := strconv.ParseFloat(lit, 64)
	return err != nil && math.IsInf(f, 0)
}
