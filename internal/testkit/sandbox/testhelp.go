package sandbox

import (
	"context"

	"github.com/goluxid/goluxid/internal/testkit/prereq"
)

// TB is the part of testing.TB the test helpers use; taking it instead of
// testing.TB keeps package testing out of the commands built on sandbox.
type TB interface {
	Helper()
	Cleanup(func())
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
	Skipf(format string, args ...any)
}

// RequireForTest stops t unless this machine can run sandboxes: it fails t
// in CI, which must have installed the Ganeti packages, and skips it
// elsewhere (prereq.Missing).
func RequireForTest(t TB) {
	t.Helper()
	if err := Prerequisites(); err != nil {
		prereq.Missing(t, "cannot run Ganeti sandboxes: %v", err)
	}
}

// StartForTest creates and starts a sandbox for t and closes it when t ends;
// a failing start fails t with the daemon's output.
func StartForTest(t TB, opts Options) *Sandbox {
	t.Helper()
	RequireForTest(t)
	sb, err := Create(context.Background(), opts)
	if err != nil {
		t.Fatalf("start sandbox: %v", err)
	}
	t.Cleanup(func() {
		if err := sb.Close(); err != nil {
			t.Errorf("close sandbox: %v", err)
		}
	})
	return sb
}
