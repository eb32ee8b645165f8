package daemon

import (
	"bytes"
	"errors"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	envLockPath    = "DAEMON_TEST_LOCK_PATH"
	lockExitLocked = 3
)

func TestMain(m *testing.M) {
	if path := os.Getenv(envLockPath); path != "" {
		// Child mode: try the lock once and report by exit code.
		if _, err := Lock(path, 0o600, false); err != nil {
			if errors.Is(err, ErrLocked) {
				os.Exit(lockExitLocked)
			}
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// lockFromChild runs this test binary as another process that tries to
// lock path, returning its exit code.
func lockFromChild(t *testing.T, path string) int {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), envLockPath+"="+path)
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	require.NoError(t, err)
	return 0
}

func TestPidFileLockedOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ganeti-luxid.pid")
	pf, err := WritePidFile(path)
	require.NoError(t, err)
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, strconv.Itoa(os.Getpid())+"\n", string(data))
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())

	// fcntl locks belong to the process, so the second daemon is a child.
	assert.Equal(t, lockExitLocked, lockFromChild(t, path), "second daemon must not get the lock")
	require.NoError(t, pf.Close())
	_, err = os.Stat(path)
	assert.True(t, os.IsNotExist(err), "pid file removed on close")
	assert.Equal(t, 0, lockFromChild(t, path), "lock free once closed")
}

func TestListenUnixRemovesOnlyStaleSockets(t *testing.T) {
	dir, err := os.MkdirTemp("", "dmn")
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(dir) })
	path := filepath.Join(dir, "sock")
	owner := SocketOwner{UID: os.Getuid(), GID: os.Getgid()}

	live, err := ListenUnix(path, 0o660, owner)
	require.NoError(t, err)
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o660), fi.Mode().Perm())

	_, err = ListenUnix(path, 0o660, owner)
	assert.ErrorIs(t, err, ErrSocketInUse, "a served socket is not taken over")

	// A socket whose server died stays on disk; it is replaced.
	live.SetUnlinkOnClose(false)
	require.NoError(t, live.Close())
	again, err := ListenUnix(path, 0o660, owner)
	require.NoError(t, err)
	conn, err := net.Dial("unix", path)
	require.NoError(t, err)
	conn.Close()
	require.NoError(t, again.Close())

	require.NoError(t, os.WriteFile(path, []byte("x"), 0o644))
	_, err = ListenUnix(path, 0o660, owner)
	assert.ErrorContains(t, err, "is not a socket")
}

func TestLogLineFormat(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(NewLogHandler(&buf, "ganeti-luxid", slog.LevelInfo))
	logger.Debug("hidden")
	logger.Info("Loaded new config, serial 7628", "path", "/x")
	logger.Log(nil, LevelNotice, "ganeti-luxid daemon startup")
	logger.With("conn", 3).Warn("slow")
	lines := bytes.Split(bytes.TrimSpace(buf.Bytes()), []byte("\n"))
	require.Len(t, lines, 3)
	prefix := `^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{12} UTC: ganeti-luxid pid=` + strconv.Itoa(os.Getpid()) + ` `
	assert.Regexp(t, regexp.MustCompile(prefix+`INFO Loaded new config, serial 7628 path=/x$`), string(lines[0]))
	assert.Regexp(t, regexp.MustCompile(prefix+`NOTICE ganeti-luxid daemon startup$`), string(lines[1]))
	assert.Regexp(t, regexp.MustCompile(prefix+`WARNING slow conn=3$`), string(lines[2]))
}

func TestLogFileReopen(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "luxi-daemon.log")
	lf, err := OpenLogFile(path)
	require.NoError(t, err)
	defer lf.Close()
	_, err = lf.Write([]byte("one\n"))
	require.NoError(t, err)
	require.NoError(t, os.Rename(path, path+".1"))
	require.NoError(t, lf.Reopen())
	_, err = lf.Write([]byte("two\n"))
	require.NoError(t, err)
	old, _ := os.ReadFile(path + ".1")
	cur, _ := os.ReadFile(path)
	assert.Equal(t, "one\n", string(old))
	assert.Equal(t, "two\n", string(cur))
}
