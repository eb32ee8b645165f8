package hsshow

import (
	"math"
	"math/big"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/goluxid/goluxid/internal/hsjson"
)

func TestString(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", `""`},
		{"Nope", `"Nope"`},
		{`a"b\c`, `"a\"b\\c"`},
		{"tab\tnl\n", `"tab\tnl\n"`},
		{"\a\b\f\r\v", `"\a\b\f\r\v"`},
		{"\x00\x01\x7f", `"\NUL\SOH\DEL"`},
		{"a\x01b", `"a\SOHb"`},
		{"\x1b[0m", `"\ESC[0m"`},
		{"\x0eH", `"\SO\&H"`},
		{"\x0eI", `"\SOI"`},
		{"\x0e\x0eH", `"\SO\SO\&H"`},
		{"é", `"\233"`},
		{"café", `"caf\233"`},
		{"é1", `"\233\&1"`},
		{"éa", `"\233a"`},
		{"\u0080\u009f", `"\128\159"`},
		{"✓x", `"\10003x"`},
		{"☃", `"\9731"`},
		{"😀9", `"\128512\&9"`},
		{"\xff", `"\65533"`},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, String(tc.in), "%q", tc.in)
	}
}

func TestChar(t *testing.T) {
	tests := []struct {
		in   rune
		want string
	}{
		{'a', `'a'`}, {'\'', `'\''`}, {'"', `'"'`}, {'\\', `'\\'`},
		{'\n', `'\n'`}, {0, `'\NUL'`}, {0x0e, `'\SO'`}, {0x7f, `'\DEL'`},
		{'é', `'\233'`}, {'中', `'\20013'`},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, Char(tc.in), "%q", tc.in)
	}
}

func TestStrings(t *testing.T) {
	assert.Equal(t, `[]`, Strings(nil))
	assert.Equal(t, `["a","b"]`, Strings([]string{"a", "b"}))
	assert.Equal(t, `["\SO\&H","a\SOHb","\233\&1"]`, Strings([]string{"\x0eH", "a\x01b", "é1"}))
}

func TestInt(t *testing.T) {
	assert.Equal(t, "-1", Int(-1))
	assert.Equal(t, "9223372036854775807", Int(math.MaxInt64))
}

func TestDouble(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{
		{0.5, "0.5"},
		{1234.5, "1234.5"},
		{0.05, "5.0e-2"},
		{1e7, "1.0e7"},
		{12345678.9, "1.23456789e7"},
		{10, "10.0"},
		{-2.5, "-2.5"},
		{math.Copysign(0, -1), "-0.0"},
		{math.Inf(-1), "-Infinity"},
		{math.NaN(), "NaN"},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, Double(tc.in), "%v", tc.in)
	}
}

func TestRational(t *testing.T) {
	assert.Equal(t, "3 % 2", Rational(big.NewRat(3, 2)))
	assert.Equal(t, "(-3) % 2", Rational(big.NewRat(-3, 2)))
	assert.Equal(t, "0 % 1", Rational(new(big.Rat)))
}

func TestNumberRational(t *testing.T) {
	tests := []struct{ in, want string }{
		{"1.5", "3 % 2"},
		{"-0.5", "(-1) % 2"},
		{"0.0", "0 % 1"},
		{"-0", "0 % 1"},
		{"1e2", "100 % 1"},
		{"1E+2", "100 % 1"},
		{"-2", "(-2) % 1"},
		{"2.50e-1", "1 % 4"},
		{"0.1", "1 % 10"},
		{"1e-3", "1 % 1000"},
		{"1e99999", "1e99999"}, // too large to expand
		{"1e-99999999999999999999", "1e-99999999999999999999"}, // likewise
		{"abc", "abc"},
		{"1.", "1."},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, NumberRational(tc.in), tc.in)
	}
}

// Double renders x as show renders a Double ("0.5", "5.0e-2", "1.0e7").
func Double(x float64) string { return hsjson.FormatDouble(x) }
