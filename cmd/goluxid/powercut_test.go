package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/goluxid/goluxid/ganeti/paths"
	testbinary "github.com/goluxid/goluxid/internal/testkit/binary"
	"github.com/goluxid/goluxid/internal/testkit/crashfs"
	"github.com/goluxid/goluxid/internal/testkit/sandbox"
	"github.com/goluxid/goluxid/jqueue"
	"github.com/goluxid/goluxid/luxi"
)

// powerCutRoundsEnv overrides the number of power cuts per luxid.
const powerCutRoundsEnv = "GOLUXID_POWERCUT_ROUNDS"

// powerCutLuxidsEnv selects the luxids the power-cut loop runs against:
// "goluxid", "haskell", or both separated by a comma (the default).
const powerCutLuxidsEnv = "GOLUXID_POWERCUT_LUXIDS"

// powerCutFiguresEnv names the directory where each luxid's run, in its
// private mount namespace, leaves its figures for the table the test
// logs at the end.
const powerCutFiguresEnv = "GOLUXID_POWERCUT_FIGURES"

// restartTimeout bounds a restart after a cut, and the first submission
// to the restarted luxid.
const restartTimeout = time.Minute

// TestPowerCutUnderMixedLoad cuts the power of a sandboxed master at a
// random moment of a mixed load, again and again, once against goluxid
// and once against the Haskell luxid. The node's data directory (job
// queue, config.data, ssconf) is a crash-simulating file system
// (crashfs) that keeps, at a cut, only what fsyncs of files and
// directories made durable. A cut kills the luxid, its job processes and
// warm-start helper, and WConfd at once (SIGKILL), rewrites the data
// directory to its durable state, empties the run directory as a reboot
// does, and starts the daemons again on what survived. After every cut
// it counts what the files lost of what clients were told: acknowledged
// jobs without a whole job file, broken job files, jobs both live and
// archived, archive moves ArchiveJob acknowledged but undone, statuses
// clients were shown (QueryJobs, WaitForJobChange) that the job's file no
// longer reaches, and after the restart ids given twice and a serial
// that went back. goluxid must lose nothing; the Haskell luxid's losses
// are counted and logged, not failed.
//
// It lives beside the SIGKILL crash loop, whose load and binary it
// shares, rather than in compat_test: it compares no client output, and
// the sandbox runs either luxid from here.
func TestPowerCutUnderMixedLoad(t *testing.T) {
	sandbox.RequireForTest(t)
	// The runs in private mount namespaces test this process's binary.
	t.Setenv(testbinary.Env, binary)
	rounds := 10
	if n, err := strconv.Atoi(os.Getenv(powerCutRoundsEnv)); err == nil && n > 0 {
		rounds = n
	}
	// The outer run, not those in private mount namespaces, logs the
	// table.
	outer := os.Getenv(powerCutFiguresEnv) == ""
	if outer {
		t.Setenv(powerCutFiguresEnv, t.TempDir())
	}
	for _, tc := range []struct {
		name     string
		luxid    []string
		lossless bool
	}{
		{"goluxid", sandbox.GoLuxid(binary), true},
		{"haskell", sandbox.HaskellLuxid(), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !powerCutSelected(tc.name) {
				t.Skipf("%s=%s leaves %s out", powerCutLuxidsEnv, os.Getenv(powerCutLuxidsEnv), tc.name)
			}
			if !crashfs.InPrivateNamespace(t) {
				return
			}
			tally := runPowerCuts(t, tc.luxid, rounds)
			t.Logf("%s: %s", tc.name, tally)
			saveFigures(t, tc.name, tally.figures())
			for _, f := range tally.findings {
				t.Log(f)
			}
			if tc.lossless {
				assert.Zero(t, tally.losses(), "goluxid lost what clients were told")
				assert.Equal(t, rounds, tally.cuts)
			}
			assert.NotZero(t, tally.cuts, "no cut")
			assert.NotZero(t, tally.acks, "no job was acknowledged")
		})
	}
	if outer {
		logFiguresTable(t)
	}
}

// powerCutFigures are the counts of one luxid's run, side by side with
// the other's in the table the test logs.
type powerCutFigures struct {
	Luxid                                         string
	Cuts, Acks, LostJobs, BrokenFiles, BothPlaces int
	DuplicateIDs, LostStatuses, ShownStatuses     int
	LostArchiveMoves, ArchiveAcks                 int
	FailedRestarts                                int
}

func (t *powerCutTally) figures() powerCutFigures {
	return powerCutFigures{
		Cuts: t.cuts, Acks: t.acks, LostJobs: t.lostJobs, BrokenFiles: t.brokenFiles,
		BothPlaces: t.bothPlaces, DuplicateIDs: t.duplicateIDs,
		LostStatuses: t.lostStatuses, ShownStatuses: t.shownStatuses,
		LostArchiveMoves: t.lostArchiveMoves, ArchiveAcks: t.archiveAcks,
		FailedRestarts: t.failedRestarts,
	}
}

// saveFigures leaves luxid's figures where logFiguresTable finds them.
func saveFigures(t *testing.T, luxid string, f powerCutFigures) {
	f.Luxid = luxid
	data, err := json.Marshal(f)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(os.Getenv(powerCutFiguresEnv), luxid+".json"), data, 0o600))
}

// logFiguresTable logs the figures of every luxid that ran, side by side.
func logFiguresTable(t *testing.T) {
	var b strings.Builder
	fmt.Fprintf(&b, "%-8s %5s %6s %5s %7s %5s %10s %15s %15s %8s\n", "luxid", "cuts", "acked", "lost",
		"broken", "both", "ids twice", "statuses lost", "archives lost", "restarts")
	for _, luxid := range []string{"goluxid", "haskell"} {
		data, err := os.ReadFile(filepath.Join(os.Getenv(powerCutFiguresEnv), luxid+".json"))
		if err != nil {
			continue // left out or failed
		}
		var f powerCutFigures
		require.NoError(t, json.Unmarshal(data, &f))
		fmt.Fprintf(&b, "%-8s %5d %6d %5d %7d %5d %10d %15s %15s %8d\n", f.Luxid, f.Cuts, f.Acks, f.LostJobs,
			f.BrokenFiles, f.BothPlaces, f.DuplicateIDs, fmt.Sprintf("%d/%d", f.LostStatuses, f.ShownStatuses),
			fmt.Sprintf("%d/%d", f.LostArchiveMoves, f.ArchiveAcks), f.FailedRestarts)
	}
	t.Logf("power cuts (broken: job files that do not parse; both: jobs live and archived after a restart; "+
		"restarts: failed ones):\n%s", b.String())
}

// powerCutSelected reports whether the loop runs against luxid.
func powerCutSelected(luxid string) bool {
	names := os.Getenv(powerCutLuxidsEnv)
	return names == "" || slices.Contains(strings.Split(names, ","), luxid)
}

// powerCutNode is a sandbox whose data directory is a crash-simulating
// file system.
type powerCutNode struct {
	sb *sandbox.Sandbox
	fs *crashfs.FS
}

// newPowerCutNode lays out a sandbox for luxid, moves its data directory
// onto a tmpfs bound over it, and serves that through crashfs. t runs in
// a private mount namespace; the mounts go with t.
func newPowerCutNode(t *testing.T, luxid []string) *powerCutNode {
	crashfs.RequireFuse(t)
	backing := crashfs.Tmpfs(t)
	sb, err := sandbox.New(sandbox.Options{Luxid: luxid})
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, sb.Close()) })
	data := sb.Layout().DataDir
	out, err := exec.Command("cp", "-a", data+"/.", backing+"/").CombinedOutput()
	require.NoError(t, err, "copying the data directory onto the tmpfs: %s", out)
	require.NoError(t, unix.Mount(backing, data, "", unix.MS_BIND, ""))
	t.Cleanup(func() { assert.NoError(t, unix.Unmount(data, 0)) })
	f, err := crashfs.Mount(data)
	require.NoError(t, err)
	t.Cleanup(func() {
		assert.NoError(t, sb.Stop())
		assert.NoError(t, f.Close())
	})
	return &powerCutNode{sb: sb, fs: f}
}

// cut kills every process of the node at once, cuts the power and
// returns what survived in the queue.
func (n *powerCutNode) cut() (*queueFiles, error) {
	if err := n.sb.Kill(); err != nil {
		return nil, err
	}
	if _, err := n.fs.Cut(); err != nil {
		return nil, err
	}
	return readQueueFiles(n.sb.Layout())
}

// boot serves the data directory again, empties the run directory and
// starts the daemons.
func (n *powerCutNode) boot() error {
	if err := n.fs.Remount(); err != nil {
		return err
	}
	if err := n.sb.EmptyRunDirs(); err != nil {
		return err
	}
	return n.start()
}

// start starts WConfd and the luxid.
func (n *powerCutNode) start() error {
	ctx, cancel := context.WithTimeout(context.Background(), restartTimeout)
	defer cancel()
	return n.sb.Start(ctx)
}

// runPowerCuts runs rounds of load and power cuts against luxid. A
// failed restart ends the loop; it is counted.
func runPowerCuts(t *testing.T, luxid []string, rounds int) *powerCutTally {
	node := newPowerCutNode(t, luxid)
	l := node.sb.Layout()
	tally := newPowerCutTally()
	started := time.Now()
	booted := node.start()
	for round := range rounds {
		if booted != nil {
			tally.failedRestart(round, booted)
			break
		}
		load := newPowerCutLoad(l.LuxiSocket)
		if err := load.probeSerial(); err != nil {
			tally.failedRestart(round, err)
			break
		}
		load.drive(time.Duration(300+rand.IntN(2200)) * time.Millisecond)
		files, err := node.cut()
		require.NoError(t, err, "round %d: the cut", round)
		require.True(t, load.wait(), "round %d: clients still running after the cut", round)
		tally.cuts++
		tally.record(round, load)
		tally.check(round, files)
		if booted = node.boot(); booted == nil {
			files, err := readQueueFiles(l)
			require.NoError(t, err, "round %d: reading the queue after the restart", round)
			tally.checkRestarted(round, files)
		}
	}
	tally.elapsed = time.Since(started)
	return tally
}

// powerCutLoad is the mixed load of one round: the crash loop's
// submissions, cancels and priority changes, and batches, archiving,
// drain flag and filter changes, and queries of the statuses.
type powerCutLoad struct {
	*crashLoad
	// first is the id of the probe submission made at the start.
	first uint64
	// quiet is set when the clients that change the queue stop.
	quiet atomic.Bool

	mu       sync.Mutex // guards the fields below
	shown    map[uint64]jqueue.Status
	archived map[uint64]bool
	filters  []string

	wg sync.WaitGroup
}

func newPowerCutLoad(socket string) *powerCutLoad {
	return &powerCutLoad{
		crashLoad: &crashLoad{socket: socket},
		shown:     map[uint64]jqueue.Status{},
		archived:  map[uint64]bool{},
	}
}

// probeSerial submits one job to the (maybe drained) queue: its id tells
// whether the serial survived the cut.
func (l *powerCutLoad) probeSerial() error {
	ctx, cancel := context.WithTimeout(context.Background(), restartTimeout)
	defer cancel()
	c, err := luxi.DialContext(ctx, l.socket)
	if err != nil {
		return err
	}
	defer c.Close()
	res, err := c.Call(ctx, "SubmitJobToDrainedQueue", crashLoopJob(0.1))
	if err != nil {
		return fmt.Errorf("the first submission after the restart: %w", err)
	}
	l.first, err = strconv.ParseUint(string(res), 10, 64)
	if err != nil {
		return fmt.Errorf("the first submission after the restart answered %s", res)
	}
	l.ack(l.first)
	return nil
}

// drive starts every client and returns after d; the clients run until
// the daemon is gone. In every other round, on average, the clients that
// change the queue fall quiet at a random moment, while the others keep
// asking for statuses: the luxid then writes nothing more, and the
// statuses the job processes write are all the queue sees.
func (l *powerCutLoad) drive(d time.Duration) {
	writers := []func(*luxi.Client) error{
		l.submit, l.submit, l.submitMany, l.cancel, l.reprioritize,
		l.archiveOne, l.autoArchive, l.toggleDrain, l.changeFilters,
	}
	for _, action := range writers {
		l.wg.Go(func() { l.runRedialing(l.unlessQuiet(action)) })
	}
	for _, action := range []func(*luxi.Client) error{l.queryStatuses, l.waitForChange} {
		l.wg.Go(func() { l.runRedialing(action) })
	}
	loud := d
	if rand.IntN(2) == 0 {
		loud = time.Duration(rand.Int64N(int64(d)))
	}
	time.Sleep(loud)
	l.quiet.Store(true)
	time.Sleep(d - loud)
}

// errIdle ends the connection of a client with nothing to do: it then
// connects again, which fails once the daemon is gone.
var errIdle = errors.New("nothing to do")

// unlessQuiet runs action until the load falls quiet.
func (l *powerCutLoad) unlessQuiet(action func(*luxi.Client) error) func(*luxi.Client) error {
	return func(c *luxi.Client) error {
		if l.quiet.Load() {
			time.Sleep(50 * time.Millisecond)
			return errIdle
		}
		return action(c)
	}
}

// wait waits for the clients to notice the daemon is gone; false if they
// do not within a minute.
func (l *powerCutLoad) wait() bool {
	done := make(chan struct{})
	go func() { l.wg.Wait(); close(done) }()
	select {
	case <-done:
		return true
	case <-time.After(time.Minute):
		return false
	}
}

// runRedialing runs action over a connection, and over a new one after a
// failure, until the daemon no longer accepts connections.
func (l *powerCutLoad) runRedialing(action func(*luxi.Client) error) {
	for {
		c, err := luxi.Dial(l.socket)
		if err != nil {
			return
		}
		for action(c) == nil {
			time.Sleep(time.Duration(10+rand.IntN(90)) * time.Millisecond)
		}
		c.Close()
	}
}

// submitMany submits a batch of two to five jobs.
func (l *powerCutLoad) submitMany(c *luxi.Client) error {
	jobs := make([]json.RawMessage, 2+rand.IntN(4))
	for i := range jobs {
		jobs[i] = crashLoopOps(0.05 + rand.Float64()/4)
	}
	res, err := c.Call(context.Background(), "SubmitManyJobs", []any{jobs})
	if err != nil {
		return transportOnly(err)
	}
	var results [][2]json.RawMessage
	if err := json.Unmarshal(res, &results); err != nil {
		return err
	}
	for _, r := range results {
		if string(r[0]) != "true" {
			continue
		}
		id, err := parseJobID(r[1])
		if err != nil {
			return err
		}
		l.ack(id)
	}
	return nil
}

// parseJobID reads a job id, a number or its decimal text.
func parseJobID(raw json.RawMessage) (uint64, error) {
	var text string
	if json.Unmarshal(raw, &text) == nil {
		raw = json.RawMessage(text)
	}
	return strconv.ParseUint(string(raw), 10, 64)
}

// archiveOne archives a job, one shown finished if there is one, and
// remembers it when ArchiveJob says it did.
func (l *powerCutLoad) archiveOne(c *luxi.Client) error {
	id := l.finished()
	res, err := c.Call(context.Background(), "ArchiveJob", []any{id})
	if err != nil {
		return transportOnly(err)
	}
	if string(res) == "true" {
		l.mu.Lock()
		l.archived[id] = true
		l.mu.Unlock()
	}
	return nil
}

// finished returns a job shown finished and not archived yet, else any
// acknowledged job.
func (l *powerCutLoad) finished() uint64 {
	l.mu.Lock()
	for id, st := range l.shown {
		if st.Finalized() && !l.archived[id] {
			l.mu.Unlock()
			return id
		}
	}
	l.mu.Unlock()
	return l.some()
}

// autoArchive archives every finished job, for at most a second.
func (l *powerCutLoad) autoArchive(c *luxi.Client) error {
	time.Sleep(time.Duration(rand.IntN(500)) * time.Millisecond)
	_, err := c.Call(context.Background(), "AutoArchiveJobs", []any{0, 1})
	return transportOnly(err)
}

// toggleDrain drains the queue for a short while now and then. It clears
// only a flag it set: the Haskell luxid's handler fails on a missing
// drain file and never answers.
func (l *powerCutLoad) toggleDrain(c *luxi.Client) error {
	time.Sleep(time.Duration(300+rand.IntN(500)) * time.Millisecond)
	if _, err := c.Call(context.Background(), "SetDrainFlag", []any{true}); err != nil {
		return transportOnly(err)
	}
	time.Sleep(time.Duration(50+rand.IntN(100)) * time.Millisecond)
	_, err := c.Call(context.Background(), "SetDrainFlag", []any{false})
	return transportOnly(err)
}

// filterActions are the actions of the filter rules the load adds. No
// rule matches a job of the load: their reason trails never say "power
// cut".
var filterActions = []string{"ACCEPT", "CONTINUE", "PAUSE", "REJECT"}

// changeFilters adds a filter rule through WConfd, or deletes one it
// added once there are three.
func (l *powerCutLoad) changeFilters(c *luxi.Client) error {
	time.Sleep(time.Duration(rand.IntN(300)) * time.Millisecond)
	l.mu.Lock()
	var uuid string
	if len(l.filters) >= 3 {
		uuid, l.filters = l.filters[0], l.filters[1:]
	}
	l.mu.Unlock()
	if uuid != "" {
		_, err := c.Call(context.Background(), "DeleteFilter", []any{uuid})
		return transportOnly(err)
	}
	predicates := []any{[]any{"reason", []any{"=", "reason", "power cut"}}}
	res, err := c.Call(context.Background(), "ReplaceFilter",
		[]any{nil, rand.IntN(100), predicates, filterActions[rand.IntN(len(filterActions))], []any{}})
	if err != nil {
		return transportOnly(err)
	}
	if json.Unmarshal(res, &uuid) == nil {
		l.mu.Lock()
		l.filters = append(l.filters, uuid)
		l.mu.Unlock()
	}
	return nil
}

// recentJobs are how many of the latest acknowledged jobs the status
// queries ask for.
const recentJobs = 30

// recent returns up to recentJobs of the latest acknowledged ids.
func (l *powerCutLoad) recent() []uint64 {
	l.crashLoad.mu.Lock()
	defer l.crashLoad.mu.Unlock()
	return slices.Clone(l.acked[max(0, len(l.acked)-recentJobs):])
}

// queryStatuses asks for the statuses of the latest jobs and records
// what it was shown.
func (l *powerCutLoad) queryStatuses(c *luxi.Client) error {
	ids := l.recent()
	res, err := c.Call(context.Background(), "QueryJobs", []any{ids, []string{"id", "status"}})
	if err != nil {
		return transportOnly(err)
	}
	var rows []*[2]json.RawMessage
	if err := json.Unmarshal(res, &rows); err != nil {
		return err
	}
	for _, row := range rows {
		if row == nil {
			continue // not found
		}
		id, err := parseJobID(row[0])
		if err != nil {
			return err
		}
		l.showRaw(id, row[1])
	}
	return nil
}

// waitForChange waits up to a second for a change of an unfinished
// job's status and records what it was shown.
func (l *powerCutLoad) waitForChange(c *luxi.Client) error {
	id, prev, ok := l.unfinished()
	if !ok {
		time.Sleep(50 * time.Millisecond)
		return errIdle
	}
	res, err := c.Call(context.Background(), "WaitForJobChange", []any{id, []string{"status"}, prev, nil, 1})
	if err != nil {
		return transportOnly(err)
	}
	var change []json.RawMessage
	if json.Unmarshal(res, &change) != nil || len(change) == 0 {
		return nil // "nochange"
	}
	var fields []json.RawMessage
	if err := json.Unmarshal(change[0], &fields); err != nil || len(fields) != 1 {
		return fmt.Errorf("WaitForJobChange answered %s", res)
	}
	l.showRaw(id, fields[0])
	return nil
}

// unfinished picks one of the latest jobs whose shown status is not
// final, with its shown status as WaitForJobChange's previous values.
func (l *powerCutLoad) unfinished() (uint64, any, bool) {
	ids := l.recent()
	rand.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, id := range ids {
		st, shown := l.shown[id]
		switch {
		case !shown:
			return id, nil, true
		case !st.Finalized():
			return id, []string{st.String()}, true
		}
	}
	return 0, nil, false
}

// showRaw records that a client was shown status raw of job id.
func (l *powerCutLoad) showRaw(id uint64, raw json.RawMessage) {
	var name string
	if json.Unmarshal(raw, &name) != nil {
		return // null: the job is not known
	}
	st, err := jqueue.ParseStatus(name)
	if err != nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if prev, ok := l.shown[id]; !ok || st > prev {
		l.shown[id] = st
	}
}

// queueFiles is what a cut left of the queue: every job file's status,
// live and archived, and the job files that do not parse.
type queueFiles struct {
	live, archived map[uint64]jqueue.Status
	broken         map[string]uint64 // path to the id its name gives
}

// readQueueFiles reads every job file below the queue directory.
func readQueueFiles(l *paths.Layout) (*queueFiles, error) {
	q := &queueFiles{live: map[uint64]jqueue.Status{}, archived: map[uint64]jqueue.Status{}, broken: map[string]uint64{}}
	if err := q.readDir(l.QueueDir, q.live); err != nil {
		return nil, err
	}
	buckets, err := os.ReadDir(l.ArchiveDir)
	if err != nil {
		return nil, err
	}
	for _, b := range buckets {
		if err := q.readDir(filepath.Join(l.ArchiveDir, b.Name()), q.archived); err != nil {
			return nil, err
		}
	}
	return q, nil
}

// readDir parses the job files in dir into statuses.
func (q *queueFiles) readDir(dir string, statuses map[uint64]jqueue.Status) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		id, ok := jqueue.ParseJobFileName(e.Name())
		if !ok {
			continue
		}
		path := filepath.Join(dir, e.Name())
		data, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			// Gone since the listing: after a restart, the luxid's job
			// processes replace and archive files meanwhile.
			continue
		}
		if err != nil {
			return err
		}
		job, err := jqueue.ParseJob(data)
		if err != nil || job.ID != id {
			q.broken[path] = id
			continue
		}
		statuses[id] = job.Status()
	}
	return nil
}

// status is the job's status in its file, live or archived, the later
// if it has both.
func (q *queueFiles) status(id uint64) (jqueue.Status, bool) {
	live, inLive := q.live[id]
	archived, inArchive := q.archived[id]
	return max(live, archived), inLive || inArchive
}

// trackedJob is what clients were told of one acknowledged job that
// every cut so far has kept.
type trackedJob struct {
	shown         jqueue.Status
	everShown     bool
	archiveAcked  bool
	acknowledgeAt int // the round
}

// powerCutTally counts the cuts and what they lost, for one luxid.
type powerCutTally struct {
	cuts, acks, shownStatuses, archiveAcks       int
	lostJobs, brokenFiles, bothPlaces            int
	lostArchiveMoves, lostStatuses, duplicateIDs int
	serialRegressions, failedRestarts            int
	// halfMoves counts archive moves a cut left under both names, which
	// the restarted luxid must settle: not a loss by itself.
	halfMoves int
	elapsed   time.Duration

	// findings describes the first losses of each kind.
	findings []string
	perKind  map[string]int

	tracked map[uint64]*trackedJob
	ever    map[uint64]bool // every id ever acknowledged
	broken  map[string]bool // broken job files already counted
	both    map[uint64]bool // jobs both live and archived already counted
	highest uint64          // the highest id acknowledged
}

func newPowerCutTally() *powerCutTally {
	return &powerCutTally{
		perKind: map[string]int{},
		tracked: map[uint64]*trackedJob{},
		ever:    map[uint64]bool{},
		broken:  map[string]bool{},
		both:    map[uint64]bool{},
	}
}

// findingsPerKind is how many findings of one kind are described.
const findingsPerKind = 5

// note describes a finding, the first few of each kind.
func (t *powerCutTally) note(kind, format string, args ...any) {
	t.perKind[kind]++
	if t.perKind[kind] <= findingsPerKind {
		t.findings = append(t.findings, kind+": "+fmt.Sprintf(format, args...))
	}
}

// losses sums every kind of loss and failure.
func (t *powerCutTally) losses() int {
	return t.lostJobs + t.brokenFiles + t.bothPlaces + t.lostArchiveMoves + t.lostStatuses +
		t.duplicateIDs + t.serialRegressions + t.failedRestarts
}

func (t *powerCutTally) failedRestart(round int, err error) {
	t.failedRestarts++
	t.note("failed restart", "after cut %d: %v", round, err)
}

// record takes in what the round's clients were told.
func (t *powerCutTally) record(round int, l *powerCutLoad) {
	if l.first != 0 && l.first <= t.highest {
		t.serialRegressions++
		t.note("serial went back", "after cut %d the first new job got id %d, %d was acknowledged before", round-1, l.first, t.highest)
	}
	for _, id := range l.acked {
		t.acks++
		if t.ever[id] {
			t.duplicateIDs++
			t.note("id given twice", "round %d: job id %d", round, id)
		}
		t.ever[id] = true
		t.highest = max(t.highest, id)
		t.tracked[id] = &trackedJob{acknowledgeAt: round}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for id, st := range l.shown {
		if tj := t.tracked[id]; tj != nil && (!tj.everShown || st > tj.shown) {
			tj.shown, tj.everShown = st, true
			t.shownStatuses++
		}
	}
	for id := range l.archived {
		if tj := t.tracked[id]; tj != nil {
			tj.archiveAcked = true
			t.archiveAcks++
		}
	}
}

// check compares what the cut left with what clients were told.
func (t *powerCutTally) check(round int, files *queueFiles) {
	for path, id := range files.broken {
		if !t.broken[path] {
			t.broken[path] = true
			t.brokenFiles++
			t.note("broken file", "cut %d: %s (job %d)", round, path, id)
		}
	}
	for id, tj := range t.tracked {
		st, found := files.status(id)
		if !found {
			t.lostJobs++
			t.note("lost job", "cut %d: job %d, acknowledged in round %d, has no whole file", round, id, tj.acknowledgeAt)
			delete(t.tracked, id)
			continue
		}
		_, inLive := files.live[id]
		_, inArchive := files.archived[id]
		if inLive && inArchive {
			t.halfMoves++
		}
		if tj.archiveAcked && !inArchive {
			t.lostArchiveMoves++
			t.note("lost archive move", "cut %d: job %d is live again", round, id)
			tj.archiveAcked = false
		}
		if tj.everShown && (st < tj.shown || (tj.shown.Finalized() && st != tj.shown)) {
			t.lostStatuses++
			t.note("lost status", "cut %d: job %d was shown %s, its file says %s", round, id, tj.shown, st)
			tj.shown = st
		}
	}
}

// checkRestarted counts the jobs both live and archived once the luxid
// is up again. A cut between the two directory syncs of an archive move
// leaves both names; the restarted luxid must have settled it.
func (t *powerCutTally) checkRestarted(round int, files *queueFiles) {
	for id := range files.live {
		if _, archived := files.archived[id]; archived && !t.both[id] {
			t.both[id] = true
			t.bothPlaces++
			t.note("live and archived", "after the restart that followed cut %d: job %d", round, id)
		}
	}
}

func (t *powerCutTally) String() string {
	return fmt.Sprintf("%d cuts in %s, %d jobs acknowledged, %d lost, %d broken job files, %d jobs both live and archived, "+
		"%d ids given twice, %d restarts with a serial that went back, %d of %d shown statuses lost, "+
		"%d of %d acknowledged archive moves lost, %d failed restarts (%d archive moves cut halfway)",
		t.cuts, t.elapsed.Round(time.Second), t.acks, t.lostJobs, t.brokenFiles, t.bothPlaces,
		t.duplicateIDs, t.serialRegressions, t.lostStatuses, t.shownStatuses,
		t.lostArchiveMoves, t.archiveAcks, t.failedRestarts, t.halfMoves)
}
