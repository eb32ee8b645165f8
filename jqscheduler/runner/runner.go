package runner

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"runtime"
	"sync"
	"time"

	"github.com/goluxid/goluxid/ganeti/config"
	"github.com/goluxid/goluxid/ganeti/opcodes"
	"github.com/goluxid/goluxid/internal/inotify"
	"github.com/goluxid/goluxid/jobexec"
	"github.com/goluxid/goluxid/jqscheduler"
	"github.com/goluxid/goluxid/jqueue"
	"github.com/goluxid/goluxid/query"
)

// Deps is what the runner works with.
type Deps struct {
	Queue   *jqueue.Queue
	Config  *config.Store
	Exec    jobexec.Starter
	Watcher *inotify.Watcher
	// OwnLivelock is the daemon's livelock, written into a job file while
	// its process starts.
	OwnLivelock string
	// Locks, if set, is asked to release the locks of dead job processes
	// (WConfd's cleanupLocks) as soon as a death is detected.
	Locks LockCleaner
	// Opcodes is the installed release's opcode schema: it tells valid
	// opcodes from invalid ones, and rewrites the valid ones of a job
	// luxid fails.
	Opcodes *opcodes.Schema
	// RegexpDialect is the installed release's language of the regular
	// expressions in filter rules.
	RegexpDialect query.RegexpDialect
	Logger        *slog.Logger
	// JobStarted, if set, is told of every job handed to its process: how
	// long that took from the scheduler's decision.
	JobStarted func(took time.Duration)
}

// LockCleaner releases the locks held by dead processes.
type LockCleaner interface {
	CleanupLocks(ctx context.Context) error
}

// Runner is the scheduler at work: it keeps the State, runs rounds when
// something changed, starts job processes, notices their end at once and
// rewrites jobs whose process died. All State changes happen under mu;
// file writes and process starts happen outside it.
type Runner struct {
	deps Deps

	// pendingMu guards pending, the jobs submitted since the last round.
	// When mu is held too, it was taken first.
	pendingMu sync.Mutex
	pending   []pendingJob

	// mu guards state, cfg and secrets.
	mu      sync.Mutex
	state   *jqscheduler.State
	cfg     *jqscheduler.Config
	secrets map[uint64]json.RawMessage // of queued jobs, for their process

	kick chan struct{} // a round is wanted
	// cleanup asks for a WConfd lock cleanup; the cleanup loop makes one
	// at a time, so that a hanging WConfd holds neither a job's slot nor
	// more than one goroutine.
	cleanup chan struct{}
	// startSlots bounds the job processes in their start-up handshake.
	startSlots chan struct{}
	ready      chan struct{} // closed once the queue is recovered
	ctx        context.Context
	cancel     context.CancelFunc
	wg         sync.WaitGroup // every goroutine the runner started
}

// New returns a runner over deps; Start sets it going.
func New(deps Deps) *Runner {
	if deps.Logger == nil {
		deps.Logger = slog.New(slog.DiscardHandler)
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Runner{
		deps:       deps,
		state:      &jqscheduler.State{},
		secrets:    map[uint64]json.RawMessage{},
		kick:       make(chan struct{}, 1),
		cleanup:    make(chan struct{}, 1),
		startSlots: make(chan struct{}, max(2, runtime.NumCPU())),
		ready:      make(chan struct{}),
		ctx:        ctx,
		cancel:     cancel,
	}
}

// Start recovers the queue from disk in the background (queued jobs queue
// again, started ones are watched until they end) and then starts the
// scheduling loop. The daemon can answer at once: jobs submitted meanwhile
// join the recovered queue, and cancel or priority requests wait for it.
func (r *Runner) Start() error {
	ids, err := r.deps.Queue.LiveJobIDs()
	if err != nil {
		return fmt.Errorf("loading the job queue: %w", err)
	}
	r.go_(func() { r.recover(ids) })
	if r.deps.Locks != nil {
		r.go_(r.cleanupLoop)
	}
	return nil
}

// Ready is closed once the queue has been recovered.
func (r *Runner) Ready() <-chan struct{} { return r.ready }

// waitReady waits for the recovered queue; false if ctx ends first.
func (r *Runner) waitReady(ctx context.Context) bool {
	select {
	case <-r.ready:
		return true
	case <-ctx.Done():
		return false
	case <-r.ctx.Done():
		return false
	}
}

// Close stops the loop and the watches; job processes keep running.
func (r *Runner) Close() {
	r.cancel()
	r.wg.Wait()
}

// go_ runs f in a goroutine Close waits for.
func (r *Runner) go_(f func()) {
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		f()
	}()
}

// Kick asks for a scheduling round.
func (r *Runner) Kick() {
	select {
	case r.kick <- struct{}{}:
	default:
	}
}

// Enqueue takes a newly submitted job, its file written, with the secret
// parameters of its opcodes. Its opcodes were validated on submission, so
// they are not validated again.
//
// Submissions never wait for a round: the job joins a list of new jobs,
// which the next round (or request that needs the queue) takes in.
func (r *Runner) Enqueue(job *jqueue.Job, secrets json.RawMessage) {
	entry := jqscheduler.NewJob(job, nil)
	r.pendingMu.Lock()
	r.pending = append(r.pending, pendingJob{entry, secrets})
	r.pendingMu.Unlock()
	r.Kick()
}

// pendingJob is a submitted job not yet in the State.
type pendingJob struct {
	entry   *jqscheduler.Job
	secrets json.RawMessage
}

// absorbPendingLocked moves the submitted jobs into the State, but for
// those read from disk already (skip); r.mu must be held.
func (r *Runner) absorbPendingLocked(skip map[uint64]bool) {
	r.pendingMu.Lock()
	pending := r.pending
	r.pending = nil
	r.pendingMu.Unlock()
	for _, p := range pending {
		if skip[p.entry.ID] {
			continue
		}
		r.secrets[p.entry.ID] = p.secrets
		r.state.Enqueue(p.entry)
	}
}

// ConfigChanged is told of every new configuration snapshot; a change of
// the filters or of max_running_jobs reschedules at once.
func (r *Runner) ConfigChanged(_, _ *config.Snapshot) {
	r.mu.Lock()
	old := r.cfg
	r.cfg = r.schedulerConfig()
	changed := jqscheduler.NeedsReschedule(old, r.cfg)
	r.mu.Unlock()
	if changed {
		r.Kick()
	}
}

// schedulerConfig reads the limits and filter rules of the current
// configuration; nil without one (or with filters that do not decode).
func (r *Runner) schedulerConfig() *jqscheduler.Config {
	snap, err := r.deps.Config.Snapshot()
	if err != nil {
		return nil
	}
	cl := snap.Data.Cluster
	cfg, err := jqscheduler.NewConfig(cl.MaxRunningJobs, cl.MaxTrackedJobs, snap.Data.Raw["filters"], r.deps.RegexpDialect)
	if err != nil {
		r.deps.Logger.Error("filter rules of the configuration do not decode; not scheduling", "error", err)
		return nil
	}
	return cfg
}

// Counts returns how many jobs are queued, running (or starting) and being
// changed by the daemon (canceled, written as failed) right now.
func (r *Runner) Counts() (queued, running, manipulated int) {
	r.pendingMu.Lock()
	pending := len(r.pending)
	r.pendingMu.Unlock()
	r.mu.Lock()
	defer r.mu.Unlock()
	queued, running, manipulated = r.state.Counts()
	return queued + pending, running, manipulated
}

// watchJobFile subscribes to changes of job id's live file.
func (r *Runner) watchJobFile(id uint64) (*inotify.Sub, error) {
	return r.deps.Watcher.Subscribe(r.deps.Queue.Layout().QueueDir, jqueue.JobFileName(id))
}

// valid tells valid opcodes from invalid ones by the release's schema.
func (r *Runner) valid(input json.RawMessage) bool {
	return r.deps.Opcodes.ParseInput(input).OpCode() != nil
}
