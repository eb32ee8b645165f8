package luxi

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestMain fails the package's tests when goroutines started by them are
// still running a little after the last test: servers, connections and
// clients must all end.
func TestMain(m *testing.M) {
	code := m.Run()
	if code == 0 {
		if err := waitForGoroutines(5 * time.Second); err != nil {
			fmt.Fprintln(os.Stderr, err)
			code = 1
		}
	}
	os.Exit(code)
}

// ignoredGoroutines mark goroutines that are not the tests' own: this one
// and the signal loop the testing package starts when fuzzing.
var ignoredGoroutines = []string{
	"luxi.waitForGoroutines(",
	"os/signal.signal_recv(",
}

// leftGoroutines returns the stacks of the goroutines still running that
// the tests could have started.
func leftGoroutines() []string {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	var left []string
next:
	for _, g := range strings.Split(string(buf), "\n\n") {
		for _, ignored := range ignoredGoroutines {
			if strings.Contains(g, ignored) {
				continue next
			}
		}
		left = append(left, g)
	}
	return left
}

// waitForGoroutines polls until no goroutine of the tests runs. There is
// no event to wait on for the end of a goroutine, hence the polling.
func waitForGoroutines(limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		left := leftGoroutines()
		if len(left) == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("goroutine leak: %d goroutines left after the tests:\n\n%s", len(left), strings.Join(left, "\n\n"))
		}
		time.Sleep(10 * time.Millisecond)
	}
}
