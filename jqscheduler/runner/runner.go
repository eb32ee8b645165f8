package runner

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/goluxid/goluxid/ganeti/config"
	"github.com/goluxid/goluxid/ganeti/livelock"
	"github.com/goluxid/goluxid/internal/inotify"
	"github.com/goluxid/goluxid/jobexec"
	"github.com/goluxid/goluxid/jqscheduler"
	"github.com/goluxid/goluxid/jqueue"
)

// safetyInterval is how often every running job is checked even without
// an event: a net under inotify, never the way a job's end is found.
const safetyInterval = 30 * time.Second

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
	// Valid tells valid opcodes from invalid ones; nil checks only what
	// the rules read.
	Valid  jqscheduler.Validator
	Logger *slog.Logger
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
	pendingMu sync.Mutex
	pending   []pendingJob

	mu      sync.Mutex // guards the fields below
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

// recover loads the live jobs, merges them with the jobs submitted since
// Start, and starts the loop.
func (r *Runner) recover(ids []uint64) {
	defer close(r.ready)
	entries, err := r.recoverJobs(ids)
	if err != nil {
		r.deps.Logger.Error("recovering the job queue", "error", err)
		return
	}
	r.mu.Lock()
	r.state = jqscheduler.Recover(entries)
	recovered := make(map[uint64]bool, len(entries))
	for _, e := range entries {
		recovered[e.ID] = true
	}
	r.absorbPendingLocked(recovered)
	r.cfg = r.schedulerConfig()
	running := r.state.Running()
	queued := r.state.Enqueued()
	r.mu.Unlock()
	r.deps.Logger.Info(fmt.Sprintf("Waiting jobs: %v; running jobs: %v", jqscheduler.IDs(queued), jqscheduler.IDs(running)))
	for _, j := range running {
		r.go_(func() { r.adopt(j) })
	}
	r.go_(r.loop)
	r.Kick()
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
// parameters of its opcodes.
//
// Submissions never wait for a round: the job joins a list of new jobs,
// which the next round (or request that needs the queue) takes in.
func (r *Runner) Enqueue(job *jqueue.Job, secrets json.RawMessage) {
	entry := jqscheduler.NewJob(job, r.deps.Valid)
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
	cfg, err := jqscheduler.NewConfig(cl.MaxRunningJobs, cl.MaxTrackedJobs, snap.Data.Raw["filters"])
	if err != nil {
		r.deps.Logger.Error("filter rules of the configuration do not decode; not scheduling", "error", err)
		return nil
	}
	return cfg
}

// loop runs rounds when kicked and checks running jobs now and then.
func (r *Runner) loop() {
	safety := time.NewTicker(safetyInterval)
	defer safety.Stop()
	for {
		select {
		case <-r.ctx.Done():
			return
		case <-r.kick:
			r.round()
		case <-safety.C:
			r.checkRunning()
			r.round()
		}
	}
}

// round decides what to start and reject, then does it.
func (r *Runner) round() {
	r.mu.Lock()
	r.absorbPendingLocked(nil)
	if r.cfg == nil {
		r.mu.Unlock()
		r.deps.Logger.Debug("Configuration unavailable")
		return
	}
	d := r.state.Schedule(r.cfg)
	starts := make([]startRequest, len(d.Start))
	for i, j := range d.Start {
		starts[i] = startRequest{job: j, secrets: r.secrets[j.ID]}
		delete(r.secrets, j.ID)
	}
	for _, rej := range d.Reject {
		delete(r.secrets, rej.Job.ID)
	}
	r.mu.Unlock()
	for _, rej := range d.Reject {
		r.reject(rej)
	}
	if len(starts) > 0 {
		r.deps.Logger.Info("Starting jobs: " + joinIDs(jqscheduler.IDs(d.Start)))
	}
	for _, s := range starts {
		r.go_(func() { r.start(s) })
	}
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

// startRequest is a job chosen to run and the secrets for its process.
type startRequest struct {
	job     *jqscheduler.Job
	secrets json.RawMessage
}

// reject writes a job a REJECT rule applies to as canceled.
func (r *Runner) reject(rej jqscheduler.Rejection) {
	r.deps.Logger.Info(fmt.Sprintf("Job %d REJECTed by filter rule %s", rej.Job.ID, rej.Rule.UUID))
	if err := r.writeCanceled(rej.Job.ID); err != nil {
		r.deps.Logger.Error("writing a rejected job as canceled", "job", rej.Job.ID, "error", err)
	}
}

// writeCanceled rewrites the job's current file as canceled now.
func (r *Runner) writeCanceled(id uint64) error {
	file, _, err := r.deps.Queue.ReadJobAnywhere(id)
	if err != nil {
		return err
	}
	return r.deps.Queue.WriteJob(jqscheduler.Canceled(file, jqueue.TimestampOf(time.Now())))
}

// start hands a job to a new job process. The job file first names the
// daemon's own livelock (the job is starting), then the process's.
func (r *Runner) start(s startRequest) {
	decided := time.Now()
	id := s.job.ID
	file := *s.job.File
	own := r.deps.OwnLivelock
	file.Livelock = &own
	if err := r.deps.Queue.WriteJobNoSync(&file); err != nil {
		r.startFailed(id, err)
		return
	}
	secrets := s.secrets
	if secrets == nil {
		secrets = nullSecrets(len(file.Ops))
	}
	// Starting a Python job process is CPU-bound (imports); more starts at
	// once than CPUs only slow each other and the daemon's own answers. A
	// start that hangs holds one slot for at most the step timeout.
	select {
	case r.startSlots <- struct{}{}:
	case <-r.ctx.Done():
		return
	}
	// Watching the file from before the start, a job finished at once is
	// not missed.
	changes, err := r.deps.Watcher.Subscribe(r.deps.Queue.Layout().QueueDir, jqueue.JobFileName(id))
	if err != nil {
		r.deps.Logger.Warn("watching a job file; its end is noticed when its process exits", "job", id, "error", err)
	} else {
		defer changes.Close()
	}
	proc, err := r.deps.Exec.Start(r.ctx, id, secrets, func(path string) error {
		file.Livelock = &path
		return r.deps.Queue.WriteJobNoSync(&file)
	})
	<-r.startSlots
	if err != nil {
		r.startFailed(id, err)
		return
	}
	if r.deps.JobStarted != nil {
		r.deps.JobStarted(time.Since(decided))
	}
	if r.awaitEnd(id, proc, changes) {
		r.jobEnded(id)
	}
}

// awaitEnd waits until the job's file shows it finished or its process
// exits, whichever comes first: a Python job process takes tens of
// milliseconds to shut down after writing its last job file, and the
// slot and the dependants need not wait for that. False when the runner
// stops first.
func (r *Runner) awaitEnd(id uint64, proc *jobexec.Process, changes *inotify.Sub) bool {
	var changed <-chan struct{}
	if changes != nil {
		changed = changes.C
	}
	for {
		select {
		case <-proc.Done():
			return true
		case <-changed:
			if file, err := r.deps.Queue.ReadJob(id); err == nil && file.Status().Finalized() {
				return true
			}
		case <-r.ctx.Done():
			return false
		}
	}
}

// nullSecrets is the secret parameters of a job without any: null per
// opcode (after a restart the secrets of queued jobs are gone, as in the
// real luxid).
func nullSecrets(n int) json.RawMessage {
	return json.RawMessage("[" + strings.TrimSuffix(strings.Repeat("null,", n), ",") + "]")
}

// startFailed takes a job whose process did not start out of running and
// writes it as failed.
func (r *Runner) startFailed(id uint64, cause error) {
	msg := jqueue.FailedToStart(id, cause)
	r.deps.Logger.Error(msg)
	r.mu.Lock()
	r.state.RemoveRunning(id)
	r.mu.Unlock()
	if err := r.writeFailed(id, jqueue.ReasonStartJobs, msg); err != nil {
		r.deps.Logger.Error("writing a job that failed to start", "job", id, "error", err)
	}
	r.Kick()
}

// writeFailed rewrites the job's live file as failed with msg.
func (r *Runner) writeFailed(id uint64, source, msg string) error {
	file, err := r.deps.Queue.ReadJob(id)
	if err != nil {
		return err
	}
	now := jqueue.TimestampOf(time.Now())
	failed, err := jqscheduler.Failed(file, jqscheduler.Reason{Source: source, Text: msg, Timestamp: now.Nanos()}, now)
	if err != nil {
		return err
	}
	return r.deps.Queue.WriteJob(failed)
}

// jobEnded handles a job whose process is gone: a job file left
// unfinished means the process died, and the job is written as failed.
// Either way the job leaves running and a round runs.
func (r *Runner) jobEnded(id uint64) {
	file, err := r.deps.Queue.ReadJob(id)
	if err == nil && !file.Status().Finalized() {
		r.deathDetected(id)
		file, err = r.deps.Queue.ReadJob(id)
	}
	r.mu.Lock()
	if err != nil {
		// Archived or unreadable: nothing more to learn from it.
		r.state.RemoveRunning(id)
	} else {
		r.state.Update(jqscheduler.NewJob(file, r.deps.Valid))
		r.state.RemoveFinished()
	}
	r.mu.Unlock()
	r.Kick()
}

// adoptedJobEnded handles the end of a process an earlier daemon started.
// If the job never started (every opcode still queued), the process ended
// in its start-up handshake, most likely because that daemon died before
// handing it its secret parameters: nothing of the job ran, so it is
// queued again rather than failed. Otherwise as jobEnded.
func (r *Runner) adoptedJobEnded(id uint64) {
	file, err := r.deps.Queue.ReadJob(id)
	if err != nil || !neverStarted(file) {
		r.jobEnded(id)
		return
	}
	r.deps.Logger.Info(fmt.Sprintf("Job %d's process ended before the job started; queueing it again", id))
	r.mu.Lock()
	r.state.RemoveRunning(id)
	r.state.Enqueue(jqscheduler.NewJob(file, r.deps.Valid))
	r.mu.Unlock()
	r.Kick()
}

// neverStarted reports whether no opcode of the job has left the queued
// state: the job process writes that change before an opcode does
// anything.
func neverStarted(file *jqueue.Job) bool {
	if file.Start != nil {
		return false
	}
	for _, op := range file.Ops {
		if op.Status != jqueue.StatusQueued {
			return false
		}
	}
	return true
}

// deathDetected rewrites a job whose process died as failed, holding its
// slot (manipulated) meanwhile.
func (r *Runner) deathDetected(id uint64) {
	msg := jqueue.DeathMessage(id)
	r.deps.Logger.Info(fmt.Sprintf("Detected death of job %d", id))
	r.mu.Lock()
	_, moved := r.state.Manipulate(id)
	r.mu.Unlock()
	if err := r.writeFailed(id, jqueue.ReasonDeathDetection, msg); err != nil {
		r.deps.Logger.Error("writing a dead job as failed", "job", id, "error", err)
	}
	if moved {
		r.mu.Lock()
		r.state.Unmanipulate(id)
		r.mu.Unlock()
	}
	select {
	case r.cleanup <- struct{}{}:
	default: // one is pending already
	}
}

// cleanupLoop has WConfd free the locks of dead processes now, instead of
// at its next periodic check, whenever a death was detected; the real
// luxid does so after a kill only. Each call is bounded by WConfd's
// timeouts.
func (r *Runner) cleanupLoop() {
	for {
		select {
		case <-r.ctx.Done():
			return
		case <-r.cleanup:
		}
		if err := r.deps.Locks.CleanupLocks(r.ctx); err != nil && r.ctx.Err() == nil {
			r.deps.Logger.Warn("asking WConfd to clean up locks", "error", err)
		}
	}
}

// adopt watches a job that was running when the daemon started, until its
// process is gone: woken by its livelock or its file changing.
func (r *Runner) adopt(j *jqscheduler.Job) {
	path := ""
	if j.File.Livelock != nil {
		path = *j.File.Livelock
	}
	var wake []<-chan struct{}
	if path != "" {
		if sub, err := r.deps.Watcher.Subscribe(filepath.Dir(path), filepath.Base(path)); err == nil {
			defer sub.Close()
			wake = append(wake, sub.C)
		}
	}
	if sub, err := r.deps.Watcher.Subscribe(r.deps.Queue.Layout().QueueDir, jqueue.JobFileName(j.ID)); err == nil {
		defer sub.Close()
		wake = append(wake, sub.C)
	}
	ticker := time.NewTicker(safetyInterval)
	defer ticker.Stop()
	for {
		if r.adoptedEnded(j.ID, path) {
			r.adoptedJobEnded(j.ID)
			return
		}
		if !waitAny(r.ctx, wake, ticker.C) {
			return
		}
	}
}

// adoptedEnded reports whether an adopted job's process is gone: its file
// finished, or its livelock dead. A job without a livelock of its own
// never had a process and is not waited for.
func (r *Runner) adoptedEnded(id uint64, path string) bool {
	file, err := r.deps.Queue.ReadJob(id)
	if err != nil || file.Status().Finalized() {
		return true
	}
	if path == "" || path == r.deps.OwnLivelock {
		return true
	}
	dead, err := livelock.IsDead(path)
	return err == nil && dead
}

// waitAny waits for a wake-up on any channel; false when ctx ends.
func waitAny(ctx context.Context, wake []<-chan struct{}, tick <-chan time.Time) bool {
	cases := make(chan struct{}, 1)
	stop := make(chan struct{})
	defer close(stop)
	for _, c := range wake {
		go func() {
			select {
			case <-c:
				select {
				case cases <- struct{}{}:
				default:
				}
			case <-stop:
			}
		}()
	}
	select {
	case <-ctx.Done():
		return false
	case <-cases:
	case <-tick:
	}
	return true
}

// checkRunning drops running jobs whose file shows them finished, the
// safety net under the process and inotify watches.
func (r *Runner) checkRunning() {
	r.mu.Lock()
	running := r.state.Running()
	r.mu.Unlock()
	for _, j := range running {
		if file, err := r.deps.Queue.ReadJob(j.ID); err != nil || file.Status().Finalized() {
			r.jobEnded(j.ID)
		}
	}
}

// recoverJobs reads every live job for Recover, several files at a time.
// A queued job whose file names a live livelock other than ours had its
// process started by an earlier daemon: it counts as started, so it never
// runs twice.
func (r *Runner) recoverJobs(ids []uint64) ([]*jqscheduler.Job, error) {
	var entries []*jqscheduler.Job
	err := r.deps.Queue.LoadEach(r.ctx, ids, func(id uint64, file *jqueue.Job, err error) error {
		if err != nil {
			r.deps.Logger.Warn("skipping unreadable job file", "job", id, "error", err)
			return nil
		}
		if file.Status().Finalized() {
			return nil
		}
		entry := jqscheduler.NewJob(file, r.deps.Valid)
		if entry.Status == jqueue.StatusQueued && r.hasLiveProcess(file) {
			entry.Status = jqueue.StatusWaiting
		}
		entries = append(entries, entry)
		return nil
	})
	return entries, err
}

// hasLiveProcess reports whether the job's livelock belongs to a live
// process other than this daemon.
func (r *Runner) hasLiveProcess(file *jqueue.Job) bool {
	if file.Livelock == nil || *file.Livelock == r.deps.OwnLivelock {
		return false
	}
	dead, err := livelock.IsDead(*file.Livelock)
	return err == nil && !dead
}

func joinIDs(ids []uint64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatUint(id, 10)
	}
	return strings.Join(parts, ", ")
}
