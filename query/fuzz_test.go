package query

import (
	"bytes"
	"errors"
	"testing"
	"time"
)

// fuzzSeeds are filters of the package doc's wire format and edge cases
// of the decoder.
var fuzzSeeds = []string{
	`null`, `["&"]`, `["|"]`, `["!", ["?", "offline"]]`,
	`["==", "name", "node1"]`, `["=", "name", "x"]`, `["!=", "name", "x"]`,
	`["&", ["!", ["?", "offline"]], [">", "pinst_cnt", 2]]`,
	`["|", ["!=", "name", "x"], [">=", "mfree", 1024]]`,
	`["=[]", "tags", "ssd"]`, `["=~", "name", "(?i)^node[12]"]`,
	`["=~", "name", "^node[^.]*(\\..*)?$"]`, `["<", "id", 1e30]`,
	`["==", "a", 1.5]`, `["==", "a", true]`, `["~~", "name", "x"]`,
	`["!", ["?", "a"], ["?", "b"]]`, `["=~", "name", "("]`,
	`["==", ["n", "a"], "x"]`, `["&", null, ["|", null]]`, `[1]`, `{}`, `"x"`,
	`["<=", "a", -0.0]`, `["=~", "n", "(a+)+$"]`, `["==", "a", 1e-9999]`,
}

// FuzzParseFilter checks that any input either parses into a filter that
// writes back to a fixed point, or fails with a *ParseError, and that
// evaluating a parsed filter never panics.
func FuzzParseFilter(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		flt, err := ParseFilter(data, WithMatchTimeout(10*time.Millisecond))
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a *ParseError", err)
			}
			return
		}
		out, err := flt.MarshalJSON()
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		again, err := ParseFilter(out, WithMatchTimeout(10*time.Millisecond))
		if err != nil {
			t.Fatalf("reparse of %s: %v", out, err)
		}
		out2, err := again.MarshalJSON()
		if err != nil || !bytes.Equal(out, out2) {
			t.Fatalf("not a fixed point: %s then %s (%v)", out, out2, err)
		}
		flt.RequestedNames("name")
		for _, v := range []any{"node1.example.com", 5, true, []string{"a"}, []int64{1, 2}, nil} {
			for _, mode := range []FilterMode{ModeNormal, ModeHostname, ModeTimestamp} {
				_, _ = flt.Eval(func(leaf *Filter) (bool, error) { return matchCell(leaf, mode, Normal(v)) })
			}
		}
	})
}
