package pcre

import (
	"errors"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/goluxid/goluxid/internal/testkit/regexptest"
)

// pcreFuzzSeeds are patterns of the PCRE dialect that exercise its
// corners.
var pcreFuzzSeeds = []string{
	`^node[0-9]*5`, `(?i)^NODE1\.`, `(a+)+$`, `(?<n>x)\k<n>(?&n)`, `(?(1)a|b)(c)`, `(?<=ab|c)d`,
	`a(*COMMIT)b|ac`, `(?|(a)|(b))\1`, `\Q.*\E+`, `[[:^alpha:]\d-]`, `(*UTF8)é\x{e9}`, `(?x) a # c`,
	`(a(?1)?b)`, `\S+\h`, `(?=a?a)(?i:a)`, `(*CRLF)(?m)^$`, `a*(?>|b)a`, `(?<r>(?!(*SKIP:m)x))(*PRUNE).`,
}

// pcreErrorText is the form of a PCRE compile error: (offset,"message").
var pcreErrorText = regexp.MustCompile(`^\(([0-9]+),"`)

// FuzzPCRE checks that any pattern either fails with an error of PCRE's
// form, at an offset within the pattern, or compiles to a regular
// expression whose matching ends, with an answer, ErrTimeout or
// ErrRecursionLoop.
func FuzzPCRE(f *testing.F) {
	regexptest.Fuzz(f, pcreFuzzSeeds, "node15.example.com\r\naAé\u00a0b", Compile,
		func(t *testing.T, pattern string, se *SyntaxError) {
			m := pcreErrorText.FindStringSubmatch(se.Error())
			if m == nil {
				t.Fatalf("%q: error text %q", pattern, se.Error())
			}
			if offset, _ := strconv.Atoi(m[1]); offset > len(pattern) {
				t.Fatalf("%q: error offset %d beyond the pattern", pattern, offset)
			}
		},
		func(t *testing.T, re *Regexp, pattern, subject string) {
			if _, err := re.Match(subject, 20*time.Millisecond); err != nil &&
				!errors.Is(err, ErrTimeout) && !errors.Is(err, ErrRecursionLoop) {
				t.Fatalf("%q on %q: error %v", pattern, subject, err)
			}
		})
}
