package tdfa

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/goluxid/goluxid/internal/testkit/regexptest"
)

// tdfaFuzzSeeds are patterns of the TDFA dialect and near misses.
var tdfaFuzzSeeds = []string{
	"instance(1|2)\\.", "^node[^.]*(\\..*)?$", "a{2,1}", "a{,2}", "[[:alpha:]-z]", "[]a]", "[^]a]",
	"\\<a\\>", "(^|x)b", "a{1,3}b{2}", "((a|)+){2}", "[[.a.][=bc=]]", "x{1", "(a)(", "[z-a]",
	"a\tb\n{3}", "()*", "a{9223372036854775808}", "\\`a|b\\'", "[^\n]+$",
}

// FuzzTDFA checks that any pattern either fails with regex-tdfa's kind of
// error or compiles, and then matches exactly where Go's regexp matches
// its translation (for the patterns Go can express).
func FuzzTDFA(f *testing.F) {
	regexptest.Fuzz(f, tdfaFuzzSeeds, "xa\nb{3}ab abaa", Compile,
		func(t *testing.T, pattern string, se *SyntaxError) {
			if !strings.HasPrefix(se.Error(), "parseRegex for Text.Regex.TDFA.String failed:") {
				t.Fatalf("%q: error %v", pattern, se)
			}
		},
		matchesAsGo)
}

// matchesAsGo checks that re matches subject exactly where Go's regexp
// matches its translation, if Go can express it.
func matchesAsGo(t *testing.T, re *Regexp, pattern, subject string) {
	got, err := re.Match(subject, time.Minute)
	if errors.Is(err, ErrTooLarge) {
		return
	}
	if err != nil {
		t.Fatalf("%q: match: %v", pattern, err)
	}
	translated, ok := goRegexpSyntax(re.root)
	if !ok || tdfaSize(re.root, 1000) > 1<<14 {
		return // not expressible, or too slow for Go's unclipped repetitions
	}
	goRe, err := regexp.Compile(translated)
	if err != nil {
		if strings.Contains(err.Error(), "expression too large") || strings.Contains(err.Error(), "expression nests too deeply") {
			return
		}
		t.Fatalf("%q: translation %q does not compile: %v", pattern, translated, err)
	}
	if want := goRe.MatchString(subject); got != want {
		t.Fatalf("%q on %q: matched %v, Go's regexp %q %v", pattern, subject, got, translated, want)
	}
}

// goRegexpSyntax writes n in Go's regexp syntax, if Go can express it:
// not the word start and end tests, not bounds above 1000.
func goRegexpSyntax(n *tdfaNode) (string, bool) {
	var b strings.Builder
	ok := writeGoRegexp(&b, n)
	return b.String(), ok
}

func writeGoRegexp(b *strings.Builder, n *tdfaNode) bool {
	switch n.op {
	case tdfaEmpty:
		b.WriteString("(?:)")
	case tdfaChar:
		fmt.Fprintf(b, `\x{%x}`, n.c)
	case tdfaAny:
		if len(n.class.ranges) == 0 {
			b.WriteString(`[^\x00-\x{10ffff}]`)
			return true
		}
		b.WriteByte('[')
		for i := 0; i < len(n.class.ranges); i += 2 {
			fmt.Fprintf(b, `\x{%x}-\x{%x}`, n.class.ranges[i], n.class.ranges[i+1])
		}
		b.WriteByte(']')
	case tdfaAssert:
		test, ok := map[tdfaTest]string{tdfaBOL: "(?m:^)", tdfaEOL: "(?m:$)", tdfaBOB: `\A`, tdfaEOB: `\z`,
			tdfaEdge: `\b`, tdfaNotEdge: `\B`}[n.assert]
		b.WriteString(test)
		return ok
	case tdfaGroup, tdfaConcat, tdfaOr:
		b.WriteString("(?:")
		for i, sub := range n.subs {
			if i > 0 && n.op == tdfaOr {
				b.WriteByte('|')
			}
			if !writeGoRegexp(b, sub) {
				return false
			}
		}
		b.WriteByte(')')
	case tdfaRepeat:
		if n.min > 1000 || n.max > 1000 {
			return false
		}
		b.WriteString("(?:")
		if !writeGoRegexp(b, n.subs[0]) {
			return false
		}
		if n.max < 0 {
			fmt.Fprintf(b, "){%d,}", n.min)
		} else {
			fmt.Fprintf(b, "){%d,%d}", n.min, n.max)
		}
	}
	return true
}
