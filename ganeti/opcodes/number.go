package opcodes

import (
	"math"
	"math/big"
	"strconv"
	"strings"

	"github.com/goluxid/goluxid/internal/hsjson"
)

// Text.JSON reads a JSON number as an exact Rational, and a Haskell field
// then converts it: round to an Int (wrapping around 64 bits) or Integer,
// fromRational to a Double. Writing it back, integral values come out as
// integer digits and all others as Haskell's show of the Double. The
// functions here do the same from the literal, with decimal digit strings
// rather than rationals.

// isPlainInt reports whether lit is an integer literal as luxid writes
// it: no fraction, no exponent, no "-0".
func isPlainInt(lit string) bool {
	return lit != "" && lit != "-0" && !strings.ContainsAny(lit, ".eE")
}

// tinyMagnitude is the decimal exponent below which a non-zero literal is
// far below the smallest Double: it reads as 0 and is never integral.
const tinyMagnitude = -400

// decimal is a literal split into sign, significant digits and a power
// of ten: value = ±digits × 10^exp.
type decimal struct {
	neg    bool
	digits string // without leading zeros; "" for zero
	exp    int64
	// tiny marks a non-zero value far too small for a Double.
	tiny bool
}

func parseDecimal(lit string) decimal {
	var d decimal
	if strings.HasPrefix(lit, "-") {
		d.neg, lit = true, lit[1:]
	}
	mant, expText, hasExp := strings.Cut(strings.ReplaceAll(lit, "E", "e"), "e")
	intPart, frac, _ := strings.Cut(mant, ".")
	d.digits = strings.TrimLeft(intPart+frac, "0")
	if d.digits == "" {
		return decimal{}
	}
	exp := int64(0)
	if hasExp {
		e, err := strconv.ParseInt(strings.TrimPrefix(expText, "+"), 10, 64)
		if err != nil || e < math.MinInt32 {
			// A positive overflow was refused by the parser as infinite.
			d.tiny = true
			return d
		}
		exp = e
	}
	d.exp = exp - int64(len(frac))
	if int64(len(d.digits))+d.exp < tinyMagnitude {
		d.tiny = true
	}
	return d
}

// integral reports whether the value has no fractional part.
func (d decimal) integral() bool {
	switch {
	case d.digits == "" || d.exp >= 0:
		return true
	case d.tiny || -d.exp > int64(len(d.digits)):
		return false
	}
	return strings.TrimRight(d.digits[len(d.digits)+int(d.exp):], "0") == ""
}

// split returns the digits of the integer part ("" for none) and of the
// fraction (without the zeros right after the point that a negative
// magnitude implies; those are counted in lead).
func (d decimal) split() (whole, frac string, lead int64) {
	if d.exp >= 0 {
		return d.digits + strings.Repeat("0", int(d.exp)), "", 0
	}
	point := int64(len(d.digits)) + d.exp
	if point <= 0 {
		return "", d.digits, -point
	}
	return d.digits[:point], d.digits[point:], 0
}

// intText is the integer the value is when integral.
func (d decimal) intText() string {
	whole, _, _ := d.split()
	if whole == "" {
		return "0"
	}
	if d.neg {
		return "-" + whole
	}
	return whole
}

// jsNumberText is how luxid writes back a number it kept as a JSON value.
func jsNumberText(lit string) string {
	if isPlainInt(lit) {
		return lit
	}
	d := parseDecimal(lit)
	switch {
	case d.digits == "":
		return "0"
	case d.tiny:
		return hsjson.FormatDouble(math.Copysign(0, sign(d.neg)))
	case d.integral():
		return d.intText()
	}
	return hsjson.FormatDouble(readDouble(lit))
}

func sign(neg bool) float64 {
	if neg {
		return -1
	}
	return 1
}

// doubleText is Haskell's showJSON of a Double: integral values as their
// exact integer digits, others as show.
func doubleText(f float64) string {
	if f != math.Trunc(f) || math.IsInf(f, 0) || math.IsNaN(f) {
		return hsjson.FormatDouble(f)
	}
	if math.Abs(f) < 1<<53 {
		return strconv.FormatInt(int64(f), 10)
	}
	return new(big.Float).SetFloat64(f).Text('f', 0)
}

// readDouble is fromRational of the literal: the nearest Double.
func readDouble(lit string) float64 {
	f, _ := strconv.ParseFloat(lit, 64)
	return f
}

// roundInteger is Haskell's round of the literal (halves to even).
func roundInteger(lit string) *big.Int {
	d := parseDecimal(lit)
	if d.digits == "" || d.tiny {
		return new(big.Int)
	}
	whole, frac, lead := d.split()
	n, _ := new(big.Int).SetString("0"+whole, 10)
	if roundsUp(whole, frac, lead) {
		n.Add(n, big.NewInt(1))
	}
	if d.neg {
		n.Neg(n)
	}
	return n
}

// roundsUp reports whether rounding whole.frac (frac after lead zeros)
// to the nearest integer, halves to even, goes up.
func roundsUp(whole, frac string, lead int64) bool {
	frac = strings.TrimRight(frac, "0")
	switch {
	case frac == "" || lead > 0:
		return false
	case frac[0] > '5':
		return true
	case frac[0] < '5':
		return false
	case len(frac) > 1:
		return true // more than a half
	}
	last := byte('0')
	if whole != "" {
		last = whole[len(whole)-1]
	}
	return (last-'0')%2 == 1 // a half: to the even neighbour
}

// roundInt is Haskell's round of the literal to an Int, which wraps
// around 64 bits like fromInteger.
func roundInt(lit string) int64 {
	if isPlainInt(lit) && len(lit) < 19 {
		n, _ := strconv.ParseInt(lit, 10, 64)
		return n
	}
	return wrapInt64(roundInteger(lit))
}

var mask64 = new(big.Int).SetUint64(math.MaxUint64)

// wrapInt64 keeps the low 64 bits of n, two's complement.
func wrapInt64(n *big.Int) int64 {
	return int64(new(big.Int).And(n, mask64).Uint64())
}
