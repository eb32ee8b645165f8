package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/ganeti/config"
	"github.com/goluxid/goluxid/ganeti/opcodes"
	"github.com/goluxid/goluxid/ganeti/paths"
	"github.com/goluxid/goluxid/ganeti/release"
	"github.com/goluxid/goluxid/internal/inotify"
	"github.com/goluxid/goluxid/jqueue"
	"github.com/goluxid/goluxid/luxi"
	"github.com/goluxid/goluxid/luxid"
)

// The benchmarks below are the machine-independent side of the query
// scenarios: the allocations goluxid's dispatcher makes for the same
// request over the same data, from the decoded request to the encoded
// answer the server writes (go test -bench . -benchmem ./internal/testkit/bench).
// There is no node daemon: live fields answer as if no node did, where the
// scenarios' single online node refuses the connection.

// benchNode is a node root for the benchmarks' dispatchers.
type benchNode struct {
	layout  *paths.Layout
	store   *config.Store
	watcher *inotify.Watcher
}

// newBenchNode lays out a node root with configData as config.data.
func newBenchNode(b *testing.B, configData []byte) *benchNode {
	b.Helper()
	l := paths.New(b.TempDir())
	for _, dir := range []string{l.QueueDir, l.ArchiveDir, l.DataDir, l.LivelockDir} {
		require.NoError(b, os.MkdirAll(dir, 0o750))
	}
	require.NoError(b, os.WriteFile(l.ConfigFile, configData, 0o640))
	store := config.NewStore(l.ConfigFile, 3000000)
	_, err := store.Reload()
	require.NoError(b, err)
	watcher, err := inotify.New()
	require.NoError(b, err)
	b.Cleanup(func() { watcher.Close() })
	return &benchNode{layout: l, store: store, watcher: watcher}
}

// dispatcher opens the queue afresh (an empty cache of finished jobs) and
// serves the node.
func (n *benchNode) dispatcher(b *testing.B) *luxid.Dispatcher {
	queue, err := jqueue.Open(n.layout, nil)
	require.NoError(b, err)
	ops, err := opcodes.ForRelease(release.Ganeti30.Dir)
	require.NoError(b, err)
	return luxid.New(luxid.Deps{Config: n.store, Paths: n.layout, Queue: queue, Watcher: n.watcher,
		Ganeti: release.Ganeti30, Opcodes: ops})
}

// serve answers one request and encodes the answer as the server does.
func serve(b *testing.B, d *luxid.Dispatcher, method string, args any) []byte {
	raw, err := json.Marshal(args)
	require.NoError(b, err)
	res, err := d.ServeLUXI(context.Background(), luxi.Request{Method: method, Args: raw})
	require.NoError(b, err)
	out, err := luxi.EncodeResponse(true, res)
	require.NoError(b, err)
	return out
}

// answerRows counts the rows of an encoded answer: a QueryJobs list, or
// the "data" of a Query result; reported as rows/op, so that the report
// can give the allocations per row.
func answerRows(b *testing.B, answer []byte) int {
	var resp struct {
		Result json.RawMessage `json:"result"`
	}
	require.NoError(b, json.Unmarshal(answer, &resp))
	var rows []json.RawMessage
	if json.Unmarshal(resp.Result, &rows) == nil {
		return len(rows)
	}
	var query struct {
		Data []json.RawMessage `json:"data"`
	}
	require.NoError(b, json.Unmarshal(resp.Result, &query))
	return len(query.Data)
}

// BenchmarkQueryJobs is the request of the queryjobs-N and
// queryjobs-queued-N scenarios over N finished or queued jobs in the job
// files the scenarios write. "cached" is every query after the first over
// files unchanged for jqueue.SettleTime (the parsed jobs come from the
// cache); "uncached" reads and parses every file, as the first query does.
func BenchmarkQueryJobs(b *testing.B) {
	smallConfig, err := generatedCluster(10)()
	require.NoError(b, err)
	kinds := []struct {
		name  string
		sizes []int
		write func(*paths.Layout, int) error
	}{
		{"jobs", []int{1000, 10000}, WriteFinishedJobs},
		{"queued", []int{10000}, WriteQueuedJobs},
	}
	for _, kind := range kinds {
		for _, n := range kind.sizes {
			node := newBenchNode(b, smallConfig)
			require.NoError(b, kind.write(node.layout, n))
			settled := time.Now().Add(jqueue.SettleTime)
			args := []any{nil, []string{"id", "status", "summary"}}
			for _, cached := range []bool{true, false} {
				name := fmt.Sprintf("%s=%d/uncached", kind.name, n)
				d := node.dispatcher(b)
				if cached {
					name = fmt.Sprintf("%s=%d/cached", kind.name, n)
					time.Sleep(time.Until(settled))
					serve(b, d, "QueryJobs", args)
				}
				b.Run(name, func(b *testing.B) {
					b.ReportAllocs()
					var answer []byte
					for b.Loop() {
						if !cached {
							b.StopTimer()
							d = node.dispatcher(b)
							b.StartTimer()
						}
						answer = serve(b, d, "QueryJobs", args)
					}
					b.ReportMetric(float64(answerRows(b, answer)), "rows/op")
				})
			}
		}
	}
}

// BenchmarkQuery is the request of the queryinstances-N and querynodes-N
// scenarios: Query with the RAPI bulk fields over their generated
// clusters.
func BenchmarkQuery(b *testing.B) {
	for _, instances := range []int{1000, 10000} {
		data, err := generatedCluster(instances)()
		require.NoError(b, err)
		d := newBenchNode(b, data).dispatcher(b)
		for _, kind := range []string{"instance", "node"} {
			args := []any{kind, rapiBulkFields[kind], nil}
			b.Run(fmt.Sprintf("%s/instances=%d", kind, instances), func(b *testing.B) {
				b.ReportAllocs()
				var answer []byte
				for b.Loop() {
					answer = serve(b, d, "Query", args)
				}
				b.ReportMetric(float64(answerRows(b, answer)), "rows/op")
			})
		}
	}
}
