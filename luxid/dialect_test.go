package luxid

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/query"
)

// TestRegexpDialectOfTheRelease checks that query filters and filter
// rules compile their regular expressions in Deps.RegexpDialect: "\d" is
// a digit in Ganeti 3.0's PCRE and the letter d in 3.1's regex-tdfa,
// which refuses "a*?".
func TestRegexpDialectOfTheRelease(t *testing.T) {
	const nodeFilter = `["node", ["name"], ["=~", "name", "^node\\d\\."]]`
	const lazyRule = `[null, 0, [["opcode", ["=~", "OP_ID", "a*?"]]], "ACCEPT", []]`
	t.Run("3.0", func(t *testing.T) {
		d, _ := newTestDispatcher(t)
		got, err := callJSON(t, d, "Query", nodeFilter)
		require.NoError(t, err)
		assert.Contains(t, got, "node1.example.com")
		_, err = callJSON(t, d, "ReplaceFilter", lazyRule) // decodes, then finds no WConfd
		require.Error(t, err)
		assert.NotContains(t, err.Error(), "Failed to parse request")
	})
	t.Run("3.1", func(t *testing.T) {
		d, _ := newTestDispatcher(t)
		d.deps.RegexpDialect = query.RegexpTDFA
		got, err := callJSON(t, d, "Query", nodeFilter)
		require.NoError(t, err)
		assert.NotContains(t, got, "node1.example.com")
		_, err = callJSON(t, d, "ReplaceFilter", lazyRule)
		assert.ErrorContains(t, err, `parseRegex for Text.Regex.TDFA.String failed:"a*?" (line 1, column 3)`)
	})
}
