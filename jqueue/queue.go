package jqueue

import (
	"errors"
	"io/fs"
	"sync"
	"sync/atomic"

	"github.com/goluxid/goluxid/ganeti/paths"
	"github.com/goluxid/goluxid/internal/durable"
)

// Replicator copies the queue's changes to the master candidates, as the
// real luxid does through their node daemons after each write it makes.
// Its calls must not fail the write: they log what they could not send.
type Replicator interface {
	// Update sends the new content of a queue file (the serial file or a
	// job file), given by its path.
	Update(path string, content []byte)
	// Rename sends archive moves, [old path, new path] each.
	Rename(renames [][2]string)
	// DrainFlag sends the drain flag's new state.
	DrainFlag(drain bool)
}

// Queue is the job queue directory of one node.
type Queue struct {
	// Replicator, if set, is told of every write (set it before use).
	Replicator Replicator

	layout *paths.Layout
	syncer durable.Syncer
	live   *durable.Dir

	// archiveRoot is archive/, which holds the bucket directories.
	archiveRoot *durable.Dir
	archiveMu   sync.Mutex // guards archive, the bucket directories opened so far
	archive     map[uint64]*durable.Dir

	// liveCount is the number of live job files: counted at Open, raised
	// by AddJob, lowered by Archive.
	liveCount atomic.Int64

	// cache keeps parsed live jobs for queries.
	cache jobCache

	// The serial's three locks nest in one order only: serialSyncMu,
	// serialFileMu, serialMu (syncSerial reads what the file shows while
	// it holds the sync; persistSerial reads the serial while it holds the
	// file). AllocateIDs releases serialMu before it takes serialFileMu.

	serialMu sync.Mutex // guards serial
	// serial is the last allocated job id.
	serial uint64

	// serialFileMu guards the serial file's writes and serialWritten, the
	// serial the file shows.
	serialFileMu  sync.Mutex
	serialWritten uint64

	// serialSyncMu guards the serial file's syncs and serialSynced, the
	// serial the file shows durably.
	serialSyncMu sync.Mutex
	serialSynced uint64
}

// Open opens the queue below layout. It completes archive moves a crash
// interrupted, and sets the serial to at least the highest job id found
// live or archived, so that no id is ever given out twice even if the
// serial file lost its last updates in a crash.
func Open(layout *paths.Layout, syncer durable.Syncer) (*Queue, error) {
	q := &Queue{
		layout:      layout,
		syncer:      syncer,
		live:        durable.Open(layout.QueueDir, syncer),
		archiveRoot: durable.Open(layout.ArchiveDir, syncer),
		archive:     map[uint64]*durable.Dir{},
	}
	stored, err := q.storedSerial()
	if err != nil {
		return nil, err
	}
	if err := q.finishArchiveMoves(); err != nil {
		return nil, err
	}
	if err := q.countLiveJobs(); err != nil {
		return nil, err
	}
	highest, err := q.highestJobID()
	if err != nil {
		return nil, err
	}
	if err := q.initSerial(max(stored, highest)); err != nil {
		return nil, err
	}
	return q, nil
}

// storedSerial is the serial file's number, or 0 without a serial file.
func (q *Queue) storedSerial() (uint64, error) {
	serial, err := q.readSerial()
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	return serial, err
}

// countLiveJobs sets liveCount to the number of live job files.
func (q *Queue) countLiveJobs() error {
	live, err := q.LiveJobIDs()
	if err != nil {
		return err
	}
	q.liveCount.Store(int64(len(live)))
	return nil
}

// Layout is the node layout the queue lives in.
func (q *Queue) Layout() *paths.Layout { return q.layout }

// LiveCount is the number of live job files.
func (q *Queue) LiveCount() int64 { return q.liveCount.Load() }

// CachedJobs is the number of jobs whose parsed files the queue keeps
// for queries; never more than the live job files but for an archive move
// in progress.
func (q *Queue) CachedJobs() int64 { return int64(q.cache.size()) }

// replicate hands a written file to the replicator, if any.
func (q *Queue) replicate(path string, data []byte) {
	if q.Replicator != nil {
		q.Replicator.Update(path, data)
	}
}
