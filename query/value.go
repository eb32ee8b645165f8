package query

import (
	"cmp"
	"math/big"
	"strconv"

	"github.com/goluxid/goluxid/internal/hsjson"
	"github.com/goluxid/goluxid/internal/hsshow"
)

// Value is a filter value: a string or an integer of any size, the only
// two things the filter language compares fields with. Compare values
// with Compare, not ==.
type Value struct {
	str   string
	small int64
	big   *big.Int // set for integers outside the int64 range
	isInt bool
}

// StringValue returns the filter value s.
func StringValue(s string) Value { return Value{str: s} }

// IntValue returns the filter value i.
func IntValue(i int64) Value { return Value{small: i, isInt: true} }

// BigIntValue returns the filter value i; i is copied.
func BigIntValue(i *big.Int) Value {
	if i.IsInt64() {
		return IntValue(i.Int64())
	}
	return Value{big: new(big.Int).Set(i), isInt: true}
}

// Text returns the string of a string value.
func (v Value) Text() (string, bool) { return v.str, !v.isInt }

// Int64 returns an integer value that fits in an int64.
func (v Value) Int64() (int64, bool) { return v.small, v.isInt && v.big == nil }

// BigInt returns the integer of an integer value, nil for a string.
func (v Value) BigInt() *big.Int {
	switch {
	case !v.isInt:
		return nil
	case v.big != nil:
		return new(big.Int).Set(v.big)
	default:
		return big.NewInt(v.small)
	}
}

// rat returns an integer value as a rational.
func (v Value) rat() *big.Rat {
	if v.big != nil {
		return new(big.Rat).SetInt(v.big)
	}
	return new(big.Rat).SetInt64(v.small)
}

// Compare orders filter values the way Ganeti's job filter rules do: every
// string before every integer, strings by code points (for UTF-8, byte
// order), integers by value.
func (v Value) Compare(w Value) int {
	switch {
	case !v.isInt && !w.isInt:
		return cmp.Compare(v.str, w.str)
	case !v.isInt:
		return -1
	case !w.isInt:
		return 1
	case v.big == nil && w.big == nil:
		return cmp.Compare(v.small, w.small)
	default:
		return v.BigInt().Cmp(w.BigInt())
	}
}

// String renders v as JSON: a quoted string or the integer's digits.
func (v Value) String() string {
	if !v.isInt {
		return strconv.Quote(v.str)
	}
	if v.big != nil {
		return v.big.String()
	}
	return strconv.FormatInt(v.small, 10)
}

// Show renders v as Haskell's show renders Ganeti's FilterValue, the form
// used in "Invalid types in comparison" errors: QuotedString "x",
// NumericValue 5, NumericValue (-5).
func (v Value) Show() string {
	if !v.isInt {
		return "QuotedString " + hsshow.String(v.str)
	}
	n := v.String()
	if n[0] == '-' {
		n = "(" + n + ")"
	}
	return "NumericValue " + n
}

// MarshalJSON writes v as a JSON string or integer.
func (v Value) MarshalJSON() ([]byte, error) {
	if !v.isInt {
		return hsjson.Marshal(v.str)
	}
	return []byte(v.String()), nil
}
