package compat_test

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/internal/testkit/sandbox"
)

// maxInstancesFile is the kernel's limit of inotify instances per user.
const maxInstancesFile = "/proc/sys/fs/inotify/max_user_instances"

// defaultMaxInstances is the kernel's default of that limit.
const defaultMaxInstances = 128

// instancesAsOnDefault returns how many inotify instances the user cred
// may open as on a system with the default limit, less those its
// processes hold. Where the limit is higher, a process of the user holds
// the instances above the default until the test ends; the limit itself
// is left as it is.
func instancesAsOnDefault(t *testing.T, cred *syscall.Credential) (headroom, held int) {
	t.Helper()
	data, err := os.ReadFile(maxInstancesFile)
	require.NoError(t, err)
	limit, err := strconv.Atoi(strings.TrimSpace(string(data)))
	require.NoError(t, err, "%s", maxInstancesFile)
	held = inotifyInstancesOf(t, int(cred.Uid))
	if padding := limit - defaultMaxInstances; padding > 0 {
		holdInotifyInstances(t, cred, padding)
		limit = defaultMaxInstances
	}
	return limit - held, held
}

// holdInotifyInstances has a process of the user cred hold n inotify
// instances until the test ends.
func holdInotifyInstances(t *testing.T, cred *syscall.Credential, n int) {
	t.Helper()
	cmd := exec.Command(sandbox.Python, "-c", holdInstancesScript, strconv.Itoa(n))
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		stdin.Close() // the holder exits at the end of its input
		cmd.Wait()
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	require.NoError(t, err, "inotify holder: %s", stderr.String())
	require.Equal(t, fmt.Sprintf("holding %d\n", n), line, "inotify holder: %s", stderr.String())
}

// holdInstancesScript opens argv[1] inotify instances, says so, and holds
// them until its input ends.
const holdInstancesScript = `
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
fds = []
for _ in range(int(sys.argv[1])):
    fd = libc.inotify_init1(os.O_CLOEXEC)
    if fd < 0:
        sys.exit("inotify_init1: " + os.strerror(ctypes.get_errno()))
    fds.append(fd)
print("holding", len(fds), flush=True)
sys.stdin.read()
`

// inotifyInstancesOf counts the inotify instances the processes of uid
// hold now.
func inotifyInstancesOf(t *testing.T, uid int) int {
	t.Helper()
	entries, err := os.ReadDir("/proc")
	require.NoError(t, err)
	n := 0
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if euid, ok := processEUID(pid); ok && euid == uid {
			n += countInotify(pid)
		}
	}
	return n
}

// processEUID is the effective uid of process pid, from /proc.
func processEUID(pid int) (int, bool) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, false
	}
	for line := range strings.SplitSeq(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "Uid:"); ok {
			fields := strings.Fields(rest)
			if len(fields) < 2 {
				return 0, false
			}
			euid, err := strconv.Atoi(fields[1])
			return euid, err == nil
		}
	}
	return 0, false
}

// countInotify counts process pid's inotify instances.
func countInotify(pid int) int {
	dir := fmt.Sprintf("/proc/%d/fd", pid)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0
	}
	n := 0
	for _, e := range entries {
		if target, err := os.Readlink(filepath.Join(dir, e.Name())); err == nil && target == "anon_inode:inotify" {
			n++
		}
	}
	return n
}
