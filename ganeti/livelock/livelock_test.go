package livelock

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/internal/testkit/prereq"
)

func TestMissingFileIsDead(t *testing.T) {
	dead, err := IsDead(filepath.Join(t.TempDir(), "job_000001_1"))
	require.NoError(t, err)
	assert.True(t, dead)
}

func TestUnlockedFileIsDead(t *testing.T) {
	path := filepath.Join(t.TempDir(), "job_000001_1")
	require.NoError(t, os.WriteFile(path, nil, 0o644))
	dead, err := IsDead(path)
	require.NoError(t, err)
	assert.True(t, dead)
}

// A real process holding a classic fcntl record lock, the way Ganeti's
// Python job processes do, is alive until it exits.
func TestLockHeldByAnotherProcess(t *testing.T) {
	prereq.File(t, "/usr/bin/python3", "python3 to hold a record lock")
	path := filepath.Join(t.TempDir(), "job_000002_1")
	cmd := exec.Command("/usr/bin/python3", "-c", `
import fcntl, sys, time
f = open(sys.argv[1], "w")
fcntl.lockf(f, fcntl.LOCK_EX)
print("locked", flush=True)
sys.stdin.read()
`, path)
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	line, err := bufio.NewReader(stdout).ReadString('\n')
	require.NoError(t, err)
	require.Equal(t, "locked\n", line)

	dead, err := IsDead(path)
	require.NoError(t, err)
	assert.False(t, dead, "lock holder is alive")
	// Probing twice must not disturb the holder's lock.
	dead, err = IsDead(path)
	require.NoError(t, err)
	assert.False(t, dead)

	require.NoError(t, stdin.Close())
	require.NoError(t, cmd.Wait())
	deadline := time.Now().Add(2 * time.Second)
	for {
		dead, err = IsDead(path)
		require.NoError(t, err)
		if dead || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	assert.True(t, dead, "lock gone with the process")
}
