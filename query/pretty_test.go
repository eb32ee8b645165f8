package query

import (
	"encoding/json"
	"math/big"
	"testing"

	"github.com/stretchr/testify/assert"
)

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
		// Long values wrap as HughesPJ lays them out.
		{[]string{"node1.example.com", "node2.example.com", "node3.example.com", "node4.example.com"},
			"[\"node1.example.com\", \"node2.example.com\", \"node3.example.com\",\n \"node4.example.com\"]"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, pretty(tt.in), "%#v", tt.in)
	}
}
