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
