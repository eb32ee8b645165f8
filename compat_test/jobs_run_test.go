package compat_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/internal/testkit/sandbox"
)

// parallelJobsScript submits five 0.5 s delays at once and polls their
// statuses until all are finished, counting how many were started (waiting,
// running or canceling) at the same time. (They also queue for the master's
// node lock: OpTestDelay in 3.0 locks its nodes even when asked not to, so
// a started job is "waiting" until the one before it is done.)
const parallelJobsScript = `
import time
from ganeti import luxi, opcodes
cl = luxi.Client()
started = ("waiting", "running", "canceling")
final = ("success", "error", "canceled")
jobs = [[opcodes.OpTestDelay(duration=0.5, on_master=True, no_locks=True)] for _ in range(5)]
ids = [jid for (ok, jid) in cl.SubmitManyJobs(jobs)]
print("submitted", ids)
most = 0
deadline = time.time() + 60
while time.time() < deadline:
    statuses = [s for (s,) in cl.QueryJobs(ids, ["status"])]
    most = max(most, sum(1 for s in statuses if s in started))
    if all(s in final for s in statuses):
        break
    time.sleep(0.02)
print("most jobs started at once:", most)
print("statuses:", [s for (s,) in cl.QueryJobs(ids, ["status"])])
`

// dependenciesScript submits a parent job, a job depending on its success
// and one depending on its failure, polls them until all are finished and
// reports what the dependants did while the parent ran and in which order
// the jobs ran.
const dependenciesScript = `
import time
from ganeti import luxi, opcodes
cl = luxi.Client()
final = ("success", "error", "canceled")
def delay(d, **kw):
    return opcodes.OpTestDelay(duration=d, on_master=True, no_locks=True, **kw)
parent = cl.SubmitJob([delay(1.0)])
dep = cl.SubmitJob([delay(0.1, depends=[[parent, ["success"]]])])
bad = cl.SubmitJob([delay(0.1, depends=[[parent, ["error", "canceled"]]])])
print("parent", parent, "dependant", dep, "unsatisfiable dependant", bad)
seen = set()
deadline = time.time() + 60
while time.time() < deadline:
    st = dict(cl.QueryJobs([parent, dep, bad], ["id", "status"]))
    if st[parent] in ("waiting", "running"):
        seen.add((st[dep], st[bad]))
    if all(s in final for s in st.values()):
        break
    time.sleep(0.02)
print("dependants while the parent ran:", sorted(seen))
res = cl.QueryJobs([parent, dep, bad], ["id", "status", "opresult", "start_ts", "end_ts"])
for (j, s, r, _, _) in res:
    print(j, s, r)
print("dependant started after the parent ended:", tuple(res[1][3]) >= tuple(res[0][4]))
print("unsatisfiable dependant started after the parent ended:", tuple(res[2][3]) >= tuple(res[0][4]))
`

// restartSubmitScript submits a 4 s parent and a dependant for the luxid
// restart.
const restartSubmitScript = `
from ganeti import luxi, opcodes
cl = luxi.Client()
def delay(d, **kw):
    return opcodes.OpTestDelay(duration=d, on_master=False, **kw)
parent = cl.SubmitJob([delay(4.0)])
dep = cl.SubmitJob([delay(0.1, depends=[[parent, ["success"]]])])
print(parent, dep)
`

// restartCheckScript waits until the jobs given as arguments (parent,
// dependant) are finished and reports their order.
const restartCheckScript = `
import sys, time
from ganeti import luxi
cl = luxi.Client()
ids = [int(a) for a in sys.argv[1:]]
final = ("success", "error", "canceled")
deadline = time.time() + 60
while time.time() < deadline:
    if all(s in final for (s,) in cl.QueryJobs(ids, ["status"])):
        break
    time.sleep(0.05)
res = cl.QueryJobs(ids, ["id", "status", "opresult", "start_ts", "end_ts"])
for (j, s, r, _, _) in res:
    print(j, s, r)
print("dependant started after the parent ended:", tuple(res[1][3]) >= tuple(res[0][4]))
`

// delayTestSocketRE matches the socket an interruptible OpTestDelay waits
// on, in a new temporary directory.
var delayTestSocketRE = regexp.MustCompile(`/tmp/tmp[A-Za-z0-9_]+/sock`)

// delayTestSocket replaces the path of the socket an interruptible
// OpTestDelay logs; it is a new temporary directory each time.
var delayTestSocket = normalization{
	name: "delay-test-socket",
	apply: func(t *testing.T, luxid string, r *result) {
		r.stdout = delayTestSocketRE.ReplaceAllString(r.stdout, "<socket>")
	},
}

// removeDelayTestSocket removes the temporary directory of the socket the
// killed interruptible job logged (a killed job cannot clean it up).
func removeDelayTestSocket(job int) func(*testing.T, string, *sandbox.Sandbox) {
	return func(t *testing.T, _ string, sb *sandbox.Sandbox) {
		t.Helper()
		data, err := os.ReadFile(filepath.Join(sb.Layout().QueueDir, "job-"+strconv.Itoa(job)))
		require.NoError(t, err)
		sock := delayTestSocketRE.FindString(string(data))
		require.NotEmpty(t, sock, "no socket logged by job %d", job)
		require.NoError(t, os.RemoveAll(filepath.Dir(sock)))
	}
}

// restartGoluxid stops goluxid while job 17 runs and starts it again.
func restartGoluxid(t *testing.T, luxid string, sb *sandbox.Sandbox) {
	t.Helper()
	require.Equal(t, goKind, luxid)
	waitJobs(t, sb, 30*time.Second, "running", 17)
	require.NoError(t, sb.StopLuxid())
	require.NoError(t, sb.StartLuxid(context.Background()), "the same command line again")
}

// TestJobsRun compares jobs that really run (with noded, as OpTestDelay on
// the master sleeps through the test_delay RPC): synchronous and submitted
// delays, watch, info, archive, autoarchive, max_running_jobs 2 with
// parallel jobs, dependencies, cancel of queued and running jobs and kill.
// The luxid restart with a running job and a dependant is goluxid's alone
// (the Haskell luxid only notices the job's end on its 307 s poll).
func TestJobsRun(t *testing.T) {
	times := []normalization{jobTimestamps}
	steps := []jobStep{
		{name: "max-running-jobs-2", cmd: []string{"gnt-cluster", "info"}, before: setMaxRunningJobsBefore(2)},
		{name: "delay-sync", cmd: []string{"gnt-debug", "delay", "0.1"}},
		{name: "delay-zero", cmd: []string{"gnt-debug", "delay", "0"}},
		{name: "delay-dry-run", cmd: []string{"gnt-debug", "delay", "--dry-run", "0.1"}, norms: times},
		{name: "submit-4", cmd: []string{"gnt-debug", "delay", "--submit", "--repeat=2", "0.3"}},
		{name: "watch", cmd: []string{"gnt-job", "watch", "4"}, norms: times},
		{name: "wait", cmd: []string{"gnt-job", "wait", "4"}},
		{name: "watch-unknown", cmd: []string{"gnt-job", "watch", "99"}},
		{name: "info", cmd: []string{"gnt-job", "info", "1", "2", "3", "4"}, norms: times},
		{name: "list", cmd: []string{"gnt-job", "list", "-o", "id,status,summary,opstatus,opresult,oplog"}, norms: times},
		{name: "archive", cmd: []string{"gnt-job", "archive", "4"}},
		{name: "archive-again", cmd: []string{"gnt-job", "archive", "4"}},
		{name: "list-archived", cmd: []string{"gnt-job", "list", "--archived"}},
		{name: "list-not-archived", cmd: []string{"gnt-job", "list"}},
		{name: "info-archived", cmd: []string{"gnt-job", "info", "4"}, norms: times},
		{name: "autoarchive-1s", cmd: []string{"gnt-job", "autoarchive", "1s"},
			before: func(*testing.T, string, *sandbox.Sandbox) { time.Sleep(1100 * time.Millisecond) }},
		{name: "list-after-autoarchive", cmd: []string{"gnt-job", "list", "--archived"}},
		// Jobs 5-9.
		{name: "parallel-max-2", py: parallelJobsScript, check: wantResult("submitted [5, 6, 7, 8, 9]\n"+
			"most jobs started at once: 2\n"+
			"statuses: ['success', 'success', 'success', 'success', 'success']\n", "", 0)},
		// Jobs 10-12.
		{name: "dependencies", py: dependenciesScript},
		{name: "list-after-dependencies", cmd: []string{"gnt-job", "list", "-o", "id,status,summary"}},
		// Job 13 holds the node lock of the master (OpTestDelay in 3.0
		// locks its nodes even with --no-locks), 14 waits for it, and 15
		// stays queued as both run slots are taken. Job 13 sleeps in the
		// job process (--interruptible), not in a noded child that would
		// outlive the kill and delay the sandbox's stop.
		{name: "submit-13", cmd: []string{"gnt-debug", "delay", "--submit", "--interruptible", "60"}},
		{name: "submit-14", cmd: []string{"gnt-debug", "delay", "--submit", "1"},
			before: waitJobsBefore(30*time.Second, "running", 13)},
		{name: "submit-15", cmd: []string{"gnt-debug", "delay", "--no-master", "--submit", "1"}},
		{name: "list-running", cmd: []string{"gnt-job", "list", "13", "14", "15"},
			before: waitJobsBefore(30*time.Second, "waiting", 14)},
		{name: "cancel-queued", cmd: []string{"gnt-job", "cancel", "15"}},
		{name: "cancel-waiting", cmd: []string{"gnt-job", "cancel", "14"}},
		{name: "cancel-running", cmd: []string{"gnt-job", "cancel", "13"}},
		{name: "list-after-cancel", cmd: []string{"gnt-job", "list", "-o", "id,status,summary,opresult", "13", "14", "15"}},
		{name: "kill-running", cmd: []string{"gnt-job", "cancel", "--kill", "--yes-do-it", "13"}},
		{name: "list-after-kill", cmd: []string{"gnt-job", "list", "-o", "id,status,summary,opresult", "13", "14", "15"},
			before: waitJobsBefore(5*time.Second, "error", 13),
			check: wantResult(onRelease(
				"ID Status   Summary          OpCode_result\n"+
					"13 error    TEST_DELAY(60.0) ['detected death of job 13']\n"+
					"14 canceled TEST_DELAY(1.0)  ['Job canceled by request']\n"+
					"15 canceled TEST_DELAY(1.0)  [None]\n",
				"ID Status   Summary                    OpCode_result\n"+
					"13 error    TEST_DELAY(60000000000 ns) ['detected death of job 13']\n"+
					"14 canceled TEST_DELAY(1000000000 ns)  ['Job canceled by request']\n"+
					"15 canceled TEST_DELAY(1000000000 ns)  [None]\n"), "", 0)},
		{name: "info-killed", cmd: []string{"gnt-job", "info", "13"},
			norms: []normalization{jobTimestamps, delayTestSocket}},
		// The killed job's node lock must have been released.
		{name: "delay-after-kill", cmd: []string{"gnt-debug", "delay", "0.1"}, timeout: 30 * time.Second},
		{name: "job-files", py: jobFilesScript, norms: []normalization{jobTimestamps, jobPids, delayTestSocket},
			before: removeDelayTestSocket(13)},
		// goluxid alone: restarted while job 17 runs, it adopts the job and
		// starts the dependant 18 after it.
		{name: "restart-submit", py: restartSubmitScript, only: goKind, check: wantResult("17 18\n", "", 0)},
		{name: "restart-list", cmd: []string{"gnt-job", "list", "17", "18"}, only: goKind, before: restartGoluxid,
			check: wantResult(onRelease(
				"ID Status  Summary\n17 running TEST_DELAY(4.0)\n18 queued  TEST_DELAY(0.1)\n",
				"ID Status  Summary\n17 running TEST_DELAY(4000000000 ns)\n18 queued  TEST_DELAY(100000000 ns)\n"), "", 0)},
		{name: "restart-finish", py: restartCheckScript, args: []string{"17", "18"}, only: goKind,
			check: wantResult("17 success [None]\n18 success [None]\ndependant started after the parent ended: True\n", "", 0)},
		// Documented difference: "autoarchive all" archives every finished
		// job under goluxid and none under the Haskell luxid.
		{name: "autoarchive-all", cmd: []string{"gnt-job", "autoarchive", "all"}, differs: true,
			check: perLuxid(wantResult("Archived 14 jobs, 0 unchecked left\n", "", 0),
				wantResult("Archived 0 jobs, 0 unchecked left\n", "", 0))},
		{name: "list-after-autoarchive-all", cmd: []string{"gnt-job", "list"}, only: goKind,
			check: wantResult("ID Status Summary\n", "", 0)},
	}
	compareJobSteps(t, sandbox.Options{Noded: true}, steps)
}
