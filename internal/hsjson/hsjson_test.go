package hsjson

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNormalizeNumbers(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"integral float", `{"a":5000000.0}`, `{"a":5000000}`},
		{"negative integral", `[-1.0, 2]`, `[-1, 2]`},
		{"fraction kept", `[1.5,1343869045.604884]`, `[1.5,1343869045.604884]`},
		{"exponent", `[1e3,2.5E1,1.25e-1]`, `[1000,25,1.25e-1]`},
		{"zero", `[0.0,-0.0]`, `[0,0]`},
		{"plain int untouched", `[12,0,-7]`, `[12,0,-7]`},
		{"numbers in strings untouched", `{"5.0":"1.0\"2.0"}`, `{"5.0":"1.0\"2.0"}`},
		{"escaped backslash before quote", `["a\\",3.0]`, `["a\\",3]`},
		{"nested", `{"x":{"y":[32.0,{"z":1.0}]}}`, `{"x":{"y":[32,{"z":1}]}}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := NormalizeNumbers([]byte(tc.in))
			assert.Equal(t, tc.want, string(got))
			assert.True(t, json.Valid(got))
		})
	}
}

func TestObjectKeepsOrder(t *testing.T) {
	o := Object{KV("z", 1), KV("a", "<b>"), KV("m", Object{KV("y", nil), KV("b", true)})}
	got, err := Marshal(o)
	require.NoError(t, err)
	assert.Equal(t, `{"z":1,"a":"<b>","m":{"y":null,"b":true}}`, string(got))
}
