package query

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRegexpFlavour checks PCRE behaviour, including the constructs Go's
// RE2-based regexp package rejects or treats differently.
func TestRegexpFlavour(t *testing.T) {
	tests := []struct {
		name, re, subject string
		want              bool
		goRejects         bool // Go's regexp cannot compile it
	}{
		{"backreference", `^(\w)\1`, "aab", true, true},
		{"backreference mismatch", `^(\w)\1`, "abb", false, true},
		{"named backreference", `(?<c>o)\k<c>`, "foo", true, true},
		{"lookahead", `^node(?=1\.)`, "node1.example.com", true, true},
		{"lookahead fails", `^node(?=1\.)`, "node10.example.com", false, true},
		{"negative lookahead", `^node1(?!0)`, "node10.example.com", false, true},
		{"lookbehind", `(?<=node)1`, "node1", true, true},
		{"negative lookbehind", `(?<!x)y`, "xy", false, true},
		{"atomic group", `(?>a+)b`, "aab", true, true},
		{"POSIX class", `^[[:digit:]]+$`, "123", true, false},
		{"python named group", `^(?P<n>node)\d`, "node3", true, false},
		{"digit is ASCII", `^\d$`, "٣", false, false},
		{"word is ASCII", `^\w$`, "é", false, false},
		{"multiline caret", `^node2`, "x\nnode2", true, false},
		{"multiline dollar", `a$`, "a\nb", true, false},
		{"dot excludes newline", `a.b`, "a\nb", false, false},
		{"dotall flag", `(?s)a.b`, "a\nb", true, false},
		{"case flag", `(?i)^NODE1`, "node1.example.com", true, false},
		{"qlang glob", `^node[^.]*(\..*)?$`, "node1.example.com", true, false},
		{"unknown escape is literal", `\yx`, "yx", true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			re, err := CompileRegexp(tt.re, RegexpPCRE, time.Second)
			require.NoError(t, err)
			got, err := re.MatchString(tt.subject)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			_, goErr := regexp.Compile(tt.re)
			assert.Equal(t, tt.goRejects, goErr != nil, "Go regexp compile error: %v", goErr)
		})
	}
}

// TestRegexpCatastrophic checks that a pattern that backtracks
// exponentially fails the query after the timeout instead of running for
// ages.
func TestRegexpCatastrophic(t *testing.T) {
	re, err := CompileRegexp(`^(a+)+$`, RegexpPCRE, 50*time.Millisecond)
	require.NoError(t, err)
	start := time.Now()
	_, err = re.MatchString(strings.Repeat("a", 40) + "!")
	assert.Less(t, time.Since(start), 5*time.Second)
	require.Error(t, err)
	assert.Equal(t, `["GenericError",["Matching regular expression '^(a+)+$' took longer than 50ms"]]`, encodeError(t, err))

	// In a query, the first item that times out fails the whole query.
	nodes := []*testNode{{uuid: "u1", name: strings.Repeat("a", 40) + "!"}, {uuid: "u2", name: "b"}}
	f, err := ParseFilter([]byte(`["=~", "name", "^(a+)+$"]`), WithMatchTimeout(50*time.Millisecond))
	require.NoError(t, err)
	start = time.Now()
	_, err = nodeResource(nodes, &nodeRPC{}).Query(context.Background(), []string{"name"}, f)
	assert.Less(t, time.Since(start), 5*time.Second)
	assert.ErrorContains(t, err, "took longer than 50ms")
}

func TestRegexpCompileErrors(t *testing.T) {
	tests := []struct{ re, msg string }{
		{`(`, `(1,"missing )")`},
		{`(a|b`, `(4,"missing )")`},
		{`a)`, `(1,"unmatched parentheses")`},
		{`\)(a))`, `(5,"unmatched parentheses")`},
		{`[)]a)`, `(4,"unmatched parentheses")`},
		{`[]a`, `(3,"missing terminating ] for character class")`},
		{`[]a)])`, `(5,"unmatched parentheses")`},
		{`x{2,1}`, `(5,"numbers out of order in {} quantifier")`},
		{`[b-a]`, `(3,"range out of order in character class")`},
		{`(a)\2`, `(5,"reference to non-existent subpattern")`},
		{`(?z)`, `(2,"unrecognized character after (? or (?-")`},
		{`\p{Nope}`, `(7,"unknown property name after \\P or \\p")`},
	}
	for _, tt := range tests {
		t.Run(tt.re, func(t *testing.T) {
			_, err := CompileRegexp(tt.re, RegexpPCRE, time.Second)
			var pe *ParseError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, tt.msg, pe.Msg)
		})
	}
}

// TestRegexpDialects checks, in both dialects, texts and matches the real
// luxid gives (Ganeti 3.0.2 with libpcre 8.39, 3.1.0~rc2 with regex-tdfa
// 1.3.2.2); testdata/regexp-*.json holds many more.
func TestRegexpDialects(t *testing.T) {
	tests := []struct {
		name    string
		dialect RegexpDialect
		re      string
		err     string   // the error text, or
		match   []string // subjects it matches
		nomatch []string // and does not
	}{
		{"pcre nothing to repeat", RegexpPCRE, `*`, `(0,"nothing to repeat")`, nil, nil},
		{"pcre quantifier order", RegexpPCRE, `a{2,1}`, `(5,"numbers out of order in {} quantifier")`, nil, nil},
		{"pcre range order", RegexpPCRE, `[z-a]`, `(3,"range out of order in character class")`, nil, nil},
		{"pcre offset in bytes", RegexpPCRE, "ü(", `(3,"missing )")`, nil, nil},
		{"pcre cut at NUL", RegexpPCRE, "x\x00(", "", []string{"x"}, []string{"y"}},
		{"pcre quoting", RegexpPCRE, `\Q.\E`, "", []string{"a.b"}, []string{"ab"}},
		{"pcre bytes", RegexpPCRE, `^..$`, "", []string{"é", "dd"}, []string{"éé"}},
		{"pcre latin-1 property", RegexpPCRE, `^\p{Lu}`, "", []string{"é"}, []string{"e"}},
		{"pcre wrong auto-possession", RegexpPCRE, `\S+\h`, "", []string{"x\ty"}, []string{"a\u00a0"}},
		{"pcre required unit from a lookahead", RegexpPCRE, `(?=a?a)(?i:a)`, "", []string{"aaa"}, []string{"ab"}},
		{"pcre commit after first unit skip", RegexpPCRE, `(*COMMIT)abc`, "", []string{"xyzabc"}, []string{"xyz"}},
		{"tdfa lazy quantifier", RegexpTDFA, `a*?`, "parseRegex for Text.Regex.TDFA.String failed:\"a*?\" (line 1, column 3):\n" +
			"unexpected '?'\nexpecting empty () or anchor ^ or $, an atom, \"|\" or end of input", nil, nil},
		{"tdfa empty", RegexpTDFA, ``, "parseRegex for Text.Regex.TDFA.String failed:(line 1, column 1):\n" +
			"unexpected end of input\nexpecting empty () or anchor ^ or $ or an atom", nil, nil},
		{"tdfa bracket", RegexpTDFA, `[`, "parseRegex for Text.Regex.TDFA.String failed:\"[\" (line 1, column 2):\n" +
			"unexpected end of input\nexpecting \"^\", \"]\", \"[:\", \"[=\" or \"[.\"\nFailed to parse bracketed string", nil, nil},
		{"tdfa range", RegexpTDFA, `[z-a]`, "parseRegex for Text.Regex.TDFA.String failed:\"[z-a]\" (line 1, column 5):\n" +
			"End point 'a' of dashed character range is less than starting point 'z'", nil, nil},
		{"tdfa bound", RegexpTDFA, `a{2`, "parseRegex for Text.Regex.TDFA.String failed:\"a{2\" (line 1, column 4):\n" +
			"unexpected '2'\nexpecting digit, \",\", \"}\" or an atom", nil, nil},
		{"tdfa inline option", RegexpTDFA, `(?i)INST`, "parseRegex for Text.Regex.TDFA.String failed:\"(?i)INST\" (line 1, column 2):\n" +
			"unexpected \"?\"\nexpecting empty () or anchor ^ or $ or an atom", nil, nil},
		{"tdfa escaped letter", RegexpTDFA, `\d`, "", []string{"dd"}, []string{"12345"}},
		{"tdfa word start", RegexpTDFA, `\<a`, "", []string{"abc", "x a"}, []string{"ba"}},
		{"tdfa literal brace", RegexpTDFA, `a{,2}`, "", []string{"a{,2}"}, []string{"aa"}},
		{"tdfa NUL", RegexpTDFA, "a\x00", "", []string{"a\x00b"}, []string{"a"}},
		{"tdfa collating element", RegexpTDFA, `[^[.a.]]`, "", []string{"a"}, []string{"\n"}},
		{"tdfa multiline", RegexpTDFA, `^b$`, "", []string{"a\nb"}, []string{"ab"}},
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
			for _, s := range tt.match {
				ok, err := re.MatchString(s)
				require.NoError(t, err)
				assert.True(t, ok, "%q", s)
			}
			for _, s := range tt.nomatch {
				ok, err := re.MatchString(s)
				require.NoError(t, err)
				assert.False(t, ok, "%q", s)
			}
		})
	}
}
