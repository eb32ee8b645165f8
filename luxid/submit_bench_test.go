package luxid

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/goluxid/goluxid/luxi"
)

// benchDelayOp is the opcode luxibench's SubmitManyJobs scenario submits.
const benchDelayOp = `{"OP_ID": "OP_TEST_DELAY", "duration": 0.1, "on_master": false, "on_nodes": [], "repeat": 0, "interruptible": false, "no_locks": true, "priority": 0, "depends": null, "comment": null, "reason": []}`

// BenchmarkSubmitManyJobs1000 is one SubmitManyJobs of 1,000 jobs of one
// opcode each, written durably into a queue on the test's disk.
func BenchmarkSubmitManyJobs1000(b *testing.B) {
	const jobs = 1000
	d, _ := newTestDispatcher(b)
	d.deps.Jobs = &recordingJobs{}
	args := json.RawMessage(`[[` + strings.Repeat(`[`+benchDelayOp+`],`, jobs-1) + `[` + benchDelayOp + `]]]`)
	b.ReportAllocs()
	for b.Loop() {
		res, err := d.ServeLUXI(context.Background(), luxi.Request{Method: "SubmitManyJobs", Args: args})
		if err != nil {
			b.Fatal(err)
		}
		if got := len(res.([][2]any)); got != jobs {
			b.Fatalf("%d results", got)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*jobs), "µs/job")
}
