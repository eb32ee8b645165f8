package store

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// goTestOutput is go test -bench output as it is printed, with a
// benchmark whose log output split its name from its results.
const goTestOutput = `goos: linux
goarch: amd64
pkg: github.com/goluxid/goluxid/internal/testkit/bench
cpu: AMD EPYC 7B13
BenchmarkQueryJobs/jobs=1000/cached-2         	      50	  21000000 ns/op	    1000 rows/op	 3300000 B/op	   25792 allocs/op
BenchmarkQuery/node/instances=1000
    alloc_bench_test.go:99: a log line
BenchmarkQuery/node/instances=1000-2          	     100	   1500000 ns/op	     100 rows/op	  750000 B/op	    8343 allocs/op
PASS
ok  	github.com/goluxid/goluxid/internal/testkit/bench	12.345s
`

func TestParseGoBench(t *testing.T) {
	g, err := ParseGoBench(goTestOutput)
	require.NoError(t, err)
	assert.Equal(t, "AMD EPYC 7B13", g.Config["cpu"])
	assert.Equal(t, "linux", g.Config["goos"])
	require.Len(t, g.Benchmarks, 2)
	b := g.Benchmarks[0]
	assert.Equal(t, "QueryJobs/jobs=1000/cached", b.Name)
	assert.Equal(t, 2, b.Procs)
	assert.Equal(t, 50, b.Iterations)
	allocs, ok := b.Metric("allocs/op")
	assert.True(t, ok)
	assert.Equal(t, 25792.0, allocs)
	_, ok = b.Metric("MB/s")
	assert.False(t, ok)
	assert.Equal(t, "Query/node/instances=1000", g.Benchmarks[1].Name)
	assert.Len(t, g.Benchmarks[1].Metrics, 4)
}

func TestParseGoBenchRefusesBrokenResults(t *testing.T) {
	for name, text := range map[string]string{
		"value without unit": "BenchmarkX-2 10 5 ns/op 7\n",
		"bad value":          "BenchmarkX-2 10 five ns/op\n",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ParseGoBench(text)
			assert.ErrorIs(t, err, ErrFormat)
		})
	}
}

func TestParseGoBenchNameWithoutProcs(t *testing.T) {
	g, err := ParseGoBench("BenchmarkPlain 3 7 ns/op\nBenchmarkDash-x 1 2 ns/op\n")
	require.NoError(t, err)
	require.Len(t, g.Benchmarks, 2)
	assert.Equal(t, Benchmark{Name: "Plain", Procs: 1, Iterations: 3, Metrics: []Metric{{7, "ns/op"}}}, g.Benchmarks[0])
	assert.Equal(t, "Dash-x", g.Benchmarks[1].Name)
}

func TestGoBenchRoundTrip(t *testing.T) {
	dir := t.TempDir()
	date := time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC)
	require.NoError(t, WriteGoBench(dir, GoBenchHeader{Date: date, GoluxidCommit: "abc1234-dirty",
		Command: "go test -run ^$ -bench . -benchmem ./internal/testkit/bench"}, []byte(goTestOutput)))
	st, err := Load(dir)
	require.NoError(t, err)
	require.NotNil(t, st.GoBench)
	assert.Equal(t, "2026-12-01T09:30:00Z", st.GoBench.Config["date"])
	assert.Equal(t, "abc1234-dirty", st.GoBench.Config["goluxid-commit"])
	assert.Equal(t, "go test -run ^$ -bench . -benchmem ./internal/testkit/bench", st.GoBench.Config["command"])
	assert.Len(t, st.GoBench.Benchmarks, 2)
}
