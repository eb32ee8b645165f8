package packaging_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/goluxid/goluxid/internal/testkit/crashfs"
	"github.com/goluxid/goluxid/internal/testkit/prereq"
	"github.com/goluxid/goluxid/internal/testkit/sandbox"
)

// debEnv names a prebuilt package to test instead of building one with
// scripts/build-deb.sh (which needs Go: the Debian 13 root has none).
const debEnv = "GOLUXID_DEB"

// haskellLuxid is the installed release's own luxid.
var haskellLuxid = filepath.Join(sandbox.HaskellSbin, "ganeti-luxid")

const (
	installedLuxid = "/usr/sbin/ganeti-luxid"
	// manPage is Ganeti's manual page of ganeti-luxid, a symbolic link.
	manPage    = "/usr/share/man/man8/ganeti-luxid.8.gz"
	daemonUtil = "/usr/lib/ganeti/daemon-util"
)

// overlaidDirs are the directories installing and removing the package
// writes to: the package's files, dpkg's database and log, man-db's cache.
var overlaidDirs = []string{"/usr", "/var"}

// TestSwitchOverAndBack follows the README's operator steps on a sandboxed
// master: Ganeti's daemon-util starts the Haskell luxid; the package is
// built and installed; a job starts; daemon-util restarts ganeti-luxid, now
// goluxid under Ganeti's user and process name, which adopts the running
// job, runs new ones and reopens its log when daemon-util rotates logs;
// daemon-util stops it, the package is removed, and daemon-util starts the
// Haskell luxid again on the same queue with Ganeti's program back in place.
//
// It runs in a private mount namespace in which overlaidDirs are
// overlays over a tmpfs: the machine stays as it was, even when the test
// is killed, and a goluxid installed on it is removed in the overlay
// first.
func TestSwitchOverAndBack(t *testing.T) {
	sandbox.RequireForTest(t)
	prereq.Program(t, "dpkg-deb", "dpkg")
	if !crashfs.InPrivateNamespace(t) {
		return
	}
	overlay(t, overlaidDirs...)
	if installed("goluxid") {
		t.Log("goluxid is installed on this machine: removed in the overlay")
		remove(t)
	}
	symlinkBefore, err := os.Readlink(installedLuxid)
	require.NoError(t, err, "Ganeti's ganeti-luxid is a symlink")
	manBefore, err := os.Readlink(manPage)
	require.NoError(t, err, "Ganeti's manual page is a symlink")
	haskellBefore := fingerprint(t, haskellLuxid)

	m := startMaster(t)
	m.daemonUtil("start", "ganeti-luxid")
	assert.Contains(t, m.gnt("gnt-cluster", "version"), "(ganeti) version "+sandbox.Ganeti.Version)

	install(t, debPackage(t))
	version, err := exec.Command(installedLuxid, "--version").CombinedOutput()
	require.NoError(t, err)
	assert.Contains(t, string(version), "goluxid")
	assert.Equal(t, haskellBefore, fingerprint(t, haskellLuxid), "the Haskell binary is untouched")
	manInstalled, err := os.Readlink(manPage)
	require.NoError(t, err)
	assert.Equal(t, "goluxid.8.gz", manInstalled, "goluxid's manual page takes the name")
	m.gnt("gnt-debug", "delay", "--submit", "--no-master", "6")
	m.waitOpcodeRunning("1")

	m.daemonUtil("stop", "ganeti-luxid")
	m.daemonUtil("start", "ganeti-luxid")
	m.daemonUtil("check", "ganeti-luxid")
	m.checkLuxidProcess()
	assert.Contains(t, m.gnt("gnt-cluster", "version"), "VCS version: (goluxid)")
	assert.Contains(t, m.gnt("gnt-job", "list", "--no-headers", "-o", "id,status", "1"), "running")
	assert.Contains(t, m.readLog(), "running jobs: [1]", "the job started by the Haskell luxid is adopted")
	m.rotateLog()
	m.gnt("gnt-debug", "delay", "--no-master", "0.1")
	m.gnt("gnt-job", "watch", "1")
	assert.Contains(t, m.readLog(), "Starting jobs: 2", "the reopened log gets new lines")

	m.daemonUtil("stop", "ganeti-luxid")
	remove(t)
	symlinkAfter, err := os.Readlink(installedLuxid)
	require.NoError(t, err, "Ganeti's symlink is back")
	assert.Equal(t, symlinkBefore, symlinkAfter)
	manAfter, err := os.Readlink(manPage)
	require.NoError(t, err, "Ganeti's manual page is back")
	assert.Equal(t, manBefore, manAfter)
	m.daemonUtil("start", "ganeti-luxid")
	assert.Contains(t, m.gnt("gnt-cluster", "version"), "(ganeti) version "+sandbox.Ganeti.Version)
	m.gnt("gnt-debug", "delay", "--no-master", "0.1")
	assert.Equal(t, "1 success\n2 success\n3 success\n",
		normalizeSpaces(m.gnt("gnt-job", "list", "--no-headers", "-o", "id,status")))
}

// master is a sandboxed master node whose luxid is managed by daemon-util.
type master struct {
	t  *testing.T
	sb *sandbox.Sandbox
}

// startMaster starts a sandbox with wconfd and noded and without a luxid,
// and stops whatever daemon-util started when t ends. LUXID_ARGS skips the
// master vote, which would contact the demo config's offline nodes at
// non-loopback addresses.
func startMaster(t *testing.T) *master {
	sb := sandbox.StartForTest(t, sandbox.Options{Noded: true, Luxid: sandbox.HaskellLuxid()})
	require.NoError(t, sb.StopLuxid())
	// The sandbox's luxid ran as root; a luxid started as gnt-masterd in
	// the same second would find its root-owned livelock file.
	stale, err := filepath.Glob(filepath.Join(sb.Root(), "var/run/ganeti/livelocks/luxi-daemon_*"))
	require.NoError(t, err)
	for _, f := range stale {
		require.NoError(t, os.Remove(f))
	}
	defaults := filepath.Join(sb.Root(), "etc/default/ganeti")
	require.NoError(t, os.MkdirAll(filepath.Dir(defaults), 0o755))
	require.NoError(t, os.WriteFile(defaults, []byte("LUXID_ARGS=\"--no-voting --yes-do-it\"\n"), 0o644))
	m := &master{t: t, sb: sb}
	// Registered after the sandbox's own cleanup, so it runs before it.
	t.Cleanup(func() { m.run(daemonUtil, "stop", "ganeti-luxid") })
	return m
}

// run runs a command in the node's environment and returns its output and
// exit code.
func (m *master) run(name string, args ...string) (string, int) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = m.sb.ClientEnv()
	out, err := cmd.CombinedOutput()
	if exitErr, ok := err.(*exec.ExitError); ok {
		return string(out), exitErr.ExitCode()
	}
	require.NoError(m.t, err, "%s %v: %s", name, args, out)
	return string(out), 0
}

// waitOpcodeRunning waits until job id's process has taken over the job,
// which it shows by marking its opcode running.
func (m *master) waitOpcodeRunning(id string) {
	m.t.Helper()
	require.Eventually(m.t, func() bool {
		out, _ := m.run(filepath.Join(sandbox.ClientDir, "gnt-job"), "list", "--no-headers", "-o", "opstatus", id)
		return strings.TrimSpace(out) == "['running']"
	}, time.Minute, 100*time.Millisecond)
}

func (m *master) daemonUtil(args ...string) {
	m.t.Helper()
	out, code := m.run(daemonUtil, args...)
	require.Equal(m.t, 0, code, "daemon-util %v: %s", args, out)
}

// gnt runs a real client, which must succeed, and returns its output.
func (m *master) gnt(name string, args ...string) string {
	m.t.Helper()
	out, code := m.run(filepath.Join(sandbox.ClientDir, name), args...)
	require.Equal(m.t, 0, code, "%s %v: %s", name, args, out)
	return out
}

// checkLuxidProcess checks that the process in luxid's PID file carries
// the name daemon-util stops it by and runs as Ganeti's luxid user.
func (m *master) checkLuxidProcess() {
	pidText, err := os.ReadFile(m.sb.Layout().PidFile)
	require.NoError(m.t, err)
	pid, err := strconv.Atoi(strings.TrimSpace(string(pidText)))
	require.NoError(m.t, err)
	comm, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
	require.NoError(m.t, err)
	assert.Equal(m.t, "ganeti-luxid\n", string(comm))
	var st unix.Stat_t
	require.NoError(m.t, unix.Stat(fmt.Sprintf("/proc/%d", pid), &st))
	out, err := exec.Command("id", "-u", "gnt-masterd").Output()
	require.NoError(m.t, err)
	assert.Equal(m.t, strings.TrimSpace(string(out)), strconv.Itoa(int(st.Uid)))
}

func (m *master) logPath() string {
	return filepath.Join(m.sb.Layout().LogDir, "luxi-daemon.log")
}

// rotateLog does what logrotate does: moves the log aside and asks
// daemon-util to make the daemon reopen it.
func (m *master) rotateLog() {
	require.NoError(m.t, os.Rename(m.logPath(), m.logPath()+".1"))
	m.daemonUtil("rotate-logs", "ganeti-luxid")
	require.Eventually(m.t, func() bool {
		_, err := os.Stat(m.logPath())
		return err == nil
	}, 5*time.Second, 20*time.Millisecond, "the log is created again")
}

func (m *master) readLog() string {
	data, err := os.ReadFile(m.logPath())
	require.NoError(m.t, err)
	return string(data)
}

// overlay mounts an overlay over each of dirs, with its changes on a
// tmpfs, in the test's private mount namespace until t ends.
func overlay(t *testing.T, dirs ...string) {
	changes := t.TempDir()
	require.NoError(t, unix.Mount("tmpfs", changes, "tmpfs", 0, "mode=0755"), "a tmpfs for the overlays' changes")
	t.Cleanup(func() { detach(t, changes) })
	for i, dir := range dirs {
		upper, work := filepath.Join(changes, strconv.Itoa(i), "upper"), filepath.Join(changes, strconv.Itoa(i), "work")
		require.NoError(t, os.MkdirAll(upper, 0o755))
		require.NoError(t, os.MkdirAll(work, 0o755))
		opts := fmt.Sprintf("lowerdir=%s,upperdir=%s,workdir=%s", dir, upper, work)
		if err := unix.Mount("overlay", dir, "overlay", 0, opts); err != nil {
			prereq.Missing(t, "needs an overlay file system over %s (modprobe overlay): %v", dir, err)
		}
		t.Cleanup(func() { detach(t, dir) })
	}
}

// detach unmounts dir lazily: daemons the test started may still hold
// files open in it.
func detach(t *testing.T, dir string) {
	if err := unix.Unmount(dir, unix.MNT_DETACH); err != nil {
		t.Errorf("unmount %s: %v", dir, err)
	}
}

func installed(pkg string) bool {
	out, err := exec.Command("dpkg-query", "-W", "-f=${Status}", pkg).CombinedOutput()
	return err == nil && strings.Contains(string(out), "install ok installed")
}

// install installs deb and purges the package when t ends unless remove did.
func install(t *testing.T, deb string) {
	run(t, "dpkg", "-i", deb)
	t.Cleanup(func() {
		if installed("goluxid") {
			run(t, "dpkg", "--purge", "goluxid")
		}
	})
}

func remove(t *testing.T) { run(t, "dpkg", "--purge", "goluxid") }

func run(t *testing.T, name string, args ...string) {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	require.NoError(t, err, "%s %v: %s", name, args, out)
}

// fingerprint identifies a file's content by size and modification time.
func fingerprint(t *testing.T, path string) string {
	t.Helper()
	fi, err := os.Stat(path)
	require.NoError(t, err)
	return fmt.Sprintf("%d bytes, modified %s", fi.Size(), fi.ModTime())
}

func normalizeSpaces(s string) string {
	var lines []string
	for _, line := range strings.Split(strings.TrimSpace(s), "\n") {
		lines = append(lines, strings.Join(strings.Fields(line), " "))
	}
	return strings.Join(lines, "\n") + "\n"
}

// debPackage returns the package to install: $GOLUXID_DEB, or one built
// with scripts/build-deb.sh.
func debPackage(t *testing.T) string {
	if deb := os.Getenv(debEnv); deb != "" {
		return deb
	}
	out, err := exec.Command("../scripts/build-deb.sh", t.TempDir()).Output()
	require.NoError(t, err)
	return strings.TrimSpace(string(out))
}
