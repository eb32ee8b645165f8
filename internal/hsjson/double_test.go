package hsjson

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestFormatDouble(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{
		{1234.5, "1234.5"},
		{0.5, "0.5"},
		{0.1, "0.1"},
		{0.05, "5.0e-2"},
		{1349722460.022264, "1.349722460022264e9"},
		{1358348755.7799058, "1.3583487557799058e9"},
		{1e7, "1.0e7"},
		{9999999.5, "9999999.5"},
		{100, "100.0"},
		{1, "1.0"},
		{0, "0.0"},
		{math.Copysign(0, -1), "-0.0"},
		{-2.5, "-2.5"},
		{3.14, "3.14"},
		{5.2, "5.2"},
		{1.5e-10, "1.5e-10"},
		{1e21, "1.0e21"},
		{123456789.125, "1.23456789125e8"},
		{math.NaN(), "NaN"},
		{math.Inf(1), "Infinity"},
		{math.Inf(-1), "-Infinity"},
	}
	for _, tc := range tests {
		t.Run(tc.want, func(t *testing.T) {
			assert.Equal(t, tc.want, FormatDouble(tc.in))
		})
	}
}
