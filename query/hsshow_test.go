package query

import (
	"encoding/json"
	"math"
	"math/big"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestShowDouble(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{
		{0.5, "0.5"},
		{1234.5, "1234.5"},
		{0.05, "5.0e-2"},
		{1e7, "1.0e7"},
		{1.349722460022264e9, "1.349722460022264e9"},
		{1.3583487557799058e9, "1.3583487557799058e9"},
		{0.1, "0.1"},
		{1.5, "1.5"},
		{10.0, "10.0"},
		{9999999.5, "9999999.5"},
		{12345678.9, "1.23456789e7"},
		{1e-3, "1.0e-3"},
		{-2.5, "-2.5"},
		{0, "0.0"},
		{math.Copysign(0, -1), "-0.0"},
		{math.Inf(1), "Infinity"},
		{math.NaN(), "NaN"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, showDouble(tt.in), "%v", tt.in)
	}
}

func TestShowString(t *testing.T) {
	tests := map[string]string{
		`plain`:    `"plain"`,
		`q"b\`:     `"q\"b\\"`,
		"é1":       `"\233\&1"`,
		"éa":       `"\233a"`,
		"\n\t\x01": `"\n\t\SOH"`,
		"\x0eH":    `"\SO\&H"`,
		"\x7f":     `"\DEL"`,
		"☃":        `"\9731"`,
	}
	for in, want := range tests {
		assert.Equal(t, want, showString(in), "%q", in)
	}
}

func TestPretty(t *testing.T) {
	tests := []struct {
		in   any
		want string
	}{
		{nil, "null"},
		{true, "true"},
		{"a\"\\\x01\x7f/é", `"a\"\\\u0001\u007f/é"`},
		{5.0, "5"},
		{1e21, "1000000000000000000000"},
		{0.05, "5.0e-2"},
		{[]any{1, []any{}, map[string]any{}}, "[1, [], {}]"},
		{json.RawMessage(`{"z": 1.50, "a": [1e0, -2]}`), `{"z": 1.5, "a": [1, -2]}`},
		{big.NewRat(1, 3), "0.3333333333333333"},
		{struct {
			B int `json:"b"`
			A int `json:"a"`
		}{1, 2}, `{"b": 1, "a": 2}`},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, pretty(tt.in), "%#v", tt.in)
	}
}

func TestShowRational(t *testing.T) {
	assert.Equal(t, "3 % 2", showRational(big.NewRat(3, 2)))
	assert.Equal(t, "(-3) % 2", showRational(big.NewRat(-3, 2)))
}
