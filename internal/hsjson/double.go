package hsjson

import (
	"math"
	"strconv"
	"strings"
)

// FormatDouble spells x as Haskell's show does for a Double, the form the
// Haskell daemons use for every non-integral number they send: the
// shortest digits that read back as x, in fixed notation when
// 0.1 <= |x| < 10^7 ("1234.5", "0.5") and in scientific notation otherwise
// ("1.349722460022264e9", "5.0e-2"), always with a digit after the point.
func FormatDouble(x float64) string {
	switch {
	case math.IsNaN(x):
		return "NaN"
	case math.IsInf(x, 1):
		return "Infinity"
	case math.IsInf(x, -1):
		return "-Infinity"
	}
	sign := ""
	if math.Signbit(x) {
		sign, x = "-", -x
	}
	if x == 0 {
		return sign + "0.0"
	}
	digits, exp := shortestDigits(x)
	if exp >= 0 && exp <= 7 {
		return sign + fixedNotation(digits, exp)
	}
	frac := digits[1:]
	if frac == "" {
		frac = "0"
	}
	return sign + digits[:1] + "." + frac + "e" + strconv.Itoa(exp-1)
}

// shortestDigits returns the shortest round-tripping digit string of x > 0
// and the exponent e with x = 0.digits × 10^e.
func shortestDigits(x float64) (string, int) {
	s := strconv.FormatFloat(x, 'e', -1, 64) // d.ddde±XX
	mant, expPart, _ := strings.Cut(s, "e")
	exp, _ := strconv.Atoi(expPart)
	return strings.Replace(mant, ".", "", 1), exp + 1
}

// fixedNotation writes 0.digits × 10^exp (0 <= exp <= 7) with an integer
// part of exp digits and at least one digit after the point.
func fixedNotation(digits string, exp int) string {
	if exp == 0 {
		return "0." + digits
	}
	if len(digits) <= exp {
		return digits + strings.Repeat("0", exp-len(digits)) + ".0"
	}
	return digits[:exp] + "." + digits[exp:]
}
