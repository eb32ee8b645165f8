package luxi

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestMethods(t *testing.T) {
	assert.Len(t, Methods, 25)
	seen := map[string]bool{}
	for _, m := range Methods {
		assert.False(t, seen[m], "duplicate %s", m)
		seen[m] = true
		assert.True(t, IsMethod(m), m)
	}
	assert.Equal(t, MethodQuery, Methods[0])
	assert.Equal(t, MethodSetWatcherPause, Methods[24])
	for _, bad := range []string{"", "query", "Nope", "QueryJobs ", "OP_TEST_DELAY"} {
		assert.False(t, IsMethod(bad), bad)
	}
}
