package compat_test

import (
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/goluxid/goluxid/internal/testkit/prereq"
	"github.com/goluxid/goluxid/internal/testkit/sandbox"
)

// pauseTime replaces the moment the watcher is paused until, which depends
// on when the command ran.
var pauseTime = normalization{
	name: "pause-time",
	apply: func(t *testing.T, luxid string, r *result) {
		r.stdout = untilRE.ReplaceAllString(r.stdout, "until <time>")
	},
}

var untilRE = regexp.MustCompile(`until .*`)

// TestWatcherPause compares pausing and resuming the watcher (noded writes
// the pause file on the luxid's request) and reading the pause back.
func TestWatcherPause(t *testing.T) {
	compareOnBothLuxids(t, sandbox.Options{Noded: true}, []clientCase{
		{name: "info-unpaused", cmd: []string{"gnt-cluster", "watcher", "info"}},
		{name: "pause", cmd: []string{"gnt-cluster", "watcher", "pause", "1h"}, norms: []normalization{pauseTime}},
		{name: "info-paused", cmd: []string{"gnt-cluster", "watcher", "info"}, norms: []normalization{pauseTime}},
		{name: "continue", cmd: []string{"gnt-cluster", "watcher", "continue"}},
		{name: "info-continued", cmd: []string{"gnt-cluster", "watcher", "info"}},
	})
}

// daemonUtilPath is where the installed release's watcher finds
// daemon-util (a fixed path, not below GANETI_ROOTDIR).
var daemonUtilPath = "/usr/lib/ganeti/" + sandbox.Ganeti.Dir + "/usr/lib/ganeti/daemon-util"

// fakeDaemonUtil stands in for daemon-util while the watcher runs: it
// starts and stops nothing and logs what it was asked, so that the
// watcher's daemon checks neither start a second copy of a sandbox daemon
// nor touch the machine's own. The log is compared between the luxids.
const fakeDaemonUtil = `#!/bin/sh
echo "$*" >> "$GANETI_ROOTDIR/../daemon-util.log"
exit 0
`

// runWatcher runs the real ganeti-watcher of the installed release (in
// PYTHONPATH) once with the given arguments, in a private mount namespace
// (made with the propagation privatePropagation chose) whose daemon-util
// is fakeDaemonUtil, and prints its exit code and output. The daemon-util
// log sits beside the node root.
const runWatcher = `
import os, subprocess, sys
root = os.environ["GANETI_ROOTDIR"]
fake = os.path.join(root, "..", "fake-daemon-util")
with open(fake, "w") as f:
    f.write(sys.argv[1])
os.chmod(fake, 0o755)
watcher = os.path.join(os.environ["PYTHONPATH"], "ganeti-watcher")
script = 'mount --bind "$1" "$2" && shift 2 && exec /usr/bin/python3 "$@"'
res = subprocess.run(["unshare", "-m", "--propagation", sys.argv[3], "sh", "-c", script, "sh", fake, sys.argv[2],
                      watcher] + sys.argv[4:], capture_output=True, text=True)
print("exit", res.returncode)
print(res.stdout, end="")
print(res.stderr, end="", file=sys.stderr)
`

// daemonUtilLog prints what the watcher asked of daemon-util.
const daemonUtilLog = `
import os
path = os.path.join(os.environ["GANETI_ROOTDIR"], "..", "daemon-util.log")
print(open(path).read() if os.path.exists(path) else "(no calls)", end="")
`

// watcherStep runs the watcher with args.
func watcherStep(name string, args ...string) jobStep {
	return jobStep{name: name, py: runWatcher, args: watcherArgs(args...), timeout: 3 * time.Minute, check: exitedZero}
}

// watcherArgs are runWatcher's arguments for a watcher run with args.
func watcherArgs(args ...string) []string {
	propagation, _ := privatePropagation()
	return append([]string{fakeDaemonUtil, daemonUtilPath, propagation}, args...)
}

// privatePropagation returns the mount propagation of a namespace whose
// mounts (a faked daemon-util) must not show outside: private, or unchanged where no mount is shared (in the
// Debian 13 root, whose namespace is private already and whose root,
// being no mount point, cannot be made private again), so that the
// faked daemon-util never shows outside. It fails where neither can be
// had.
func privatePropagation() (string, error) {
	err := exec.Command("unshare", "-m", "--propagation", "private", "true").Run()
	if err == nil {
		return "private", nil
	}
	mounts, readErr := os.ReadFile("/proc/self/mountinfo")
	if readErr != nil || strings.Contains(string(mounts), " shared:") {
		return "", err
	}
	if err := exec.Command("unshare", "-m", "--propagation", "unchanged", "true").Run(); err != nil {
		return "", err
	}
	return "unchanged", nil
}

// exitedZero checks that a step's command succeeded.
func exitedZero(t *testing.T, luxid string, r result) {
	assert.Equal(t, 0, r.exitCode, "%s: exit code; stderr: %s", luxid, r.stderr)
	assert.True(t, strings.HasPrefix(r.stdout, "exit 0\n"), "%s: the watcher failed: %s %s", luxid, r.stdout, r.stderr)
}

// sleepStep waits, so that the jobs before it are older than a job age.
func sleepStep(d time.Duration) func(*testing.T, string, *sandbox.Sandbox) {
	return func(*testing.T, string, *sandbox.Sandbox) { time.Sleep(d) }
}

// archivedJobsScript lists the archive's job files by bucket.
const archivedJobsScript = `
import os
d = os.path.join(os.environ["GANETI_ROOTDIR"], "var/lib/ganeti/queue/archive")
for bucket in sorted(os.listdir(d)):
    print(bucket, sorted(os.listdir(os.path.join(d, bucket)), key=lambda n: int(n.split("-")[1])))
`

// TestWatcher runs Ganeti's watcher (ganeti-watcher, from cron on a real
// master) against both luxids: a first run submits its verify-disks job,
// waits for it and archives it; a paused watcher does nothing; a later run
// with a job age of one second also archives a finished delay job. The
// job list, the archive and what the watcher asked of daemon-util must be
// the same.
func TestWatcher(t *testing.T) {
	if _, err := privatePropagation(); err != nil {
		prereq.Missing(t, "needs a private mount namespace (unshare -m) to fake daemon-util: %v", err)
	}
	jobs := jobStep{name: "jobs", cmd: []string{"gnt-job", "list", "--no-headers", "-o", "id,status,summary"}}
	archive := jobStep{name: "archive", py: archivedJobsScript}
	named := func(s jobStep, name string) jobStep { s.name = name; return s }
	archiving := watcherStep("watcher-archiving", "--wait-children", "--job-age=1")
	archiving.before = sleepStep(2 * time.Second)
	compareJobSteps(t, sandbox.Options{Noded: true}, []jobStep{
		watcherStep("watcher-first", "--wait-children"),
		named(jobs, "jobs-after-first"),
		named(archive, "archive-after-first"),
		{name: "pause", cmd: []string{"gnt-cluster", "watcher", "pause", "1h"}, norms: []normalization{pauseTime}},
		watcherStep("watcher-paused", "--wait-children"),
		named(archive, "archive-while-paused"),
		{name: "continue", cmd: []string{"gnt-cluster", "watcher", "continue"}},
		{name: "delay", cmd: []string{"gnt-debug", "delay", "0.1"}},
		named(jobs, "jobs-before-archiving"),
		archiving,
		named(jobs, "jobs-after-archiving"),
		named(archive, "archive-after-archiving"),
		{name: "daemon-util-calls", py: daemonUtilLog},
	})
}

// watcherLogScript prints the watcher log's lines about verify-disks jobs
// already pending and about locks, without their time and process id and
// with the node root as $ROOT.
const watcherLogScript = `
import os, re
root = os.environ["GANETI_ROOTDIR"]
with open(os.path.join(root, "var/log/ganeti/watcher.log")) as f:
    for line in f:
        if "already pending" in line or "acquire lock" in line:
            print(re.sub(r"^.* pid=\d+ ", "", line).replace(root, "$ROOT"), end="")
`

// TestWatcherWithVerifyDisksPending runs the watcher a second time while
// the verify-disks job of its first run is still pending (a filter rule
// holds it, and the first run waits for it): the second run submits no
// job of its own, on either release, but for different reasons. Ganeti
// 3.1's watcher finds the pending job by querying the jobs' ids, summaries
// and statuses; 3.0's cannot lock the group's state file, which the first
// run still holds. Then the job runs and the first run archives it.
func TestWatcherWithVerifyDisksPending(t *testing.T) {
	if _, err := privatePropagation(); err != nil {
		prereq.Missing(t, "needs a private mount namespace (unshare -m) to fake daemon-util: %v", err)
	}
	const rule = "aaaaaaaa-0000-4000-8000-0000000000e3"
	const group = "5244a46d-7506-4e14-922d-02b58153dde1" // the only group with instances
	bg := newBackgrounds(t)
	jobs := []string{"gnt-job", "list", "--no-headers", "-o", "id,status,summary"}
	second := watcherStep("watcher-second", "--wait-children")
	second.before = waitJobsBefore(time.Minute, "queued", 1)
	compareJobSteps(t, sandbox.Options{Noded: true}, []jobStep{
		{name: "pause-group-verify", cmd: []string{"gnt-filter", "replace", "--action", "PAUSE",
			"--predicates", `[["opcode", ["=", "OP_ID", "OP_GROUP_VERIFY_DISKS"]]]`, rule}},
		bg.startPython("watcher-first", runWatcher, watcherArgs("--wait-children")...),
		second,
		{name: "jobs-while-pending", cmd: jobs,
			check: wantResult("1 queued GROUP_VERIFY_DISKS("+group+")\n", "", 0)},
		{name: "watcher-log", py: watcherLogScript, check: wantResult(onRelease(
			"ERROR Can't acquire lock on state file $ROOT/var/lib/ganeti/watcher."+group+".data: File already locked\n",
			"INFO There are verify disks jobs already pending (1), skipping VerifyDisks step for "+group+".\n"),
			"", 0)},
		{name: "delete-pause", cmd: []string{"gnt-filter", "delete", rule}},
		withCheck(bg.wait("watcher-first", 3*time.Minute), exitedZero),
		{name: "jobs-after-first", cmd: jobs, check: wantResult("", "", 0)},
		{name: "archive", py: archivedJobsScript, check: wantResult("0 ['job-1']\n", "", 0)},
		{name: "daemon-util-calls", py: daemonUtilLog},
	})
}

// withCheck returns step with check as its check.
func withCheck(step jobStep, check func(*testing.T, string, result)) jobStep {
	step.check = check
	return step
}
