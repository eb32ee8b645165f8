package luxi

import (
	"fmt"
	"os"
	"runtime"
	"testing"
	"time"
)

// TestMain fails the package's tests when goroutines started by them are
// still running a few seconds after the last test: servers, connections
// and clients must all end.
func TestMain(m *testing.M) {
	baseline := runtime.NumGoroutine()
	code := m.Run()
	if code == 0 {
		if err := waitForGoroutines(baseline, 5*time.Second); err != nil {
			fmt.Fprintln(os.Stderr, err)
			code = 1
		}
	}
	os.Exit(code)
}

// waitForGoroutines polls until at most baseline goroutines run. There is
// no event to wait on for the end of a goroutine, hence the polling.
func waitForGoroutines(baseline int, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		n := runtime.NumGoroutine()
		if n <= baseline {
			return nil
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			buf = buf[:runtime.Stack(buf, true)]
			return fmt.Errorf("goroutine leak: %d running, %d before the tests:\n%s", n, baseline, buf)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
