package replica

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/ganeti/config"
	"github.com/goluxid/goluxid/ganeti/objects"
	"github.com/goluxid/goluxid/ganeti/paths"
	"github.com/goluxid/goluxid/ganeti/rpc"
)

// candidate is the one master candidate other than the master in the test
// config (node2).
const candidate = "2ae3d962-2dad-44f2-bdb1-85f77107f907"

// fakeNoded keeps each node's queue as path -> content (drain as "drain")
// and fails every call to a node that is down.
type fakeNoded struct {
	mu    sync.Mutex // guards down, files and calls
	down  map[string]bool
	files map[string]map[string]string
	calls map[string]int
	// onUpdate, if set, runs after each successful update.
	onUpdate func(file string)
}

var errDown = errors.New("connection refused")

func newFake() *fakeNoded {
	return &fakeNoded{down: map[string]bool{}, files: map[string]map[string]string{}, calls: map[string]int{}}
}

func (f *fakeNoded) each(nodes []*objects.Node, fn func(files map[string]string) error) map[string]error {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]error{}
	for _, n := range nodes {
		f.calls[n.UUID]++
		if f.down[n.UUID] {
			out[n.UUID] = errDown
			continue
		}
		if f.files[n.UUID] == nil {
			f.files[n.UUID] = map[string]string{}
		}
		out[n.UUID] = fn(f.files[n.UUID])
	}
	return out
}

func (f *fakeNoded) JobqueueUpdate(_ context.Context, nodes []*objects.Node, file string, content []byte) map[string]error {
	out := f.each(nodes, func(files map[string]string) error { files[file] = string(content); return nil })
	if f.onUpdate != nil {
		f.onUpdate(file)
	}
	return out
}

func (f *fakeNoded) JobqueueRename(_ context.Context, nodes []*objects.Node, renames [][2]string) map[string]error {
	return f.each(nodes, func(files map[string]string) error {
		for _, mv := range renames {
			data, ok := files[mv[0]]
			if !ok {
				return errors.New("no such file " + mv[0])
			}
			delete(files, mv[0])
			files[mv[1]] = data
		}
		return nil
	})
}

func (f *fakeNoded) SetDrainFlag(_ context.Context, nodes []*objects.Node, drain bool) map[string]error {
	return f.each(nodes, func(files map[string]string) error {
		if drain {
			files["drain"] = ""
		} else {
			delete(files, "drain")
		}
		return nil
	})
}

func (f *fakeNoded) Version(_ context.Context, nodes []*objects.Node) map[string]rpc.Answer[int] {
	out := map[string]rpc.Answer[int]{}
	for uuid, err := range f.each(nodes, func(map[string]string) error { return nil }) {
		out[uuid] = rpc.Answer[int]{Value: 3000000, Err: err}
	}
	return out
}

func (f *fakeNoded) callsTo(uuid string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[uuid]
}

func (f *fakeNoded) setDown(uuid string, down bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.down[uuid] = down
}

func (f *fakeNoded) filesOf(uuid string) map[string]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]string{}
	for k, v := range f.files[uuid] {
		out[k] = v
	}
	return out
}

// setup returns a queue layout, the fake and a replicator with the given
// back-off bounds that does not probe.
func setup(t *testing.T, minBackoff, maxBackoff time.Duration) (*paths.Layout, *fakeNoded, *Replicator) {
	t.Helper()
	return setupProbing(t, minBackoff, maxBackoff, time.Hour)
}

// setupProbing is setup with the given probe interval.
func setupProbing(t *testing.T, minBackoff, maxBackoff, probeInterval time.Duration) (*paths.Layout, *fakeNoded, *Replicator) {
	t.Helper()
	l := paths.New(t.TempDir())
	require.NoError(t, os.MkdirAll(filepath.Join(l.ArchiveDir, "0"), 0o755))
	cfg := config.NewStore("../../luxid/testdata/config.data", 3000000)
	_, err := cfg.Reload()
	require.NoError(t, err)
	f := newFake()
	r := newReplicator(f, cfg, l, slog.New(slog.DiscardHandler), minBackoff, maxBackoff, probeInterval)
	t.Cleanup(r.Close)
	return l, f, r
}

// write writes a queue file and replicates it, as the queue does.
func write(t *testing.T, r *Replicator, file, content string) {
	t.Helper()
	require.NoError(t, os.WriteFile(file, []byte(content), 0o600))
	r.Update(file, []byte(content))
}

func archive(t *testing.T, r *Replicator, l *paths.Layout, id uint64) {
	t.Helper()
	require.NoError(t, os.Rename(l.JobFile(id), l.ArchivedJobFile(id)))
	r.Rename([][2]string{{l.JobFile(id), l.ArchivedJobFile(id)}})
}

// Writes go to the candidate other than the master only (the offline
// non-candidate and the master get nothing).
func TestWritesGoToTheOtherCandidates(t *testing.T) {
	l, f, r := setup(t, time.Hour, time.Hour)
	write(t, r, l.SerialFile, "1\n")
	write(t, r, l.JobFile(1), "job 1")
	archive(t, r, l, 1)
	assert.Equal(t, map[string]string{l.SerialFile: "1\n", l.ArchivedJobFile(1): "job 1"}, f.filesOf(candidate))
	assert.Equal(t, map[string]int{candidate: 3}, f.calls)
	assert.Empty(t, r.Stale())
}

// A candidate that was down while jobs were written and archived gets the
// master's serial, drain flag, live jobs and missed archive moves once it
// is back.
func TestResyncAfterOutage(t *testing.T) {
	l, f, r := setup(t, 10*time.Millisecond, 50*time.Millisecond)
	write(t, r, l.SerialFile, "1\n")
	write(t, r, l.JobFile(1), "job 1 queued")

	f.setDown(candidate, true)
	write(t, r, l.SerialFile, "3\n")
	write(t, r, l.JobFile(1), "job 1 done")
	write(t, r, l.JobFile(2), "job 2")
	write(t, r, l.JobFile(3), "job 3")
	archive(t, r, l, 1)
	archive(t, r, l, 3) // submitted and archived while the node was down
	require.NoError(t, os.WriteFile(l.DrainFile, nil, 0o600))
	assert.Equal(t, []string{"node2.example.com"}, r.Stale())
	time.Sleep(100 * time.Millisecond) // several failed attempts
	assert.Equal(t, []string{"node2.example.com"}, r.Stale())

	f.setDown(candidate, false)
	require.Eventually(t, func() bool { return len(r.Stale()) == 0 }, 5*time.Second, 5*time.Millisecond)
	assert.Equal(t, map[string]string{
		l.SerialFile:         "3\n",
		l.JobFile(2):         "job 2",
		l.ArchivedJobFile(1): "job 1 done",
		l.ArchivedJobFile(3): "job 3",
		"drain":              "",
	}, f.filesOf(candidate))
}

// A stale node that answers a write is resynchronised at once, without
// waiting for the back-off.
func TestAnsweredWriteResyncsAtOnce(t *testing.T) {
	l, f, r := setup(t, time.Hour, time.Hour)
	f.setDown(candidate, true)
	write(t, r, l.JobFile(1), "job 1")
	f.setDown(candidate, false)
	write(t, r, l.SerialFile, "1\n")
	require.Eventually(t, func() bool { return len(r.Stale()) == 0 }, 5*time.Second, 5*time.Millisecond)
	assert.Equal(t, map[string]string{l.SerialFile: "1\n", l.JobFile(1): "job 1"}, f.filesOf(candidate))
}

// A file written again while the resync sends it (by luxid or a job
// process, which replicate their own writes) is sent once more, so that
// the node never keeps the older copy.
func TestResyncResendsFileChangedMeanwhile(t *testing.T) {
	l, f, r := setup(t, 10*time.Millisecond, 10*time.Millisecond)
	f.setDown(candidate, true)
	write(t, r, l.JobFile(1), "running")
	var once sync.Once
	f.onUpdate = func(file string) {
		if file == l.JobFile(1) {
			once.Do(func() { require.NoError(t, os.WriteFile(l.JobFile(1), []byte("success"), 0o600)) })
		}
	}
	f.setDown(candidate, false)
	require.Eventually(t, func() bool { return len(r.Stale()) == 0 }, 5*time.Second, 5*time.Millisecond)
	assert.Equal(t, "success", f.filesOf(candidate)[l.JobFile(1)])
}

// Close ends the loop even while a node stays stale: it returns, and no
// resync attempt follows; a second Close returns too.
func TestCloseWhileStale(t *testing.T) {
	l, f, r := setup(t, time.Millisecond, time.Millisecond)
	f.setDown(candidate, true)
	write(t, r, l.SerialFile, "1\n")
	require.Eventually(t, func() bool { return f.callsTo(candidate) >= 3 }, 5*time.Second, time.Millisecond,
		"the loop retries the stale node")
	closeWithin(t, r, 5*time.Second)
	calls := f.callsTo(candidate)
	assert.Never(t, func() bool { return f.callsTo(candidate) != calls }, 50*time.Millisecond, 5*time.Millisecond,
		"no resync attempt after Close")
	assert.Equal(t, []string{"node2.example.com"}, r.Stale())
	closeWithin(t, r, 5*time.Second)
}

// closeWithin fails the test unless r.Close returns within d.
func closeWithin(t *testing.T, r *Replicator, d time.Duration) {
	t.Helper()
	closed := make(chan struct{})
	go func() {
		r.Close()
		close(closed)
	}()
	select {
	case <-closed:
	case <-time.After(d):
		t.Fatalf("Close did not return within %s", d)
	}
}

// A drain flag change the node missed marks it stale too; the resync
// sends the master's current flag.
func TestMissedDrainFlagResynced(t *testing.T) {
	l, f, r := setup(t, 10*time.Millisecond, 10*time.Millisecond)
	r.DrainFlag(true)
	f.setDown(candidate, true)
	require.NoError(t, os.WriteFile(l.SerialFile, []byte("0\n"), 0o600))
	r.DrainFlag(false)
	assert.Equal(t, []string{"node2.example.com"}, r.Stale())
	f.setDown(candidate, false)
	require.Eventually(t, func() bool { return len(r.Stale()) == 0 }, 5*time.Second, 5*time.Millisecond)
	assert.Equal(t, map[string]string{l.SerialFile: "0\n"}, f.filesOf(candidate))
}

// Many live jobs are all sent (several at a time).
func TestResyncManyJobs(t *testing.T) {
	l, f, r := setup(t, 10*time.Millisecond, 10*time.Millisecond)
	f.setDown(candidate, true)
	want := map[string]string{}
	for id := uint64(1); id <= 40; id++ {
		write(t, r, l.JobFile(id), fmt.Sprintf("job %d", id))
		want[l.JobFile(id)] = fmt.Sprintf("job %d", id)
	}
	f.setDown(candidate, false)
	require.Eventually(t, func() bool { return len(r.Stale()) == 0 }, 5*time.Second, 5*time.Millisecond)
	assert.Equal(t, want, f.filesOf(candidate))
}

// A candidate that is down while only a job process writes (luxid itself
// writes nothing it could see fail) is found by the probe and gets the
// job's last state once it is back.
func TestProbeFindsOutageWithoutWrites(t *testing.T) {
	l, f, r := setupProbing(t, 10*time.Millisecond, 20*time.Millisecond, 10*time.Millisecond)
	write(t, r, l.JobFile(1), "running")
	f.setDown(candidate, true)
	// The job process's own write, which it replicates itself.
	require.NoError(t, os.WriteFile(l.JobFile(1), []byte("success"), 0o600))
	require.Eventually(t, func() bool { return len(r.Stale()) == 1 }, 5*time.Second, 5*time.Millisecond)
	f.setDown(candidate, false)
	require.Eventually(t, func() bool { return len(r.Stale()) == 0 }, 5*time.Second, 5*time.Millisecond)
	assert.Equal(t, "success", f.filesOf(candidate)[l.JobFile(1)])
}

// Without an outage the probe marks nothing stale and sends nothing.
func TestProbeOfAnsweringCandidate(t *testing.T) {
	l, f, r := setupProbing(t, 10*time.Millisecond, 20*time.Millisecond, 5*time.Millisecond)
	write(t, r, l.JobFile(1), "running")
	time.Sleep(50 * time.Millisecond)
	assert.Empty(t, r.Stale())
	assert.Greater(t, f.callsTo(candidate), 2, "probed")
	assert.Equal(t, map[string]string{l.JobFile(1): "running"}, f.filesOf(candidate))
}
