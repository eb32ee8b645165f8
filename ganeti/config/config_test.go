package config

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/ganeti/gerrors"
	"github.com/goluxid/goluxid/internal/inotify"
)

func goldenConfig(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile("testdata/config.data")
	require.NoError(t, err)
	return data
}

// replaceFile writes data next to path and renames it over path, the way
// WConfd writes config.data.
func replaceFile(t *testing.T, path string, data []byte) {
	t.Helper()
	tmp := path + ".tmp"
	require.NoError(t, os.WriteFile(tmp, data, 0o640))
	require.NoError(t, os.Rename(tmp, path))
}

func TestSnapshotBeforeLoadIsConfigurationError(t *testing.T) {
	s := NewStore(filepath.Join(t.TempDir(), "config.data"), 3000000)
	_, err := s.Reload()
	require.Error(t, err)
	_, err = s.Snapshot()
	enc := gerrors.Encode(err)
	assert.Equal(t, "ConfigurationError", enc[0])
	msg := enc[1].([]any)[0].(string)
	assert.True(t, strings.HasPrefix(msg, "I do not have access to a valid configuration, cannot process queries: Cannot load configuration from "), msg)
}

func TestReloadSwapsWholeSnapshot(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.data")
	golden := goldenConfig(t)
	replaceFile(t, path, golden)
	s := NewStore(path, 3000000)
	changed, err := s.Reload()
	require.NoError(t, err)
	assert.True(t, changed)
	first, err := s.Snapshot()
	require.NoError(t, err)
	assert.Equal(t, "cluster.name.example.com", first.Data.Cluster.Name)

	changed, err = s.Reload()
	require.NoError(t, err)
	assert.False(t, changed, "an unchanged file is not reloaded")

	renamed := strings.Replace(string(golden), `"cluster.name.example.com"`, `"renamed.example.com"`, 1)
	replaceFile(t, path, []byte(renamed))
	changed, err = s.Reload()
	require.NoError(t, err)
	assert.True(t, changed)
	second, err := s.Snapshot()
	require.NoError(t, err)
	assert.Equal(t, "renamed.example.com", second.Data.Cluster.Name)
	assert.Equal(t, "cluster.name.example.com", first.Data.Cluster.Name, "old snapshot unchanged")
}

// TestFollowerIsToldOfEveryReload: whoever reloads, the follower learns
// of each new snapshot before Reload returns, and of nothing else.
func TestFollowerIsToldOfEveryReload(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.data")
	golden := goldenConfig(t)
	replaceFile(t, path, golden)
	s := NewStore(path, 3000000)
	type change struct{ old, cur string }
	var told []change
	name := func(snap *Snapshot) string {
		if snap == nil {
			return ""
		}
		return snap.Data.Cluster.Name
	}
	s.Follow(func(old, cur *Snapshot) { told = append(told, change{name(old), name(cur)}) })

	_, err := s.Reload()
	require.NoError(t, err)
	_, err = s.Reload()
	require.NoError(t, err)
	replaceFile(t, path, []byte(strings.Replace(string(golden), `"cluster.name.example.com"`, `"renamed.example.com"`, 1)))
	_, err = s.Reload()
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, []byte("{"), 0o640))
	_, err = s.Reload()
	require.Error(t, err)

	assert.Equal(t, []change{
		{"", "cluster.name.example.com"},
		{"cluster.name.example.com", "renamed.example.com"},
	}, told)
}

func TestBrokenFileKeepsLastGoodSnapshot(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.data")
	golden := goldenConfig(t)
	replaceFile(t, path, golden)
	s := NewStore(path, 3000000)
	_, err := s.Reload()
	require.NoError(t, err)

	replaceFile(t, path, golden[:len(golden)/2])
	_, err = s.Reload()
	require.Error(t, err)
	assert.Error(t, s.LastError())
	snap, err := s.Snapshot()
	require.NoError(t, err, "last good snapshot still served")
	assert.Equal(t, "cluster.name.example.com", snap.Data.Cluster.Name)

	// Same size and inode as before would be skipped: make sure the fix is
	// seen by its new mtime.
	time.Sleep(10 * time.Millisecond)
	replaceFile(t, path, golden)
	_, err = s.Reload()
	require.NoError(t, err)
	assert.NoError(t, s.LastError())
}

func TestOtherConfigVersionIsRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.data")
	data := strings.Replace(string(goldenConfig(t)), `"version": 3000000`, `"version": 3010000`, 1)
	require.NotEqual(t, string(goldenConfig(t)), data, "golden config carries its version")
	replaceFile(t, path, []byte(data))
	s := NewStore(path, 3000000)
	_, err := s.Reload()
	require.ErrorContains(t, err, "Cluster configuration version 3010000 (Ganeti 3.1) does not match the expected 3000000 (Ganeti 3.0, the installed release)")
	_, err = s.Snapshot()
	assert.Error(t, err)
}

func TestIntegralFloatsNormalized(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.data")
	replaceFile(t, path, goldenConfig(t))
	require.Contains(t, string(goldenConfig(t)), `"cpu_speed": 1.0`)
	s := NewStore(path, 3000000)
	_, err := s.Reload()
	require.NoError(t, err)
	snap, err := s.Snapshot()
	require.NoError(t, err)
	var ndparams map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(snap.Data.Cluster.Raw["ndparams"], &ndparams))
	assert.Equal(t, "1", string(ndparams["cpu_speed"]))
}

func TestWatchSeesRenameAndInPlaceWrites(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.data")
	golden := goldenConfig(t)
	replaceFile(t, path, golden)
	s := NewStore(path, 3000000)
	_, err := s.Reload()
	require.NoError(t, err)

	changes := make(chan *Snapshot, 8)
	w, err := inotify.New()
	require.NoError(t, err)
	defer w.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	s.Follow(func(_, cur *Snapshot) { changes <- cur })
	go func() {
		done <- s.Watch(ctx, w, slog.New(slog.DiscardHandler))
	}()
	defer func() {
		cancel()
		require.NoError(t, <-done)
	}()
	// The watch is set up asynchronously: keep replacing until seen.
	waitFor := func(name string, write func(data []byte)) {
		data := []byte(strings.Replace(string(golden), `"cluster.name.example.com"`, `"`+name+`"`, 1))
		deadline := time.After(5 * time.Second)
		for {
			write(data)
			select {
			case cur := <-changes:
				if cur.Data.Cluster.Name == name {
					return
				}
			case <-time.After(200 * time.Millisecond):
			case <-deadline:
				t.Fatalf("change to %s not seen", name)
			}
		}
	}
	waitFor("by-rename.example.com", func(d []byte) { replaceFile(t, path, d) })
	waitFor("in-place.example.com", func(d []byte) { require.NoError(t, os.WriteFile(path, d, 0o640)) })
}

// LastError is the reason the newest load failed, or nil.
func (s *Store) LastError() error {
	if p := s.loadErr.Load(); p != nil {
		return *p
	}
	return nil
}
