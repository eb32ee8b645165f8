// Package hsshow renders values the way Ganeti's Haskell daemons print
// them in their messages, so that goluxid's error texts come out byte for
// byte like the real luxid's.
//
// Two renderings are involved. Haskell's derived show, for Strings
// ("caf\233"), lists of Strings, Ints, Doubles, Rationals ("(-3) % 2") and
// Text.JSON values in constructor form (JSRational False (1 % 2)). And
// Text.JSON's pretty printer, whose Doc the daemons render with show:
// JSON with ", " and ": " separators, laid out by the HughesPJ algorithm in
// its default style, so that a long value wraps onto continuation lines.
//
// The daemons render values of any size; so that a huge request cannot
// make a huge error text, renderings of JSON values are cut to MaxLen
// bytes and then end in "...".
package hsshow

import (
	"math/big"
	"strconv"
	"strings"
	"unicode/utf8"
)

// asciiNames are Haskell's names of the ASCII control characters, by code;
// the ones shown with a letter escape have it instead.
var asciiNames = [...]string{
	"NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "a",
	"b", "t", "n", "v", "f", "r", "SO", "SI",
	"DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB",
	"CAN", "EM", "SUB", "ESC", "FS", "GS", "RS", "US",
}

// String renders s as show renders a String: quoted, '"' and '\\'
// escaped, control characters by name ("\SOH", "\n", "\DEL") and
// characters beyond ASCII by decimal code ("\233"). A numeric escape
// followed by a digit, and "\SO" followed by 'H', are closed with "\&".
func String(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	prevNumeric, prevSO := false, false
	for _, c := range s {
		if (prevNumeric && c >= '0' && c <= '9') || (prevSO && c == 'H') {
			b.WriteString(`\&`)
		}
		prevNumeric, prevSO = writeChar(&b, c, '"')
	}
	b.WriteByte('"')
	return b.String()
}

// Char renders c as show renders a Char: in single quotes, escaped as in
// a String except that '\” is escaped and '"' is not ('\233', '"').
func Char(c rune) string {
	var b strings.Builder
	b.WriteByte('\'')
	writeChar(&b, c, '\'')
	b.WriteByte('\'')
	return b.String()
}

// writeChar writes c as show writes it inside quotes of kind quote, and
// reports whether it wrote a numeric escape or "\SO".
func writeChar(b *strings.Builder, c, quote rune) (numeric, so bool) {
	switch {
	case c == quote || c == '\\':
		b.WriteByte('\\')
		b.WriteRune(c)
	case c >= 0x20 && c < 0x7f:
		b.WriteRune(c)
	case c < 0x20:
		b.WriteString(`\` + asciiNames[c])
		return false, c == 0x0e
	case c == 0x7f:
		b.WriteString(`\DEL`)
	default:
		b.WriteString(`\` + strconv.Itoa(int(c)))
		return true, false
	}
	return false, false
}

// Strings renders a list of Strings as show does: ["a","b"].
func Strings(list []string) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, s := range list {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(String(s))
	}
	b.WriteByte(']')
	return b.String()
}

// Int renders n as show renders an Int or Integer at the top level.
func Int(n int64) string { return strconv.FormatInt(n, 10) }

// Rational renders r as show renders a Rational: "3 % 2", "(-3) % 2".
func Rational(r *big.Rat) string {
	num := r.Num().String()
	if r.Sign() < 0 {
		num = "(" + num + ")"
	}
	return num + " % " + r.Denom().String()
}

// NumberRational renders the Rational that Text.JSON reads from the JSON
// number literal lit, as Rational does ("1.5" is "3 % 2"). A literal that
// is malformed, or too large to expand, is returned as it is.
func NumberRational(lit string) string {
	d, ok := parseDecimal(lit)
	switch {
	case !ok:
		return lit
	case d.digits == "":
		return "0 % 1"
	}
	r, ok := d.rat()
	if !ok {
		return lit
	}
	return Rational(r)
}

// MaxLen bounds the length in bytes of a rendered JSON value.
const MaxLen = 64 << 10

// clip cuts s to MaxLen bytes, on a character boundary, marking the cut
// with "...".
func clip(s string) string {
	if len(s) <= MaxLen {
		return s
	}
	end := MaxLen
	for end > 0 && !utf8.RuneStart(s[end]) {
		end--
	}
	return s[:end] + "..."
}
