package compat_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/internal/testkit/binary"
	"github.com/goluxid/goluxid/internal/testkit/prereq"
	"github.com/goluxid/goluxid/internal/testkit/sandbox"
)

// Master failover (gnt-cluster master-failover) in the sandboxed
// three-node cluster. What Ganeti 3.0.2 does, run on the candidate that
// becomes the master:
//
//  1. the client holds the master vote over noded (master_node_name to
//     every node; without --no-voting a majority of all nodes must answer);
//  2. it starts wconfd on itself through daemon-util ("start ganeti-wconfd
//     --force-node --no-voting --yes-do-it"), makes itself the master in
//     the config (wconfd pushes config.data and ssconf to the nodes) and
//     stops that wconfd again;
//  3. it asks the old master's noded to deactivate the master IP (the
//     cluster's no-op master-ip-setup script) and to stop the master
//     daemons (noded runs "daemon-util stop-master");
//  4. it waits up to 30 s until nothing answers TCP on the master IP's
//     port 1811; a refused connection counts as an answer, so on loopback
//     it always waits the full 30 s and warns (exit code 1);
//  5. it asks its own noded to start the master daemons ("daemon-util
//     start-master" with EXTRA_LUXID_ARGS/EXTRA_WCONFD_ARGS empty, or
//     "--no-voting --yes-do-it" with --no-voting); the new luxid holds the
//     vote again, detaches, and activates the master IP.
//
// daemon-util is a fixed path outside GANETI_ROOTDIR, so the test runs in
// a private mount namespace in which failoverDaemonUtil stands in for it.

// failoverDaemonUtil stands in for Ganeti's daemon-util on the sandbox's
// nodes. Like the real one it starts the master daemons with
// start-stop-daemon, without -f (they detach), with their
// $EXTRA_<DAEMON>_ARGS, pid files under the node root and the same process
// names to stop and check them by. Unlike it, the daemons stay root
// (--no-user-checks, the sandbox runs as root), ensure-dirs is not run,
// and the RAPI daemon is neither started nor stopped (the failover tests
// do not use it). The luxid is the program named in the cluster's
// daemon-util.luxid, a file called ganeti-luxid. Every call is logged to
// the cluster's daemon-util.log, with $EXTRA_LUXID_ARGS if set.
// @GANETI_SBIN@ is the installed release's daemon directory.
const failoverDaemonUtil = `#!/bin/bash
GANETI_SBIN=@GANETI_SBIN@
set -e
base=$GANETI_ROOTDIR/..
run=$GANETI_ROOTDIR/var/run/ganeti
echo "$(date +%s.%N) $GANETI_HOSTNAME $*${EXTRA_LUXID_ARGS:+ (EXTRA_LUXID_ARGS=$EXTRA_LUXID_ARGS)}" >> "$base/daemon-util.log"
exe() {
  case $1 in
    ganeti-wconfd) echo "$GANETI_SBIN/ganeti-wconfd" ;;
    ganeti-luxid) cat "$base/daemon-util.luxid" ;;
    *) return 1 ;;
  esac
}
start() {
  local name=$1; shift
  local bin; bin=$(exe "$name") || return 0
  local upper=${name#ganeti-}; upper=${upper^^}
  eval local extra="\$EXTRA_${upper}_ARGS"
  start-stop-daemon --start --quiet --oknodo --pidfile "$run/$name.pid" \
    --startas "$bin" -- --no-user-checks $extra "$@"
}
stop() {
  exe "$1" >/dev/null || return 0
  start-stop-daemon --stop --quiet --oknodo --retry 30 --pidfile "$run/$1.pid" --name "$1"
}
check() {
  start-stop-daemon --stop --signal 0 --quiet --pidfile "$run/$1.pid" --name "$1"
}
start_master() { start ganeti-wconfd; start ganeti-luxid; }
stop_master() { stop ganeti-luxid; stop ganeti-wconfd; }
action=${1//-/_}
shift
case $action in
  start|stop|check|start_master|stop_master) $action "$@" ;;
  *) echo "daemon-util stand-in: $action not supported" >&2; exit 1 ;;
esac
`

// mountNamespaceEnv is set to the test's name in a test binary that
// re-runs that test in a private mount namespace.
const mountNamespaceEnv = "COMPAT_MOUNT_NS"

// staleJobsEnv sets the number of stale job files TestMasterFailover
// leaves on the candidate (defaultStaleJobs when unset); the README's
// figures are of 50000.
const staleJobsEnv = "COMPAT_FAILOVER_STALE_JOBS"

// defaultStaleJobs are enough stale job files to take the paths of a
// stale queue, few enough to keep the default run short.
const defaultStaleJobs = 200

// parallelStaleJobs is the most stale job files with which both luxids'
// runs go in parallel; with more they run one after the other, so that
// each one's start-up figures are its own.
const parallelStaleJobs = 1000

// failoverTimeout bounds gnt-cluster master-failover: about 30 s of it is
// the wait for the old master IP.
const failoverTimeout = 3 * time.Minute

// TestMasterFailover fails the master over to the other candidate under
// each luxid, with stale finished job files left on the candidate
// ($COMPAT_FAILOVER_STALE_JOBS, default defaultStaleJobs; Ganeti's luxid
// has died with "Too many open files" on a large such queue): finished,
// canceled and queued jobs (queued under a PAUSE filter rule) are on the
// new master, the queued ones run once the rule is deleted, and the
// finished ones can be archived. The master then fails back with
// --no-voting (daemon-util passes it to the luxid in EXTRA_LUXID_ARGS).
// The clients' outputs and what daemon-util was asked must be the same
// under both luxids, and daemon-util must find the detached new luxid by
// its process name. It logs how fast the new master's luxid answered and
// how many descriptors it held, and requires goluxid's to stay bounded.
func TestMasterFailover(t *testing.T) {
	stale := defaultStaleJobs
	if v := os.Getenv(staleJobsEnv); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			t.Fatalf("%s=%q: want a number of job files", staleJobsEnv, v)
		}
		stale = n
	}
	testMasterFailover(t, stale)
}

// Bounds on goluxid as the new master's luxid: its descriptors must not
// grow with the job files it loads, and it must answer soon after its
// start. With 50,000 job files it answered after 143 ms holding at most
// 28 descriptors; the bounds leave room for a loaded machine and the
// warm-start helper's pipes.
const (
	maxStartupFds   = 40
	maxStartupDelay = time.Second
)

// testMasterFailover runs the failover scenario with stale job files on
// the candidate under each luxid and compares the steps. With up to
// parallelStaleJobs files the two runs go in parallel: most of a run is
// the failovers' 30 s waits.
func testMasterFailover(t *testing.T, stale int) {
	sandbox.RequireForTest(t)
	if !inPrivateMountNamespace(t) {
		return
	}
	script := strings.ReplaceAll(failoverDaemonUtil, "@GANETI_SBIN@", sandbox.HaskellSbin)
	bindOver(t, writeExecutable(t, "daemon-util", script), daemonUtilPath)
	luxids := map[string]string{
		goKind:      installedAs(t, goluxidBinary(t), "ganeti-luxid"),
		haskellKind: filepath.Join(sandbox.HaskellSbin, "ganeti-luxid"),
	}
	steps := append(append(failoverSteps(stale), failBackSteps(stale)...), lastSteps...)
	runs := map[string]failoverRun{}
	var mu sync.Mutex
	t.Run("run", func(t *testing.T) {
		for _, kind := range []string{goKind, haskellKind} {
			t.Run(kind, func(t *testing.T) {
				if stale <= parallelStaleJobs {
					t.Parallel()
				}
				run := runFailover(t, kind, luxids[kind], stale, steps)
				mu.Lock()
				runs[kind] = run
				mu.Unlock()
			})
		}
	})
	if t.Failed() {
		return
	}
	compareFailoverSteps(t, steps, runs[goKind].results, runs[haskellKind].results)
	goStart := runs[goKind].startup
	t.Logf("the new master's luxid with %d stale job files:\n  goluxid: %s\n  haskell: %s",
		stale, goStart, runs[haskellKind].startup)
	t.Logf("the luxid after the failover back:\n  goluxid: %s\n  haskell: %s", runs[goKind].back, runs[haskellKind].back)
	assert.LessOrEqual(t, goStart.peakFds, maxStartupFds,
		"goluxid's descriptors on the new master must not grow with the %d job files", stale)
	assert.LessOrEqual(t, goStart.toAnswer, maxStartupDelay, "goluxid's first answer on the new master")
}

// compareFailoverSteps requires equal results of each step under both
// luxids after its normalizations, and runs its check on each.
func compareFailoverSteps(t *testing.T, steps []failoverStep, goResults, hsResults []result) {
	for i, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			gor, hsr := goResults[i], hsResults[i]
			for _, n := range s.norms {
				n.apply(t, goKind, &gor)
				n.apply(t, haskellKind, &hsr)
			}
			if s.check != nil {
				s.check(t, goKind, gor)
				s.check(t, haskellKind, hsr)
			}
			if !s.differs {
				assert.Equal(t, hsr, gor, "%s (expected: haskell, actual: goluxid)", s.what())
			}
		})
	}
}

// inPrivateMountNamespace reports whether the test runs in a private mount
// namespace; if not, it runs the test again in one (unshare -m), reports
// that run's outcome and returns false.
func inPrivateMountNamespace(t *testing.T) bool {
	t.Helper()
	if os.Getenv(mountNamespaceEnv) == t.Name() {
		return true
	}
	propagation, err := privatePropagation()
	if err != nil {
		prereq.Missing(t, "needs a private mount namespace (unshare -m) to replace daemon-util: %v", err)
	}
	cmd := exec.Command("unshare", "-m", "--propagation", propagation, os.Args[0],
		"-test.run=^"+t.Name()+"$", "-test.v", "-test.timeout=30m")
	cmd.Env = append(os.Environ(), mountNamespaceEnv+"="+t.Name(), binary.Env+"="+goluxidBinary(t))
	out, err := cmd.CombinedOutput()
	t.Logf("run in a private mount namespace:\n%s", out)
	if err != nil {
		t.Fatalf("%s in a private mount namespace: %v", t.Name(), err)
	}
	return false
}

// writeExecutable writes an executable script called name into a
// temporary directory and returns its path.
func writeExecutable(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(path, []byte(content), 0o755))
	return path
}

// installedAs copies the program bin into a temporary directory under
// name, as a package installs it: its process name is then name.
func installedAs(t *testing.T, bin, name string) string {
	t.Helper()
	data, err := os.ReadFile(bin)
	require.NoError(t, err)
	return writeExecutable(t, name, string(data))
}

// bindOver bind-mounts src over dst in this process's mount namespace
// until the test ends.
func bindOver(t *testing.T, src, dst string) {
	t.Helper()
	if out, err := exec.Command("mount", "--bind", src, dst).CombinedOutput(); err != nil {
		t.Fatalf("mount --bind %s %s: %v: %s", src, dst, err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dst).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", dst, err, out)
		}
	})
}
