package pcre

import (
	"testing"

	"github.com/goluxid/goluxid/internal/testkit/regexptest"
)

// TestAgainstLuxid replays the patterns recorded from Ganeti 3.0's luxid
// by testdata/capture-regexp.py: the same errors, byte for byte, and the
// same subjects matched.
func TestAgainstLuxid(t *testing.T) {
	regexptest.ReplayLuxid[*SyntaxError](t, "testdata/luxid-3.0.json", Compile)
}
