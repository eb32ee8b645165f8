package objects_test

import (
	"runtime"
	"testing"

	"github.com/goluxid/goluxid/ganeti/objects"
	"github.com/goluxid/goluxid/internal/testkit/configgen"
)

// BenchmarkParseLarge loads the default generated config (1000 nodes,
// 10000 instances) and reports, besides time and allocations per load,
// the file's size and the heap the loaded objects keep alive on top of
// the file's bytes (which the config store keeps as well).
func BenchmarkParseLarge(b *testing.B) {
	data, err := configgen.Marshal(configgen.Default())
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := objects.Parse(data, 3000000); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(data)), "file-bytes")
	b.ReportMetric(float64(retainedHeap(b, data)), "heap-bytes")
}

// retainedHeap measures the live heap a loaded config adds.
func retainedHeap(b *testing.B, data []byte) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	cfg, err := objects.Parse(data, 3000000)
	if err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(cfg)
	return after.HeapAlloc - before.HeapAlloc
}
