package runner

import (
	"encoding/json"
	"fmt"
	"github.com/goluxid/goluxid/ganeti/opcodes"
	"github.com/goluxid/goluxid/internal/testkit/prereq"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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
	prereq.File(t, jobexec.DefaultPython, "python3 for the fake job process")
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
	store := config.NewStore(l.ConfigFile, 3000000)
	_, err = store.Reload()
	require.NoError(t, err)
	queue, err := jqueue.Open(l, nil)
	require.NoError(t, err)
	watcher, err := inotify.New()
	require.NoError(t, err)
	t.Cleanup(func() { watcher.Close() })
	script := filepath.Join(t.TempDir(), "exec.py")
	require.NoError(t, os.WriteFile(script, []byte(fakeJobProcess), 0o644))
	exec := &jobexec.Config{ExecScript: script, StepTimeout: runnerStepTimeout,
		Env: append(os.Environ(), "FAKE_QUEUE="+l.QueueDir, "FAKE_LOCKS="+l.LivelockDir)}
	own := filepath.Join(l.LivelockDir, "luxi-daemon_1")
	r := New(Deps{Queue: queue, Config: store, Exec: exec, Watcher: watcher, OwnLivelock: own, Opcodes: schema30})
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

// waitAllStatus waits until the files of all jobs ids show want, and
// returns them with how long after start each got there.
func (e *runnerEnv) waitAllStatus(t *testing.T, ids map[string]uint64, want jqueue.Status, start time.Time, within time.Duration) (map[string]*jqueue.Job, map[string]time.Duration) {
	t.Helper()
	jobs, took := map[string]*jqueue.Job{}, map[string]time.Duration{}
	for len(jobs) < len(ids) {
		for name, id := range ids {
			if jobs[name] != nil {
				continue
			}
			if job, err := e.queue.ReadJob(id); err == nil && job.Status() == want {
				jobs[name], took[name] = job, time.Since(start)
			}
		}
		require.Less(t, time.Since(start), within, "jobs never reached %s: %d of %d did", want, len(jobs), len(ids))
		time.Sleep(10 * time.Millisecond)
	}
	return jobs, took
}

// runnerStepTimeout is the handshake's step timeout in these tests.
const runnerStepTimeout = 5 * time.Second

// schema30 is Ganeti 3.0's opcode schema.
var schema30 = func() *opcodes.Schema {
	s, err := opcodes.ForRelease("3.0")
	if err != nil {
		panic(err)
	}
	return s
}()
