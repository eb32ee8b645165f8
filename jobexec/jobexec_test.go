package jobexec

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/ganeti/uds"
	"github.com/goluxid/goluxid/internal/inotify"
	"github.com/goluxid/goluxid/internal/testkit/prereq"
)

// fakeExec is a stand-in for exec.py that speaks the handshake. Its
// behaviour is chosen by FAKE_MODE; it records what it received and its
// SIGCHLD disposition in FAKE_OUT.
const fakeExec = `
import os, signal, sys, time

def recv():
    buf = b""
    while not buf.endswith(b"\x03"):
        c = os.read(0, 1)
        if not c:
            sys.exit(3)
        buf += c
    return buf[:-1]

def flood(chunk, pause=0):
    try:
        while True:
            os.write(1, chunk)
            time.sleep(pause)
    except BrokenPipeError:
        sys.exit(4)

def main():
    mode = os.environ.get("FAKE_MODE", "ok")
    out = os.environ["FAKE_OUT"]
    if mode == "hang":
        time.sleep(60)
    if mode == "garbage":
        os.write(1, b"not a path\x03")
        time.sleep(60)
    if mode == "exit":
        sys.exit(1)
    if mode == "flood":
        flood(b"x" * 65536)
    if mode == "flood-messages":
        flood(b"junk\x03" * 10000)
    if mode == "trickle":
        flood(b"/", 0.05)
    os.write(1, ("/livelocks/job_%06d_1" % int(sys.argv[1])).encode() + b"\x03")
    first = recv()
    os.write(1, b"\x03")
    secrets = recv()
    with open(out, "w") as f:
        f.write("%s|%s|%s|%s|%s|%s|%s" % (sys.argv[1], first.decode(), secrets.decode(),
            os.environ.get("GNT_DEBUG"), os.environ.get("PYTHONPATH"),
            signal.getsignal(signal.SIGCHLD) == signal.SIG_DFL,
            signal.SIGCHLD not in signal.pthread_sigmask(signal.SIG_BLOCK, [])))
    os.close(0); os.close(1)
    if mode == "linger":
        time.sleep(0.3)
    sys.exit(0)

if __name__ == "__main__":
    main()
`

// starters are the two ways of starting a job process, each test runs
// with both.
var starters = map[string]func(t *testing.T, c *Config) Starter{
	"cold": func(_ *testing.T, c *Config) Starter { return c },
	"warm": func(t *testing.T, c *Config) Starter { return newReadyWarm(t, c) },
}

func newConfig(t *testing.T, mode string) (*Config, string) {
	t.Helper()
	prereq.File(t, DefaultPython, "python3 for the fake job process")
	dir := t.TempDir()
	script := filepath.Join(dir, "exec.py")
	require.NoError(t, os.WriteFile(script, []byte(fakeExec), 0o644))
	out := filepath.Join(dir, "out")
	env := append(os.Environ(), "FAKE_MODE="+mode, "FAKE_OUT="+out, "PYTHONPATH=/elsewhere")
	return &Config{ExecScript: script, PythonPath: "/usr/share/ganeti/3.0", Env: env, Debug: true, StepTimeout: time.Second}, out
}

func TestHandshake(t *testing.T) {
	for name, starter := range starters {
		t.Run(name, func(t *testing.T) {
			cfg, out := newConfig(t, "linger")
			var recorded string
			p, err := starter(t, cfg).Start(context.Background(), 42, []byte(`[{"pw":"s3cret"},null]`), func(path string) error {
				recorded = path
				return nil
			})
			require.NoError(t, err)
			assert.Equal(t, "/livelocks/job_000042_1", recorded)
			assert.Equal(t, recorded, p.Livelock)
			assert.Positive(t, p.Pid)
			assert.Equal(t, p.Pid, processGroup(t, p.Pid), "leads its own process group")
			select {
			case <-p.Done():
			case <-time.After(5 * time.Second):
				t.Fatal("job process not reaped")
			}
			assert.NoError(t, p.ExitErr())
			data, err := os.ReadFile(out)
			require.NoError(t, err)
			// id | first reply | secrets | GNT_DEBUG | PYTHONPATH | SIGCHLD default | SIGCHLD unblocked
			assert.Equal(t, `42||[{"pw":"s3cret"},null]|1|/usr/share/ganeti/3.0|True|True`, string(data))
		})
	}
}

// processGroup is the process group of pid, from /proc.
func processGroup(t *testing.T, pid int) int {
	t.Helper()
	pgid, err := syscall.Getpgid(pid)
	require.NoError(t, err)
	return pgid
}

func TestHandshakeFailures(t *testing.T) {
	tests := []struct {
		mode, want string
	}{
		{"hang", "waiting for the livelock path"},
		{"garbage", `sent "not a path" instead of its livelock path`},
		{"exit", "waiting for the livelock path"},
		{"flood", "uds: message too large"},
		{"flood-messages", `sent "junk" instead of its livelock path`},
		{"trickle", "waiting for the livelock path"},
	}
	for name, starter := range starters {
		for _, tc := range tests {
			t.Run(name+"/"+tc.mode, func(t *testing.T) {
				cfg, _ := newConfig(t, tc.mode)
				s := starter(t, cfg)
				start := time.Now()
				_, err := s.Start(context.Background(), 7, []byte(`[null]`), func(string) error { return nil })
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.want)
				assert.Less(t, time.Since(start), 5*time.Second, "bounded by the step timeout and the kill escalation")
			})
		}
	}
}

// Bounds on a start refused at the handshake's message limit, about three
// times the worst seen on a loaded 2-CPU machine (cold 13–195 ms, warm
// 2–102 ms, the race detector on or off; 197–205 KiB allocated, about three
// bytes per byte of the limit: a limit twice as large allocates 396 KiB).
const (
	maxFloodRefusal = 600 * time.Millisecond
	maxFloodAlloc   = 300 << 10
)

// A job process that floods its pipe without ever ending a message costs
// the daemon the handshake's message limit, not what it sends: the start
// fails as soon as the limit is passed.
func TestFloodingJobProcessIsBounded(t *testing.T) {
	for name, starter := range starters {
		t.Run(name, func(t *testing.T) {
			cfg, _ := newConfig(t, "flood")
			cfg.StepTimeout = 20 * time.Second
			s := starter(t, cfg)
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			_, err := s.Start(context.Background(), 9, []byte(`[null]`), func(string) error { return nil })
			took := time.Since(start)
			runtime.ReadMemStats(&after)
			t.Logf("flooding child refused after %s, %d KiB allocated meanwhile", took.Round(time.Millisecond), (after.TotalAlloc-before.TotalAlloc)>>10)
			require.ErrorIs(t, err, uds.ErrTooLarge)
			assert.Less(t, took, maxFloodRefusal, "ended at the limit, long before the step timeout")
			assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(maxFloodAlloc), "bytes allocated while the child flooded")
		})
	}
}

func TestRecordFailureAbortsStart(t *testing.T) {
	for name, starter := range starters {
		t.Run(name, func(t *testing.T) {
			cfg, out := newConfig(t, "ok")
			_, err := starter(t, cfg).Start(context.Background(), 8, []byte(`[null]`), func(string) error {
				return os.ErrPermission
			})
			require.ErrorIs(t, err, os.ErrPermission)
			_, statErr := os.Stat(out)
			assert.True(t, os.IsNotExist(statErr), "child never got its secrets")
		})
	}
}

// newReadyWarm returns a warm starter whose helper is ready.
func newReadyWarm(t *testing.T, c *Config) *Warm {
	t.Helper()
	w := NewWarm(c, nil)
	t.Cleanup(func() { w.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	require.True(t, w.WaitHelper(ctx), "helper ready")
	return w
}

func TestWarmJobIsTheHelpersChild(t *testing.T) {
	cfg, _ := newConfig(t, "linger")
	w := newReadyWarm(t, cfg)
	p, err := w.Start(context.Background(), 5, []byte(`[null]`), func(string) error { return nil })
	require.NoError(t, err)
	helper := w.HelperPid()
	require.NotZero(t, helper)
	assert.Equal(t, helper, parentOf(t, p.Pid), "forked by the helper, not started cold")
	<-p.Done()

	second, err := w.Start(context.Background(), 6, []byte(`[null]`), func(string) error { return nil })
	require.NoError(t, err)
	assert.Equal(t, helper, w.HelperPid(), "one helper serves every job")
	<-second.Done()
}

// parentOf is the parent pid of pid, from /proc.
func parentOf(t *testing.T, pid int) int {
	t.Helper()
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	require.NoError(t, err)
	// pid (comm) state ppid ...: comm may hold spaces, so cut after ")".
	fields := strings.Fields(string(data[strings.LastIndexByte(string(data), ')')+1:]))
	ppid, err := strconv.Atoi(fields[1])
	require.NoError(t, err)
	return ppid
}

func TestWarmHelperKilledIsReplaced(t *testing.T) {
	cfg, out := newConfig(t, "linger")
	w := newReadyWarm(t, cfg)
	p, err := w.Start(context.Background(), 1, []byte(`[null]`), func(string) error { return nil })
	require.NoError(t, err)
	<-p.Done()
	first := w.HelperPid()
	require.NotZero(t, first)
	require.NoError(t, syscall.Kill(first, syscall.SIGKILL))
	require.Eventually(t, func() bool { return w.HelperPid() == 0 }, 5*time.Second, 10*time.Millisecond)

	require.NoError(t, os.Remove(out))
	p, err = w.Start(context.Background(), 2, []byte(`[null]`), func(string) error { return nil })
	require.NoError(t, err, "started cold while a new helper loads")
	<-p.Done()
	data, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(data), "2|"), "job 2 ran: %s", data)
	require.True(t, w.WaitHelper(context.Background()))
	assert.NotEqual(t, first, w.HelperPid(), "a new helper")

	p, err = w.Start(context.Background(), 3, []byte(`[null]`), func(string) error { return nil })
	require.NoError(t, err)
	assert.Equal(t, w.HelperPid(), parentOf(t, p.Pid), "warm again")
	<-p.Done()
}

func TestWarmHelperThatCannotLoadStartsCold(t *testing.T) {
	cfg, out := newConfig(t, "ok")
	broken := "if __name__ != \"__main__\":\n    raise ImportError(\"only runs as a script\")\n" + fakeExec
	require.NoError(t, os.WriteFile(cfg.ExecScript, []byte(broken), 0o644))
	var stderr strings.Builder
	cfg.Stderr = &lockedWriter{w: &stderr}
	w := NewWarm(cfg, nil)
	defer w.Close()
	assert.False(t, w.WaitHelper(context.Background()), "the helper cannot load exec.py")
	p, err := w.Start(context.Background(), 3, []byte(`[null]`), func(string) error { return nil })
	require.NoError(t, err, "started cold")
	<-p.Done()
	assert.NoError(t, p.ExitErr(), "a cold start is the daemon's own child, exit status known")
	assert.Zero(t, w.HelperPid())
	data, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(data), "3|"))
}

// lockedWriter serializes writes of the helper's and jobs' stderr copiers.
type lockedWriter struct {
	mu sync.Mutex // guards writes to w
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func TestEnvironmentReplacesDebugAndPath(t *testing.T) {
	cfg := &Config{Env: []string{"A=1", "GNT_DEBUG=7", "PYTHONPATH=/x"}, PythonPath: "/usr/share/ganeti/3.1"}
	env := cfg.env()
	assert.Equal(t, []string{"A=1", "GNT_DEBUG=0", "PYTHONPATH=/usr/share/ganeti/3.1"}, env)
	assert.Equal(t, "/usr/share/ganeti/3.1/ganeti/jqueue/exec.py", cfg.execScript())
	assert.False(t, strings.Contains(strings.Join(env, " "), "/x"))
}

// ExitErr is the process's exit status once Done is closed; nil for a
// process the daemon did not start itself (its exit status is not known).
func (p *Process) ExitErr() error {
	<-p.done
	return p.waitErr
}

// WaitHelper waits until no helper start is under way and reports
// whether a helper is ready.
func (w *Warm) WaitHelper(ctx context.Context) bool {
	for {
		w.mu.Lock()
		starting := w.starting
		w.mu.Unlock()
		if starting == nil {
			return w.HelperPid() != 0
		}
		select {
		case <-starting:
		case <-ctx.Done():
			return false
		}
	}
}

// HelperPid is the pid of the running helper, 0 if none runs.
func (w *Warm) HelperPid() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.helper == nil || w.helper.gone() {
		return 0
	}
	return w.helper.cmd.Process.Pid
}

// TestWarmHelperFollowsItsSources: a change in the Python tree retires the
// helper, so that a later job runs the changed code; byte-code caches
// written by job processes do not.
func TestWarmHelperFollowsItsSources(t *testing.T) {
	cfg, _ := newConfig(t, "ok")
	tree := t.TempDir()
	for _, d := range []string{"ganeti/jqueue", "ganeti/__pycache__"} {
		require.NoError(t, os.MkdirAll(filepath.Join(tree, d), 0o755))
	}
	cfg.PythonPath = tree
	watcher, err := inotify.New()
	require.NoError(t, err)
	defer watcher.Close()
	w := newReadyWarm(t, cfg)
	require.NoError(t, w.WatchSources(watcher))
	first := w.HelperPid()
	require.NotZero(t, first)

	require.NoError(t, os.WriteFile(filepath.Join(tree, "ganeti/__pycache__/x.pyc"), nil, 0o644))
	time.Sleep(200 * time.Millisecond)
	assert.Equal(t, first, w.HelperPid(), "a byte-code cache is not a source")

	require.NoError(t, os.WriteFile(filepath.Join(tree, "ganeti/jqueue/x.py"), nil, 0o644))
	require.Eventually(t, func() bool { return w.HelperPid() != first }, 5*time.Second, 5*time.Millisecond,
		"the old helper is retired")
	require.True(t, w.WaitHelper(context.Background()), "a new helper")
	second := w.HelperPid()
	assert.NotEqual(t, first, second)
	p, err := w.Start(context.Background(), 7, []byte(`[null]`), func(string) error { return nil })
	require.NoError(t, err)
	assert.Equal(t, second, parentOf(t, p.Pid), "forked by the new helper")
	<-p.Done()

	require.NoError(t, os.WriteFile(cfg.ExecScript, []byte(fakeExec), 0o644))
	require.Eventually(t, func() bool { return w.HelperPid() != second }, 5*time.Second, 5*time.Millisecond,
		"the executor's own directory is a source too")
}
