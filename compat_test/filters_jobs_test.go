package compat_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/internal/testkit/sandbox"
)

// maxRunningScript polls the jobs given until all are finished and prints
// the most that ran at once, so that a rate limit can be checked.
const maxRunningScript = `
import sys, time
from ganeti import luxi
ids = [int(a) for a in sys.argv[1:]]
cl = luxi.Client()
most, deadline = 0, time.time() + 60
while time.time() < deadline:
    statuses = [s for (s,) in cl.QueryJobs(ids, ["status"])]
    most = max(most, sum(1 for s in statuses if s in ("waiting", "running")))
    if all(s in ("success", "error", "canceled") for s in statuses):
        break
    time.sleep(0.02)
print("most running at once: %d" % most)
print("statuses: %s" % " ".join(statuses))
`

// TestJobsUnderFilterRules submits jobs under each kind of filter rule and
// a reason rate limit, and compares what becomes of them on both luxids.
func TestJobsUnderFilterRules(t *testing.T) {
	delay := func(secs string, extra ...string) []string {
		return append([]string{"gnt-debug", "delay", "--no-master", "--submit"}, append(extra, secs)...)
	}
	const rule = "aaaaaaaa-0000-4000-8000-0000000000f1"
	list := []string{"gnt-job", "list", "--no-headers", "-o", "id,status"}
	compareJobSteps(t, sandbox.Options{}, []jobStep{
		{name: "reject", cmd: []string{"gnt-filter", "replace", "--action", "REJECT",
			"--predicates", `[["opcode", ["=", "OP_ID", "OP_TEST_DELAY"]]]`, rule}},
		{name: "submit-rejected", cmd: delay("0.1")},
		{name: "rejected-is-canceled", cmd: list, before: waitJobsBefore(10*time.Second, "canceled", 1)},
		{name: "pause", cmd: []string{"gnt-filter", "replace", "--action", "PAUSE", "--predicates", `[]`, rule}},
		{name: "submit-paused", cmd: delay("0.1")},
		{name: "paused-stays-queued", cmd: list, before: func(t *testing.T, _ string, _ *sandbox.Sandbox) { time.Sleep(time.Second) }},
		{name: "delete-pause", cmd: []string{"gnt-filter", "delete", rule}},
		{name: "released", cmd: list, before: waitJobsBefore(20*time.Second, "success", 2)},
		{name: "rate-limit", cmd: []string{"gnt-filter", "replace", "--action", "RATE_LIMIT 2",
			"--predicates", `[["opcode", ["=", "OP_ID", "OP_TEST_DELAY"]]]`, rule}},
		{name: "submit-3", cmd: delay("1")}, {name: "submit-4", cmd: delay("1")},
		{name: "submit-5", cmd: delay("1")}, {name: "submit-6", cmd: delay("1")},
		{name: "rate-limited", py: maxRunningScript, args: []string{"3", "4", "5", "6"}, timeout: 90 * time.Second,
			differs: true, check: atMostRunning(2, 4)},
		{name: "delete-rate-limit", cmd: []string{"gnt-filter", "delete", rule}},
		{name: "submit-7", cmd: delay("1", "--reason", "rate-limit:1:x")},
		{name: "submit-8", cmd: delay("1", "--reason", "rate-limit:1:x")},
		{name: "submit-9", cmd: delay("1", "--reason", "rate-limit:1:x")},
		{name: "reason-rate-limited", py: maxRunningScript, args: []string{"7", "8", "9"}, timeout: 90 * time.Second,
			differs: true, check: atMostRunning(1, 3)},
	})
}

// atMostRunning checks maxRunningScript's report: at most limit of the n
// jobs ran at once (how many a luxid happened to start together is timing,
// not compared) and all succeeded.
func atMostRunning(limit, n int) func(t *testing.T, luxid string, r result) {
	return func(t *testing.T, luxid string, r result) {
		var most int
		_, err := fmt.Sscanf(r.stdout, "most running at once: %d", &most)
		require.NoError(t, err, "%s: %q", luxid, r.stdout)
		assert.LessOrEqual(t, most, limit, "%s: rate limit exceeded", luxid)
		assert.GreaterOrEqual(t, most, 1, luxid)
		assert.Contains(t, r.stdout, "statuses: "+strings.TrimSuffix(strings.Repeat("success ", n), " "), luxid)
	}
}
