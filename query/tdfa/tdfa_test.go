package tdfa

import (
	"testing"

	"github.com/goluxid/goluxid/internal/testkit/regexptest"
)

// TestLuxidAnswers checks texts and matches Ganeti 3.1.0~rc2's luxid
// gives (regex-tdfa 1.3.2.2); testdata/luxid-3.1.json holds many more.
func TestLuxidAnswers(t *testing.T) {
	regexptest.CheckAnswers[*SyntaxError](t, Compile, []regexptest.Answer{
		{Name: "lazy quantifier", Pattern: `a*?`, Err: "parseRegex for Text.Regex.TDFA.String failed:\"a*?\" (line 1, column 3):\n" +
			"unexpected '?'\nexpecting empty () or anchor ^ or $, an atom, \"|\" or end of input"},
		{Name: "empty", Pattern: ``, Err: "parseRegex for Text.Regex.TDFA.String failed:(line 1, column 1):\n" +
			"unexpected end of input\nexpecting empty () or anchor ^ or $ or an atom"},
		{Name: "bracket", Pattern: `[`, Err: "parseRegex for Text.Regex.TDFA.String failed:\"[\" (line 1, column 2):\n" +
			"unexpected end of input\nexpecting \"^\", \"]\", \"[:\", \"[=\" or \"[.\"\nFailed to parse bracketed string"},
		{Name: "range", Pattern: `[z-a]`, Err: "parseRegex for Text.Regex.TDFA.String failed:\"[z-a]\" (line 1, column 5):\n" +
			"End point 'a' of dashed character range is less than starting point 'z'"},
		{Name: "bound", Pattern: `a{2`, Err: "parseRegex for Text.Regex.TDFA.String failed:\"a{2\" (line 1, column 4):\n" +
			"unexpected '2'\nexpecting digit, \",\", \"}\" or an atom"},
		{Name: "inline option", Pattern: `(?i)INST`, Err: "parseRegex for Text.Regex.TDFA.String failed:\"(?i)INST\" (line 1, column 2):\n" +
			"unexpected \"?\"\nexpecting empty () or anchor ^ or $ or an atom"},
		{Name: "escaped letter", Pattern: `\d`, Match: []string{"dd"}, NoMatch: []string{"12345"}},
		{Name: "word start", Pattern: `\<a`, Match: []string{"abc", "x a"}, NoMatch: []string{"ba"}},
		{Name: "literal brace", Pattern: `a{,2}`, Match: []string{"a{,2}"}, NoMatch: []string{"aa"}},
		{Name: "NUL", Pattern: "a\x00", Match: []string{"a\x00b"}, NoMatch: []string{"a"}},
		{Name: "collating element", Pattern: `[^[.a.]]`, Match: []string{"a"}, NoMatch: []string{"\n"}},
		{Name: "multiline", Pattern: `^b$`, Match: []string{"a\nb"}, NoMatch: []string{"ab"}},
	})
}
