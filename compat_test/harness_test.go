package compat_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/goluxid/goluxid/internal/testkit/binary"
	"github.com/goluxid/goluxid/internal/testkit/sandbox"
)

// The two luxids under comparison, as passed to normalizations.
const (
	goKind      = "goluxid"
	haskellKind = "haskell"
)

// clientTimeout bounds one client command.
const clientTimeout = 2 * time.Minute

// clientCase is one client command that must behave the same on both
// luxids.
type clientCase struct {
	name  string          // subtest name
	cmd   []string        // client in /usr/sbin and its arguments
	norms []normalization // applied to both results before they are compared
	// before, if set, changes the sandbox before the command runs (the
	// same way on both luxids).
	before func(t *testing.T, sb *sandbox.Sandbox)
}

// result is what a client command printed and returned.
type result struct {
	stdout, stderr string
	exitCode       int
}

// normalization rewrites a value that differs between the luxids by design
// or from run to run, after checking it where possible. apply is called for
// each luxid's result inside the case's subtest.
type normalization struct {
	name  string
	apply func(t *testing.T, luxid string, r *result)
}

// goluxidBinary returns the goluxid under test (see package binary).
func goluxidBinary(t *testing.T) string {
	t.Helper()
	bin, err := binary.Goluxid()
	if err != nil {
		t.Fatalf("goluxid binary: %v", err)
	}
	return bin
}

// compareOnBothLuxids runs cases on a sandbox with goluxid, stops it, runs
// them on a sandbox with the Haskell luxid, stops it, and then requires
// equal stdout, stderr and exit code for each case after its
// normalizations. opts.Luxid is set here.
func compareOnBothLuxids(t *testing.T, opts sandbox.Options, cases []clientCase) {
	t.Helper()
	sandbox.RequireForTest(t)
	opts.Luxid = sandbox.GoLuxid(goluxidBinary(t))
	goResults := runCases(t, goKind, opts, cases)
	opts.Luxid = sandbox.HaskellLuxid()
	hsResults := runCases(t, haskellKind, opts, cases)
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			compareResults(t, c, goResults[i], hsResults[i])
		})
	}
}

func compareResults(t *testing.T, c clientCase, gor, hsr result) {
	for _, n := range c.norms {
		n.apply(t, goKind, &gor)
		n.apply(t, haskellKind, &hsr)
	}
	what := strings.Join(c.cmd, " ")
	// Expected is the Haskell luxid's result, actual goluxid's.
	assert.Equal(t, hsr.exitCode, gor.exitCode, "%s: exit code (expected: haskell, actual: goluxid)", what)
	assert.Equal(t, hsr.stdout, gor.stdout, "%s: stdout (expected: haskell, actual: goluxid)", what)
	assert.Equal(t, hsr.stderr, gor.stderr, "%s: stderr (expected: haskell, actual: goluxid)", what)
}

// runCases starts one sandbox, runs every case in order and stops the
// sandbox again.
func runCases(t *testing.T, luxid string, opts sandbox.Options, cases []clientCase) []result {
	t.Helper()
	start := time.Now()
	sb, err := sandbox.Create(context.Background(), opts)
	if err != nil {
		t.Fatalf("start sandbox with %s: %v", luxid, err)
	}
	t.Logf("%s sandbox %s started in %s", luxid, sb.Dir(), time.Since(start).Round(time.Millisecond))
	defer func() {
		if err := sb.Close(); err != nil {
			t.Errorf("close %s sandbox: %v", luxid, err)
		}
	}()
	results := make([]result, len(cases))
	for i, c := range cases {
		if c.before != nil {
			c.before(t, sb)
		}
		ctx, cancel := context.WithTimeout(context.Background(), clientTimeout)
		stdout, stderr, code, err := sb.Run(ctx, c.cmd[0], c.cmd[1:]...)
		cancel()
		if err != nil {
			t.Fatalf("%s: %s: %v\nstdout: %s\nstderr: %s\n%s", luxid, strings.Join(c.cmd, " "), err, stdout, stderr,
				luxidOutput(sb))
		}
		results[i] = result{stdout: stdout, stderr: stderr, exitCode: code}
	}
	return results
}

// luxidOutput quotes the luxid's output for failure messages.
func luxidOutput(sb *sandbox.Sandbox) string {
	data, err := os.ReadFile(sb.OutFile(sandbox.Luxid))
	if err != nil {
		return fmt.Sprintf("(no luxid output: %v)", err)
	}
	return "luxid output:\n" + string(data)
}

// replaceLine replaces the first line of s that starts with prefix by
// replacement; ok is false if there is none.
func replaceLine(s, prefix, replacement string) (line string, out string, ok bool) {
	lines := strings.SplitAfter(s, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, prefix) {
			lines[i] = replacement + "\n"
			return strings.TrimSuffix(l, "\n"), strings.Join(lines, ""), true
		}
	}
	return "", s, false
}

// onRelease returns v30 on Ganeti 3.0 and v31 on 3.1: what the installed
// release's clients print where the releases differ (3.1 shows a delay's
// summary in nanoseconds), or the job ids of a scenario in which a
// command submits a job on one release only.
func onRelease[T any](v30, v31 T) T {
	if sandbox.Ganeti.Dir == "3.1" {
		return v31
	}
	return v30
}
