// Package replica keeps the master candidates' copies of the job queue
// current through their node daemons, and brings a candidate that missed
// writes back in line.
//
// Every write of the master's queue is sent at once to every master
// candidate but the master (jobqueue_update for the serial and job files,
// jobqueue_rename for archive moves, jobqueue_set_drain_flag for the drain
// flag), in parallel, as the real luxid does;
// a node that cannot be reached is logged and the write goes on.
//
// Unlike the real luxid, which never resends what a candidate missed, a
// node whose update failed is marked stale. A background loop then
// resynchronises it: after a back-off (doubling from MinBackoff to
// MaxBackoff while the node stays unreachable), or at once when the node
// answers a later write, it sends the node the master's current serial
// file, drain flag and every live job file, and replays the archive moves
// it missed (the archived content first, then the move). Each file is read
// again after it was sent and sent once more if it changed meanwhile, so a
// write racing the resync (by luxid or by a job process, which replicates
// its own writes) cannot leave an older copy behind. Nothing of this runs
// on the LUXI request path.
//
// Job processes replicate their own writes, which the replicator does not
// see fail: it therefore also asks every current candidate for its node
// daemon's version every ProbeInterval, and a candidate that does not
// answer is marked stale like one that missed a write.
package replica

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/goluxid/goluxid/ganeti/config"
	"github.com/goluxid/goluxid/ganeti/objects"
	"github.com/goluxid/goluxid/ganeti/paths"
	"github.com/goluxid/goluxid/ganeti/rpc"
	"github.com/goluxid/goluxid/jqueue"
)

// Back-off bounds between resynchronisation attempts of a stale node.
const (
	MinBackoff = time.Second
	MaxBackoff = 15 * time.Second
)

// ProbeInterval is how often the candidates that are not stale are asked
// whether they answer; probeTimeout bounds one probe.
const (
	ProbeInterval = 10 * time.Second
	probeTimeout  = 10 * time.Second
)

// maxMissedRenames bounds the archive moves remembered per stale node;
// later ones are dropped (and logged), leaving those jobs live on it.
const maxMissedRenames = 100000

// resyncParallel is how many job files a resync sends at a time: the
// Python noded handles a request in tens of milliseconds, a few in
// parallel halve the time a large queue takes.
const resyncParallel = 4

// sendAttempts bounds how often one file is sent in a resync while it keeps
// changing; the node then stays stale and is tried again later.
const sendAttempts = 3

// Noded is the part of the node daemon client the replicator uses.
type Noded interface {
	JobqueueUpdate(ctx context.Context, nodes []*objects.Node, file string, content []byte) map[string]error
	JobqueueRename(ctx context.Context, nodes []*objects.Node, renames [][2]string) map[string]error
	SetDrainFlag(ctx context.Context, nodes []*objects.Node, drain bool) map[string]error
	Version(ctx context.Context, nodes []*objects.Node) map[string]rpc.Answer[int]
}

// Replicator sends the master's queue writes to the master candidates and
// resynchronises candidates that missed some. It implements
// jqueue.Replicator. Close stops its background loop.
type Replicator struct {
	noded  Noded
	config *config.Store
	layout *paths.Layout
	logger *slog.Logger

	// minBackoff and maxBackoff bound the wait between resync attempts:
	// MinBackoff and MaxBackoff, shorter in tests.
	minBackoff, maxBackoff time.Duration
	// probeInterval is ProbeInterval, shorter in tests.
	probeInterval time.Duration

	mu    sync.Mutex // guards stale
	stale map[string]*staleNode

	kick     chan struct{} // a node became stale
	answered chan struct{} // a stale node answered a write
	cancel   context.CancelFunc
	done     chan struct{}
}

// staleNode is what the replicator knows of a node that missed writes.
type staleNode struct {
	name    string
	since   time.Time
	gen     uint64      // raised at every missed write
	renames [][2]string // archive moves it missed, oldest first
	dropped int         // archive moves not remembered (over the bound)
}

// New returns a replicator of the queue below layout to the master
// candidates of cfg, and starts its resynchronisation loop.
func New(noded Noded, cfg *config.Store, layout *paths.Layout, logger *slog.Logger) *Replicator {
	return newReplicator(noded, cfg, layout, logger, MinBackoff, MaxBackoff, ProbeInterval)
}

func newReplicator(noded Noded, cfg *config.Store, layout *paths.Layout, logger *slog.Logger, minBackoff, maxBackoff, probeInterval time.Duration) *Replicator {
	ctx, cancel := context.WithCancel(context.Background())
	r := &Replicator{
		noded: noded, config: cfg, layout: layout, logger: logger,
		minBackoff: minBackoff, maxBackoff: maxBackoff, probeInterval: probeInterval,
		stale: map[string]*staleNode{},
		kick:  make(chan struct{}, 1), answered: make(chan struct{}, 1),
		cancel: cancel, done: make(chan struct{}),
	}
	go r.run(ctx)
	return r
}

// Close stops the resynchronisation loop and waits for it.
func (r *Replicator) Close() {
	r.cancel()
	<-r.done
}

// Update sends a queue file's new content.
func (r *Replicator) Update(path string, content []byte) {
	nodes, cfg := r.targets()
	if len(nodes) == 0 {
		return
	}
	r.note("jobqueue_update", cfg, r.noded.JobqueueUpdate(context.Background(), nodes, path, content), nil)
}

// Rename sends archive moves.
func (r *Replicator) Rename(renames [][2]string) {
	nodes, cfg := r.targets()
	if len(nodes) == 0 {
		return
	}
	r.note("jobqueue_rename", cfg, r.noded.JobqueueRename(context.Background(), nodes, renames), renames)
}

// DrainFlag sends the drain flag.
func (r *Replicator) DrainFlag(drain bool) {
	nodes, cfg := r.targets()
	if len(nodes) == 0 {
		return
	}
	r.note("jobqueue_set_drain_flag", cfg, r.noded.SetDrainFlag(context.Background(), nodes, drain), nil)
}

// Stale returns the names of the nodes waiting for a resynchronisation.
func (r *Replicator) Stale() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var names []string
	for _, n := range r.stale {
		names = append(names, n.name)
	}
	return names
}

// targets are the master candidates other than the master.
func (r *Replicator) targets() ([]*objects.Node, *objects.ConfigData) {
	snap, err := r.config.Snapshot()
	if err != nil {
		return nil, nil
	}
	return rpc.Candidates(snap.Data, false), snap.Data
}

// note records a write's outcome per node: a failed node becomes (or
// stays) stale, keeping the archive moves it missed; a stale node that
// answered is resynchronised at once.
func (r *Replicator) note(procedure string, cfg *objects.ConfigData, errs map[string]error, renames [][2]string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for uuid, err := range errs {
		switch {
		case errors.Is(err, rpc.ErrOffline):
		case err != nil:
			r.markStaleLocked(procedure, nodeName(cfg, uuid), uuid, err, renames)
		case r.stale[uuid] != nil:
			signal(r.answered)
		}
	}
}

// markStaleLocked marks a node stale after a failed write.
func (r *Replicator) markStaleLocked(procedure, name, uuid string, err error, renames [][2]string) {
	n := r.stale[uuid]
	if n == nil {
		n = &staleNode{name: name, since: time.Now()}
		r.stale[uuid] = n
		r.logger.Warn("a master candidate missed a job queue update; it will be resynchronised",
			"procedure", procedure, "node", name, "error", err)
		signal(r.kick)
	}
	n.gen++
	room := max(0, maxMissedRenames-len(n.renames))
	n.renames = append(n.renames, renames[:min(room, len(renames))]...)
	if dropped := len(renames) - min(room, len(renames)); dropped > 0 {
		n.dropped += dropped
		r.logger.Warn("too many missed archive moves for one node; jobs archived meanwhile stay live on it",
			"node", name, "dropped", n.dropped)
	}
}

// signal wakes the loop without blocking.
func signal(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

func nodeName(cfg *objects.ConfigData, uuid string) string {
	if n, ok := cfg.Nodes[uuid]; ok {
		return n.Name
	}
	return uuid
}

// run resynchronises stale nodes until Close: after the back-off, or at
// once when a stale node answered a write; and probes the others.
func (r *Replicator) run(ctx context.Context) {
	defer close(r.done)
	backoff := r.minBackoff
	timer := time.NewTimer(backoff)
	defer timer.Stop()
	probe := time.NewTicker(r.probeInterval)
	defer probe.Stop()
	for {
		var retry <-chan time.Time
		if len(r.Stale()) > 0 {
			timer.Reset(backoff)
			retry = timer.C
		}
		select {
		case <-ctx.Done():
			return
		case <-r.kick:
			continue // a node went stale: wait the back-off first
		case <-probe.C:
			r.probe(ctx)
			continue
		case <-r.answered:
		case <-retry:
		}
		if r.resyncStale(ctx) {
			backoff = r.minBackoff
		} else {
			backoff = min(2*backoff, r.maxBackoff)
		}
	}
}

// probe asks the candidates that are not stale for their version and
// marks those that do not answer stale: they may have missed a write of a
// job process.
func (r *Replicator) probe(ctx context.Context) {
	nodes, cfg := r.targets()
	staleNow := r.staleUUIDs()
	nodes = slices.DeleteFunc(nodes, func(n *objects.Node) bool { return slices.Contains(staleNow, n.UUID) })
	if len(nodes) == 0 {
		return
	}
	probeCtx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	answers := r.noded.Version(probeCtx, nodes)
	if ctx.Err() != nil {
		return // closing: the failures say nothing of the nodes
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for uuid, a := range answers {
		if a.Err != nil && !errors.Is(a.Err, rpc.ErrOffline) {
			r.markStaleLocked("version", nodeName(cfg, uuid), uuid, a.Err, nil)
		}
	}
}

// resyncStale resynchronises every stale node; true if all are current
// again.
func (r *Replicator) resyncStale(ctx context.Context) bool {
	nodes, cfg := r.targets()
	current := map[string]*objects.Node{}
	for _, n := range nodes {
		current[n.UUID] = n
	}
	ok := true
	for _, uuid := range r.staleUUIDs() {
		node := current[uuid]
		if node == nil { // no longer a candidate, or the master now
			r.forget(uuid, 0, true)
			continue
		}
		gen, renames, since := r.staleState(uuid)
		start := time.Now()
		files, err := r.resync(ctx, node, renames)
		if err != nil {
			r.logger.Debug("resynchronising a master candidate's job queue failed; will retry",
				"node", node.Name, "error", err)
			ok = false
			continue
		}
		if r.forget(uuid, gen, false) {
			r.logger.Info("resynchronised a master candidate's job queue", "node", nodeName(cfg, uuid),
				"files", files, "archive_moves", len(renames), "took", time.Since(start).Round(time.Millisecond),
				"stale_for", time.Since(since).Round(time.Millisecond))
		} else {
			ok = false // it missed another write meanwhile
		}
	}
	return ok
}

func (r *Replicator) staleUUIDs() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	uuids := make([]string, 0, len(r.stale))
	for uuid := range r.stale {
		uuids = append(uuids, uuid)
	}
	return uuids
}

// staleState copies what a resync of node uuid needs.
func (r *Replicator) staleState(uuid string) (gen uint64, renames [][2]string, since time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := r.stale[uuid]
	return n.gen, append([][2]string(nil), n.renames...), n.since
}

// forget ends node uuid's staleness if it missed nothing since generation
// gen (or always with force); it reports whether it did.
func (r *Replicator) forget(uuid string, gen uint64, force bool) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := r.stale[uuid]
	if n == nil || (!force && n.gen != gen) {
		return false
	}
	delete(r.stale, uuid)
	return true
}

// resync sends node the master's queue: serial, drain flag, live job
// files, then the missed archive moves. It returns the number of files
// sent.
func (r *Replicator) resync(ctx context.Context, node *objects.Node, renames [][2]string) (int, error) {
	nodes := []*objects.Node{node}
	if err := r.sendFile(ctx, nodes, r.layout.SerialFile); err != nil {
		return 0, err
	}
	_, err := os.Stat(r.layout.DrainFile)
	if err := r.noded.SetDrainFlag(ctx, nodes, err == nil)[node.UUID]; err != nil {
		return 0, fmt.Errorf("drain flag: %w", err)
	}
	ids, err := liveJobs(r.layout.QueueDir)
	if err != nil {
		return 0, err
	}
	if err := r.sendJobFiles(ctx, nodes, ids); err != nil {
		return 0, err
	}
	for _, mv := range renames {
		if err := r.replayRename(ctx, nodes, mv); err != nil {
			return 0, err
		}
	}
	return 1 + len(ids), nil
}

// sendJobFiles sends the live job files ids, resyncParallel at a time;
// it stops at the first failure.
func (r *Replicator) sendJobFiles(ctx context.Context, nodes []*objects.Node, ids []uint64) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	next := make(chan uint64)
	var wg sync.WaitGroup
	for range min(resyncParallel, len(ids)) {
		wg.Go(func() {
			for id := range next {
				if err := r.sendFile(ctx, nodes, r.layout.JobFile(id)); err != nil {
					cancel(err)
				}
			}
		})
	}
feed:
	for _, id := range ids {
		select {
		case next <- id:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	return context.Cause(ctx)
}

// sendFile sends file's current content until it did not change while
// being sent; a file that vanished (archived meanwhile) is skipped.
func (r *Replicator) sendFile(ctx context.Context, nodes []*objects.Node, file string) error {
	data, err := readIfExists(file)
	for attempt := 0; err == nil && data != nil; attempt++ {
		if attempt == sendAttempts {
			return fmt.Errorf("%s keeps changing", file)
		}
		if err := r.noded.JobqueueUpdate(ctx, nodes, file, data)[nodes[0].UUID]; err != nil {
			return fmt.Errorf("sending %s: %w", file, err)
		}
		var again []byte
		again, err = readIfExists(file)
		if again == nil || bytes.Equal(again, data) {
			return err
		}
		data = again
	}
	return err
}

// replayRename brings an archive move the node missed: the archived file's
// content under its live name, then the move (which creates the archive
// directory), whether or not the node had the live file.
func (r *Replicator) replayRename(ctx context.Context, nodes []*objects.Node, mv [2]string) error {
	data, err := readIfExists(mv[1])
	if err != nil || data == nil {
		return err // gone from the master's archive too: nothing to bring
	}
	if err := r.noded.JobqueueUpdate(ctx, nodes, mv[0], data)[nodes[0].UUID]; err != nil {
		return fmt.Errorf("sending %s: %w", mv[0], err)
	}
	if err := r.noded.JobqueueRename(ctx, nodes, [][2]string{mv})[nodes[0].UUID]; err != nil {
		return fmt.Errorf("archiving %s: %w", mv[0], err)
	}
	return nil
}

// readIfExists reads file; nil data and no error if it does not exist.
func readIfExists(file string) ([]byte, error) {
	data, err := os.ReadFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", file, err)
	}
	return data, nil
}

// liveJobs lists the ids of the live job files in dir, in ascending order.
func liveJobs(dir string) ([]uint64, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("listing the job queue: %w", err)
	}
	var ids []uint64
	for _, e := range entries {
		if id, ok := jqueue.ParseJobFileName(filepath.Base(e.Name())); ok && !e.IsDir() {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids, nil
}
