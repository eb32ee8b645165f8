package opcodes

import "testing"

// typicalTestDelay is what gnt-debug delay submits.
var typicalTestDelay = []byte(`{"OP_ID": "OP_TEST_DELAY", "duration": 2.0, "on_master": true, "on_nodes": [], "repeat": 3, "interruptible": false, "no_locks": true, "dry_run": false, "debug_level": 0, "priority": 0, "depends": null, "comment": null, "reason": [["gnt:client:gnt-debug", "delay", 1700000000000000000]]}`)

// BenchmarkValidateCanonical is the work of submitting one opcode.
func BenchmarkValidateCanonical(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(typicalTestDelay)))
	for b.Loop() {
		op, err := schema30.Validate(typicalTestDelay)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := op.Canonical(26, 0, 1795754335000232000); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkValidate(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := schema30.Validate(typicalTestDelay); err != nil {
			b.Fatal(err)
		}
	}
}
