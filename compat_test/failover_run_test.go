package compat_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/internal/testkit/bench"
	"github.com/goluxid/goluxid/internal/testkit/sandbox"
)

// Nodes of the failover cluster, as indexes into sandbox.ClusterNodes.
const (
	oldMaster = 0 // the master the cluster starts with
	newMaster = 1 // the other master candidate
)

// failoverStep is one step of the failover scenario: a client command on
// one node, or a Go function that prints what it found.
type failoverStep struct {
	name  string
	node  int      // the node the client runs on
	cmd   []string // client in /usr/sbin and its arguments, or
	run   func(t *testing.T, f *failoverCluster) result
	norms []normalization
	check func(t *testing.T, luxid string, r result)
	// differs marks a documented difference: check alone decides.
	differs bool
}

func (s failoverStep) what() string {
	if s.cmd != nil {
		return strings.Join(s.cmd, " ")
	}
	return s.name
}

// failoverCluster is one run of the scenario.
type failoverCluster struct {
	c      *sandbox.Cluster
	stale  int // stale job files on the new master, ids 1..stale
	filter string
	// watch follows the luxid the last failover started on node watched;
	// figures are those of earlier ones, by node.
	watch   *startupWatch
	watched int
	figures map[int]startupFigures
}

// endWatch stops following the luxid of the last failover, if any.
func (f *failoverCluster) endWatch() {
	if f.watch != nil {
		f.figures[f.watched] = f.watch.stop()
		f.watch = nil
	}
}

// failoverRun is what one run produced.
type failoverRun struct {
	results []result
	startup startupFigures // of the new master's luxid
	back    startupFigures // of the luxid after a failover back, if any
}

// failoverJobs are the ids of the scenario's jobs after stale stale ones:
// two finished, one canceled and two queued at the failover.
type failoverJobs struct{ done1, done2, canceled, queued1, queued2 int }

func jobsAfter(stale int) failoverJobs {
	return failoverJobs{stale + 1, stale + 2, stale + 3, stale + 4, stale + 5}
}

func (j failoverJobs) all() []string {
	return itoas(j.done1, j.done2, j.canceled, j.queued1, j.queued2)
}

// statuses are the statuses of the jobs, with queued the one of the
// queued jobs.
func (j failoverJobs) statuses(queued string) map[string]string {
	ids := j.all()
	return map[string]string{ids[0]: "success", ids[1]: "success", ids[2]: "canceled", ids[3]: queued, ids[4]: queued}
}

// ran are the jobs that ran to their end.
func (j failoverJobs) ran() []string {
	return itoas(j.done1, j.done2, j.queued1, j.queued2)
}

func itoas(ids ...int) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = strconv.Itoa(id)
	}
	return out
}

// pauseDelays keeps every OP_TEST_DELAY job queued.
const pauseDelays = `[["opcode", ["=", "OP_ID", "OP_TEST_DELAY"]]]`

// failoverSteps is the scenario: jobs on the old master, the failover on
// the other candidate, then the jobs on the new master.
func failoverSteps(stale int) []failoverStep {
	j := jobsAfter(stale)
	delay := []string{"gnt-debug", "delay", "--no-master", "0.1"}
	submit := []string{"gnt-debug", "delay", "--no-master", "--submit", "0.1"}
	return []failoverStep{
		{name: "delay-1", node: oldMaster, cmd: delay},
		{name: "delay-2", node: oldMaster, cmd: delay},
		{name: "pause", node: oldMaster, run: addPauseFilter},
		{name: "submit-3", node: oldMaster, cmd: submit},
		{name: "submit-4", node: oldMaster, cmd: submit},
		{name: "submit-5", node: oldMaster, cmd: submit},
		{name: "cancel", node: oldMaster, cmd: []string{"gnt-job", "cancel", strconv.Itoa(j.canceled)}},
		{name: "jobs-before", node: oldMaster, cmd: []string{"gnt-job", "list"}},
		{name: "candidate-queue", run: candidateQueue, check: wantStatuses(j.statuses("queued"))},
		{name: "failover", run: failoverTo(newMaster), check: warnedAboutMasterIP},
		{name: "getmaster-new", node: newMaster, cmd: []string{"gnt-cluster", "getmaster"},
			check: wantResult("node2.example.com\n", "", 0)},
		{name: "getmaster-old", node: oldMaster, cmd: []string{"gnt-cluster", "getmaster"},
			check: wantResult("node2.example.com\n", "", 0)},
		{name: "master-daemons", run: masterDaemons, check: wantResult(
			"node1.example.com ganeti-wconfd: no pid file\nnode1.example.com ganeti-luxid: no pid file\n"+
				"node2.example.com ganeti-wconfd: running\nnode2.example.com ganeti-luxid: running\n", "", 0)},
		{name: "check-luxid", run: daemonUtil(newMaster, "check", "ganeti-luxid"), check: wantResult("", "", 0)},
		{name: "master-ip-calls", run: masterIPCalls},
		{name: "jobs-after", run: listJobsAfter, check: wantStatuses(j.statuses("queued"))},
		{name: "resume", run: deletePauseFilter},
		{name: "watch-4", node: newMaster, cmd: []string{"gnt-job", "watch", strconv.Itoa(j.queued1)}},
		{name: "watch-5", node: newMaster, cmd: []string{"gnt-job", "watch", strconv.Itoa(j.queued2)}},
		{name: "jobs-run", node: newMaster,
			cmd:   append([]string{"gnt-job", "list", "--no-headers", "-o", "id,status,summary"}, j.all()...),
			check: wantStatuses(j.statuses("success"))},
		{name: "archive", node: newMaster, cmd: append([]string{"gnt-job", "archive"}, j.ran()...)},
		// Documented difference: goluxid archives a job canceled while
		// queued; the Haskell luxid refuses, as it never started.
		{name: "archive-canceled", node: newMaster, cmd: []string{"gnt-job", "archive", strconv.Itoa(j.canceled)},
			differs: true, check: perLuxid(wantResult("", "", 0), wantResult("",
				fmt.Sprintf("Unhandled Ganeti error: user error (Job %d has not yet started up)\n", j.canceled), 1))},
		{name: "archived", run: archivedJobs, check: wantResult(archivedText(j.ran()), "", 0)},
	}
}

// failBackSteps fail the master back to the first node with --no-voting,
// which daemon-util passes to the luxid in EXTRA_LUXID_ARGS, and show
// that the jobs are there.
func failBackSteps(stale int) []failoverStep {
	j := jobsAfter(stale)
	return []failoverStep{
		{name: "failback", run: failoverTo(oldMaster, "--no-voting", "--yes-do-it"), check: warnedAboutMasterIP},
		{name: "getmaster-back", node: oldMaster, cmd: []string{"gnt-cluster", "getmaster"},
			check: wantResult("node1.example.com\n", "", 0)},
		{name: "master-daemons-back", run: masterDaemons, check: wantResult(
			"node1.example.com ganeti-wconfd: running\nnode1.example.com ganeti-luxid: running\n"+
				"node2.example.com ganeti-wconfd: no pid file\nnode2.example.com ganeti-luxid: no pid file\n", "", 0)},
		// Documented difference (jobqueue_rename in a virtual cluster):
		// the Haskell luxid's archive moves never reached the first node.
		{name: "jobs-back", node: oldMaster,
			cmd:     append([]string{"gnt-job", "list", "--archived", "--no-headers", "-o", "id,status,summary"}, j.ran()...),
			differs: true, check: perLuxid(wantArchived(j.ran(), "Y"), wantArchived(j.ran(), "N"))},
	}
}

// wantStatuses requires the output to list exactly these jobs ("<id>
// <status> …" or "job-<id>: <status>" lines) with these statuses, apart
// from the stale ones' summary line, and the exit code 0.
func wantStatuses(want map[string]string) func(*testing.T, string, result) {
	return func(t *testing.T, luxid string, r result) {
		t.Helper()
		got := map[string]string{}
		for line := range strings.Lines(r.stdout) {
			fields := strings.Fields(line)
			if len(fields) < 2 || fields[0] == "stale:" || fields[0] == "serial:" {
				continue
			}
			got[strings.TrimSuffix(strings.TrimPrefix(fields[0], "job-"), ":")] = fields[1]
		}
		assert.Equal(t, want, got, "%s: jobs and statuses in %q", luxid, r.stdout)
		assert.Equal(t, 0, r.exitCode, "%s: exit code; stderr: %s", luxid, r.stderr)
	}
}

// wantArchived requires the rows of gnt-job list --archived for the
// successful delay jobs ids with the archived column flag.
func wantArchived(ids []string, flag string) func(*testing.T, string, result) {
	var b strings.Builder
	for _, id := range ids {
		fmt.Fprintf(&b, "%s success %s %s\n", id, onRelease("TEST_DELAY(0.1)", "TEST_DELAY(100000000 ns)"), flag)
	}
	return wantResult(b.String(), "", 0)
}

// lastSteps end every scenario.
var lastSteps = []failoverStep{{name: "daemon-util-calls", run: daemonUtilCalls}}

// runFailover starts a cluster whose master runs luxid (a program called
// ganeti-luxid), with stale job files on the other candidate, and runs
// the steps.
func runFailover(t *testing.T, kind, luxid string, stale int, steps []failoverStep) failoverRun {
	t.Helper()
	f := startFailoverCluster(t, kind, luxid, stale)
	var run failoverRun
	for _, s := range steps {
		var r result
		start := time.Now()
		if s.run != nil {
			r = s.run(t, f)
		} else {
			r = runOn(t, f.node(s.node), failoverTimeout, s.cmd...)
		}
		if testing.Verbose() {
			t.Logf("%s %s (%s): exit %d\nstdout: %s\nstderr: %s", kind, s.name,
				time.Since(start).Round(time.Millisecond), r.exitCode, r.stdout, r.stderr)
		}
		run.results = append(run.results, r)
	}
	f.endWatch()
	run.startup, run.back = f.figures[newMaster], f.figures[oldMaster]
	return run
}

// startFailoverCluster lays out the cluster, leaves the stale job files in
// the new master's queue (the old master's serial is set past them), and
// starts it. The master daemons daemon-util starts are stopped when the
// test ends, before the cluster.
func startFailoverCluster(t *testing.T, kind, luxid string, stale int) *failoverCluster {
	t.Helper()
	c, err := sandbox.NewCluster(sandbox.ClusterOptions{Luxid: sandbox.GoLuxid(luxid)})
	require.NoError(t, err)
	t.Cleanup(func() {
		if err := c.Close(); err != nil {
			t.Errorf("close %s cluster: %v", kind, err)
		}
	})
	require.NoError(t, os.WriteFile(filepath.Join(c.Dir(), "daemon-util.luxid"), []byte(luxid+"\n"), 0o644))
	if stale > 0 {
		start := time.Now()
		require.NoError(t, bench.WriteFinishedJobs(c.Nodes()[newMaster].Layout(), stale))
		serial := []byte(strconv.Itoa(stale) + "\n")
		require.NoError(t, os.WriteFile(c.Master().Layout().SerialFile, serial, 0o600))
		t.Logf("%s: %d stale job files written in %s", kind, stale, time.Since(start).Round(time.Millisecond))
	}
	start := time.Now()
	require.NoError(t, c.Start(context.Background()), "start %s cluster", kind)
	t.Logf("%s cluster %s started in %s", kind, c.Dir(), time.Since(start).Round(time.Millisecond))
	t.Cleanup(func() { stopMasterDaemons(t, c) })
	return &failoverCluster{c: c, stale: stale, figures: map[int]startupFigures{}}
}

func (f *failoverCluster) node(i int) *sandbox.Sandbox { return f.c.Nodes()[i] }

// stopMasterDaemons stops, through the stand-in daemon-util, the master
// daemons it may have started on any node, and fails the test if one
// still runs: daemon-util finds them by pid file and process name.
func stopMasterDaemons(t *testing.T, c *sandbox.Cluster) {
	for _, s := range c.Nodes() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		cmd := exec.CommandContext(ctx, "/usr/lib/ganeti/daemon-util", "stop-master")
		cmd.Env = s.ClientEnv()
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("daemon-util stop-master on %s: %v: %s", s.Hostname(), err, out)
		}
		cancel()
		for _, name := range []string{"ganeti-wconfd", "ganeti-luxid"} {
			state := daemonState(filepath.Join(s.Layout().RunDir, name+".pid"), name)
			if strings.HasPrefix(state, "running") {
				t.Errorf("%s on %s still %s after daemon-util stop-master", name, s.Hostname(), state)
			}
		}
	}
}

// runOn runs a client on node s.
func runOn(t *testing.T, s *sandbox.Sandbox, timeout time.Duration, cmd ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	stdout, stderr, code, err := s.Run(ctx, cmd[0], cmd[1:]...)
	require.NoError(t, err, "%s on %s: stdout %s stderr %s", strings.Join(cmd, " "), s.Hostname(), stdout, stderr)
	return result{stdout: stdout, stderr: stderr, exitCode: code}
}

// addPauseFilter adds the rule that keeps delay jobs queued; its uuid is
// remembered and replaced by <uuid>.
func addPauseFilter(t *testing.T, f *failoverCluster) result {
	r := runOn(t, f.node(oldMaster), clientTimeout,
		"gnt-filter", "add", "--action", "PAUSE", "--predicates", pauseDelays)
	f.filter = strings.TrimSpace(r.stdout)
	require.Regexp(t, `^[0-9a-f-]{36}$`, f.filter)
	r.stdout = strings.ReplaceAll(r.stdout, f.filter, "<uuid>")
	return r
}

// deletePauseFilter deletes the rule on the new master, so that the
// queued jobs run.
func deletePauseFilter(t *testing.T, f *failoverCluster) result {
	r := runOn(t, f.node(newMaster), clientTimeout, "gnt-filter", "delete", f.filter)
	r.stdout = strings.ReplaceAll(r.stdout, f.filter, "<uuid>")
	r.stderr = strings.ReplaceAll(r.stderr, f.filter, "<uuid>")
	return r
}

// candidateQueue lists the scenario's files in the candidate's queue
// before the failover: what the old master replicated.
func candidateQueue(t *testing.T, f *failoverCluster) result {
	l := f.node(newMaster).Layout()
	var b strings.Builder
	for _, id := range jobsAfter(f.stale).all() {
		data, err := os.ReadFile(filepath.Join(l.QueueDir, "job-"+id))
		fmt.Fprintf(&b, "job-%s: %s\n", id, fileStatus(data, err))
	}
	serial, err := os.ReadFile(l.SerialFile)
	require.NoError(t, err)
	fmt.Fprintf(&b, "serial: %s", serial)
	return result{stdout: b.String()}
}

// fileStatus is the status of the job in a job file, or why there is
// none.
func fileStatus(data []byte, err error) string {
	if err != nil {
		return "missing"
	}
	if st := jobFileStatus(string(data)); st != "" {
		return st
	}
	return "not a job"
}

// failoverTo runs gnt-cluster master-failover with args on node to while
// a startupWatch follows the luxid it starts, and returns once that luxid
// answers.
func failoverTo(to int, args ...string) func(t *testing.T, f *failoverCluster) result {
	return func(t *testing.T, f *failoverCluster) result {
		s := f.node(to)
		f.endWatch()
		f.watch, f.watched = watchStartup(s.Layout()), to
		r := runOn(t, s, failoverTimeout, append([]string{"gnt-cluster", "master-failover"}, args...)...)
		require.NoError(t, f.watch.waitAnswer(2*time.Minute), "the luxid on %s must answer", s.Hostname())
		return r
	}
}

// daemonUtil runs daemon-util (the stand-in) on a node.
func daemonUtil(node int, args ...string) func(t *testing.T, f *failoverCluster) result {
	return func(t *testing.T, f *failoverCluster) result {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, "/usr/lib/ganeti/daemon-util", args...)
		cmd.Env = f.node(node).ClientEnv()
		out, err := cmd.CombinedOutput()
		r := result{stdout: string(out)}
		if exitErr, ok := errors.AsType[*exec.ExitError](err); ok {
			r.exitCode = exitErr.ExitCode()
		} else {
			require.NoError(t, err)
		}
		return r
	}
}

// warnedAboutMasterIP checks the one warning of a failover on loopback:
// a refused connection to the master IP counts as reachable, so the
// client waits 30 s for the old master IP in vain and exits with 1.
func warnedAboutMasterIP(t *testing.T, luxid string, r result) {
	assert.Equal(t, 1, r.exitCode, luxid)
	assert.Equal(t, "The master IP is still reachable after 30 seconds, continuing but activating"+
		" the master IP on the current node will probably fail\n", r.stderr, luxid)
}

// masterDaemons reports which node runs which master daemon: the old
// master's were stopped by daemon-util stop-master, the new master's were
// started by daemon-util start-master.
func masterDaemons(t *testing.T, f *failoverCluster) result {
	var b strings.Builder
	for _, s := range f.c.Nodes()[:2] {
		for _, name := range []string{"ganeti-wconfd", "ganeti-luxid"} {
			fmt.Fprintf(&b, "%s %s: %s\n", s.Hostname(), name, daemonState(filepath.Join(s.Layout().RunDir, name+".pid"), name))
		}
	}
	return result{stdout: b.String()}
}

// daemonState says whether the process in pidFile runs under name.
func daemonState(pidFile, name string) string {
	data, err := os.ReadFile(pidFile)
	if err != nil {
		return "no pid file"
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil {
		return fmt.Sprintf("bad pid file %q", data)
	}
	if syscall.Kill(pid, 0) != nil {
		return "not running"
	}
	comm, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
	if err != nil || strings.TrimSpace(string(comm)) != name {
		return fmt.Sprintf("running as %q", strings.TrimSpace(string(comm)))
	}
	return "running"
}

// listJobsAfter lists the jobs on the new master: the scenario's in full,
// the stale ones counted by status.
func listJobsAfter(t *testing.T, f *failoverCluster) result {
	r := runOn(t, f.node(newMaster), failoverTimeout, "gnt-job", "list", "--no-headers", "-o", "id,status,summary")
	if f.stale == 0 || r.exitCode != 0 {
		return r
	}
	var kept []string
	staleByStatus := map[string]int{}
	for _, line := range strings.SplitAfter(r.stdout, "\n") {
		fields := strings.Fields(line)
		if len(fields) < 2 {
			continue
		}
		if id, err := strconv.Atoi(fields[0]); err == nil && id <= f.stale {
			staleByStatus[fields[1]]++
			continue
		}
		kept = append(kept, line)
	}
	statuses := make([]string, 0, len(staleByStatus))
	for st, n := range staleByStatus {
		statuses = append(statuses, fmt.Sprintf("%d %s", n, st))
	}
	slices.Sort(statuses)
	r.stdout = fmt.Sprintf("stale: %s\n%s", strings.Join(statuses, ", "), strings.Join(kept, ""))
	return r
}

// archivedJobs lists where the scenario's jobs that ran are on the new
// master.
func archivedJobs(t *testing.T, f *failoverCluster) result {
	l := f.node(newMaster).Layout()
	var b strings.Builder
	for _, id := range jobsAfter(f.stale).ran() {
		n, _ := strconv.ParseUint(id, 10, 64)
		data, err := os.ReadFile(l.ArchivedJobFile(n))
		_, liveErr := os.Stat(l.JobFile(n))
		fmt.Fprintf(&b, "job-%s: archived %s, live file %v\n", id, fileStatus(data, err), liveErr == nil)
	}
	return result{stdout: b.String()}
}

// masterIPCalls are the calls of each node's master IP script (cluster's
// master IP replaced): the luxid activates the master IP at start, the
// failover deactivates it on the old master.
func masterIPCalls(t *testing.T, f *failoverCluster) result {
	var b strings.Builder
	for _, s := range f.c.Nodes() {
		data, err := os.ReadFile(s.MasterIPLog())
		if errors.Is(err, os.ErrNotExist) {
			data, err = []byte("(none)\n"), nil
		}
		require.NoError(t, err)
		fmt.Fprintf(&b, "%s:\n%s", s.Hostname(), loopbackRE.ReplaceAllString(string(data), "<master-ip>"))
	}
	return result{stdout: b.String()}
}

// archivedText is what archivedJobs prints for successful jobs ids that
// were archived.
func archivedText(ids []string) string {
	var b strings.Builder
	for _, id := range ids {
		fmt.Fprintf(&b, "job-%s: archived success, live file false\n", id)
	}
	return b.String()
}

// daemonUtilTimeRE is the time stamp of a daemon-util log line.
var daemonUtilTimeRE = regexp.MustCompile(`(?m)^[0-9.]+ `)

// daemonUtilCalls is what daemon-util was asked, in order, on which node.
func daemonUtilCalls(t *testing.T, f *failoverCluster) result {
	data, err := os.ReadFile(filepath.Join(f.c.Dir(), "daemon-util.log"))
	require.NoError(t, err)
	return result{stdout: daemonUtilTimeRE.ReplaceAllString(string(data), "")}
}
