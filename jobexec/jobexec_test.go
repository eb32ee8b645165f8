package jobexec

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeExec is a stand-in for exec.py that speaks the handshake. Its
// behaviour is chosen by FAKE_MODE; it records what it received and its
// SIGCHLD disposition in FAKE_OUT.
const fakeExec = `
import os, signal, sys, time
mode = os.environ.get("FAKE_MODE", "ok")
out = os.environ["FAKE_OUT"]
def recv():
    buf = b""
    while not buf.endswith(b"\x03"):
        c = os.read(0, 1)
        if not c:
            sys.exit(3)
        buf += c
    return buf[:-1]
if mode == "hang":
    time.sleep(60)
if mode == "garbage":
    os.write(1, b"not a path\x03")
    time.sleep(60)
if mode == "exit":
    sys.exit(1)
os.write(1, ("/livelocks/job_%06d_1" % int(sys.argv[1])).encode() + b"\x03")
first = recv()
os.write(1, b"\x03")
secrets = recv()
with open(out, "w") as f:
    f.write("%s|%s|%s|%s|%s|%s" % (sys.argv[1], first.decode(), secrets.decode(),
        os.environ.get("GNT_DEBUG"), os.environ.get("PYTHONPATH"),
        signal.getsignal(signal.SIGCHLD) == signal.SIG_DFL))
os.close(0); os.close(1)
if mode == "linger":
    time.sleep(0.3)
`

func newConfig(t *testing.T, mode string) (*Config, string) {
	t.Helper()
	if _, err := os.Stat(DefaultPython); err != nil {
		t.Skip("needs " + DefaultPython)
	}
	dir := t.TempDir()
	script := filepath.Join(dir, "exec.py")
	require.NoError(t, os.WriteFile(script, []byte(fakeExec), 0o644))
	out := filepath.Join(dir, "out")
	env := append(os.Environ(), "FAKE_MODE="+mode, "FAKE_OUT="+out, "PYTHONPATH=/elsewhere")
	return &Config{ExecScript: script, Env: env, Debug: true, StepTimeout: time.Second}, out
}

func TestHandshake(t *testing.T) {
	cfg, out := newConfig(t, "linger")
	var recorded string
	p, err := cfg.Start(context.Background(), 42, []byte(`[{"pw":"s3cret"},null]`), func(path string) error {
		recorded = path
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, "/livelocks/job_000042_1", recorded)
	assert.Equal(t, recorded, p.Livelock)
	assert.Positive(t, p.Pid)
	select {
	case <-p.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("job process not reaped")
	}
	assert.NoError(t, p.ExitErr())
	data, err := os.ReadFile(out)
	require.NoError(t, err)
	// id | first reply | secrets | GNT_DEBUG | PYTHONPATH | SIGCHLD default
	assert.Equal(t, `42||[{"pw":"s3cret"},null]|1|/usr/share/ganeti/3.0|True`, string(data))
}

func TestHandshakeFailures(t *testing.T) {
	tests := []struct {
		mode, want string
	}{
		{"hang", "waiting for the livelock path"},
		{"garbage", `sent "not a path" instead of its livelock path`},
		{"exit", "waiting for the livelock path"},
	}
	for _, tc := range tests {
		t.Run(tc.mode, func(t *testing.T) {
			cfg, _ := newConfig(t, tc.mode)
			start := time.Now()
			_, err := cfg.Start(context.Background(), 7, []byte(`[null]`), func(string) error { return nil })
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Less(t, time.Since(start), 5*time.Second, "bounded by the step timeout and the kill escalation")
		})
	}
}

func TestRecordFailureAbortsStart(t *testing.T) {
	cfg, out := newConfig(t, "ok")
	_, err := cfg.Start(context.Background(), 8, []byte(`[null]`), func(string) error {
		return os.ErrPermission
	})
	require.ErrorIs(t, err, os.ErrPermission)
	_, statErr := os.Stat(out)
	assert.True(t, os.IsNotExist(statErr), "child never got its secrets")
}

func TestEnvironmentReplacesDebugAndPath(t *testing.T) {
	cfg := &Config{Env: []string{"A=1", "GNT_DEBUG=7", "PYTHONPATH=/x"}}
	env := cfg.env()
	assert.Equal(t, []string{"A=1", "GNT_DEBUG=0", "PYTHONPATH=/usr/share/ganeti/3.0"}, env)
	assert.False(t, strings.Contains(strings.Join(env, " "), "/x"))
}
