package tdfa

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLuxidAnswers checks texts and matches Ganeti 3.1.0~rc2's luxid
// gives (regex-tdfa 1.3.2.2); testdata/luxid-3.1.json holds many more.
func TestLuxidAnswers(t *testing.T) {
	tests := []struct {
		name    string
		re      string
		err     string   // the error text, or
		match   []string // subjects it matches
		nomatch []string // and does not
	}{
		{"lazy quantifier", `a*?`, "parseRegex for Text.Regex.TDFA.String failed:\"a*?\" (line 1, column 3):\n" +
			"unexpected '?'\nexpecting empty () or anchor ^ or $, an atom, \"|\" or end of input", nil, nil},
		{"empty", ``, "parseRegex for Text.Regex.TDFA.String failed:(line 1, column 1):\n" +
			"unexpected end of input\nexpecting empty () or anchor ^ or $ or an atom", nil, nil},
		{"bracket", `[`, "parseRegex for Text.Regex.TDFA.String failed:\"[\" (line 1, column 2):\n" +
			"unexpected end of input\nexpecting \"^\", \"]\", \"[:\", \"[=\" or \"[.\"\nFailed to parse bracketed string", nil, nil},
		{"range", `[z-a]`, "parseRegex for Text.Regex.TDFA.String failed:\"[z-a]\" (line 1, column 5):\n" +
			"End point 'a' of dashed character range is less than starting point 'z'", nil, nil},
		{"bound", `a{2`, "parseRegex for Text.Regex.TDFA.String failed:\"a{2\" (line 1, column 4):\n" +
			"unexpected '2'\nexpecting digit, \",\", \"}\" or an atom", nil, nil},
		{"inline option", `(?i)INST`, "parseRegex for Text.Regex.TDFA.String failed:\"(?i)INST\" (line 1, column 2):\n" +
			"unexpected \"?\"\nexpecting empty () or anchor ^ or $ or an atom", nil, nil},
		{"escaped letter", `\d`, "", []string{"dd"}, []string{"12345"}},
		{"word start", `\<a`, "", []string{"abc", "x a"}, []string{"ba"}},
		{"literal brace", `a{,2}`, "", []string{"a{,2}"}, []string{"aa"}},
		{"NUL", "a\x00", "", []string{"a\x00b"}, []string{"a"}},
		{"collating element", `[^[.a.]]`, "", []string{"a"}, []string{"\n"}},
		{"multiline", `^b$`, "", []string{"a\nb"}, []string{"ab"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			re, err := Compile(tt.re)
			if tt.err != "" {
				var se *SyntaxError
				require.ErrorAs(t, err, &se)
				assert.Equal(t, tt.err, se.Error())
				return
			}
			require.NoError(t, err)
			for _, s := range tt.match {
				ok, err := re.Match(s, time.Second)
				require.NoError(t, err)
				assert.True(t, ok, "%q", s)
			}
			for _, s := range tt.nomatch {
				ok, err := re.Match(s, time.Second)
				require.NoError(t, err)
				assert.False(t, ok, "%q", s)
			}
		})
	}
}
