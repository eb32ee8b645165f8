package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/ganeti/paths"
	"github.com/goluxid/goluxid/ganeti/release"
	testbinary "github.com/goluxid/goluxid/internal/testkit/binary"
	"github.com/goluxid/goluxid/internal/testkit/prereq"
	"github.com/goluxid/goluxid/luxi"
)

// binary is the goluxid under test (see package binary).
var binary string

func TestMain(m *testing.M) {
	var err error
	if binary, err = testbinary.Goluxid(); err != nil {
		panic(err)
	}
	code := m.Run()
	if err := testbinary.Remove(); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
	os.Exit(code)
}

// nodeRoot lays out a minimal node below a short temporary path: config,
// ssconf naming master as the master, queue and run directories.
func nodeRoot(t *testing.T, master string) *paths.Layout {
	t.Helper()
	base, err := os.MkdirTemp("", "gl")
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(base) })
	l := paths.New(filepath.Join(base, "node1.example.com"))
	for _, d := range []string{l.ArchiveDir, l.SocketDir, l.LivelockDir, l.LogDir, l.LuxidMsgDir} {
		require.NoError(t, os.MkdirAll(d, 0o755))
	}
	cfg, err := os.ReadFile("../../luxid/testdata/config.data")
	require.NoError(t, err)
	cfg = asInstalledRelease(t, cfg)
	require.NoError(t, os.WriteFile(l.ConfigFile, cfg, 0o640))
	require.NoError(t, os.WriteFile(l.Ssconf("master_node"), []byte(master+"\n"), 0o644))
	require.NoError(t, os.WriteFile(l.SerialFile, []byte("0\n"), 0o600))
	return l
}

func command(l *paths.Layout, args ...string) *exec.Cmd {
	cmd := exec.Command(binary, args...)
	cmd.Env = append(os.Environ(), paths.EnvRootDir+"="+l.Root, paths.EnvHostname+"=node1.example.com")
	return cmd
}

// requireGanetiUsers skips (or fails in CI) without root and the users and
// groups the socket is given to.
func requireGanetiUsers(t *testing.T) {
	t.Helper()
	_, uerr := user.Lookup("gnt-masterd")
	_, gerr := user.LookupGroup("gnt-daemons")
	if uerr == nil && gerr == nil && os.Geteuid() == 0 {
		return
	}
	prereq.Missing(t, "needs root and Ganeti's users (install the ganeti package)")
}

func TestNotMasterExits11(t *testing.T) {
	l := nodeRoot(t, "node2.example.com")
	cmd := command(l, "-f", "--no-user-checks", "--no-voting", "--yes-do-it")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	require.ErrorAs(t, err, &ee)
	assert.Equal(t, 11, ee.ExitCode())
	assert.Equal(t, "Not master, exiting.\n", stderr.String())
}

func TestOptionErrors(t *testing.T) {
	l := nodeRoot(t, "node1.example.com")
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"-f", "extra"}, "This program doesn't take any arguments"},
		{[]string{"-f", "--no-voting"}, "cannot be given without providing yes-do-it"},
		{[]string{"--bogus"}, "unrecognized option `--bogus'"},
	}
	for _, tc := range tests {
		out, err := command(l, tc.args...).CombinedOutput()
		require.Error(t, err, tc.args)
		assert.Contains(t, string(out), tc.want)
	}
	out, err := command(l, "--version").CombinedOutput()
	require.NoError(t, err)
	assert.Contains(t, string(out), "goluxid")
}

func TestServeAndCleanShutdown(t *testing.T) {
	requireGanetiUsers(t)
	l := nodeRoot(t, "node1.example.com")
	cmd := command(l, "-f", "--no-user-checks", "--no-voting", "--yes-do-it")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	defer cmd.Process.Kill()

	client := dialWhenReady(t, l.LuxiSocket)
	res, err := client.Call(t.Context(), "QueryConfigValues", []any{[]string{"cluster_name"}})
	require.NoError(t, err)
	assert.JSONEq(t, `["cluster.name.example.com"]`, string(res))
	client.Close()

	fi, err := os.Stat(l.LuxiSocket)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o660), fi.Mode().Perm())
	for _, f := range []string{l.PidFile, l.QueueLock} {
		_, err := os.Stat(f)
		assert.NoError(t, err, f)
	}

	// A second daemon on the same node fails on the PID file.
	out, err := command(l, "-f", "--no-user-checks", "--no-voting", "--yes-do-it").CombinedOutput()
	require.Error(t, err)
	assert.Contains(t, string(out), "already locked")

	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		require.NoError(t, err, stderr.String())
	case <-time.After(10 * time.Second):
		t.Fatal("no exit after SIGTERM")
	}
	for _, f := range []string{l.LuxiSocket, l.PidFile, l.QueueLock} {
		_, err := os.Stat(f)
		assert.True(t, os.IsNotExist(err), "%s removed on shutdown", f)
	}
	logData, err := os.ReadFile(l.LogFile)
	require.NoError(t, err)
	assert.True(t, strings.Contains(string(logData), "NOTICE ganeti-luxid daemon startup"), string(logData))
	assert.True(t, strings.Contains(string(logData), "NOTICE ganeti-luxid daemon shutdown"), string(logData))
}

// dialWhenReady connects once the daemon's socket answers.
func dialWhenReady(t *testing.T, socket string) *luxi.Client {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := luxi.Dial(socket)
		if err == nil {
			return c
		}
		require.True(t, time.Now().Before(deadline), "daemon never served %s: %v", socket, err)
		time.Sleep(20 * time.Millisecond)
	}
}

// Without -f the daemon detaches: the starting process returns once the
// daemon serves, and reports a failed start with Ganeti's words.
func TestDaemonMode(t *testing.T) {
	requireGanetiUsers(t)
	l := nodeRoot(t, "node1.example.com")
	out, err := command(l, "--no-user-checks", "--no-voting", "--yes-do-it").CombinedOutput()
	require.NoError(t, err, string(out))
	pidData, err := os.ReadFile(l.PidFile)
	require.NoError(t, err, "the daemon holds its pid file once the starter returned")
	pid, err := strconv.Atoi(strings.TrimSpace(string(pidData)))
	require.NoError(t, err)
	defer syscall.Kill(pid, syscall.SIGKILL)
	comm, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
	require.NoError(t, err)
	assert.Equal(t, filepath.Base(binary)+"\n", string(comm), "process name kept (daemon-util stops ganeti-luxid by name)")
	c, err := luxi.Dial(l.LuxiSocket)
	require.NoError(t, err, "serving at once")
	_, err = c.Call(t.Context(), "QueryConfigValues", []any{[]string{"cluster_name"}})
	require.NoError(t, err)
	c.Close()

	// A second start fails in the daemon; the starter says so.
	out, err = command(l, "--no-user-checks", "--no-voting", "--yes-do-it").CombinedOutput()
	require.Error(t, err)
	assert.Contains(t, string(out), "Error when starting the daemon process: ")
	assert.Contains(t, string(out), "already locked")

	require.NoError(t, syscall.Kill(pid, syscall.SIGTERM))
	deadline := time.Now().Add(10 * time.Second)
	for syscall.Kill(pid, 0) == nil {
		require.True(t, time.Now().Before(deadline), "daemon did not stop")
		time.Sleep(20 * time.Millisecond)
	}
	logData, err := os.ReadFile(l.LogFile)
	require.NoError(t, err)
	assert.Contains(t, string(logData), "daemon shutdown")
}

// Installed as a symlink /usr/sbin/ganeti-luxid, the detached daemon keeps
// the symlink's name, by which daemon-util checks and stops it.
func TestDaemonModeThroughSymlink(t *testing.T) {
	requireGanetiUsers(t)
	l := nodeRoot(t, "node1.example.com")
	link := filepath.Join(t.TempDir(), "ganeti-luxid")
	require.NoError(t, os.Symlink(binary, link))
	cmd := command(l, "--no-user-checks", "--no-voting", "--yes-do-it")
	cmd.Path, cmd.Args[0] = link, link
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, string(out))
	pidData, err := os.ReadFile(l.PidFile)
	require.NoError(t, err)
	pid, err := strconv.Atoi(strings.TrimSpace(string(pidData)))
	require.NoError(t, err)
	defer syscall.Kill(pid, syscall.SIGKILL)
	comm, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
	require.NoError(t, err)
	assert.Equal(t, "ganeti-luxid\n", string(comm))
	require.NoError(t, syscall.Kill(pid, syscall.SIGTERM))
	deadline := time.Now().Add(10 * time.Second)
	for syscall.Kill(pid, 0) == nil {
		require.True(t, time.Now().Before(deadline), "daemon did not stop")
		time.Sleep(20 * time.Millisecond)
	}
}

// asInstalledRelease gives a Ganeti 3.0 config.data the format version of
// the release installed here, which the daemon insists on. The object
// model is the same in every release goluxid serves.
func asInstalledRelease(t *testing.T, cfg []byte) []byte {
	t.Helper()
	installed, err := release.Installed()
	if err != nil {
		return cfg
	}
	const v30 = `"version": 3000000`
	require.Contains(t, string(cfg), v30)
	return bytes.Replace(cfg, []byte(v30), []byte(fmt.Sprintf(`"version": %d`, installed.ConfigVersion)), 1)
}
