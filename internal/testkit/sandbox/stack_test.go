package sandbox_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/internal/testkit/sandbox"
)

// These tests run the real Ganeti daemons with the Haskell luxid, so that
// they check the harness independently of goluxid.

// processesOf returns the live processes whose environment carries root as
// GANETI_ROOTDIR, with their command lines.
func processesOf(root string) map[int]string {
	want := []byte("GANETI_ROOTDIR=" + root + "\x00")
	found := map[int]string{}
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, dir := range dirs {
		pid, err := strconv.Atoi(filepath.Base(dir))
		if err != nil || pid == os.Getpid() {
			continue
		}
		env, err := os.ReadFile(dir + "/environ")
		if err != nil || !bytes.Contains(append(env, 0), want) {
			continue
		}
		stat, _ := os.ReadFile(dir + "/stat")
		if i := bytes.LastIndexByte(stat, ')'); i >= 0 && bytes.HasPrefix(stat[i+1:], []byte(" Z")) {
			continue // exited, waiting to be reaped
		}
		cmdline, _ := os.ReadFile(dir + "/cmdline")
		found[pid] = string(bytes.ReplaceAll(cmdline, []byte{0}, []byte{' '}))
	}
	return found
}

func jobProcessRuns(root string) bool {
	for _, cmd := range processesOf(root) {
		if strings.Contains(cmd, "jqueue/exec.py") {
			return true
		}
	}
	return false
}

// run runs a client and requires it to succeed.
func run(t *testing.T, sb *sandbox.Sandbox, name string, args ...string) (stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	stdout, stderr, code, err := sb.Run(ctx, name, args...)
	require.NoError(t, err)
	require.Equal(t, 0, code, "%s %v: stdout %q stderr %q", name, args, stdout, stderr)
	return stdout, stderr
}

// submitLongJob submits a job that runs for a minute and waits until its
// job process runs.
func submitLongJob(t *testing.T, sb *sandbox.Sandbox) {
	t.Helper()
	_, stderr := run(t, sb, "gnt-debug", "delay", "--submit", "--no-master", "60")
	require.Contains(t, stderr, "JobID:")
	require.Eventually(t, func() bool { return jobProcessRuns(sb.Root()) }, 20*time.Second, 50*time.Millisecond,
		"no job process started")
}

func TestStackServesClients(t *testing.T) {
	start := time.Now()
	sb := sandbox.StartForTest(t, sandbox.Options{Luxid: sandbox.HaskellLuxid()})
	t.Logf("stack started in %s", time.Since(start))

	stdout, _ := run(t, sb, "gnt-cluster", "getmaster")
	assert.Equal(t, sandbox.DefaultHostname+"\n", stdout)
	stdout, _ = run(t, sb, "gnt-cluster", "info")
	assert.Contains(t, stdout, "Master node: "+sandbox.DefaultHostname+"\n")
	stdout, _ = run(t, sb, "gnt-cluster", "queue", "info")
	assert.Equal(t, "The drain flag is unset\n", stdout)

	// The second ensure-dirs pass gave the files Ganeti's owners.
	masterd, err := user.Lookup("gnt-masterd")
	require.NoError(t, err)
	fi, err := os.Stat(sb.Layout().ServerCert)
	require.NoError(t, err)
	assert.Equal(t, masterd.Uid, strconv.Itoa(int(fi.Sys().(*syscall.Stat_t).Uid)))
	assert.Equal(t, os.FileMode(0o440), fi.Mode().Perm())
	serial, err := os.ReadFile(sb.Layout().SerialFile)
	require.NoError(t, err)
	assert.Equal(t, "0\n", string(serial))
	envSh, err := os.ReadFile(filepath.Join(sb.Dir(), "env.sh"))
	require.NoError(t, err)
	assert.Contains(t, string(envSh), "export GANETI_ROOTDIR='"+sb.Root()+"'\n")
}

func TestStopLeavesNoProcessBehind(t *testing.T) {
	sb := sandbox.StartForTest(t, sandbox.Options{Luxid: sandbox.HaskellLuxid(), StopTimeout: time.Second})
	submitLongJob(t, sb) // its job process ignores SIGTERM while it sleeps

	require.NoError(t, sb.Stop())
	assert.Empty(t, processesOf(sb.Root()))
	require.NoError(t, sb.Stop(), "a second Stop must be a no-op")
	require.NoError(t, sb.Close())
	_, err := os.Stat(sb.Dir())
	assert.ErrorIs(t, err, os.ErrNotExist)
}

func TestRestartLuxidKeepsStateAndJobs(t *testing.T) {
	sb := sandbox.StartForTest(t, sandbox.Options{Luxid: sandbox.HaskellLuxid(), StopTimeout: time.Second})
	run(t, sb, "gnt-cluster", "queue", "drain")
	before := sb.Pid(sandbox.Luxid)

	require.NoError(t, sb.RestartLuxid(context.Background()))
	assert.NotEqual(t, before, sb.Pid(sandbox.Luxid))
	stdout, _ := run(t, sb, "gnt-cluster", "queue", "info")
	assert.Equal(t, "The drain flag is set\n", stdout)
	run(t, sb, "gnt-cluster", "queue", "undrain")

	// A job process outlives a luxid stop, as with the real daemon, but
	// not the sandbox.
	submitLongJob(t, sb)
	require.NoError(t, sb.StopLuxid())
	assert.Equal(t, 0, sb.Pid(sandbox.Luxid))
	assert.True(t, jobProcessRuns(sb.Root()), "job process should survive a luxid stop")
	require.NoError(t, sb.StartLuxid(context.Background(), sandbox.HaskellLuxid()...))
	require.NoError(t, sb.Stop())
	assert.Empty(t, processesOf(sb.Root()))
}

// A second process (gnt-sandbox down) stops a sandbox through its pid files.
func TestOpenAndStopFromPidFiles(t *testing.T) {
	sandbox.RequireForTest(t)
	dir, err := os.MkdirTemp("/tmp", "gsbo")
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(dir) })
	sb := sandbox.StartForTest(t, sandbox.Options{Dir: dir, Luxid: sandbox.HaskellLuxid()})

	other, err := sandbox.Open(dir)
	require.NoError(t, err)
	assert.Equal(t, sb.Pid(sandbox.Luxid), other.Pid(sandbox.Luxid))
	assert.Equal(t, sb.Root(), other.Root())
	require.NoError(t, other.Stop())
	assert.Empty(t, processesOf(sb.Root()))
	for _, name := range []string{sandbox.Luxid, sandbox.Wconfd} {
		assert.NoFileExists(t, filepath.Join(dir, "pids", name+".pid"))
	}
}

func TestNodedRunsJobsOnMaster(t *testing.T) {
	sb := sandbox.StartForTest(t, sandbox.Options{Luxid: sandbox.HaskellLuxid(), Noded: true})
	require.NotZero(t, sb.Pid(sandbox.Noded))
	// The default delay sleeps through noded's test_delay RPC, which needs
	// the generated certificates to work.
	run(t, sb, "gnt-debug", "delay", "0.1")
}

func TestFailedStartShowsOutputAndStops(t *testing.T) {
	sandbox.RequireForTest(t)
	dir, err := os.MkdirTemp("/tmp", "gsbf")
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(dir) })
	_, err = sandbox.Create(context.Background(), sandbox.Options{
		Dir:   dir,
		Luxid: []string{"/bin/sh", "-c", "echo luxid-went-boom >&2; exit 3"},
	})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "luxid-went-boom")
	assert.Contains(t, err.Error(), "exit status 3")
	assert.Empty(t, processesOf(filepath.Join(dir, sandbox.DefaultHostname)), "wconfd must be stopped again")
}

func TestSocketProbe(t *testing.T) {
	sb := sandbox.StartForTest(t, sandbox.Options{Luxid: sandbox.HaskellLuxid(), Probe: sandbox.ProbeSocket})
	_, err := os.Stat(sb.LuxiSocket())
	require.NoError(t, err, fmt.Sprintf("socket probe returned before %s existed", sb.LuxiSocket()))
}

// Kill ends every process of the sandbox at once, job processes
// included, and after EmptyRunDirs the sandbox starts again as after a
// reboot.
func TestKillAndRestartAsAfterAPowerCut(t *testing.T) {
	sb := sandbox.StartForTest(t, sandbox.Options{Luxid: sandbox.HaskellLuxid()})
	submitLongJob(t, sb)

	require.NoError(t, sb.Kill())
	assert.Empty(t, processesOf(sb.Root()))
	assert.Zero(t, sb.Pid(sandbox.Luxid))
	for _, name := range []string{sandbox.Luxid, sandbox.Wconfd} {
		assert.NoFileExists(t, filepath.Join(sb.Dir(), "pids", name+".pid"))
	}
	require.FileExists(t, sb.LuxiSocket(), "a killed luxid leaves its socket")

	require.NoError(t, sb.EmptyRunDirs())
	assert.NoFileExists(t, sb.LuxiSocket())
	assert.DirExists(t, sb.Layout().LivelockDir, "ensure-dirs lays the run directory out again")
	require.NoError(t, sb.Start(context.Background()))
	run(t, sb, "gnt-cluster", "getmaster")
}
