package objects

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestLookupName(t *testing.T) {
	names := []string{"node1.example.com", "node10.example.com", "node2.example.com", "node2.other.org"}
	tests := []struct {
		key       string
		wantName  string
		wantMatch Match
	}{
		{"node1.example.com", "node1.example.com", ExactMatch},
		{"node1", "node1.example.com", PartialMatch},
		{"node10", "node10.example.com", PartialMatch},
		{"node2", "", MultipleMatch},
		{"node2.example", "node2.example.com", PartialMatch},
		{"node", "", FailMatch},
		{"node1.example.co", "", FailMatch},
	}
	for _, tc := range tests {
		t.Run(tc.key, func(t *testing.T) {
			name, match := LookupName(names, tc.key)
			assert.Equal(t, tc.wantMatch, match)
			assert.Equal(t, tc.wantName, name)
		})
	}
}

func TestLookupExactBeatsPartial(t *testing.T) {
	name, match := LookupName([]string{"a.b.c", "a.b"}, "a.b")
	assert.Equal(t, ExactMatch, match)
	assert.Equal(t, "a.b", name)
}
