package tdfa

import (
	"testing"

	"github.com/goluxid/goluxid/internal/testkit/regexptest"
)

// TestAgainstLuxid replays the patterns recorded from Ganeti 3.1's luxid
// by ../pcre/testdata/capture-regexp.py: the same errors, byte for byte,
// and the same subjects matched.
func TestAgainstLuxid(t *testing.T) {
	regexptest.ReplayLuxid[*SyntaxError](t, "testdata/luxid-3.1.json", Compile)
}
