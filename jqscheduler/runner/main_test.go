package runner

import (
	"testing"

	"github.com/goluxid/goluxid/internal/testkit/leakcheck"
)

// TestMain fails the package's tests when goroutines started by them are
// still running a little after the last test.
func TestMain(m *testing.M) { leakcheck.Main(m) }
