package compat_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/goluxid/goluxid/internal/testkit/hang"
	"github.com/goluxid/goluxid/internal/testkit/sandbox"
)

// wconfdHangEnv, if set, runs every case with WConfd hanging; each case
// that calls WConfd waits out the luxids' 60 s WConfd timeout. By default
// the filter changes are left out, and only the lock query waits.
const wconfdHangEnv = "COMPAT_WCONFD_HANG"

// Bounds a call may take on goluxid with WConfd stopped (it fails at
// once) and hanging (WConfd's read timeout, 60 s, plus a margin for a
// loaded machine).
const (
	wconfdDownBound = 5 * time.Second
	wconfdHangBound = 75 * time.Second
)

// peerCaseTimeout ends a client the luxid has not answered; longer than
// the luxids' WConfd timeouts, shorter than the client's own (180 s).
const peerCaseTimeout = 150 * time.Second

// keptRule is the filter rule added while WConfd runs, which the cases
// then try to delete.
const keptRule = "eeeeeeee-0000-4000-8000-00000000000e"

// peerCase is one client command run while WConfd is broken; its result
// and how long it took are compared between the luxids.
type peerCase struct {
	name   string
	cmd    []string
	before func(t *testing.T, sb *sandbox.Sandbox)
	norms  []normalization
	// wconfd says whether the luxid calls WConfd for the case; only such
	// cases are bounded by WConfd's timeouts.
	wconfd bool
	// alongside runs the case 2 s after the one before it started, while
	// the luxid may still be waiting for WConfd on that one.
	alongside bool
	// job says the case needs job 1 running (in an RPC to noded).
	job bool
}

// alongsideDelay is how long after the case before it an alongside case
// starts.
const alongsideDelay = 2 * time.Second

// timedResult is a case's result and how long the client took.
type timedResult struct {
	result
	took time.Duration
}

// socketNumbers replaces the descriptor number the Haskell network
// library puts into its messages, which differs from run to run.
var socketNumbers = normalization{
	name: "socket-numbers",
	apply: func(t *testing.T, luxid string, r *result) {
		r.stdout = socketNumberRE.ReplaceAllString(r.stdout, "<socket: N>")
		r.stderr = socketNumberRE.ReplaceAllString(r.stderr, "<socket: N>")
	},
}

var socketNumberRE = regexp.MustCompile(`<socket: [0-9]+>`)

// wconfdCases are the calls that need WConfd (the lock query, adding and
// deleting a filter rule, and killing job 1, after which the luxid asks
// WConfd to clean up locks) and what a client sees afterwards.
func wconfdCases() []peerCase {
	waitDead := func(t *testing.T, sb *sandbox.Sandbox) {
		waitJobs(t, sb, 30*time.Second, "error,canceled,success", 1)
	}
	return []peerCase{
		{name: "lock-query", cmd: []string{"gnt-debug", "locks"}, norms: []normalization{socketNumbers}, wconfd: true},
		{name: "answers-meanwhile", cmd: []string{"gnt-job", "list", "--no-headers", "-o", "id,status"}, alongside: true},
		{name: "filter-add", cmd: []string{"gnt-filter", "add", "--action", "REJECT",
			"--predicates", `[["opcode", ["=", "OP_ID", "OP_TEST_DELAY"]]]`}, norms: []normalization{socketNumbers}, wconfd: true},
		{name: "filter-delete", cmd: []string{"gnt-filter", "delete", keptRule}, norms: []normalization{socketNumbers}, wconfd: true},
		{name: "cancel-kill", cmd: []string{"gnt-job", "cancel", "--kill", "--yes-do-it", "1"}, wconfd: true, job: true},
		{name: "killed-job", cmd: []string{"gnt-job", "list", "--no-headers", "-o", "id,status,opresult", "1"}, before: waitDead, job: true},
		{name: "filters-unchanged", cmd: []string{"gnt-filter", "list", "--no-headers", "-o", "uuid,action"}},
	}
}

// TestWconfdStopped runs the calls that need WConfd with WConfd stopped:
// both luxids fail them at once with the same error, kill the job all
// the same, and keep answering.
func TestWconfdStopped(t *testing.T) {
	compareWithBrokenWconfd(t, false, wconfdCases())
}

// TestWconfdHanging runs the calls that need WConfd while a listener on
// WConfd's socket accepts connections and never answers: each call ends
// after WConfd's read timeout (60 s), and the luxid answers another client
// meanwhile. By default the filter changes, two more such timeouts, are
// left out; COMPAT_WCONFD_HANG=1 runs every case, one after another.
func TestWconfdHanging(t *testing.T) {
	cases := wconfdCases()
	if os.Getenv(wconfdHangEnv) == "" {
		cases = slices.DeleteFunc(cases, func(c peerCase) bool { return strings.HasPrefix(c.name, "filter-") })
	}
	compareWithBrokenWconfd(t, true, cases)
}

// compareWithBrokenWconfd runs the cases on a goluxid sandbox and a
// Haskell luxid sandbox at the same time (most of the time is spent
// waiting for timeouts), then compares the results and checks the times.
func compareWithBrokenWconfd(t *testing.T, hung bool, cases []peerCase) {
	sandbox.RequireForTest(t)
	argv := map[string][]string{goKind: sandbox.GoLuxid(goluxidBinary(t)), haskellKind: sandbox.HaskellLuxid()}
	withJob := slices.ContainsFunc(cases, func(c peerCase) bool { return c.job })
	ips := nodedIPs(t)
	var mu sync.Mutex
	results := map[string][]timedResult{}
	t.Run("run", func(t *testing.T) {
		for _, luxid := range []string{goKind, haskellKind} {
			t.Run(luxid, func(t *testing.T) {
				t.Parallel()
				opts := sandbox.Options{Luxid: argv[luxid], Noded: withJob, NodeIP: ips[luxid]}
				r := runWithBrokenWconfd(t, luxid, opts, hung, cases)
				mu.Lock()
				results[luxid] = r
				mu.Unlock()
			})
		}
	})
	if t.Failed() {
		return
	}
	bound := wconfdDownBound
	if hung {
		bound = wconfdHangBound
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			gor, hsr := results[goKind][i], results[haskellKind][i]
			t.Logf("%s: goluxid %s (exit %d), haskell %s (exit %d)", strings.Join(c.cmd, " "),
				gor.took.Round(time.Millisecond), gor.exitCode, hsr.took.Round(time.Millisecond), hsr.exitCode)
			compareResults(t, clientCase{name: c.name, cmd: c.cmd, norms: c.norms}, gor.result, hsr.result)
			if c.wconfd {
				assert.Less(t, gor.took, bound, "goluxid bounded by WConfd's timeouts")
			} else {
				assert.Less(t, gor.took, wconfdDownBound, "goluxid answers without WConfd")
			}
		})
	}
}

// nodedIPs picks a loopback address for each luxid's noded (the job the
// cases kill sleeps in an RPC to it).
func nodedIPs(t *testing.T) map[string]string {
	ips := map[string]string{}
	for len(ips) < 2 || ips[goKind] == ips[haskellKind] {
		for _, luxid := range []string{goKind, haskellKind} {
			ip, err := sandbox.FreeNodedIP()
			if err != nil {
				t.Fatal(err)
			}
			ips[luxid] = ip
		}
	}
	return ips
}

// runWithBrokenWconfd starts a sandbox with the luxid and adds keptRule,
// and with noded (for cases that need it) starts a long job (job 1), while
// WConfd runs; then it stops WConfd or replaces it with a hanging listener
// and runs the cases, timing each.
func runWithBrokenWconfd(t *testing.T, luxid string, opts sandbox.Options, hung bool, cases []peerCase) []timedResult {
	sb, err := sandbox.Create(context.Background(), opts)
	if err != nil {
		t.Fatalf("start sandbox with %s: %v", luxid, err)
	}
	defer func() {
		if err := sb.Close(); err != nil {
			t.Errorf("close %s sandbox: %v", luxid, err)
		}
	}()
	mustRun(t, sb, "gnt-filter", "replace", "--action", "CONTINUE", keptRule)
	if opts.Noded {
		mustRun(t, sb, "gnt-debug", "delay", "--submit", "600")
		waitJobs(t, sb, 60*time.Second, "running", 1)
	}

	var listener *hang.Listener
	if hung {
		listener, err = sb.HangWconfd()
		if err == nil {
			defer listener.Close()
		}
	} else {
		err = sb.StopWconfd()
	}
	if err != nil {
		t.Fatalf("%s: breaking WConfd: %v", luxid, err)
	}
	results := make([]timedResult, len(cases))
	for i := 0; i < len(cases); i++ {
		if cases[i].before != nil {
			cases[i].before(t, sb)
		}
		if i+1 < len(cases) && cases[i+1].alongside {
			results[i], results[i+1] = runWithAlongside(t, sb, cases[i].cmd, cases[i+1].cmd)
			logPeerCase(t, luxid, cases[i], results[i])
			i++
		} else {
			results[i] = runTimed(t, sb, cases[i].cmd)
		}
		logPeerCase(t, luxid, cases[i], results[i])
	}
	if hung && listener.Accepted() == 0 {
		t.Errorf("%s never connected to the hanging WConfd", luxid)
	}
	return results
}

func logPeerCase(t *testing.T, luxid string, c peerCase, r timedResult) {
	t.Logf("%s: %s: %s, exit %d", luxid, c.name, r.took.Round(time.Millisecond), r.exitCode)
	if os.Getenv(logStepsEnv) != "" {
		t.Logf("%s: %s: stdout:\n%s\nstderr:\n%s", luxid, c.name, r.stdout, r.stderr)
	}
}

// runWithAlongside runs cmd and, alongsideDelay after it started, other.
func runWithAlongside(t *testing.T, sb *sandbox.Sandbox, cmd, other []string) (timedResult, timedResult) {
	var side timedResult
	var sideErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		time.Sleep(alongsideDelay)
		side, sideErr = runTimedErr(sb, other, peerCaseTimeout)
	}()
	main := runTimed(t, sb, cmd)
	<-done
	if sideErr != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(other, " "), sideErr, luxidOutput(sb))
	}
	return main, side
}

// runTimed runs a client command and times it; a client still waiting
// after peerCaseTimeout is killed, and its result says so.
func runTimed(t *testing.T, sb *sandbox.Sandbox, cmd []string) timedResult {
	return runTimedWithin(t, sb, cmd, peerCaseTimeout)
}

// runTimedWithin is runTimed with another timeout.
func runTimedWithin(t *testing.T, sb *sandbox.Sandbox, cmd []string, timeout time.Duration) timedResult {
	r, err := runTimedErr(sb, cmd, timeout)
	if err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(cmd, " "), err, luxidOutput(sb))
	}
	return r
}

func runTimedErr(sb *sandbox.Sandbox, cmd []string, timeout time.Duration) (timedResult, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	start := time.Now()
	stdout, stderr, code, err := sb.Run(ctx, cmd[0], cmd[1:]...)
	took := time.Since(start)
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return timedResult{result{stdout, fmt.Sprintf("(no answer, client killed after %s)", timeout), -1}, took}, nil
	}
	return timedResult{result{stdout, stderr, code}, took}, err
}

// mustRun runs a client command that must succeed.
func mustRun(t *testing.T, sb *sandbox.Sandbox, name string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), clientTimeout)
	defer cancel()
	stdout, stderr, code, err := sb.Run(ctx, name, args...)
	if err != nil || code != 0 {
		t.Fatalf("%s %s: exit %d, %v\nstdout: %s\nstderr: %s\n%s", name, strings.Join(args, " "), code, err,
			stdout, stderr, luxidOutput(sb))
	}
	return stdout
}

// wconfdLockedEnv, if set, lets the client of the Haskell luxid in
// TestWconfdConfigLockHeld wait for its own 180 s timeout (about 3.5
// minutes in all); unset, the client is killed after haskellLockWait.
const wconfdLockedEnv = "COMPAT_WCONFD_LOCKED"

// haskellLockWait is how long the default run of TestWconfdConfigLockHeld
// lets the Haskell luxid's client wait: past goluxid's lock wait, so that
// it shows the Haskell luxid still asking when goluxid has given up.
const haskellLockWait = 65 * time.Second

// clientTimeoutWait is longer than the client's own timeout, 180 s.
const clientTimeoutWait = 240 * time.Second

// holdConfigLockScript takes WConfd's configuration lock as a client of
// its own (with its own livelock), creates the file argv[1] once it holds
// it, and releases it once the file argv[2] exists.
const holdConfigLockScript = `
import os, sys, time
from ganeti import wconfd
from ganeti.utils import livelock
ll = livelock.LiveLock("lockholder")
cl = wconfd.Client()
cid = ["lockholder", ll.GetPath(), os.getpid()]
while cl.LockConfig(cid, False) is None:
    time.sleep(0.1)
open(sys.argv[1], "w").close()
while not os.path.exists(sys.argv[2]):
    time.sleep(0.1)
cl.UnlockConfig(cid)
`

// lockHeldResult is what TestWconfdConfigLockHeld saw on one luxid.
type lockHeldResult struct {
	add       timedResult   // gnt-filter add while the lock is held
	luxidCPU  time.Duration // the luxid's CPU time meanwhile
	wconfdCPU time.Duration // WConfd's
	applied   string        // the rules listed after the lock was released
}

// TestWconfdConfigLockHeld adds a filter rule while another WConfd client
// holds the configuration lock and does not let go. The Haskell luxid
// asks WConfd for the lock again and again without a pause until the
// client gives up after 180 s, and changes the configuration once the
// lock is free, although the client was told the call failed. goluxid
// asks again after pauses of 10 to 100 ms and gives up after 60 s with an
// error; nothing changes later. A documented difference (README).
// By default the Haskell luxid's client is killed after haskellLockWait;
// with $COMPAT_WCONFD_LOCKED it waits for its own timeout.
func TestWconfdConfigLockHeld(t *testing.T) {
	sandbox.RequireForTest(t)
	argv := map[string][]string{goKind: sandbox.GoLuxid(goluxidBinary(t)), haskellKind: sandbox.HaskellLuxid()}
	waits := map[string]time.Duration{goKind: clientTimeoutWait, haskellKind: haskellLockWait}
	if os.Getenv(wconfdLockedEnv) != "" {
		waits[haskellKind] = clientTimeoutWait
	}
	var mu sync.Mutex
	results := map[string]lockHeldResult{}
	t.Run("run", func(t *testing.T) {
		for _, luxid := range []string{goKind, haskellKind} {
			t.Run(luxid, func(t *testing.T) {
				t.Parallel()
				r := runWithConfigLockHeld(t, luxid, argv[luxid], waits[luxid])
				mu.Lock()
				results[luxid] = r
				mu.Unlock()
			})
		}
	})
	if t.Failed() {
		return
	}
	gor, hsr := results[goKind], results[haskellKind]
	assert.Equal(t, 1, gor.add.exitCode, "goluxid: exit code")
	assert.Contains(t, gor.add.stderr, "Timeout waiting for the configuration lock of WConfd", "goluxid")
	assert.Greater(t, gor.add.took, wconfdLockWaitMin, "goluxid waited for the lock")
	assert.Less(t, gor.add.took, wconfdHangBound, "goluxid gave up after its lock wait")
	assert.Empty(t, gor.applied, "goluxid: no rule appears after the failed call")

	if waits[haskellKind] == clientTimeoutWait {
		assert.Equal(t, 1, hsr.add.exitCode, "haskell: the client gave up")
		assert.Contains(t, hsr.add.stderr, "Timeout while talking to the master daemon", "haskell")
		assert.Greater(t, hsr.add.took, 170*time.Second, "haskell: the client waited for its own timeout")
	} else {
		assert.Equal(t, -1, hsr.add.exitCode, "haskell: no answer; the client was killed")
		assert.GreaterOrEqual(t, hsr.add.took, haskellLockWait, "haskell: no answer")
	}
	assert.Equal(t, "CONTINUE\n", hsr.applied, "haskell: the rule appears once the lock is free")
}

// wconfdLockWaitMin is the least goluxid waits for the lock (its lock
// wait, with a margin for the first request).
const wconfdLockWaitMin = 59 * time.Second

// runWithConfigLockHeld runs gnt-filter add on a sandbox with luxid while
// a client holds WConfd's configuration lock; a client still waiting after
// wait is killed. Then it releases the lock and lists the rules.
func runWithConfigLockHeld(t *testing.T, luxid string, argv []string, wait time.Duration) lockHeldResult {
	sb, err := sandbox.Create(context.Background(), sandbox.Options{Luxid: argv})
	if err != nil {
		t.Fatalf("start sandbox with %s: %v", luxid, err)
	}
	defer func() {
		if err := sb.Close(); err != nil {
			t.Errorf("close %s sandbox: %v", luxid, err)
		}
	}()
	locked, release := filepath.Join(sb.Dir(), "locked"), filepath.Join(sb.Dir(), "release")
	holderDone := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		stdout, stderr, code, err := sb.RunPython(ctx, holdConfigLockScript, locked, release)
		if err == nil && code != 0 {
			err = fmt.Errorf("exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
		}
		holderDone <- err
	}()
	waitForFile(t, locked, holderDone)
	luxidCPU, wconfdCPU := cpuTime(t, sb.Pid(sandbox.Luxid)), cpuTime(t, sb.Pid(sandbox.Wconfd))
	var r lockHeldResult
	r.add = runTimedWithin(t, sb, []string{"gnt-filter", "add", "--action", "CONTINUE"}, wait)
	r.luxidCPU = cpuTime(t, sb.Pid(sandbox.Luxid)) - luxidCPU
	r.wconfdCPU = cpuTime(t, sb.Pid(sandbox.Wconfd)) - wconfdCPU
	t.Logf("%s: gnt-filter add with the lock held: %s, exit %d, stderr %q; CPU meanwhile: luxid %s, WConfd %s",
		luxid, r.add.took.Round(time.Millisecond), r.add.exitCode, r.add.stderr, r.luxidCPU, r.wconfdCPU)
	if err := os.WriteFile(release, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := <-holderDone; err != nil {
		t.Fatalf("lock holder: %v", err)
	}
	time.Sleep(3 * time.Second) // a luxid still trying gets the lock now
	r.applied = mustRun(t, sb, "gnt-filter", "list", "--no-headers", "-o", "action")
	t.Logf("%s: rules after the release: %q", luxid, r.applied)
	return r
}

// waitForFile waits until path exists, failing if done reports first.
func waitForFile(t *testing.T, path string, done <-chan error) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		if _, err := os.Stat(path); err == nil {
			return
		}
		select {
		case err := <-done:
			t.Fatalf("lock holder ended before taking the lock: %v", err)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatal("lock holder never got the lock")
		}
	}
}

// cpuTime is the user and system CPU time process pid has used, from
// /proc/<pid>/stat (fields 14 and 15, in clock ticks of 1/100 s).
func cpuTime(t *testing.T, pid int) time.Duration {
	t.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		t.Fatal(err)
	}
	// The command name (field 2) may hold spaces; fields count from after it.
	fields := strings.Fields(string(data[strings.LastIndexByte(string(data), ')')+1:]))
	var utime, stime int64
	fmt.Sscan(fields[11], &utime)
	fmt.Sscan(fields[12], &stime)
	return time.Duration(utime+stime) * 10 * time.Millisecond
}
