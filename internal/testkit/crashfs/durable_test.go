package crashfs_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/internal/durable"
	"github.com/goluxid/goluxid/internal/testkit/crashfs"
)

// The product's durable writes (temp file, fsync, rename, fsync the
// directory; both directories for a move) survive cuts.
func TestDurableWritesSurviveCuts(t *testing.T) {
	if !crashfs.InPrivateNamespace(t) {
		return
	}
	f, dir := serve(t, map[string]string{"queue/": "", "archive/": ""})
	queue := durable.Open(filepath.Join(dir, "queue"), nil)
	archive := durable.Open(filepath.Join(dir, "archive"), nil)

	require.NoError(t, queue.WriteFile("job-1", []byte("v1"), 0o600))
	cut(t, f)
	assert.Equal(t, map[string]string{"queue/": "", "queue/job-1": "v1", "archive/": ""}, tree(t, dir))

	require.NoError(t, queue.WriteFile("job-1", []byte("v2"), 0o600))
	require.NoError(t, queue.WriteFileNoSync("job-2", []byte("lost"), 0o600))
	cut(t, f)
	assert.Equal(t, map[string]string{"queue/": "", "queue/job-1": "v2", "archive/": ""}, tree(t, dir))

	require.NoError(t, queue.Rename("job-1", archive, "job-1"))
	cut(t, f)
	assert.Equal(t, map[string]string{"queue/": "", "archive/": "", "archive/job-1": "v2"}, tree(t, dir))
}

// The model drops the content of replaced files, so that a long run of
// durable writes holds about what the directory holds.
func TestReplacedContentIsDropped(t *testing.T) {
	if !crashfs.InPrivateNamespace(t) {
		return
	}
	const writes = 3000
	f, dir := serve(t, nil)
	d := durable.Open(dir, nil)
	for i := range writes {
		require.NoError(t, d.WriteFile(fmt.Sprintf("job-%d", i%10), fmt.Appendf(nil, "v%d", i), 0o600))
	}
	stats, err := f.Stats()
	require.NoError(t, err)
	assert.Less(t, stats.ModelInodes, writes/2, "%+v", stats)
	assert.Equal(t, 10, stats.DurableFiles)

	cut(t, f)
	for i := writes - 10; i < writes; i++ {
		data, err := os.ReadFile(filepath.Join(dir, fmt.Sprintf("job-%d", i%10)))
		require.NoError(t, err)
		assert.Equal(t, fmt.Sprintf("v%d", i), string(data))
	}
}

// BenchmarkDurableWrite measures whole durable writes of small files
// (temp file, write, fsync, rename, fsync the directory).
func BenchmarkDurableWrite(b *testing.B) {
	if !crashfs.InPrivateNamespace(b) {
		return
	}
	dir := mountForBenchmark(b)
	d := durable.Open(dir, nil)
	data := make([]byte, 1024)
	i := 0
	for b.Loop() {
		if err := d.WriteFile(fmt.Sprintf("job-%d", i%100), data, 0o600); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "writes/s")
}

// BenchmarkWriteFsync measures a small write and an fsync of one open
// file.
func BenchmarkWriteFsync(b *testing.B) {
	if !crashfs.InPrivateNamespace(b) {
		return
	}
	dir := mountForBenchmark(b)
	file, err := os.Create(filepath.Join(dir, "f"))
	require.NoError(b, err)
	defer file.Close()
	data := make([]byte, 1024)
	for b.Loop() {
		if _, err := file.WriteAt(data, 0); err != nil {
			b.Fatal(err)
		}
		if err := file.Sync(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "fsyncs/s")
}

func mountForBenchmark(b *testing.B) string {
	crashfs.RequireFuse(b)
	dir := crashfs.Tmpfs(b)
	f, err := crashfs.Mount(dir)
	require.NoError(b, err)
	b.Cleanup(func() { require.NoError(b, f.Close()) })
	return dir
}
