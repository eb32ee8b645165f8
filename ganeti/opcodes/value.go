package opcodes

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"sync"
	"unicode/utf16"
	"unicode/utf8"
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
type member struct {
	key string
	val value
}

var (
	nullValue  = value{kind: kNull}
	trueValue  = value{kind: kBool, b: true}
	falseValue = value{kind: kBool, b: false}
)

func strValue(s string) value      { return value{kind: kStr, s: s} }
func canonNum(text string) value   { return value{kind: kNum, canon: true, s: text} }
func intValue(n int64) value       { return canonNum(strconv.FormatInt(n, 10)) }
func arrValue(items []value) value { return value{kind: kArr, arr: items} }

// lookup returns the first member named key, as Haskell's lookup does.
func (v *value) lookup(key string) (*value, bool) {
	for i := range v.obj {
		if v.obj[i].key == key {
			return &v.obj[i].val, true
		}
	}
	return nil, false
}

// keys returns the object's keys in their order, duplicates included.
func (v *value) keys() []string {
	out := make([]string, len(v.obj))
	for i := range v.obj {
		out[i] = v.obj[i].key
	}
	return out
}

// maxDepth bounds the nesting of arrays and objects the parser accepts.
const maxDepth = 10000

// errSyntax is the error of every malformed JSON text.
var errSyntax = errors.New("Invalid JSON")

// parser decodes one JSON text. Keys known to the opcode schema are
// interned so that decoding an opcode allocates no key strings.
type parser struct {
	data  []byte
	pos   int
	depth int
	keys  map[string]string // interned keys; may be nil
	// vals and mems hold the items of the open arrays and objects, so
	// that each container gets one slice of the right size.
	vals []value
	mems []member
}

// parsers keeps the scratch stacks of parsers between calls.
var parsers = sync.Pool{New: func() any { return new(parser) }}

// parseJSON decodes data, which must hold exactly one JSON value. Object
// keys found in keys share its strings.
func parseJSON(data []byte, keys map[string]string) (value, error) {
	p := parsers.Get().(*parser)
	p.data, p.pos, p.depth, p.keys = data, 0, 0, keys
	defer p.release()
	p.skipSpace()
	v, err := p.value()
	if err != nil {
		return value{}, err
	}
	p.skipSpace()
	if p.pos != len(p.data) {
		return value{}, p.fail("trailing data")
	}
	return v, nil
}

// maxPooledScratch bounds the scratch stacks a pooled parser keeps.
const maxPooledScratch = 1024

// release returns p to the pool without references to the parsed data.
func (p *parser) release() {
	p.data, p.keys = nil, nil
	if cap(p.vals) > maxPooledScratch || cap(p.mems) > maxPooledScratch {
		return
	}
	clear(p.vals[:cap(p.vals)])
	clear(p.mems[:cap(p.mems)])
	p.vals, p.mems = p.vals[:0], p.mems[:0]
	parsers.Put(p)
}

func (p *parser) fail(what string) error {
	return fmt.Errorf("%w: %s at offset %d", errSyntax, what, p.pos)
}

func (p *parser) skipSpace() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *parser) value() (value, error) {
	if p.pos >= len(p.data) {
		return value{}, p.fail("unexpected end")
	}
	switch c := p.data[p.pos]; {
	case c == '{':
		return p.object()
	case c == '[':
		return p.array()
	case c == '"':
		s, err := p.str(false)
		return strValue(s), err
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	default:
		return p.literal()
	}
}

func (p *parser) literal() (value, error) {
	rest := p.data[p.pos:]
	var v value
	var n int
	switch {
	case len(rest) >= 4 && string(rest[:4]) == "null":
		v, n = nullValue, 4
	case len(rest) >= 4 && string(rest[:4]) == "true":
		v, n = trueValue, 4
	case len(rest) >= 5 && string(rest[:5]) == "false":
		v, n = falseValue, 5
	default:
		return value{}, p.fail("unexpected character")
	}
	p.pos += n
	return v, nil
}

func (p *parser) enter() error {
	p.depth++
	if p.depth > maxDepth {
		return p.fail("nesting too deep")
	}
	p.pos++
	p.skipSpace()
	return nil
}

func (p *parser) array() (value, error) {
	if err := p.enter(); err != nil {
		return value{}, err
	}
	if p.pos < len(p.data) && p.data[p.pos] == ']' {
		p.pos++
		p.depth--
		return value{kind: kArr, arr: []value{}}, nil
	}
	base := len(p.vals)
	for {
		v, err := p.value()
		if err != nil {
			return value{}, err
		}
		p.vals = append(p.vals, v)
		if done, err := p.next(']'); err != nil || done {
			p.depth--
			items := append([]value(nil), p.vals[base:]...)
			p.vals = p.vals[:base]
			return arrValue(items), err
		}
	}
}

func (p *parser) object() (value, error) {
	if err := p.enter(); err != nil {
		return value{}, err
	}
	if p.pos < len(p.data) && p.data[p.pos] == '}' {
		p.pos++
		p.depth--
		return value{kind: kObj, obj: []member{}}, nil
	}
	base := len(p.mems)
	for {
		if p.pos >= len(p.data) || p.data[p.pos] != '"' {
			return value{}, p.fail("expected a key")
		}
		key, err := p.str(true)
		if err != nil {
			return value{}, err
		}
		p.skipSpace()
		if p.pos >= len(p.data) || p.data[p.pos] != ':' {
			return value{}, p.fail("expected ':'")
		}
		p.pos++
		p.skipSpace()
		v, err := p.value()
		if err != nil {
			return value{}, err
		}
		p.mems = append(p.mems, member{key: key, val: v})
		if done, err := p.next('}'); err != nil || done {
			p.depth--
			members := append([]member(nil), p.mems[base:]...)
			p.mems = p.mems[:base]
			return value{kind: kObj, obj: members}, err
		}
	}
}

// next consumes a ',' (more items follow) or the closing byte.
func (p *parser) next(closing byte) (done bool, err error) {
	p.skipSpace()
	if p.pos >= len(p.data) {
		return true, p.fail("unexpected end")
	}
	switch p.data[p.pos] {
	case ',':
		p.pos++
		p.skipSpace()
		return false, nil
	case closing:
		p.pos++
		return true, nil
	}
	return true, p.fail("expected ',' or '" + string(closing) + "'")
}

// str decodes the string starting at the opening quote.
func (p *parser) str(isKey bool) (string, error) {
	start := p.pos + 1
	for i := start; i < len(p.data); i++ {
		switch c := p.data[i]; {
		case c == '"':
			p.pos = i + 1
			raw := p.data[start:i]
			if isKey {
				return internKey(p.keys, raw), nil
			}
			return string(raw), nil
		case c == '\\':
			return p.escapedStr(start)
		case c < 0x20:
			p.pos = i
			return "", p.fail("control character in string")
		}
	}
	p.pos = len(p.data)
	return "", p.fail("unterminated string")
}

// escapedStr decodes a string with escapes, starting after the quote.
func (p *parser) escapedStr(start int) (string, error) {
	buf := make([]byte, 0, 64)
	for i := start; i < len(p.data); {
		c := p.data[i]
		switch {
		case c == '"':
			p.pos = i + 1
			return string(buf), nil
		case c < 0x20:
			p.pos = i
			return "", p.fail("control character in string")
		case c != '\\':
			buf = append(buf, c)
			i++
			continue
		}
		if i+1 >= len(p.data) {
			break
		}
		var n int
		var err error
		buf, n, err = p.escape(buf, i)
		if err != nil {
			return "", err
		}
		i += n
	}
	p.pos = len(p.data)
	return "", p.fail("unterminated string")
}

var simpleEscapes = [256]byte{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}

// escape appends the character of the escape sequence at i and returns
// the sequence's length.
func (p *parser) escape(buf []byte, i int) ([]byte, int, error) {
	if c := simpleEscapes[p.data[i+1]]; c != 0 {
		return append(buf, c), 2, nil
	}
	if p.data[i+1] != 'u' {
		p.pos = i
		return nil, 0, p.fail("invalid escape")
	}
	r, ok := p.hex4(i + 2)
	if !ok {
		p.pos = i
		return nil, 0, p.fail("invalid \\u escape")
	}
	n := 6
	if utf16.IsSurrogate(r) {
		r2, ok := rune(-1), false
		if i+7 < len(p.data) && p.data[i+6] == '\\' && p.data[i+7] == 'u' {
			r2, ok = p.hex4(i + 8)
		}
		if dec := utf16.DecodeRune(r, r2); ok && dec != utf8.RuneError {
			r, n = dec, 12
		} else {
			r = utf8.RuneError
		}
	}
	return utf8.AppendRune(buf, r), n, nil
}

func (p *parser) hex4(at int) (rune, bool) {
	if at+4 > len(p.data) {
		return 0, false
	}
	var r rune
	for _, c := range p.data[at : at+4] {
		var d byte
		switch {
		case c >= '0' && c <= '9':
			d = c - '0'
		case c >= 'a' && c <= 'f':
			d = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			d = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(d)
	}
	return r, true
}

// number scans a JSON number. Like Text.JSON it refuses one whose value
// is beyond the range of a Double.
func (p *parser) number() (value, error) {
	start := p.pos
	i := p.pos
	if p.data[i] == '-' {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(p.data) && p.data[i] >= '0' && p.data[i] <= '9' {
			i++
			n++
		}
		return n
	}
	simple := true
	switch {
	case i < len(p.data) && p.data[i] == '0':
		i++
	case digits() == 0:
		p.pos = i
		return value{}, p.fail("invalid number")
	}
	if i < len(p.data) && p.data[i] == '.' {
		i++
		simple = false
		if digits() == 0 {
			p.pos = i
			return value{}, p.fail("invalid number")
		}
	}
	if i < len(p.data) && (p.data[i] == 'e' || p.data[i] == 'E') {
		i++
		simple = false
		if i < len(p.data) && (p.data[i] == '+' || p.data[i] == '-') {
			i++
		}
		if digits() == 0 {
			p.pos = i
			return value{}, p.fail("invalid number")
		}
	}
	p.pos = i
	lit := string(p.data[start:i])
	if (!simple || len(lit) > 300) && outOfRange(lit) {
		return value{}, fmt.Errorf("%w: JSON Rational out of range: %s", errSyntax, lit)
	}
	// A plain integer literal is already written as luxid writes it.
	return value{kind: kNum, canon: simple && lit != "-0", s: lit}, nil
}

// outOfRange reports whether lit is beyond the largest Double.
func outOfRange(lit string) bool {
	f, err := strconv.ParseFloat(lit, 64)
	return err != nil && math.IsInf(f, 0)
}
