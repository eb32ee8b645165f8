package regexptest

import (
	"errors"
	"testing"
)

// maxFuzzLen bounds the fuzzed pattern and subject: the matching time
// grows with both lengths.
const maxFuzzLen = 256

// Fuzz runs a fuzz target over patterns and subjects, seeded with each
// seed pattern and seedSubject. A pattern compile refuses must fail with
// an E, which rejected checks further; one it compiles is handed to
// compiled with the subject.
func Fuzz[E error, R Regexp](f *testing.F, seeds []string, seedSubject string,
	compile func(pattern string) (R, error),
	rejected func(t *testing.T, pattern string, se E),
	compiled func(t *testing.T, re R, pattern, subject string)) {
	for _, s := range seeds {
		f.Add(s, seedSubject)
	}
	f.Fuzz(func(t *testing.T, pattern, subject string) {
		if len(pattern) > maxFuzzLen || len(subject) > maxFuzzLen {
			return
		}
		re, err := compile(pattern)
		if err != nil {
			var se E
			if !errors.As(err, &se) {
				t.Fatalf("%q: error %v is not a %T", pattern, err, se)
			}
			rejected(t, pattern, se)
			return
		}
		compiled(t, re, pattern, subject)
	})
}
