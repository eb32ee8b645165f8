package hsjson

import (
	"math/big"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestRoundHalfEven(t *testing.T) {
	tests := []struct {
		num, den int64
		want     int64
	}{
		{5, 2, 2}, {7, 2, 4}, {-5, 2, -2}, {-7, 2, -4}, {3, 1, 3}, {-3, 1, -3},
		{13, 10, 1}, {17, 10, 2}, {-13, 10, -1}, {-17, 10, -2}, {1, 3, 0}, {-1, 3, 0},
	}
	for _, tc := range tests {
		got := RoundHalfEven(big.NewRat(tc.num, tc.den))
		assert.Equal(t, tc.want, got.Int64(), "%d/%d", tc.num, tc.den)
	}
}
