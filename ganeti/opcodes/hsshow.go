package opcodes

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// luxid builds its decoding errors with Haskell's show and Text.JSON's
// pretty printer; these helpers render values the same way.

// controlNames are Haskell's names of the ASCII control characters.
var controlNames = [...]string{
	"NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "a",
	"b", "t", "n", "v", "f", "r", "SO", "SI",
	"DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB",
	"CAN", "EM", "SUB", "ESC", "FS", "GS", "RS", "US",
}

// showString renders s as Haskell's show of a String.
func showString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i, c := range s {
		next := rune(-1)
		if j := i + utf8.RuneLen(c); j < len(s) {
			next, _ = utf8.DecodeRuneInString(s[j:])
		}
		switch {
		case c == '"':
			b.WriteString(`\"`)
		case c == '\\':
			b.WriteString(`\\`)
		case c >= 0x20 && c < 0x7f:
			b.WriteRune(c)
		case c < 0x20:
			b.WriteString(`\` + controlNames[c])
			if c == 0x0e && next == 'H' {
				b.WriteString(`\&`) // "\SO" then "H" would read as "\SOH"
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

// showStrings renders a list of strings as Haskell's show does.
func showStrings(list []string) string {
	parts := make([]string, len(list))
	for i, s := range list {
		parts[i] = showString(s)
	}
	return "[" + strings.Join(parts, ",") + "]"
}

// maxShown bounds how much of a value an error message renders.
const maxShown = 4096

// ppValue renders v as Text.JSON's pp_value: JSON with ", " and ": "
// separators.
func ppValue(v *value) string {
	var b strings.Builder
	ppWrite(&b, v)
	if b.Len() > maxShown {
		return b.String()[:maxShown] + "..."
	}
	return b.String()
}

func ppWrite(b *strings.Builder, v *value) {
	if b.Len() > maxShown {
		return
	}
	switch v.kind {
	case kStr:
		ppString(b, v.s)
	case kArr:
		b.WriteByte('[')
		for i := range v.arr {
			if i > 0 {
				b.WriteString(", ")
			}
			ppWrite(b, &v.arr[i])
		}
		b.WriteByte(']')
	case kObj:
		b.WriteByte('{')
		for i := range v.obj {
			if i > 0 {
				b.WriteString(", ")
			}
			ppString(b, v.obj[i].key)
			b.WriteString(": ")
			ppWrite(b, &v.obj[i].val)
		}
		b.WriteByte('}')
	default:
		b.Write(appendValue(nil, v))
	}
}

// ppString quotes s, escaping control characters as \uXXXX.
func ppString(b *strings.Builder, s string) {
	b.WriteByte('"')
	for _, c := range s {
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteRune(c)
		case unicode.IsControl(c):
			h := strconv.FormatInt(int64(c), 16)
			b.WriteString(`\u` + strings.Repeat("0", 4-len(h)) + h)
		default:
			b.WriteRune(c)
		}
	}
	b.WriteByte('"')
}

// showJSValue renders v as Haskell's derived show of a Text.JSON value,
// e.g. JSRational False (5 % 1).
func showJSValue(v *value) string {
	var b strings.Builder
	showJSWrite(&b, v)
	if b.Len() > maxShown {
		return b.String()[:maxShown] + "..."
	}
	return b.String()
}

func showJSWrite(b *strings.Builder, v *value) {
	if b.Len() > maxShown {
		return
	}
	switch v.kind {
	case kBool:
		b.WriteString("JSBool " + map[bool]string{true: "True", false: "False"}[v.b])
	case kNum:
		b.WriteString("JSRational False (" + showRational(v.s) + ")")
	case kStr:
		b.WriteString("JSString (JSONString {fromJSString = " + showString(v.s) + "})")
	case kArr:
		b.WriteString("JSArray [")
		for i := range v.arr {
			if i > 0 {
				b.WriteByte(',')
			}
			showJSWrite(b, &v.arr[i])
		}
		b.WriteByte(']')
	case kObj:
		b.WriteString("JSObject (JSONObject {fromJSObject = [")
		for i := range v.obj {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString("(" + showString(v.obj[i].key) + ",")
			showJSWrite(b, &v.obj[i].val)
			b.WriteByte(')')
		}
		b.WriteString("]})")
	default:
		b.WriteString("JSNull")
	}
}

// showInt renders n as Haskell's show of an Int.
func showInt(n int64) string { return strconv.FormatInt(n, 10) }
