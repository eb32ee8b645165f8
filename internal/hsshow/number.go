package hsshow

import (
	"math"
	"math/big"
	"strconv"
	"strings"

	"github.com/goluxid/goluxid/internal/hsjson"
)

// Text.JSON reads a JSON number as an exact Rational. The functions here
// work from the literal's decimal digits instead, so that rendering a
// number never expands a huge power of ten.

// maxExpanded bounds the digits an exact rendering writes out; a literal
// whose value needs more is shown as it is. Text.JSON refuses literals
// beyond the range of a Double, so only absurd inputs reach the bound.
const maxExpanded = 1024

// tinyMagnitude is the decimal magnitude below which a non-zero value is
// far below the smallest Double and converts to zero.
const tinyMagnitude = -400

// decimal is a number literal as ±digits × 10^exp, with digits free of
// leading and trailing zeros ("" for zero).
type decimal struct {
	neg    bool
	digits string
	exp    int64
}

// expLimit clamps exponents so that sums of them cannot overflow.
const expLimit = 1 << 40

// parseDecimal splits a JSON number literal; false if lit is not one.
func parseDecimal(lit string) (decimal, bool) {
	var d decimal
	rest := lit
	if strings.HasPrefix(rest, "-") {
		d.neg, rest = true, rest[1:]
	}
	mant, expText, hasExp := strings.Cut(rest, "e")
	if !hasExp {
		mant, expText, hasExp = strings.Cut(rest, "E")
	}
	whole, frac, hasFrac := strings.Cut(mant, ".")
	if !allDigits(whole) || (hasFrac && !allDigits(frac)) {
		return decimal{}, false
	}
	if hasExp {
		e, ok := parseExponent(expText)
		if !ok {
			return decimal{}, false
		}
		d.exp = e
	}
	digits := strings.TrimLeft(whole+frac, "0")
	trimmed := strings.TrimRight(digits, "0")
	d.exp += int64(len(digits)-len(trimmed)) - int64(len(frac))
	d.digits = trimmed
	if d.digits == "" {
		return decimal{neg: d.neg}, true
	}
	return d, true
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// parseExponent reads an exponent ("+5", "-12", "7"), clamped to
// ±expLimit.
func parseExponent(text string) (int64, bool) {
	neg := false
	switch {
	case strings.HasPrefix(text, "+"):
		text = text[1:]
	case strings.HasPrefix(text, "-"):
		neg, text = true, text[1:]
	}
	if !allDigits(text) {
		return 0, false
	}
	e, err := strconv.ParseInt(text, 10, 64)
	if err != nil || e > expLimit {
		e = expLimit
	}
	if neg {
		e = -e
	}
	return e, true
}

// magnitude is the number of digits before the decimal point (negative
// for values below 0.1).
func (d decimal) magnitude() int64 { return int64(len(d.digits)) + d.exp }

// expandedSize is how many digits the exact numerator and denominator
// take.
func (d decimal) expandedSize() int64 {
	if d.exp < 0 {
		return int64(len(d.digits)) - d.exp
	}
	return int64(len(d.digits)) + d.exp
}

// rat is the exact value; false when it is too large to expand.
func (d decimal) rat() (*big.Rat, bool) {
	if d.expandedSize() > maxExpanded {
		return nil, false
	}
	n, _ := new(big.Int).SetString(d.digits, 10)
	if d.neg {
		n.Neg(n)
	}
	pow := new(big.Int).Exp(big.NewInt(10), big.NewInt(absInt64(d.exp)), nil)
	if d.exp >= 0 {
		return new(big.Rat).SetInt(n.Mul(n, pow)), true
	}
	return new(big.Rat).SetFrac(n, pow), true
}

func absInt64(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

// prettyLiteral renders a number literal as Text.JSON's pretty printer
// does: an integral value as its integer digits, any other as show of
// the nearest Double.
func prettyLiteral(lit string) string {
	d, ok := parseDecimal(lit)
	switch {
	case !ok:
		return lit
	case d.digits == "":
		return "0"
	case d.exp >= 0:
		if d.expandedSize() > maxExpanded {
			return lit
		}
		sign := ""
		if d.neg {
			sign = "-"
		}
		return sign + d.digits + strings.Repeat("0", int(d.exp))
	case d.magnitude() < tinyMagnitude:
		return hsjson.FormatDouble(math.Copysign(0, signOf(d.neg)))
	}
	f, _ := strconv.ParseFloat(lit, 64)
	return hsjson.FormatDouble(f)
}

func signOf(neg bool) float64 {
	if neg {
		return -1
	}
	return 1
}

// prettyRat renders an exact number as Text.JSON's pretty printer does.
func prettyRat(r *big.Rat) string {
	if r.IsInt() {
		return r.Num().String()
	}
	f, _ := r.Float64()
	return hsjson.FormatDouble(f)
}
