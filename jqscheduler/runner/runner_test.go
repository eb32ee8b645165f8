package runner

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/ganeti/config"
	"github.com/goluxid/goluxid/ganeti/paths"
	"github.com/goluxid/goluxid/internal/inotify"
	"github.com/goluxid/goluxid/jobexec"
	"github.com/goluxid/goluxid/jqueue"
)

// fakeJobProcess speaks the job process handshake, holds a livelock, then
// acts on the job file according to the first opcode's "comment": "die"
// exits without finishing, "sleep:<s>" runs that long first, "linger:<s>"
// stays that long after finishing the job; otherwise the job succeeds at
// once. In the handshake, "mute" never sends anything, "flood" sends
// bytes without end and no terminator, "flood-messages" sends endless
// messages after its livelock path.
const fakeJobProcess = `
import fcntl, json, os, sys, time
jid = int(sys.argv[1])
queue, locks = os.environ["FAKE_QUEUE"], os.environ["FAKE_LOCKS"]
ll = os.path.join(locks, "job_%06d_1" % jid)
lf = open(ll, "w"); fcntl.lockf(lf, fcntl.LOCK_EX)
path = os.path.join(queue, "job-%d" % jid)
comment = json.load(open(path))["ops"][0]["input"].get("comment") or ""
def flood(data):
    try:
        while True: os.write(1, data)
    except BrokenPipeError:
        os._exit(4)
if comment == "mute": time.sleep(60)
if comment == "flood": flood(b"x" * 65536)
if comment == "flood-messages":
    os.write(1, ll.encode() + b"\x03"); flood(b"junk\x03" * 1000)
def recv():
    b = b""
    while not b.endswith(b"\x03"):
        c = os.read(0, 1)
        if not c: sys.exit(3)
        b += c
os.write(1, ll.encode() + b"\x03"); recv(); os.write(1, b"\x03"); recv()
os.close(0); os.close(1)
def rewrite(status):
    job = json.load(open(path))
    job["process_id"] = os.getpid()
    for op in job["ops"]: op["status"] = status
    tmp = path + ".new"
    json.dump(job, open(tmp, "w")); os.rename(tmp, path)
rewrite("running")
if comment == "die": os._exit(9)
if comment.startswith("sleep:"): time.sleep(float(comment[6:]))
rewrite("success")
os.remove(ll)
if comment.startswith("linger:"): time.sleep(float(comment[7:]))
`

type runnerEnv struct {
	layout *paths.Layout
	queue  *jqueue.Queue
	runner *Runner
}

// newRunnerEnv runs a Runner over a fresh node with the golden config
// (max_running_jobs from the caller) and the fake job process.
func newRunnerEnv(t *testing.T, maxRunning int) *runnerEnv {
	t.Helper()
	if _, err := os.Stat(jobexec.DefaultPython); err != nil {
		t.Skip("needs " + jobexec.DefaultPython)
	}
	l := paths.New(t.TempDir())
	for _, d := range []string{l.ArchiveDir, l.LivelockDir} {
		require.NoError(t, os.MkdirAll(d, 0o755))
	}
	cfg := map[string]any{}
	data, err := os.ReadFile("../../luxid/testdata/config.data")
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &cfg))
	cfg["cluster"].(map[string]any)["max_running_jobs"] = maxRunning
	cfg["filters"] = map[string]any{}
	data, err = json.Marshal(cfg)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(l.ConfigFile, data, 0o640))
	store := config.NewStore(l.ConfigFile)
	_, err = store.Reload()
	require.NoError(t, err)
	queue, err := jqueue.Open(l, nil)
	require.NoError(t, err)
	watcher, err := inotify.New()
	require.NoError(t, err)
	t.Cleanup(func() { watcher.Close() })
	script := filepath.Join(t.TempDir(), "exec.py")
	require.NoError(t, os.WriteFile(script, []byte(fakeJobProcess), 0o644))
	exec := &jobexec.Config{ExecScript: script, StepTimeout: 5 * time.Second,
		Env: append(os.Environ(), "FAKE_QUEUE="+l.QueueDir, "FAKE_LOCKS="+l.LivelockDir)}
	own := filepath.Join(l.LivelockDir, "luxi-daemon_1")
	r := New(Deps{Queue: queue, Config: store, Exec: exec, Watcher: watcher, OwnLivelock: own})
	t.Cleanup(r.Close)
	return &runnerEnv{layout: l, queue: queue, runner: r}
}

// submit writes a queued job with the given comment and dependencies and
// hands it to the runner.
func (e *runnerEnv) submit(t *testing.T, comment string, depends ...uint64) uint64 {
	t.Helper()
	ids, err := e.queue.AllocateIDs(1)
	require.NoError(t, err)
	deps := "null"
	if len(depends) > 0 {
		parts := make([]string, len(depends))
		for i, d := range depends {
			parts[i] = fmt.Sprintf("[%d,[]]", d)
		}
		deps = "[" + strings.Join(parts, ",") + "]"
	}
	input := fmt.Sprintf(`{"priority":0,"depends":%s,"comment":%q,"reason":[],"OP_ID":"OP_TEST_DELAY","duration":1}`, deps, comment)
	now := jqueue.TimestampOf(time.Now())
	job := &jqueue.Job{ID: ids[0], Received: &now, Ops: []*jqueue.OpCode{{
		Input: json.RawMessage(input), Status: jqueue.StatusQueued, Result: json.RawMessage("null"), Log: []json.RawMessage{},
	}}}
	require.NoError(t, e.queue.WriteJob(job))
	e.runner.Enqueue(job, nil)
	return ids[0]
}

// waitStatus waits until job id's file shows want.
func (e *runnerEnv) waitStatus(t *testing.T, id uint64, want jqueue.Status, within time.Duration) *jqueue.Job {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		job, err := e.queue.ReadJob(id)
		if err == nil && job.Status() == want {
			return job
		}
		require.True(t, time.Now().Before(deadline), "job %d never reached %s", id, want)
		time.Sleep(10 * time.Millisecond)
	}
}

func TestRunnerRunsJobsAndDependants(t *testing.T) {
	e := newRunnerEnv(t, 20)
	require.NoError(t, e.runner.Start())
	parent := e.submit(t, "sleep:0.3")
	child := e.submit(t, "", parent)
	job := e.waitStatus(t, child, jqueue.StatusSuccess, 10*time.Second)
	pj, err := e.queue.ReadJob(parent)
	require.NoError(t, err)
	assert.Equal(t, jqueue.StatusSuccess, pj.Status(), "the dependant ran after its parent")
	require.NotNil(t, job.Livelock)
	assert.Contains(t, *job.Livelock, fmt.Sprintf("job_%06d_1", child), "the process's livelock was recorded")
}

func TestRunnerReleasesDependantsBeforeTheProcessExits(t *testing.T) {
	e := newRunnerEnv(t, 20)
	require.NoError(t, e.runner.Start())
	parent := e.submit(t, "linger:4")
	child := e.submit(t, "", parent)
	start := time.Now()
	e.waitStatus(t, child, jqueue.StatusSuccess, 10*time.Second)
	assert.Less(t, time.Since(start), 3*time.Second, "the finished job file released the dependant, not the exit 4 s later")
}

func TestRunnerDetectsDeathAtOnce(t *testing.T) {
	e := newRunnerEnv(t, 20)
	require.NoError(t, e.runner.Start())
	id := e.submit(t, "die")
	job := e.waitStatus(t, id, jqueue.StatusError, 10*time.Second)
	assert.JSONEq(t, fmt.Sprintf(`"detected death of job %d"`, id), string(job.Ops[0].Result))
	assert.Contains(t, string(job.Ops[0].Input), jqueue.ReasonDeathDetection)
}

func TestRunnerRespectsMaxRunning(t *testing.T) {
	e := newRunnerEnv(t, 2)
	require.NoError(t, e.runner.Start())
	var ids []uint64
	for range 6 {
		ids = append(ids, e.submit(t, "sleep:0.2"))
	}
	var mu sync.Mutex
	most := 0
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-stop:
				return
			default:
			}
			e.runner.mu.Lock()
			n := len(e.runner.state.Running())
			e.runner.mu.Unlock()
			mu.Lock()
			most = max(most, n)
			mu.Unlock()
			time.Sleep(2 * time.Millisecond)
		}
	}()
	for _, id := range ids {
		e.waitStatus(t, id, jqueue.StatusSuccess, 20*time.Second)
	}
	close(stop)
	<-done
	assert.Equal(t, 2, most, "never more than max_running_jobs at once, and the slots were used")
}

func TestRunnerCancelQueuedAndPriority(t *testing.T) {
	e := newRunnerEnv(t, 1)
	require.NoError(t, e.runner.Start())
	holder := e.submit(t, "sleep:1")
	queued := e.submit(t, "")
	other := e.submit(t, "")
	ok, msg := e.runner.ChangePriority(other, -10)
	assert.True(t, ok)
	assert.Equal(t, fmt.Sprintf("Priorities of pending opcodes for job %d have been changed to -10", other), msg)
	ok, msg = e.runner.Cancel(context.Background(), queued, false)
	assert.True(t, ok)
	assert.Equal(t, fmt.Sprintf("Dequeued job %d", queued), msg)
	e.waitStatus(t, queued, jqueue.StatusCanceled, time.Second)
	ok, msg = e.runner.Cancel(context.Background(), 999, false)
	assert.False(t, ok)
	assert.Equal(t, "Job 999 not found in queue", msg)
	e.waitStatus(t, other, jqueue.StatusSuccess, 10*time.Second)
	e.waitStatus(t, holder, jqueue.StatusSuccess, 10*time.Second)
}

// A job running when the daemon stops is adopted by the next one, which
// notices its end at once and starts its dependant.
func TestRunnerAdoptsRunningJobs(t *testing.T) {
	e := newRunnerEnv(t, 20)
	require.NoError(t, e.runner.Start())
	parent := e.submit(t, "sleep:1")
	e.waitStatus(t, parent, jqueue.StatusRunning, 5*time.Second)
	e.runner.Close() // the process runs on
	// A dependant queued while no daemon ran.
	next := New(e.runner.deps)
	t.Cleanup(next.Close)
	e.runner = next
	child := e.submit(t, "", parent)
	require.NoError(t, next.Start())
	e.waitStatus(t, parent, jqueue.StatusSuccess, 10*time.Second)
	start := time.Now()
	e.waitStatus(t, child, jqueue.StatusSuccess, 10*time.Second)
	assert.Less(t, time.Since(start), 5*time.Second, "the dependant was started promptly after the adopted job ended")
}

// TestRunnerRequeuesJobWhoseProcessDiedInHandshake covers a daemon killed
// in the middle of a start-up handshake: the job file names the process's
// livelock but the job never started. Once that process is gone, the next
// daemon runs the job instead of declaring it dead.
func TestRunnerRequeuesJobWhoseProcessDiedInHandshake(t *testing.T) {
	e := newRunnerEnv(t, 20)
	ids, err := e.queue.AllocateIDs(1)
	require.NoError(t, err)
	id := ids[0]
	// A process holding a livelock, as a job process between sending its
	// livelock and getting its secrets.
	lock := filepath.Join(e.layout.LivelockDir, fmt.Sprintf("job_%06d_1", id))
	holder := exec.Command(jobexec.DefaultPython, "-c",
		"import fcntl, sys, time; f = open(sys.argv[1], 'w'); fcntl.lockf(f, fcntl.LOCK_EX); print('locked', flush=True); time.sleep(60)", lock)
	out, err := holder.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, holder.Start())
	t.Cleanup(func() { holder.Process.Kill(); holder.Wait() })
	line := make([]byte, 7)
	_, err = io.ReadFull(out, line)
	require.NoError(t, err)

	input := `{"priority":0,"depends":null,"comment":"","reason":[],"OP_ID":"OP_TEST_DELAY","duration":1}`
	now := jqueue.TimestampOf(time.Now())
	job := &jqueue.Job{ID: id, Received: &now, Livelock: &lock, Ops: []*jqueue.OpCode{{
		Input: json.RawMessage(input), Status: jqueue.StatusQueued, Result: json.RawMessage("null"), Log: []json.RawMessage{},
	}}}
	require.NoError(t, e.queue.WriteJob(job))
	require.NoError(t, e.runner.Start())
	<-e.runner.Ready()
	time.Sleep(200 * time.Millisecond)
	file, err := e.queue.ReadJob(id)
	require.NoError(t, err)
	require.Equal(t, jqueue.StatusQueued, file.Status(), "not started again while its process lives")

	require.NoError(t, holder.Process.Kill())
	holder.Wait()
	e.waitStatus(t, id, jqueue.StatusSuccess, 10*time.Second)
}

// Job processes that misbehave in their handshake (silent, flooding their
// pipe without a terminator, or flooding it with messages) and one that
// dies mid-job: each job is failed the way Ganeti's luxid fails it, within
// the step timeout, and the slots are free again for the next job.
func TestRunnerFailsMisbehavingJobProcesses(t *testing.T) {
	e := newRunnerEnv(t, 20)
	require.NoError(t, e.runner.Start())
	start := time.Now()
	ids := map[string]uint64{}
	for _, mode := range []string{"mute", "flood", "flood-messages", "die"} {
		ids[mode] = e.submit(t, mode)
	}
	failed := map[string]*jqueue.Job{}
	for mode, id := range ids {
		failed[mode] = e.waitStatus(t, id, jqueue.StatusError, 15*time.Second)
	}
	took := time.Since(start)
	assert.Less(t, took, 12*time.Second, "all within the 5 s step timeout and the kill escalation")
	for mode, job := range failed {
		var result string
		require.NoError(t, json.Unmarshal(job.Ops[0].Result, &result), mode)
		switch mode {
		case "mute", "flood":
			assert.True(t, strings.HasPrefix(result, fmt.Sprintf("job %d failed to start: ", ids[mode])), "%s: %s", mode, result)
			assert.Contains(t, string(job.Ops[0].Input), jqueue.ReasonStartJobs, mode)
		default: // the process started and then died
			assert.Equal(t, fmt.Sprintf("detected death of job %d", ids[mode]), result, mode)
			assert.Contains(t, string(job.Ops[0].Input), jqueue.ReasonDeathDetection, mode)
		}
	}
	assert.Contains(t, resultText(t, failed["flood"]), "message too large")
	assert.Contains(t, resultText(t, failed["mute"]), "waiting for the livelock path")
	e.waitStatus(t, e.submit(t, ""), jqueue.StatusSuccess, 10*time.Second)
}

func resultText(t *testing.T, job *jqueue.Job) string {
	var s string
	require.NoError(t, json.Unmarshal(job.Ops[0].Result, &s))
	return s
}

// hangingLocks is a WConfd that never answers cleanupLocks.
type hangingLocks struct{ calls atomic.Int32 }

func (h *hangingLocks) CleanupLocks(ctx context.Context) error {
	h.calls.Add(1)
	<-ctx.Done()
	return ctx.Err()
}

// A dead job's lock cleanup waits for WConfd in the background: with
// WConfd hanging, the dead job's slot still goes to the next job at once.
func TestRunnerLockCleanupDoesNotHoldTheSlot(t *testing.T) {
	e := newRunnerEnv(t, 1)
	locks := &hangingLocks{}
	e.runner.deps.Locks = locks
	require.NoError(t, e.runner.Start())
	dead := e.submit(t, "die")
	next := e.submit(t, "")
	e.waitStatus(t, dead, jqueue.StatusError, 10*time.Second)
	e.waitStatus(t, next, jqueue.StatusSuccess, 10*time.Second)
	assert.Equal(t, int32(1), locks.calls.Load(), "WConfd was asked to clean up once")
}
