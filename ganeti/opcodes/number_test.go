package opcodes

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestJSNumberText(t *testing.T) {
	tests := map[string]string{
		"0": "0", "-0": "0", "-0.0": "0", "12": "12", "-7": "-7", "1.0": "1", "1e2": "100",
		"1E+2": "100", "100e-2": "1", "2.5": "2.5", "0.05": "5.0e-2", "1.5e7": "15000000",
		"1.25e7": "12500000", "12345678.5": "1.23456785e7", "1e-400": "0.0", "-1e-400": "-0.0",
		"0e999999999999": "0", "12345678901234567890123": "12345678901234567890123",
		"1e22": "10000000000000000000000", "0.1": "0.1",
	}
	for lit, want := range tests {
		assert.Equal(t, want, jsNumberText(lit), lit)
	}
}

func TestDoubleText(t *testing.T) {
	tests := map[string]string{
		"1": "1", "2.0": "2", "1.5": "1.5", "0.05": "5.0e-2", "1e22": "10000000000000000000000",
		"1e23": "99999999999999991611392", "-0.0": "0", "1e-400": "0", "0.1": "0.1",
	}
	for lit, want := range tests {
		assert.Equal(t, want, doubleText(readDouble(lit)), lit)
	}
}

func TestRoundInt(t *testing.T) {
	tests := map[string]int64{
		"0": 0, "7": 7, "-7": -7, "1.5": 2, "2.5": 2, "-1.5": -2, "-0.5": 0, "0.6": 1,
		"0.5": 0, "1.51": 2, "2.50001": 3, "0.05": 0, "-2.5": -2, "-3.5": -4, "0.49999": 0, "15e-1": 2,
		"1e2": 100, "25e-1": 2, "35e-1": 4, "1e-400": 0,
		"18446744073709551621": 5, "9223372036854775808": -9223372036854775808,
	}
	for lit, want := range tests {
		assert.Equal(t, want, roundInt(lit), lit)
	}
	assert.Equal(t, "1000000000000000000000000000000", roundInteger("1e30").String())
	assert.Equal(t, "-2", roundInteger("-2.5").String())
}

func TestReadsInt(t *testing.T) {
	tests := []struct {
		in   string
		n    int64
		rest string
		ok   bool
	}{
		{"5", 5, "", true},
		{"  5", 5, "", true},
		{"5 ", 5, " ", true},
		{"-5", -5, "", true},
		{"- 5", -5, "", true},
		{"(5)", 5, "", true},
		{"( 5 )", 5, "", true},
		{"0x1f", 31, "", true},
		{"0o17", 15, "", true},
		{"10G", 10, "G", true},
		{"5.", 5, ".", true},
		{"5e", 5, "e", true},
		{"5.5", 0, "", false},
		{"1e3", 0, "", false},
		{"x", 0, "", false},
		{"", 0, "", false},
		{"--5", 0, "", false},
		{"+5", 0, "", false},
		{"(5", 0, "", false},
	}
	for _, tc := range tests {
		n, rest, ok := readsInt(tc.in)
		assert.Equal(t, tc.ok, ok, tc.in)
		if tc.ok {
			assert.Equal(t, tc.n, n, tc.in)
			assert.Equal(t, tc.rest, rest, tc.in)
		}
	}
}

func TestParseUnit(t *testing.T) {
	good := map[string]int64{"512": 512, "10G": 10240, "10 gb": 10240, "1 t": 1 << 20, "2MiB": 2, "3M": 3, "1TB": 1 << 20}
	for in, want := range good {
		n, err := parseUnit(in)
		if assert.NoError(t, err, in) {
			assert.Equal(t, want, n, in)
		}
	}
	bad := map[string]string{"10k": "Unknown unit 'k'", "1.5G": "Can't parse string '1.5G'", "G": "Can't parse string 'G'"}
	for in, want := range bad {
		_, err := parseUnit(in)
		if assert.Error(t, err, in) {
			assert.Equal(t, want, err.Error())
		}
	}
}

// TestLongLiterals covers number literals too long to compute exactly.
func TestLongLiterals(t *testing.T) {
	long := "1." + strings.Repeat("0", 2000) + "1"
	assert.Equal(t, "1.0", jsNumberText(long), "not integral, shown as the Double")
	assert.Equal(t, int64(1), roundInt(long))
	assert.Equal(t, "3", jsNumberText("3"+strings.Repeat("0", 2000)+"e-2000"))
	tiny := "0." + strings.Repeat("0", 2000) + "1e-999999999"
	assert.Equal(t, "0.0", jsNumberText(tiny))
	assert.Equal(t, int64(0), roundInt(tiny))
	assert.False(t, isIntegral(tiny))
	op, err := schema30.Validate([]byte(`{"OP_ID":"OP_TEST_DELAY","reason":[],"duration":` + long + `,"repeat":` + long + `}`))
	require.NoError(t, err)
	assert.Equal(t, "TEST_DELAY(1.0)", op.Summary())
}
