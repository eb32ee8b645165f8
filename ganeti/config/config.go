// Package config holds the cluster configuration luxid serves: config.data
// loaded into one immutable Snapshot behind an atomic pointer.
//
// Readers take the current snapshot with Store.Snapshot and keep using it
// for the whole of their request; a reload builds a new snapshot and swaps
// it in whole, so nobody ever sees half of two files. Until a file has been
// loaded once, Snapshot fails with Ganeti's ConfigurationError, as the real
// luxid answers every call then. A later file that does not load leaves the
// last good snapshot in place.
//
// Whoever reloads (the file watch, or a request that had WConfd rewrite
// the file), the store's follower (Store.Follow) is told of each new
// snapshot before Reload returns, so that what follows the configuration
// never lags behind an answer given from it.
package config

import (
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/goluxid/goluxid/ganeti/gerrors"
	"github.com/goluxid/goluxid/ganeti/objects"
	"github.com/goluxid/goluxid/internal/hsjson"
)

// Snapshot is one loaded config.data. Nothing in it changes after loading.
type Snapshot struct {
	Data *objects.ConfigData
	// Normalized is the file's JSON with integral numbers written as
	// integers, the form in which luxid answers with stored values.
	Normalized []byte
	LoadedAt   time.Time
	file       fileID
}

// fileID tells whether the file changed since it was read.
type fileID struct {
	modTime time.Time
	inode   uint64
	size    int64
}

// Store owns the current snapshot of one config.data.
type Store struct {
	path string
	// version is the config.data format version the store accepts.
	version int

	current atomic.Pointer[Snapshot]
	// loadErr is the reason the last load failed; nil after a good load.
	loadErr atomic.Pointer[error]
	// reloadMu guards the writes of current and loadErr, and follower:
	// Reload holds it throughout, so that two reloads never race to swap
	// and the follower learns of snapshots in the order they were
	// installed.
	reloadMu sync.Mutex
	// follower is told of every snapshot a reload installs; nil for none.
	follower ChangeFunc
	// installed and failed count reloads that installed a new snapshot
	// and reloads that failed.
	installed, failed atomic.Uint64
}

// NewStore returns a store for the file at path, of format version (the
// installed release's CONFIG_VERSION), with nothing loaded yet.
func NewStore(path string, version int) *Store {
	s := &Store{path: path, version: version}
	err := error(fmt.Errorf("Cannot load configuration from %s: not loaded yet", path))
	s.loadErr.Store(&err)
	return s
}

// Snapshot returns the current configuration, or Ganeti's
// ConfigurationError when none was ever loaded.
func (s *Store) Snapshot() (*Snapshot, error) {
	if snap := s.current.Load(); snap != nil {
		return snap, nil
	}
	return nil, gerrors.Configuration(
		"I do not have access to a valid configuration, cannot process queries: " + (*s.loadErr.Load()).Error())
}

// ChangeFunc is told of a newly installed snapshot; old is nil for the
// first one.
type ChangeFunc func(old, cur *Snapshot)

// Follow has fn told of every snapshot a later Reload installs, whoever
// reloads. fn runs in the reloading goroutine before Reload returns, for
// one snapshot at a time in the order installed, and must not reload. A
// later call replaces fn.
func (s *Store) Follow(fn ChangeFunc) {
	s.reloadMu.Lock()
	defer s.reloadMu.Unlock()
	s.follower = fn
}

// Reload reads the file again if it changed since the last good load,
// swaps in the new snapshot and tells the follower. It reports whether a
// new snapshot was installed; on error the previous snapshot stays
// current.
func (s *Store) Reload() (bool, error) {
	s.reloadMu.Lock()
	defer s.reloadMu.Unlock()
	snap, err := s.load()
	if err != nil {
		err = fmt.Errorf("Cannot load configuration from %s: %w", s.path, err)
		s.loadErr.Store(&err)
		s.failed.Add(1)
		return false, err
	}
	s.loadErr.Store(nil)
	old := s.current.Load()
	if old != nil && old.file == snap.file {
		return false, nil
	}
	s.current.Store(snap)
	s.installed.Add(1)
	if s.follower != nil {
		s.follower(old, snap)
	}
	return true, nil
}

// ReloadCounts returns how many loads installed a new snapshot and how
// many failed, since the store was made.
func (s *Store) ReloadCounts() (installed, failed uint64) {
	return s.installed.Load(), s.failed.Load()
}

// load reads and parses the file into a new snapshot.
func (s *Store) load() (*Snapshot, error) {
	f, err := os.Open(s.path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	id, err := statID(f)
	if err != nil {
		return nil, err
	}
	if old := s.current.Load(); old != nil && old.file == id {
		return old, nil
	}
	raw, err := readAll(f, id.size)
	if err != nil {
		return nil, err
	}
	normalized := hsjson.NormalizeNumbers(raw)
	data, err := objects.Parse(normalized, s.version)
	if err != nil {
		return nil, err
	}
	return &Snapshot{Data: data, Normalized: normalized, LoadedAt: time.Now(), file: id}, nil
}
