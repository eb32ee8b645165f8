package opcodes

import (
	"encoding/json"
	"errors"
	"testing"
	"unicode/utf8"
)

// FuzzValidate checks on any input that Validate does not panic, that its
// errors are *Error, and that what it accepts is written as valid UTF-8
// JSON that validates again to a stable form. The seed corpus is in
// testdata/fuzz/FuzzValidate (opcodes recorded from luxid).
func FuzzValidate(f *testing.F) {
	f.Add([]byte(typicalTestDelay))
	f.Add([]byte(`{"OP_ID":"OP_TEST_DELAY","duration":1,"reason":[],"depends":[[-1,["success"]]]}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		in := schema30.ParseInput(raw)
		_ = in.Summary()
		if _, err := in.MarshalJSON(); err != nil {
			t.Fatalf("input written: %v", err)
		}
		op, err := schema30.Validate(raw)
		if err != nil {
			var perr *Error
			if !errors.As(err, &perr) || !errors.Is(err, ErrInvalid) || err.Error() == "" {
				t.Fatalf("error %v is not a usable *Error", err)
			}
			return
		}
		_ = op.Summary()
		_ = op.Secrets()
		_ = op.Fields()
		checkWritten(t, op)
		if sub, err := op.Submit(1<<20, 0, 1); err == nil {
			checkWritten(t, sub)
		}
	})
}

// checkWritten checks that the canonical form of op is JSON that
// validates to itself.
func checkWritten(t *testing.T, op *OpCode) {
	t.Helper()
	out, err := op.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	if !json.Valid(out) || !utf8.Valid(out) {
		t.Fatalf("written form is not UTF-8 JSON: %q", out)
	}
	again, err := schema30.Validate(out)
	if err != nil {
		t.Fatalf("written form %s does not validate: %v", out, err)
	}
	if op.def.secret >= 0 {
		return // redacted values differ from the revealed ones
	}
	out2, err := again.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	// 0.0 comes back as 0 the first time round; from then on it is stable.
	third, err := schema30.Validate(out2)
	if err != nil {
		t.Fatalf("%s: %v", out2, err)
	}
	out3, _ := third.MarshalJSON()
	if string(out2) != string(out3) {
		t.Fatalf("not stable:\n%s\n%s", out2, out3)
	}
}
