package compat_test

import (
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

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

// daemonUtilPath is where Ganeti's watcher finds daemon-util (a fixed path,
// not below GANETI_ROOTDIR).
const daemonUtilPath = "/usr/lib/ganeti/3.0/usr/lib/ganeti/daemon-util"

// fakeDaemonUtil stands in for daemon-util while the watcher runs: it
// starts and stops nothing and logs what it was asked, so that the
// watcher's daemon checks neither start a second copy of a sandbox daemon
// nor touch the machine's own. The log is compared between the luxids.
const fakeDaemonUtil = `#!/bin/sh
echo "$*" >> "$GANETI_ROOTDIR/../daemon-util.log"
exit 0
`

// runWatcher runs the real ganeti-watcher once with the given arguments,
// in a private mount namespace whose daemon-util is fakeDaemonUtil, and
// prints its exit code and output. The daemon-util log sits beside the
// node root.
const runWatcher = `
import os, subprocess, sys
root = os.environ["GANETI_ROOTDIR"]
fake = os.path.join(root, "..", "fake-daemon-util")
with open(fake, "w") as f:
    f.write(sys.argv[1])
os.chmod(fake, 0o755)
watcher = "/usr/share/ganeti/3.0/ganeti-watcher"
script = 'mount --bind "$1" "$2" && shift 2 && exec /usr/bin/python3 "$@"'
res = subprocess.run(["unshare", "-m", "sh", "-c", script, "sh", fake, sys.argv[2], watcher] + sys.argv[3:],
                     capture_output=True, text=True)
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
	return jobStep{name: name, py: runWatcher, args: append([]string{fakeDaemonUtil, daemonUtilPath}, args...),
		timeout: 3 * time.Minute, check: exitedZero}
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

// TestWatcher runs Ganeti's watcher (ganeti-watcher, from cron on a real
// master) against both luxids: a first run submits its verify-disks job,
// waits for it and archives it; a paused watcher does nothing; a later run
// with a job age of one second also archives a finished delay job. The
// job list, the archive and what the watcher asked of daemon-util must be
// the same.
func TestWatcher(t *testing.T) {
	if err := exec.Command("unshare", "-m", "true").Run(); err != nil {
		t.Skipf("needs a private mount namespace (unshare -m) to fake daemon-util: %v", err)
	}
	jobs := jobStep{name: "jobs", cmd: []string{"gnt-job", "list", "--no-headers", "-o", "id,status,summary"}}
	archive := jobStep{name: "archive", py: `
import os
d = os.path.join(os.environ["GANETI_ROOTDIR"], "var/lib/ganeti/queue/archive")
for bucket in sorted(os.listdir(d)):
    print(bucket, sorted(os.listdir(os.path.join(d, bucket)), key=lambda n: int(n.split("-")[1])))
`}
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
