package compat_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/goluxid/goluxid/internal/testkit/sandbox"
)

// allJobFields are the 16 job fields gnt-job knows ("gnt-job list-fields").
var allJobFields = []string{
	"id", "status", "priority", "summary", "ops", "opresult", "opstatus", "oplog",
	"opstart", "opexec", "opend", "oppriority", "received_ts", "start_ts", "end_ts", "archived",
}

// jobFieldsWithout returns allJobFields without the named ones, joined for -o.
func jobFieldsWithout(skip ...string) string {
	var out []string
	for _, f := range allJobFields {
		if !strings.Contains(" "+strings.Join(skip, " ")+" ", " "+f+" ") {
			out = append(out, f)
		}
	}
	return strings.Join(out, ",")
}

// drainedSubmitScript tries every way of submitting while the queue is
// drained; SubmitJobToDrainedQueue comes last, so its job id shows whether
// the refused submissions used up ids.
const drainedSubmitScript = `
from ganeti import luxi, opcodes
cl = luxi.Client()
def op(d):
    return opcodes.OpTestDelay(duration=d, on_master=False)
for name, call in [("SubmitJob", lambda: cl.SubmitJob([op(1)])),
                   ("SubmitManyJobs", lambda: cl.SubmitManyJobs([[op(1)], [op(2)]])),
                   ("SubmitJobToDrainedQueue", lambda: cl.SubmitJobToDrainedQueue([op(7)]))]:
    try:
        print(name, "->", call())
    except Exception as err:
        print(name, "raised", type(err).__name__, err)
`

// luxiQueueScript submits jobs with relative dependencies through
// SubmitManyJobs and follows them with WaitForJobChangeOnce and QueryJobs;
// nothing of it can run (the only run slot is taken).
const luxiQueueScript = `
from ganeti import luxi, opcodes
cl = luxi.Client()
def op(d, **kw):
    return opcodes.OpTestDelay(duration=d, on_master=False, **kw)
res = cl.SubmitManyJobs([
    [op(1)],
    [op(2, depends=[[-1, []]])],
    [op(3, depends=[[-1, ["success"]], [-2, []]], priority=-10), op(4)],
])
print("submitted", res)
ids = [r[1] for r in res]
for j in ids:
    print("wfjc", j, cl.WaitForJobChangeOnce(j, ["status", "priority"], None, None, 1))
print("wfjc unchanged", cl.WaitForJobChangeOnce(ids[0], ["status"], ["queued"], None, 1))
print("wfjc running", cl.WaitForJobChangeOnce(1, ["status"], ["running"], None, 1))
print("wfjc timeout 0", cl.WaitForJobChangeOnce(1, ["status"], ["running"], None, 0))
print("wfjc ops", cl.WaitForJobChangeOnce(ids[2], ["id", "summary", "opstatus", "oppriority"], None, None, 1))
print("wfjc bad field", cl.WaitForJobChangeOnce(ids[2], ["status", "nosuchfield"], None, None, 1))
try:
    print(cl.WaitForJobChangeOnce(999, ["status"], None, None, 1))
except Exception as err:
    print("wfjc unknown job raised", type(err).__name__, err)
print("query", cl.QueryJobs(ids + [999], ["id", "status", "summary", "priority"]))
for j in ids:
    print("depends", j, [op["depends"] for op in cl.QueryJobs([j], ["ops"])[0][0]])
`

// TestJobQueue compares the job queue while nothing but one long job runs:
// max_running_jobs is set to 1 by replacing config.data, job 1 holds the
// only run slot, and every later job stays queued. It covers submission
// (with priorities, reasons, drained queue), listing with every field and
// with filters, job info, priority changes, cancels, WaitForJobChangeOnce
// and relative dependencies through Ganeti's Python LUXI client, and the
// job files themselves as Ganeti's jqueue code loads them.
func TestJobQueue(t *testing.T) {
	hold := waitJobsBefore(30*time.Second, "running", 1)
	times := []normalization{jobTimestamps}
	steps := []jobStep{
		{name: "max-running-jobs-1", cmd: []string{"gnt-cluster", "info"}, before: setMaxRunningJobsBefore(1)},
		// Job 1 takes the only run slot for the whole test.
		{name: "submit-hold", cmd: []string{"gnt-debug", "delay", "--no-master", "--submit", "300"}},
		{name: "submit-2", cmd: []string{"gnt-debug", "delay", "--no-master", "--submit", "1"}, before: hold},
		{name: "submit-3", cmd: []string{"gnt-debug", "delay", "--no-master", "--submit", "2"}},
		{name: "submit-4-high", cmd: []string{"gnt-debug", "delay", "--no-master", "--submit", "--priority=high", "3"}},
		{name: "submit-5-low", cmd: []string{"gnt-debug", "delay", "--no-master", "--submit", "--priority=low", "4"}},
		{name: "submit-6-reason", cmd: []string{"gnt-debug", "delay", "--no-master", "--submit", "--print-jobid",
			"--reason=compat test", "5"}},
		{name: "submit-7-dry-run-repeat", cmd: []string{"gnt-debug", "delay", "--no-master", "--submit", "--dry-run",
			"-r", "2", "-n", "node1.example.com", "6"}},
		{name: "list", cmd: []string{"gnt-job", "list"}},
		{name: "list-all-fields", cmd: []string{"gnt-job", "list", "-o", strings.Join(allJobFields, ",")},
			norms: []normalization{jobTimestamps, columnSpacing}},
		// opstart/opexec/opend cannot be joined with a separator by
		// gnt-job 3.0 (it crashes), so they are left out here.
		{name: "list-separator", cmd: []string{"gnt-job", "list", "--no-headers", "--separator=|",
			"-o", jobFieldsWithout("opstart", "opexec", "opend")}, norms: times},
		{name: "list-untimed-fields", cmd: []string{"gnt-job", "list",
			"-o", "id,status,priority,summary,oppriority,opstatus,opresult,oplog,archived"}},
		{name: "list-ops", cmd: []string{"gnt-job", "list", "-o", "id,ops", "6", "7"}, norms: times},
		{name: "list-ids-in-order", cmd: []string{"gnt-job", "list", "5", "3", "99", "1"}},
		{name: "list-running", cmd: []string{"gnt-job", "list", "--running"}},
		{name: "list-pending", cmd: []string{"gnt-job", "list", "--pending", "-o", "id,status,priority"}},
		{name: "list-finished", cmd: []string{"gnt-job", "list", "--finished"}},
		{name: "list-verbose", cmd: []string{"gnt-job", "list", "-v", "-o", "id,summary,opstatus", "4"}},
		{name: "filter-priority", cmd: []string{"gnt-job", "list", "-F", "priority < 0"}},
		{name: "filter-and", cmd: []string{"gnt-job", "list", "-o", "id,priority,status", "-F",
			`status == "queued" and priority >= 0`}},
		{name: "filter-range", cmd: []string{"gnt-job", "list", "-F", "id > 2 and id <= 4"}},
		{name: "filter-in-summary", cmd: []string{"gnt-job", "list", "-F", onRelease(`"TEST_DELAY(2.0)" in summary`, `"TEST_DELAY(2000000000 ns)" in summary`)}},
		{name: "filter-regexp", cmd: []string{"gnt-job", "list", "-F", "status =~ /^run/"}},
		{name: "filter-not", cmd: []string{"gnt-job", "list", "-o", "id", "-F", `not (status == "queued")`}},
		{name: "filter-unknown-field", cmd: []string{"gnt-job", "list", "-F", "nosuch == 1"}},
		{name: "filter-syntax-error", cmd: []string{"gnt-job", "list", "-F", "id =="}},
		{name: "list-fields", cmd: []string{"gnt-job", "list-fields"}},
		{name: "list-fields-some", cmd: []string{"gnt-job", "list-fields", "id", "status", "nosuch"}},
		{name: "info", cmd: []string{"gnt-job", "info", "1", "2", "6", "7", "99"}, norms: times},
		{name: "info-bad-id", cmd: []string{"gnt-job", "info", "x"}},
		// Priorities.
		{name: "change-priority-queued", cmd: []string{"gnt-job", "change-priority", "--priority=low", "2"}},
		{name: "change-priority-unknown", cmd: []string{"gnt-job", "change-priority", "--priority=high", "3", "99"}},
		{name: "change-priority-missing", cmd: []string{"gnt-job", "change-priority", "2"}},
		{name: "change-priority-running", cmd: []string{"gnt-job", "change-priority", "--priority=high", "1"},
			norms: []normalization{jobPids}},
		{name: "list-priorities", cmd: []string{"gnt-job", "list", "-o", "id,status,priority,oppriority"}},
		// Cancels.
		{name: "cancel-queued", cmd: []string{"gnt-job", "cancel", "3"}},
		{name: "cancel-queued-again", cmd: []string{"gnt-job", "cancel", "3"}},
		{name: "cancel-unknown", cmd: []string{"gnt-job", "cancel", "99"}},
		{name: "cancel-running", cmd: []string{"gnt-job", "cancel", "1"}},
		{name: "cancel-kill-unconfirmed", cmd: []string{"gnt-job", "cancel", "--kill", "2"}},
		{name: "cancel-nothing", cmd: []string{"gnt-job", "cancel"}},
		{name: "list-after-cancel", cmd: []string{"gnt-job", "list", "-o", "id,status,priority,opstatus,opresult"}},
		{name: "info-canceled", cmd: []string{"gnt-job", "info", "3"}, norms: times},
		// Drain.
		{name: "drain", cmd: []string{"gnt-cluster", "queue", "drain"}},
		{name: "drain-info", cmd: []string{"gnt-cluster", "queue", "info"}},
		{name: "drained-submit", cmd: []string{"gnt-debug", "delay", "--no-master", "--submit", "1"}},
		{name: "drained-sync", cmd: []string{"gnt-debug", "delay", "--no-master", "1"}},
		{name: "drained-luxi", py: drainedSubmitScript},
		{name: "drain-again", cmd: []string{"gnt-cluster", "queue", "drain"}},
		{name: "undrain", cmd: []string{"gnt-cluster", "queue", "undrain"}},
		{name: "undrain-info", cmd: []string{"gnt-cluster", "queue", "info"}},
		// The Haskell luxid never answers an undrain of an undrained queue.
		{name: "undrain-undrained", cmd: []string{"gnt-cluster", "queue", "undrain"}, only: goKind,
			timeout: 10 * time.Second, check: wantResult("", "", 0)},
		{name: "undrained-submit", cmd: []string{"gnt-debug", "delay", "--no-master", "--submit", "1"}},
		// Python LUXI client.
		{name: "luxi-submit-many-wait", py: luxiQueueScript},
		{name: "list-after-luxi", cmd: []string{"gnt-job", "list", "-o", "id,status,priority,summary"}},
		// The job files.
		{name: "job-files", py: jobFilesScript, norms: []normalization{jobTimestamps, jobPids}},
		// Archiving.
		{name: "archive-queued", cmd: []string{"gnt-job", "archive", "2"}},
		// Documented difference: goluxid archives a job canceled while
		// queued; the Haskell luxid refuses, as it never started.
		{name: "archive-canceled-while-queued", cmd: []string{"gnt-job", "archive", "3"}, differs: true,
			check: perLuxid(wantResult("", "", 0),
				wantResult("", "Unhandled Ganeti error: user error (Job 3 has not yet started up)\n", 1))},
		{name: "cancel-pending", cmd: []string{"gnt-job", "cancel", "--pending", "--force"}},
		// Documented difference: "autoarchive all" archives every finished
		// job under goluxid and none under the Haskell luxid.
		{name: "autoarchive-all", cmd: []string{"gnt-job", "autoarchive", "all"}, differs: true,
			check: perLuxid(archivedCount(regexp.MustCompile(`^Archived ([1-9][0-9]*) jobs, 0 unchecked left\n$`)),
				wantResult("Archived 0 jobs, 0 unchecked left\n", "", 0))},
		{name: "list-after-autoarchive", cmd: []string{"gnt-job", "list", "--no-headers", "-o", "id,status"},
			only: goKind, check: wantResult("1 running\n", "", 0)},
		// Documented difference: a priority outside Ganeti's range (-20 to
		// 19) makes the job process fail an assertion; goluxid refuses it.
		{name: "change-priority-out-of-range", py: `
from ganeti import luxi
print(luxi.Client().ChangeJobPriority(1, 20))
`, differs: true, check: perLuxid(
			wantResult("[False, 'Invalid priority 20, allowed are -20 to 19']\n", "", 0),
			func(t *testing.T, luxid string, r result) {
				assert.Regexp(t, `^\[True, 'Job 1 with pid \d+ signaled'\]\n$`, r.stdout, "%s accepts it", luxid)
			})},
		// End the long job so that the sandbox stops at once.
		{name: "kill-hold", cmd: []string{"gnt-job", "cancel", "--kill", "--yes-do-it", "1"}},
	}
	compareJobSteps(t, sandbox.Options{}, steps)
}

// archivedCount checks an "Archived N jobs" line against re.
func archivedCount(re *regexp.Regexp) func(*testing.T, string, result) {
	return func(t *testing.T, luxid string, r result) {
		t.Helper()
		assert.Equal(t, 0, r.exitCode, "%s: exit code", luxid)
		assert.Regexp(t, re, r.stdout, "%s: stdout", luxid)
		assert.Empty(t, r.stderr, "%s: stderr", luxid)
	}
}
