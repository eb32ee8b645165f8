package query

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// maxTimedOutMatch bounds a match or query given 50 ms: about three times
// the longest seen on a loaded 2-CPU machine, race detector on or off
// (50–383 ms).
const maxTimedOutMatch = 1200 * time.Millisecond

// TestRegexpCatastrophic checks that a pattern that backtracks
// exponentially fails the query soon after the timeout instead of running
// for ages.
func TestRegexpCatastrophic(t *testing.T) {
	re, err := CompileRegexp(`^(a+)+$`, RegexpPCRE, 50*time.Millisecond)
	require.NoError(t, err)
	start := time.Now()
	_, err = re.MatchString(strings.Repeat("a", 40) + "!")
	assert.Less(t, time.Since(start), maxTimedOutMatch)
	require.Error(t, err)
	assert.Equal(t, `["GenericError",["Matching regular expression '^(a+)+$' took longer than 50ms"]]`, encodeError(t, err))

	// In a query, the first item that times out fails the whole query.
	nodes := []*testNode{{uuid: "u1", name: strings.Repeat("a", 40) + "!"}, {uuid: "u2", name: "b"}}
	f, err := ParseFilter([]byte(`["=~", "name", "^(a+)+$"]`), WithMatchTimeout(50*time.Millisecond))
	require.NoError(t, err)
	start = time.Now()
	_, err = nodeResource(nodes, &nodeRPC{}).Query(context.Background(), []string{"name"}, f)
	assert.Less(t, time.Since(start), maxTimedOutMatch)
	assert.ErrorContains(t, err, "took longer than 50ms")
}

// TestRegexpDialects checks that each dialect compiles with its engine
// (package pcre or tdfa): a syntax error is a *ParseError with the
// engine's text, and a pattern means what the engine reads.
func TestRegexpDialects(t *testing.T) {
	tests := []struct {
		name    string
		dialect RegexpDialect
		re      string
		err     string // the error text, or
		match   string // a subject it matches
		nomatch string // and one it does not
	}{
		{"pcre error", RegexpPCRE, `(`, `(1,"missing )")`, "", ""},
		{"pcre digit class", RegexpPCRE, `\d`, "", "1", "d"},
		{"pcre lazy quantifier", RegexpPCRE, `^a*?$`, "", "aa", "b"},
		{"tdfa error", RegexpTDFA, `a*?`, "parseRegex for Text.Regex.TDFA.String failed:\"a*?\" (line 1, column 3):\n" +
			"unexpected '?'\nexpecting empty () or anchor ^ or $, an atom, \"|\" or end of input", "", ""},
		{"tdfa escaped letter", RegexpTDFA, `\d`, "", "d", "1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			re, err := CompileRegexp(tt.re, tt.dialect, time.Second)
			if tt.err != "" {
				var pe *ParseError
				require.ErrorAs(t, err, &pe)
				assert.Equal(t, tt.err, pe.Msg)
				return
			}
			require.NoError(t, err)
			ok, err := re.MatchString(tt.match)
			require.NoError(t, err)
			assert.True(t, ok, "%q", tt.match)
			ok, err = re.MatchString(tt.nomatch)
			require.NoError(t, err)
			assert.False(t, ok, "%q", tt.nomatch)
		})
	}
}

func TestReleaseRegexpDialect(t *testing.T) {
	assert.Equal(t, RegexpPCRE, ReleaseRegexpDialect("3.0"))
	assert.Equal(t, RegexpTDFA, ReleaseRegexpDialect("3.1"))
}
