// Package compat_test holds the compatibility tests of goluxid: each test
// group starts a sandboxed Ganeti cluster (internal/testkit/sandbox) with
// goluxid, runs the real gnt-* clients against it, then does the same with
// the Haskell ganeti-luxid of the installed Ganeti release (3.0 or 3.1), and
// requires the same stdout, stderr and exit code. Only values that differ by
// design are normalized, and each normalization is named where a test uses
// it.
//
// The tests need root and the installed release's Debian packages
// (ganeti-<release>, ganeti-haskell-<release>, ganeti-testsuite). Without
// them they fail when CI=true and are skipped otherwise.
package compat_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/goluxid/goluxid/internal/testkit/binary"
	"github.com/goluxid/goluxid/internal/testkit/prereq"
	"github.com/goluxid/goluxid/internal/testkit/sandbox"
)

// TestMain fails the whole run in CI when the machine cannot run sandboxes
// (every test would fail for the same reason), and removes the goluxid build
// afterwards.
func TestMain(m *testing.M) {
	if err := sandbox.Prerequisites(); err != nil && prereq.InCI() {
		fmt.Fprintf(os.Stderr, "FAIL: compatibility tests cannot run in CI: %v\n", err)
		os.Exit(1)
	}
	code := m.Run()
	if err := binary.Remove(); err != nil {
		fmt.Fprintf(os.Stderr, "remove goluxid build: %v\n", err)
	}
	os.Exit(code)
}
