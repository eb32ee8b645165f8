package compat_test

import (
	"context"
	"strconv"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/goluxid/goluxid/internal/testkit/sandbox"
)

// sideBySide runs fn on a sandbox with goluxid and on one with the Haskell
// luxid at the same time (these tests mostly wait), each sandbox on its own
// node address, and returns what fn found on each, keyed by goKind and
// haskellKind. It fails the test when either run fails.
func sideBySide[T any](t *testing.T, opts sandbox.Options, fn func(t *testing.T, luxid string, sb *sandbox.Sandbox) T) map[string]T {
	t.Helper()
	sandbox.RequireForTest(t)
	argv := map[string][]string{goKind: sandbox.GoLuxid(goluxidBinary(t)), haskellKind: sandbox.HaskellLuxid()}
	ips := nodedIPs(t)
	var mu sync.Mutex // guards found
	found := map[string]T{}
	t.Run("run", func(t *testing.T) {
		for _, luxid := range []string{goKind, haskellKind} {
			t.Run(luxid, func(t *testing.T) {
				t.Parallel()
				o := opts
				o.Luxid, o.NodeIP = argv[luxid], ips[luxid]
				sb, err := sandbox.Create(context.Background(), o)
				if err != nil {
					t.Fatalf("start sandbox with %s: %v", luxid, err)
				}
				defer func() {
					if err := sb.Close(); err != nil {
						t.Errorf("close %s sandbox: %v", luxid, err)
					}
				}()
				r := fn(t, luxid, sb)
				mu.Lock()
				found[luxid] = r
				mu.Unlock()
			})
		}
	})
	if t.Failed() {
		t.FailNow()
	}
	return found
}

// unansweredWait is how long the client waits for an answer the Haskell
// luxid never gives (its own client would wait 180 s).
const unansweredWait = 10

// unansweredCallsScript makes the calls whose handlers in the Haskell luxid
// end in an exception, each on its own connection with a read timeout of
// argv[1] seconds: SetDrainFlag(False) while the queue is not drained, and
// SubmitManyJobs with a relative dependency on a job before job 0 (the
// submission is the sandbox's first, so its job id is 1).
const unansweredCallsScript = `
import sys, time
from ganeti import luxi, opcodes
wait = float(sys.argv[1])
def op(**kw):
    return opcodes.OpTestDelay(duration=1, on_master=False, **kw)
calls = [
    ("SetDrainFlag(False)", lambda cl: cl.SetQueueDrainFlag(False)),
    ("SubmitManyJobs(depends -5)", lambda cl: cl.SubmitManyJobs([[op(depends=[[-5, []]])]])),
]
for name, call in calls:
    cl = luxi.Client(timeouts=[10, wait])
    start = time.time()
    try:
        print(name, "answered", call(cl))
    except Exception as err:
        took = time.time() - start
        if type(err).__name__ == "TimeoutError" and took >= wait - 0.5:
            print(name, "no answer within %d s" % wait)
        else:
            print(name, "raised", type(err).__name__, err)
print("drained:", luxi.Client().QueryConfigValues(["drain_flag"])[0])
`

// unansweredCalls is what a luxid did with unansweredCallsScript: the
// script's result and the luxid's output.
type unansweredCalls struct {
	result
	luxidOutput string
}

// TestCallsTheHaskellLuxidNeverAnswers shows two rows of README's
// differences: SetDrainFlag(False) on a queue that is not drained and
// SubmitManyJobs with a relative dependency before job 0. The Haskell
// luxid's handlers end in an exception (removing a drain file that is not
// there; making a job id of a negative number), which the daemon prints,
// and the client gets no answer; goluxid answers both.
func TestCallsTheHaskellLuxidNeverAnswers(t *testing.T) {
	found := sideBySide(t, sandbox.Options{}, func(t *testing.T, luxid string, sb *sandbox.Sandbox) unansweredCalls {
		ctx, cancel := context.WithTimeout(context.Background(), clientTimeout)
		defer cancel()
		var r result
		var err error
		r.stdout, r.stderr, r.exitCode, err = sb.RunPython(ctx, unansweredCallsScript, strconv.Itoa(unansweredWait))
		if err != nil {
			t.Fatalf("%s: %v\n%s", luxid, err, luxidOutput(sb))
		}
		t.Logf("%s: %s%s", luxid, r.stdout, r.stderr)
		return unansweredCalls{result: r, luxidOutput: luxidOutput(sb)}
	})
	wantResult("SetDrainFlag(False) answered True\n"+
		"SubmitManyJobs(depends -5) answered [[False, \"Invalid value for job ID ' -4'\"]]\n"+
		"drained: False\n", "", 0)(t, goKind, found[goKind].result)
	wait := strconv.Itoa(unansweredWait)
	hs := found[haskellKind]
	wantResult("SetDrainFlag(False) no answer within "+wait+" s\n"+
		"SubmitManyJobs(depends -5) no answer within "+wait+" s\n"+
		"drained: False\n", "", 0)(t, haskellKind, hs.result)
	assert.Contains(t, hs.luxidOutput, "/queue/drain: removeLink: does not exist", "haskell: SetDrainFlag's exception")
	assert.Contains(t, hs.luxidOutput, "user error (Invalid value for job ID ' -4')", "haskell: SubmitManyJobs' exception")
}
