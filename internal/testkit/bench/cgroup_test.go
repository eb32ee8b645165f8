package bench

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestJobsCPUCountsEndedChildren moves a shell into a group, lets it
// fork a busy child that ends, and checks that the child's CPU time is
// counted and that the shell is back where it was and the group gone.
func TestJobsCPUCountsEndedChildren(t *testing.T) {
	if _, err := cgroup2Mount(); err != nil || os.Geteuid() != 0 {
		if os.Getenv("CI") != "" {
			t.Fatalf("cannot make cgroups in CI (root and a cgroup v2 file system needed): %v", err)
		}
		t.Skipf("skipping: root and a cgroup v2 file system needed (euid %d, %v)", os.Geteuid(), err)
	}
	sh := exec.Command("sh", "-c",
		`read go; sh -c 'i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done'; echo done; read stop`)
	stdin, err := sh.StdinPipe()
	require.NoError(t, err)
	stdout, err := sh.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, sh.Start())
	t.Cleanup(func() {
		stdin.Close()
		_ = sh.Wait()
	})
	pid := sh.Process.Pid
	origin, err := cgroupOf(pid)
	require.NoError(t, err)

	cpu, err := watchJobsCPU(pid, func() error {
		if _, err := io.WriteString(stdin, "go\n"); err != nil {
			return err
		}
		_, err := bufio.NewReader(stdout).ReadString('\n')
		return err
	})
	require.NoError(t, err)
	require.NoError(t, cpu.err)
	assert.Greater(t, cpu.cpu, 10*time.Millisecond, "the ended child's CPU time counts")
	now, err := cgroupOf(pid)
	require.NoError(t, err)
	assert.Equal(t, origin, now, "the shell is back in its cgroup")
	mount, err := cgroup2Mount()
	require.NoError(t, err)
	assert.NoDirExists(t, filepath.Join(mount, origin, "luxibench-"+strconv.Itoa(pid)), "the group is removed")
}
