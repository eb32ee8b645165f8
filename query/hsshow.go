package query

import (
	"math"
	"math/big"
	"strconv"
	"strings"
)

// Ganeti's messages embed values rendered by Haskell's show; the helpers
// here render strings, doubles and rationals the same way.

// controlNames are Haskell's names of the control characters, by code.
var controlNames = [...]string{
	"NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL",
	"BS", "HT", "LF", "VT", "FF", "CR", "SO", "SI",
	"DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB",
	"CAN", "EM", "SUB", "ESC", "FS", "GS", "RS", "US",
}

// letterEscape returns Haskell's one-letter escape of a control character.
func letterEscape(c rune) (string, bool) {
	switch c {
	case '\a':
		return `\a`, true
	case '\b':
		return `\b`, true
	case '\f':
		return `\f`, true
	case '\n':
		return `\n`, true
	case '\r':
		return `\r`, true
	case '\t':
		return `\t`, true
	case '\v':
		return `\v`, true
	}
	return "", false
}

// showString renders s as Haskell's show renders a String: quoted, with
// control and non-ASCII characters escaped ("\233", "\SOH").
func showString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	runes := []rune(s)
	for i, c := range runes {
		next := rune(-1)
		if i+1 < len(runes) {
			next = runes[i+1]
		}
		writeShowChar(&b, c, next)
	}
	b.WriteByte('"')
	return b.String()
}

// writeShowChar writes one character of a shown string; next is the
// character after it (-1 at the end), which decides whether an escape
// needs the "\&" separator.
func writeShowChar(b *strings.Builder, c, next rune) {
	if esc, ok := letterEscape(c); ok {
		b.WriteString(esc)
		return
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
		if c == 0x0e && next == 'H' { // "\SOH" would read back as one character
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

// showDouble renders f as Haskell's show renders a Double: the shortest
// digits that read back, in fixed notation for 0.1 <= |f| < 10^7 and in
// exponent notation otherwise ("0.5", "1234.5", "5.0e-2", "1.0e7").
func showDouble(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case f == 0 && math.Signbit(f):
		return "-0.0"
	case f == 0:
		return "0.0"
	case f < 0:
		return "-" + showDouble(-f)
	}
	digits, exp := shortestDigits(f)
	if exp < 0 || exp > 7 {
		return exponentForm(digits, exp)
	}
	return fixedForm(digits, exp)
}

// shortestDigits returns the shortest round-tripping digits d1…dn of a
// positive f and the exponent e with f = 0.d1…dn × 10^e.
func shortestDigits(f float64) (string, int) {
	s := strconv.FormatFloat(f, 'e', -1, 64) // d.ddde±xx
	mant, expText, _ := strings.Cut(s, "e")
	exp, _ := strconv.Atoi(expText)
	return strings.Replace(mant, ".", "", 1), exp + 1
}

// exponentForm writes d1.d2…dn e(e-1), with ".0" for a single digit.
func exponentForm(digits string, exp int) string {
	rest := digits[1:]
	if rest == "" {
		rest = "0"
	}
	return digits[:1] + "." + rest + "e" + strconv.Itoa(exp-1)
}

// fixedForm writes the digits with the dot after the first exp of them.
func fixedForm(digits string, exp int) string {
	if exp == 0 {
		return "0." + digits
	}
	if len(digits) <= exp {
		return digits + strings.Repeat("0", exp-len(digits)) + ".0"
	}
	return digits[:exp] + "." + digits[exp:]
}

// showRational renders r as Haskell's show renders a Rational: "3 % 2",
// "(-3) % 2".
func showRational(r *big.Rat) string {
	num := r.Num().String()
	if r.Sign() < 0 {
		num = "(" + num + ")"
	}
	return num + " % " + r.Denom().String()
}
