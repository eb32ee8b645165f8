package pcre

import (
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/internal/testkit/regexptest"
)

// TestFlavour checks PCRE behaviour, including the constructs Go's
// RE2-based regexp package rejects or treats differently.
func TestFlavour(t *testing.T) {
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
			re, err := Compile(tt.re)
			require.NoError(t, err)
			got, err := re.Match(tt.subject, time.Second)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			_, goErr := regexp.Compile(tt.re)
			assert.Equal(t, tt.goRejects, goErr != nil, "Go regexp compile error: %v", goErr)
		})
	}
}

// maxTimedOutMatch bounds a match given 50 ms: about three times the
// longest seen on a loaded 2-CPU machine, race detector on or off
// (50–383 ms).
const maxTimedOutMatch = 1200 * time.Millisecond

// TestCatastrophic checks that a pattern that backtracks exponentially
// fails with ErrTimeout soon after the timeout instead of running for ages.
func TestCatastrophic(t *testing.T) {
	re, err := Compile(`^(a+)+$`)
	require.NoError(t, err)
	start := time.Now()
	_, err = re.Match(strings.Repeat("a", 40)+"!", 50*time.Millisecond)
	took := time.Since(start)
	t.Logf("the match gave up after %s", took.Round(time.Millisecond))
	assert.Less(t, took, maxTimedOutMatch)
	assert.ErrorIs(t, err, ErrTimeout)
}

func TestCompileErrors(t *testing.T) {
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
			_, err := Compile(tt.re)
			var se *SyntaxError
			require.ErrorAs(t, err, &se)
			assert.Equal(t, tt.msg, se.Error())
		})
	}
}

// TestLuxidAnswers checks texts and matches Ganeti 3.0.2's luxid gives
// (libpcre 8.39); testdata/luxid-3.0.json holds many more.
func TestLuxidAnswers(t *testing.T) {
	regexptest.CheckAnswers[*SyntaxError](t, Compile, []regexptest.Answer{
		{Name: "nothing to repeat", Pattern: `*`, Err: `(0,"nothing to repeat")`},
		{Name: "quantifier order", Pattern: `a{2,1}`, Err: `(5,"numbers out of order in {} quantifier")`},
		{Name: "range order", Pattern: `[z-a]`, Err: `(3,"range out of order in character class")`},
		{Name: "offset in bytes", Pattern: "ü(", Err: `(3,"missing )")`},
		{Name: "cut at NUL", Pattern: "x\x00(", Match: []string{"x"}, NoMatch: []string{"y"}},
		{Name: "quoting", Pattern: `\Q.\E`, Match: []string{"a.b"}, NoMatch: []string{"ab"}},
		{Name: "bytes", Pattern: `^..$`, Match: []string{"é", "dd"}, NoMatch: []string{"éé"}},
		{Name: "latin-1 property", Pattern: `^\p{Lu}`, Match: []string{"é"}, NoMatch: []string{"e"}},
		{Name: "wrong auto-possession", Pattern: `\S+\h`, Match: []string{"x\ty"}, NoMatch: []string{"a\u00a0"}},
		{Name: "required unit from a lookahead", Pattern: `(?=a?a)(?i:a)`, Match: []string{"aaa"}, NoMatch: []string{"ab"}},
		{Name: "commit after first unit skip", Pattern: `(*COMMIT)abc`, Match: []string{"xyzabc"}, NoMatch: []string{"xyz"}},
	})
}

// TestRecursionLoop checks that a recursion libpcre refuses at run time
// ends the match with ErrRecursionLoop.
func TestRecursionLoop(t *testing.T) {
	re, err := Compile(`(a|(?2))(b|(?1))`)
	require.NoError(t, err)
	_, err = re.Match("c", time.Second)
	assert.True(t, errors.Is(err, ErrRecursionLoop), "%v", err)
}
