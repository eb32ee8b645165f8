package resources

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

// benchJobTable is the job table with summaries and opcodes that cost
// nothing, so that the benchmarks measure reading the queue and the query.
var benchJobTable = newJobTables(jobFields(
	func(json.RawMessage) string { return "" },
	func(in json.RawMessage) json.RawMessage { return in }))

func BenchmarkQueryJobsIDStatus10k(b *testing.B) {
	res := jobsOf(jobQueue(b, 10000), benchJobTable)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		r, err := res.Query(context.Background(), []string{"id", "status"}, nil)
		require.NoError(b, err)
		require.Len(b, r.Data, 10000)
	}
}

// BenchmarkQueryJobsRAPIBulk10k asks for what RAPI's GET /2/jobs?bulk=1
// asks for.
func BenchmarkQueryJobsRAPIBulk10k(b *testing.B) {
	res := jobsOf(jobQueue(b, 10000), benchJobTable)
	fields := []string{"id", "ops", "status", "summary", "opstatus", "received_ts", "start_ts", "end_ts"}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		r, err := res.Query(context.Background(), fields, nil)
		require.NoError(b, err)
		require.Len(b, r.Data, 10000)
	}
}
