package jqueue

import (
	"context"
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// benchQueue fills a queue with n finished jobs (the job process's form).
func benchQueue(b *testing.B, n int) *Queue {
	b.Helper()
	l := newLayout(b)
	tpl := string(readGolden(b, "spec-8_5.json"))
	for i := 1; i <= n; i++ {
		data := strings.Replace(tpl, `"id": 26`, `"id": `+strconv.Itoa(i), 1)
		require.NoError(b, os.WriteFile(l.JobFile(uint64(i)), []byte(data), 0o600))
	}
	q, err := Open(l, nil)
	require.NoError(b, err)
	return q
}

func BenchmarkQueryJobsIDStatus10k(b *testing.B) {
	q := benchQueue(b, 10000)
	res := q.JobResource(FieldGetters(func(json.RawMessage) string { return "" }, func(in json.RawMessage) json.RawMessage { return in }))
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
	q := benchQueue(b, 10000)
	res := q.JobResource(FieldGetters(func(json.RawMessage) string { return "" }, func(in json.RawMessage) json.RawMessage { return in }))
	fields := []string{"id", "ops", "status", "summary", "opstatus", "received_ts", "start_ts", "end_ts"}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		r, err := res.Query(context.Background(), fields, nil)
		require.NoError(b, err)
		require.Len(b, r.Data, 10000)
	}
}
