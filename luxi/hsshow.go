package luxi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"strconv"
	"strings"
)

// The real luxid builds its request-decoding messages with Haskell's show;
// the helpers here render strings and JSON values the same way so that
// goluxid's "Failed to parse request" texts read like the original ones.

// asciiNames are Haskell's names of the control characters, indexed by
// code point. The ones with a one-letter escape are handled before.
var asciiNames = [...]string{
	"NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL",
	"BS", "HT", "LF", "VT", "FF", "CR", "SO", "SI",
	"DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB",
	"CAN", "EM", "SUB", "ESC", "FS", "GS", "RS", "US",
}

// letterEscapes are the control characters Haskell writes with a letter.
var letterEscapes = map[rune]string{
	'\a': `\a`, '\b': `\b`, '\t': `\t`, '\n': `\n`, '\v': `\v`, '\f': `\f`, '\r': `\r`,
}

// hsShowString renders s as Haskell's show renders a String: quoted,
// with non-ASCII characters as decimal escapes.
func hsShowString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	runes := []rune(s)
	for i, c := range runes {
		next := rune(-1)
		if i+1 < len(runes) {
			next = runes[i+1]
		}
		switch {
		case c == '"':
			b.WriteString(`\"`)
		case c == '\\':
			b.WriteString(`\\`)
		case c >= 0x20 && c < 0x7f:
			b.WriteRune(c)
		case letterEscapes[c] != "":
			b.WriteString(letterEscapes[c])
		case c < 0x20:
			b.WriteString(`\` + asciiNames[c])
			if c == 0x0e && next == 'H' { // "\SO" then 'H' would read as "\SOH"
				b.WriteString(`\&`)
			}
		case c == 0x7f:
			b.WriteString(`\DEL`)
		default:
			b.WriteString(`\` + strconv.Itoa(int(c)))
			if next >= '0' && next <= '9' {
				b.WriteString(`\&`)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

// hsShowStrings renders a list of strings as Haskell's show does.
func hsShowStrings(list []string) string {
	parts := make([]string, len(list))
	for i, s := range list {
		parts[i] = hsShowString(s)
	}
	return "[" + strings.Join(parts, ",") + "]"
}

// maxShownValue is the size above which a JSON value is not rendered in
// full in an error message.
const maxShownValue = 4096

// hsShowJSON renders the valid JSON text raw as Haskell's show renders the
// Text.JSON value it decodes to, e.g. JSRational False (5 % 1).
func hsShowJSON(raw []byte) string {
	if len(raw) > maxShownValue {
		return fmt.Sprintf("<JSON value of %d bytes>", len(raw))
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var b strings.Builder
	if err := showJSValue(&b, dec); err != nil {
		return string(raw)
	}
	return b.String()
}

// showJSValue writes the next value of dec.
func showJSValue(b *strings.Builder, dec *json.Decoder) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch t := tok.(type) {
	case nil:
		b.WriteString("JSNull")
	case bool:
		if t {
			b.WriteString("JSBool True")
		} else {
			b.WriteString("JSBool False")
		}
	case json.Number:
		b.WriteString("JSRational False (" + hsShowRational(string(t)) + ")")
	case string:
		b.WriteString("JSString (JSONString {fromJSString = " + hsShowString(t) + "})")
	case json.Delim:
		if t == '[' {
			return showJSArray(b, dec)
		}
		return showJSObject(b, dec)
	}
	return nil
}

// showJSArray writes the elements of an array whose '[' was read.
func showJSArray(b *strings.Builder, dec *json.Decoder) error {
	b.WriteString("JSArray [")
	for i := 0; dec.More(); i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		if err := showJSValue(b, dec); err != nil {
			return err
		}
	}
	b.WriteByte(']')
	_, err := dec.Token()
	return err
}

// showJSObject writes the members of an object whose '{' was read, in
// their order.
func showJSObject(b *strings.Builder, dec *json.Decoder) error {
	b.WriteString("JSObject (JSONObject {fromJSObject = [")
	for i := 0; dec.More(); i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		key, err := dec.Token()
		if err != nil {
			return err
		}
		b.WriteString("(" + hsShowString(key.(string)) + ",")
		if err := showJSValue(b, dec); err != nil {
			return err
		}
		b.WriteByte(')')
	}
	b.WriteString("]})")
	_, err := dec.Token()
	return err
}

// hsShowRational renders a JSON number literal as Haskell shows a
// Rational: "3 % 2", "(-5) % 1". Literals with huge exponents are shown
// as they are rather than expanded.
func hsShowRational(lit string) string {
	if i := strings.IndexAny(lit, "eE"); i >= 0 && len(strings.TrimLeft(lit[i+1:], "+-")) > 3 {
		return lit
	}
	r, ok := new(big.Rat).SetString(lit)
	if !ok {
		return lit
	}
	num := r.Num().String()
	if r.Sign() < 0 {
		num = "(" + num + ")"
	}
	return num + " % " + r.Denom().String()
}
