package jqueue

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParseJob feeds job files to the parser: it must never panic, and a
// job it accepts must write back into a file it accepts again, unchanged.
func FuzzParseJob(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "golden", "*.json"))
	for _, s := range seeds {
		if data, err := os.ReadFile(s); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(`{"id":1,"ops":[]}`))
	f.Add([]byte(`{"id":1,"ops":[{"input":{},"status":"queued","result":null,"priority":0}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		job, err := ParseJob(data)
		if err != nil {
			return
		}
		out, err := job.Marshal()
		if err != nil {
			t.Fatalf("marshal of a parsed job: %v", err)
		}
		again, err := ParseJob(out)
		if err != nil {
			t.Fatalf("written job does not parse: %v\n%s", err, out)
		}
		out2, err := again.Marshal()
		if err != nil || string(out2) != string(out) {
			t.Fatalf("not a fixed point:\n%s\n%s", out, out2)
		}
		_ = job.Status()
		_ = job.Priority()
	})
}
