package hsjson

import (
	"errors"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// MaxDepth bounds the nesting of arrays and objects a text may have, as
// in encoding/json.
const MaxDepth = 10000

// ErrTooDeep is the cause of the SyntaxError of a text nested deeper than
// MaxDepth.
var ErrTooDeep = errors.New("nesting too deep")

// SyntaxError is a text that is not JSON: what is wrong, and the offset at
// which reading stopped (the length of the text when it ended early).
type SyntaxError struct {
	Msg    string
	Offset int
	cause  error
}

func (e *SyntaxError) Error() string {
	return e.Msg + " at offset " + strconv.Itoa(e.Offset)
}

// Unwrap returns ErrTooDeep for a text nested too deep, else nil.
func (e *SyntaxError) Unwrap() error { return e.cause }

// scanner reads the tokens of one JSON text and checks its grammar.
type scanner struct {
	data  []byte
	pos   int
	depth int
	// keys interns object keys; may be nil.
	keys            map[string]string
	keepInvalidUTF8 bool
	// buf holds the text of a string being decoded from escapes.
	buf []byte
}

func (s *scanner) fail(what string) error {
	return &SyntaxError{Msg: what, Offset: s.pos}
}

func (s *scanner) skipSpace() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

// end checks that only white space follows the value read.
func (s *scanner) end() error {
	s.skipSpace()
	if s.pos != len(s.data) {
		return s.fail("trailing data")
	}
	return nil
}

// open enters the array or object whose opening byte is at s.pos; more
// is set unless it is empty.
func (s *scanner) open(closing byte) (more bool, err error) {
	s.depth++
	if s.depth > MaxDepth {
		return false, &SyntaxError{Msg: ErrTooDeep.Error(), Offset: s.pos, cause: ErrTooDeep}
	}
	s.pos++
	s.skipSpace()
	if s.pos < len(s.data) && s.data[s.pos] == closing {
		s.pos++
		s.depth--
		return false, nil
	}
	return true, nil
}

// more reads what follows an item: a ',' and more items, or the closing
// byte, which leaves the array or object.
func (s *scanner) more(closing byte) (bool, error) {
	done, err := s.next(closing)
	if done && err == nil {
		s.depth--
	}
	return !done, err
}

// next consumes a ',' (more items follow) or the closing byte.
func (s *scanner) next(closing byte) (done bool, err error) {
	s.skipSpace()
	if s.pos >= len(s.data) {
		return true, s.fail("unexpected end")
	}
	switch s.data[s.pos] {
	case ',':
		s.pos++
		s.skipSpace()
		return false, nil
	case closing:
		s.pos++
		return true, nil
	}
	return true, s.fail("expected ',' or '" + string(closing) + "'")
}

// memberKey reads an object key and the ':' after it. Unless decode is
// set the key is only checked, and "" returned.
func (s *scanner) memberKey(decode bool) (string, error) {
	if s.pos >= len(s.data) || s.data[s.pos] != '"' {
		return "", s.fail("expected a key")
	}
	var key string
	var err error
	if decode {
		key, err = s.str(true)
	} else {
		err = s.skipString()
	}
	if err != nil {
		return "", err
	}
	s.skipSpace()
	if s.pos >= len(s.data) || s.data[s.pos] != ':' {
		return "", s.fail("expected ':'")
	}
	s.pos++
	s.skipSpace()
	return key, nil
}

// skipValue reads past one value, checking it without decoding it.
func (s *scanner) skipValue() error {
	if s.pos >= len(s.data) {
		return s.fail("unexpected end")
	}
	switch c := s.data[s.pos]; {
	case c == '[', c == '{':
		return s.skipContainer(c == '{')
	case c == '"':
		return s.skipString()
	case c == '-' || isDigit(c):
		_, _, err := s.number()
		return err
	}
	_, err := s.literal()
	return err
}

// skipContainer reads past an array or object, checking it.
func (s *scanner) skipContainer(isObject bool) error {
	closing := byte(']')
	if isObject {
		closing = '}'
	}
	more, err := s.open(closing)
	for more && err == nil {
		if isObject {
			if _, err = s.memberKey(false); err != nil {
				break
			}
		}
		if err = s.skipValue(); err == nil {
			more, err = s.more(closing)
		}
	}
	return err
}

// literalKind is which of null, false and true a literal is.
type literalKind uint8

const (
	litNull literalKind = iota
	litFalse
	litTrue
)

// literal reads null, false or true.
func (s *scanner) literal() (literalKind, error) {
	rest := s.data[s.pos:]
	var kind literalKind
	var n int
	switch {
	case len(rest) >= 4 && string(rest[:4]) == "null":
		kind, n = litNull, 4
	case len(rest) >= 4 && string(rest[:4]) == "true":
		kind, n = litTrue, 4
	case len(rest) >= 5 && string(rest[:5]) == "false":
		kind, n = litFalse, 5
	default:
		return 0, s.fail("unexpected character")
	}
	s.pos += n
	return kind, nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// number reads a number literal; integer is set when it has neither
// fraction nor exponent.
func (s *scanner) number() (lit []byte, integer bool, err error) {
	start := s.pos
	i := s.pos
	if s.data[i] == '-' {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(s.data) && isDigit(s.data[i]) {
			i++
			n++
		}
		return n
	}
	integer = true
	switch {
	case i < len(s.data) && s.data[i] == '0':
		i++
	case digits() == 0:
		s.pos = i
		return nil, false, s.fail("invalid number")
	}
	if i < len(s.data) && s.data[i] == '.' {
		i++
		integer = false
		if digits() == 0 {
			s.pos = i
			return nil, false, s.fail("invalid number")
		}
	}
	if i < len(s.data) && (s.data[i] == 'e' || s.data[i] == 'E') {
		i++
		integer = false
		if i < len(s.data) && (s.data[i] == '+' || s.data[i] == '-') {
			i++
		}
		if digits() == 0 {
			s.pos = i
			return nil, false, s.fail("invalid number")
		}
	}
	s.pos = i
	return s.data[start:i], integer, nil
}

// str decodes the string starting at the opening quote; a key is interned.
func (s *scanner) str(isKey bool) (string, error) {
	start := s.pos + 1
	ascii := true
	for i := start; i < len(s.data); i++ {
		switch c := s.data[i]; {
		case c == '"':
			raw := s.data[start:i]
			if !ascii && !s.keepInvalidUTF8 && !utf8.Valid(raw) {
				return s.decodeStr(start, isKey)
			}
			s.pos = i + 1
			return s.text(raw, isKey), nil
		case c == '\\':
			return s.decodeStr(start, isKey)
		case c < 0x20:
			s.pos = i
			return "", s.fail("control character in string")
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	s.pos = len(s.data)
	return "", s.fail("unterminated string")
}

// text returns the decoded bytes of a string, interned if a key.
func (s *scanner) text(b []byte, isKey bool) string {
	if isKey && s.keys != nil {
		if key, ok := s.keys[string(b)]; ok {
			return key
		}
	}
	return string(b)
}

// decodeStr decodes a string with escapes or invalid UTF-8, starting
// after the quote.
func (s *scanner) decodeStr(start int, isKey bool) (string, error) {
	s.buf = s.buf[:0]
	for i := start; i < len(s.data); {
		switch c := s.data[i]; {
		case c == '"':
			s.pos = i + 1
			return s.text(s.buf, isKey), nil
		case c < 0x20:
			s.pos = i
			return "", s.fail("control character in string")
		case c == '\\':
			if i+1 >= len(s.data) {
				s.pos = len(s.data)
				return "", s.fail("unterminated string")
			}
			r, n, err := s.escape(i)
			if err != nil {
				return "", err
			}
			s.buf = utf8.AppendRune(s.buf, r)
			i += n
		case c >= utf8.RuneSelf && !s.keepInvalidUTF8:
			r, n := utf8.DecodeRune(s.data[i:]) // U+FFFD for each invalid byte
			s.buf = utf8.AppendRune(s.buf, r)
			i += n
		default:
			s.buf = append(s.buf, c)
			i++
		}
	}
	s.pos = len(s.data)
	return "", s.fail("unterminated string")
}

// skipString reads past the string starting at the opening quote,
// checking it.
func (s *scanner) skipString() error {
	for i := s.pos + 1; i < len(s.data); {
		switch c := s.data[i]; {
		case c == '"':
			s.pos = i + 1
			return nil
		case c < 0x20:
			s.pos = i
			return s.fail("control character in string")
		case c == '\\':
			if i+1 >= len(s.data) {
				s.pos = len(s.data)
				return s.fail("unterminated string")
			}
			_, n, err := s.escape(i)
			if err != nil {
				return err
			}
			i += n
		default:
			i++
		}
	}
	s.pos = len(s.data)
	return s.fail("unterminated string")
}

var simpleEscapes = [256]byte{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}

// escape decodes the escape sequence at i, which is followed by at least
// one byte, and returns its character and length. A surrogate that is not
// half of a pair is U+FFFD.
func (s *scanner) escape(i int) (rune, int, error) {
	if c := simpleEscapes[s.data[i+1]]; c != 0 {
		return rune(c), 2, nil
	}
	if s.data[i+1] != 'u' {
		s.pos = i
		return 0, 0, s.fail("invalid escape")
	}
	r, ok := s.hex4(i + 2)
	if !ok {
		s.pos = i
		return 0, 0, s.fail("invalid \\u escape")
	}
	if !utf16.IsSurrogate(r) {
		return r, 6, nil
	}
	r2, ok := rune(-1), false
	if i+7 < len(s.data) && s.data[i+6] == '\\' && s.data[i+7] == 'u' {
		r2, ok = s.hex4(i + 8)
	}
	if pair := utf16.DecodeRune(r, r2); ok && pair != utf8.RuneError {
		return pair, 12, nil
	}
	return utf8.RuneError, 6, nil
}

func (s *scanner) hex4(at int) (rune, bool) {
	if at+4 > len(s.data) {
		return 0, false
	}
	var r rune
	for _, c := range s.data[at : at+4] {
		var d byte
		switch {
		case isDigit(c):
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
