package compat_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/goluxid/goluxid/ganeti/paths"
	"github.com/goluxid/goluxid/internal/testkit/sandbox"
	"github.com/goluxid/goluxid/jqueue"
	"github.com/goluxid/goluxid/jqueue/replica"
)

// compareClusterSteps runs the steps built for a cluster on its master:
// with goluxid in its default start mode (and on the release
// otherStartModeOn names also with --cold-start) and with the Haskell
// luxid, each on a fresh cluster, and compares the results step by step
// as compareJobSteps does.
func compareClusterSteps(t *testing.T, opts sandbox.ClusterOptions, build func(c *sandbox.Cluster) []jobStep) {
	t.Helper()
	sandbox.RequireForTest(t)
	run := func(luxid string, argv []string) ([]jobStep, []*result) {
		opts.Luxid = argv
		start := time.Now()
		c, err := sandbox.CreateCluster(context.Background(), opts)
		if err != nil {
			t.Fatalf("start cluster with %s: %v", luxid, err)
		}
		t.Logf("%s cluster %s started in %s", luxid, c.Dir(), time.Since(start).Round(time.Millisecond))
		defer func() {
			if err := c.Close(); err != nil {
				t.Errorf("close %s cluster: %v", luxid, err)
			}
			t.Logf("%s cluster steps took %s", luxid, time.Since(start).Round(time.Millisecond))
		}()
		steps := build(c)
		for _, s := range steps {
			if (s.only != "" || s.differs) && s.check == nil {
				t.Fatalf("step %s is not compared between the luxids and has no check", s.name)
			}
		}
		return steps, runStepsOn(t, luxid, c.Master(), steps)
	}
	steps, goResults := run(goKind, sandbox.GoLuxid(goluxidBinary(t)))
	var coldResults []*result
	if sandbox.Ganeti.Dir == otherStartModeOn {
		_, coldResults = run(goKind, append(sandbox.GoLuxid(goluxidBinary(t)), "--cold-start"))
	}
	_, hsResults := run(haskellKind, sandbox.HaskellLuxid())
	compareStepResults(t, steps, goResults, hsResults)
	if coldResults != nil {
		t.Run("cold-start", func(t *testing.T) {
			compareStepResults(t, steps, coldResults, hsResults)
		})
	}
}

// queueFiles reads a node's job queue directory (and its watcher pause
// file, kept beside it) into file name -> content, names relative to the
// queue directory. The lock file, which luxid and noded hold, and temporary
// files are left out.
func queueFiles(l *paths.Layout) (map[string]string, error) {
	files := map[string]string{}
	err := filepath.WalkDir(l.QueueDir, func(path string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) { // renamed away while listed
			return nil
		}
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(l.QueueDir, path)
		if rel == "lock" || strings.HasSuffix(rel, ".tmp") || strings.HasSuffix(rel, ".new") {
			return nil
		}
		data, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		files[rel] = string(data)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read queue of %s: %w", l.Root, err)
	}
	if data, err := os.ReadFile(l.WatcherPause); err == nil {
		files["../watcher.pause"] = string(data)
	}
	return files, nil
}

// queueDiff lists how want (the master's queue) and got (another node's)
// differ, one line per file.
func queueDiff(want, got map[string]string) []string {
	var diffs []string
	for name, data := range want {
		other, ok := got[name]
		switch {
		case !ok:
			diffs = append(diffs, name+": missing")
		case other != data:
			diffs = append(diffs, name+": "+describeDifference(data, other))
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			diffs = append(diffs, name+": not on the master")
		}
	}
	slices.Sort(diffs)
	return diffs
}

// describeDifference says how a job file (or the serial) on a node differs
// from the master's: by job status when both are jobs.
func describeDifference(master, other string) string {
	ms, ns := jobFileStatus(master), jobFileStatus(other)
	if ms != "" && ns != "" && ms != ns {
		return fmt.Sprintf("status %s, master has %s", ns, ms)
	}
	if ms == "" {
		return fmt.Sprintf("%q, master has %q", other, master)
	}
	return "content differs"
}

// jobFileStatus is the status of the job in a job file, computed from its
// opcodes as Ganeti does; "" if data is no job.
func jobFileStatus(data string) string {
	job, err := jqueue.ParseJob([]byte(data))
	if err != nil || job.Ops == nil {
		return ""
	}
	return job.Status().String()
}

// queueSummary describes a queue: every file with its job status, the
// serial's and the pause file's content, the presence of the others.
func queueSummary(files map[string]string) string {
	var lines []string
	for _, name := range slices.Sorted(maps.Keys(files)) {
		data := files[name]
		switch {
		case name == "serial" || name == "version":
			lines = append(lines, fmt.Sprintf("%s %q", name, data))
		case name == "../watcher.pause":
			lines = append(lines, name)
		case jobFileStatus(data) != "":
			lines = append(lines, name+" "+jobFileStatus(data))
		default:
			lines = append(lines, fmt.Sprintf("%s (%d bytes)", name, len(data)))
		}
	}
	return strings.Join(lines, "\n") + "\n"
}

// settleTime is how long a queue comparison waits for the nodes to agree:
// a job process writes its file before it replicates it, so a job can be
// finished on the master a moment before the candidate has its last write.
const settleTime = 5 * time.Second

// compareQueuesStep compares the queue of every other node with the
// master's. Its result lists the master's queue, then per node the files
// that differ. Differences are looked at again until they vanish or
// settleTime passes.
func compareQueuesStep(c *sandbox.Cluster, name string) jobStep {
	return jobStep{name: name, goFn: func(context.Context, *testing.T, string, *sandbox.Sandbox) result {
		deadline := time.Now().Add(settleTime)
		for {
			out, same, err := compareQueues(c)
			if err != nil {
				return result{stderr: err.Error(), exitCode: 1}
			}
			if same || time.Now().After(deadline) {
				return result{stdout: out}
			}
			time.Sleep(50 * time.Millisecond)
		}
	}}
}

// compareQueues describes the master's queue and how the other nodes'
// differ from it; same is true if none does.
func compareQueues(c *sandbox.Cluster) (out string, same bool, err error) {
	master, err := queueFiles(c.Master().Layout())
	if err != nil {
		return "", false, err
	}
	out = "master:\n" + queueSummary(master)
	same = true
	for _, n := range c.Nodes()[1:] {
		files, err := queueFiles(n.Layout())
		if err != nil {
			return "", false, err
		}
		if diffs := queueDiff(master, files); len(diffs) == 0 {
			out += n.Hostname() + ": same as the master\n"
		} else {
			same = false
			out += n.Hostname() + " differs:\n  " + strings.Join(diffs, "\n  ") + "\n"
		}
	}
	return out, same, nil
}

// outageScript makes LUXI calls that write the queue (so the real luxid
// replicates them) and prints each call's answer and duration.
const outageScript = `
import time
from ganeti import luxi, opcodes
cl = luxi.Client()
def op(d, **kw):
    return opcodes.OpTestDelay(duration=d, on_master=False, **kw)
def timed(name, fn):
    start = time.time()
    try:
        res = fn()
    except Exception as err:
        res = "%s: %s" % (type(err).__name__, err)
    print("%s -> %s [%.1f ms]" % (name, res, (time.time() - start) * 1000))
timed("SubmitJob", lambda: cl.SubmitJob([op(1)]))
timed("SubmitJob depending", lambda: cl.SubmitJob([op(0.1, depends=[[6, []]])]))
timed("QueryJobs", lambda: cl.QueryJobs([6, 7], ["id"]))
timed("CancelJob", lambda: cl.CancelJob(7))
timed("SetQueueDrainFlag on", lambda: cl.SetQueueDrainFlag(True))
timed("SetQueueDrainFlag off", lambda: cl.SetQueueDrainFlag(False))
timed("SetWatcherPause", lambda: cl.SetWatcherPause(None))
timed("ArchiveJob", lambda: cl.ArchiveJob(5))
`

// hangScript changes the drain flag, which both luxids replicate to the
// candidates before they answer, and prints each call's answer and
// duration.
const hangScript = `
import time
from ganeti import luxi
cl = luxi.Client()
for flag in (True, False):
    start = time.time()
    res = cl.SetQueueDrainFlag(flag)
    print("SetQueueDrainFlag %s -> %s [%.1f ms]" % (flag, res, (time.time() - start) * 1000))
`

// hangCallBound is the longest a LUXI call that replicates may take while
// a candidate's noded hangs: the 5-second connect timeout (TLS handshake
// included) of both luxids' RPC clients, and a margin.
const hangCallBound = 8 * time.Second

// outageCallBound is the longest a LUXI call may take while a candidate's
// noded is down (connections to it are refused at once): well below the
// 5-second connect timeout, which a refused connection never waits for.
const outageCallBound = 3 * time.Second

var durationRE = regexp.MustCompile(` \[([0-9.]+) ms\]`)

// callDurations checks and removes the durations a script printed: each
// below bound. It logs them.
func callDurations(bound time.Duration, situation string) normalization {
	return normalization{
		name: "call-durations",
		apply: func(t *testing.T, luxid string, r *result) {
			t.Helper()
			var seen []string
			for _, m := range durationRE.FindAllStringSubmatch(r.stdout, -1) {
				ms, err := strconv.ParseFloat(m[1], 64)
				if assert.NoError(t, err) {
					assert.Less(t, ms, float64(bound.Milliseconds()), "%s: a LUXI call took %s ms", luxid, m[1])
				}
				seen = append(seen, m[1])
			}
			t.Logf("%s: LUXI call durations (ms) with %s: %s", luxid, situation, strings.Join(seen, ", "))
			r.stdout = durationRE.ReplaceAllString(r.stdout, " [<ms>]")
		},
	}
}

// masterIPStep shows the calls of the master's master IP setup script,
// which noded runs for node_activate_master_ip: both luxids send it once
// at start, in the background.
func masterIPStep(c *sandbox.Cluster) jobStep {
	return jobStep{name: "master-ip-activated", goFn: func(context.Context, *testing.T, string, *sandbox.Sandbox) result {
		deadline := time.Now().Add(10 * time.Second)
		for {
			data, err := os.ReadFile(c.Master().MasterIPLog())
			if err == nil || time.Now().After(deadline) {
				return result{stdout: string(data)}
			}
			time.Sleep(20 * time.Millisecond)
		}
	}, check: wantResult("start 127.0.0.2 lo\n", "", 0)}
}

// signalStep sends sig to the candidate's noded.
func signalStep(c *sandbox.Cluster, name string, sig syscall.Signal) jobStep {
	return jobStep{name: name, goFn: func(context.Context, *testing.T, string, *sandbox.Sandbox) result {
		if err := c.Nodes()[1].SignalNoded(sig); err != nil {
			return result{stderr: err.Error(), exitCode: 1}
		}
		return result{stdout: sig.String() + "\n"}
	}}
}

// nodedStep stops or starts the candidate's noded.
func nodedStep(c *sandbox.Cluster, name string, up bool) jobStep {
	return jobStep{name: name, goFn: func(ctx context.Context, t *testing.T, _ string, _ *sandbox.Sandbox) result {
		node := c.Nodes()[1]
		var err error
		if up {
			err = node.StartNoded(ctx)
		} else {
			err = node.StopNoded()
		}
		if err != nil {
			return result{stderr: err.Error(), exitCode: 1}
		}
		return result{stdout: fmt.Sprintf("noded on %s up: %v\n", node.Hostname(), up)}
	}}
}

// withBefore returns step with before run ahead of it.
func withBefore(step jobStep, before func(*testing.T, string, *sandbox.Sandbox)) jobStep {
	step.before = before
	return step
}

// resyncWindow is how long the candidate may take to catch up after its
// noded returned: goluxid's longest back-off and a resync.
const resyncWindow = replica.MaxBackoff + 5*time.Second

// returnStep waits until the returned candidate's queue equals the
// master's, for at most resyncWindow, and tells how long that took. Under
// the Haskell luxid the candidate must still show each of haskellStale.
func returnStep(c *sandbox.Cluster, name string, haskellStale ...string) jobStep {
	return jobStep{name: name, differs: true,
		goFn: func(context.Context, *testing.T, string, *sandbox.Sandbox) result {
			start := time.Now()
			for {
				out, _, err := compareQueues(c)
				if err != nil {
					return result{stderr: err.Error(), exitCode: 1}
				}
				candidateSame := strings.Contains(out, c.Nodes()[1].Hostname()+": same as the master")
				if candidateSame || time.Since(start) > resyncWindow {
					return result{stdout: out, stderr: fmt.Sprintf("after %s\n", time.Since(start).Round(time.Millisecond))}
				}
				time.Sleep(100 * time.Millisecond)
			}
		},
		check: perLuxid(
			func(t *testing.T, luxid string, r result) {
				assert.Contains(t, r.stdout, "node2.example.com: same as the master\n",
					"%s resynchronises the returned candidate", luxid)
				t.Logf("%s: the candidate's queue equals the master's %s its noded returned", luxid,
					strings.TrimSpace(r.stderr))
			},
			func(t *testing.T, luxid string, r result) {
				// The real luxid never resends what the candidate missed.
				for _, missed := range haskellStale {
					assert.Contains(t, r.stdout, missed, "%s: the candidate stays stale", luxid)
				}
			}),
	}
}

// candidateSame checks that the candidate's queue equals the master's.
func candidateSame(t *testing.T, luxid string, r result) {
	t.Helper()
	assert.Contains(t, r.stdout, "node2.example.com: same as the master\n", luxid)
}

// nonCandidateUntouched checks that nothing reached the node that is no
// master candidate: its queue has only its own serial and version.
func nonCandidateUntouched(t *testing.T, luxid string, r result) {
	t.Helper()
	_, node3, ok := strings.Cut(r.stdout, "node3.example.com differs:\n")
	if assert.True(t, ok, "%s: no node3 in %s", luxid, r.stdout) {
		assert.NotContains(t, node3, "not on the master", luxid)
		assert.Contains(t, node3, `serial: "0\n"`, luxid)
	}
}

// TestReplicationToCandidates runs a mixed scenario on a three-node
// cluster (two master candidates) and compares, at checkpoints, every
// node's job queue directory with the master's: the candidate must hold
// the same files with the same content, the third node nothing. Then the
// candidate's noded is stopped: LUXI calls must still answer at once; when
// it returns, goluxid brings its queue up to date, the Haskell luxid never
// does; the same when only a job process wrote during the outage.
func TestReplicationToCandidates(t *testing.T) {
	compareClusterSteps(t, sandbox.ClusterOptions{}, func(c *sandbox.Cluster) []jobStep {
		finished := "success,error,canceled"
		both := func(checks ...func(*testing.T, string, result)) func(*testing.T, string, result) {
			return func(t *testing.T, luxid string, r result) {
				for _, check := range checks {
					check(t, luxid, r)
				}
			}
		}
		afterArchive := compareQueuesStep(c, "queues-after-archive")
		// Documented difference: the Haskell luxid's archive moves reach no
		// candidate in a virtual cluster (noded refuses its plain paths).
		afterArchive.differs = true
		afterArchive.check = perLuxid(both(candidateSame, nonCandidateUntouched),
			both(nonCandidateUntouched, func(t *testing.T, luxid string, r result) {
				for _, id := range []string{"1", "2", "3", "4"} {
					assert.Contains(t, r.stdout, "archive/0/job-"+id+": missing", luxid)
					assert.Contains(t, r.stdout, "job-"+id+": not on the master", luxid)
				}
			}))
		drained := compareQueuesStep(c, "queues-drained-paused")
		drained.check = both(candidateSame, nonCandidateUntouched)
		return []jobStep{
			masterIPStep(c),
			{name: "delay-sync", cmd: []string{"gnt-debug", "delay", "0.1"}},
			{name: "submit-chain", py: `
from ganeti import luxi, opcodes
cl = luxi.Client()
def op(d, **kw):
    return opcodes.OpTestDelay(duration=d, on_master=False, **kw)
print(cl.SubmitManyJobs([[op(2)], [op(0.1, depends=[[-1, []]])]]))
`},
			{name: "cancel-queued", cmd: []string{"gnt-job", "cancel", "3"}},
			{name: "submit", cmd: []string{"gnt-debug", "delay", "--submit", "--no-master", "0.2"}},
			{name: "drain", cmd: []string{"gnt-cluster", "queue", "drain"}},
			{name: "drained-submit", cmd: []string{"gnt-debug", "delay", "--submit", "--no-master", "1"}},
			{name: "watcher-pause", cmd: []string{"gnt-cluster", "watcher", "pause", "1h"},
				norms: []normalization{pauseTime}},
			{name: "jobs-done", cmd: []string{"gnt-job", "list", "--no-headers", "-o", "id,status"},
				before: waitJobsBefore(time.Minute, finished, 1, 2, 3, 4)},
			drained,
			{name: "undrain", cmd: []string{"gnt-cluster", "queue", "undrain"}},
			{name: "watcher-continue", cmd: []string{"gnt-cluster", "watcher", "continue"}},
			{name: "archive", cmd: []string{"gnt-job", "archive", "1", "2"}},
			{name: "autoarchive", cmd: []string{"gnt-job", "autoarchive", "1s"},
				before: sleepStep(1500 * time.Millisecond)},
			{name: "submit-after", cmd: []string{"gnt-debug", "delay", "--submit", "--no-master", "0.1"}},
			{name: "jobs-after", cmd: []string{"gnt-job", "list", "--archived", "--no-headers", "-o", "id,status,archived"},
				before: waitJobsBefore(time.Minute, finished, 5)},
			afterArchive,
			// The candidate's noded hangs for a while.
			signalStep(c, "pause-candidate-noded", syscall.SIGSTOP),
			{name: "luxi-calls-candidate-hanging", py: hangScript,
				norms: []normalization{callDurations(hangCallBound, "the candidate's noded hanging")}},
			signalStep(c, "resume-candidate-noded", syscall.SIGCONT),
			// The candidate's noded goes away.
			nodedStep(c, "stop-candidate-noded", false),
			{name: "luxi-calls-candidate-down", py: outageScript,
				norms: []normalization{callDurations(outageCallBound, "the candidate's noded down")}},
			{name: "jobs-candidate-down", cmd: []string{"gnt-job", "list", "--archived", "--no-headers", "-o", "id,status,archived"},
				before: waitJobsBefore(time.Minute, finished, 6, 7)},
			nodedStep(c, "start-candidate-noded", true),
			returnStep(c, "queues-after-return", `serial: "5\n", master has "7\n"`, "job-6: missing", "job-7: missing"),
			// The candidate's noded goes away while only a job process
			// writes: its last write never reaches the candidate, and
			// goluxid, which wrote nothing meanwhile, finds the outage by
			// its probe.
			{name: "submit-long", cmd: []string{"gnt-debug", "delay", "--submit", "--no-master", "3"}},
			{name: "job-running", cmd: []string{"gnt-job", "list", "--no-headers", "-o", "id,status", "8"},
				before: waitJobsBefore(time.Minute, "running", 8)},
			withBefore(nodedStep(c, "stop-candidate-noded-again", false), sleepStep(time.Second)),
			{name: "job-done-candidate-down", cmd: []string{"gnt-job", "list", "--no-headers", "-o", "id,status", "8"},
				before: waitJobsBefore(time.Minute, finished, 8)},
			withBefore(nodedStep(c, "start-candidate-noded-again", true), sleepStep(replica.ProbeInterval+2*time.Second)),
			returnStep(c, "queues-after-job-outage", "job-8: status running, master has success"),
		}
	})
}
