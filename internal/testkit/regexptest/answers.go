package regexptest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Answer is what luxid answers for one pattern: its error text, or
// subjects it matches and subjects it does not.
type Answer struct {
	Name    string
	Pattern string
	Err     string   // the error text, or
	Match   []string // subjects it matches
	NoMatch []string // and does not
}

// CheckAnswers checks compile against each answer, in a subtest named by
// the answer.
func CheckAnswers[E error, R Regexp](t *testing.T, compile func(pattern string) (R, error), answers []Answer) {
	t.Helper()
	for _, a := range answers {
		t.Run(a.Name, func(t *testing.T) {
			re, err := compile(a.Pattern)
			if a.Err != "" {
				var se E
				require.ErrorAs(t, err, &se)
				assert.Equal(t, a.Err, se.Error())
				return
			}
			require.NoError(t, err)
			for _, s := range a.Match {
				ok, err := re.Match(s, time.Second)
				require.NoError(t, err)
				assert.True(t, ok, "%q", s)
			}
			for _, s := range a.NoMatch {
				ok, err := re.Match(s, time.Second)
				require.NoError(t, err)
				assert.False(t, ok, "%q", s)
			}
		})
	}
}
