// Package leakcheck fails a package's tests when goroutines they started
// are still running after the last of them: servers, connections,
// watchers and runners must all end with their tests. A package uses it
// from its TestMain:
//
//	func TestMain(m *testing.M) { leakcheck.Main(m) }
package leakcheck

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"
)

// grace is how long goroutines get to end after the last test: an ended
// connection's goroutines return a moment after it was closed.
const grace = 5 * time.Second

// ignored marks goroutines that are not the tests' own: the signal loop
// the testing package starts when fuzzing or on a timeout.
var ignored = []string{"os/signal.signal_recv("}

// Main runs the tests and exits; it fails the run if they pass but leave
// goroutines behind that did not run before them.
func Main(m *testing.M) {
	before := goroutineIDs(stacks())
	code := m.Run()
	if code == 0 {
		if err := waitForGoroutines(before, grace); err != nil {
			fmt.Fprintln(os.Stderr, err)
			code = 1
		}
	}
	os.Exit(code)
}

// stacks returns the stack of every goroutine but the calling one.
func stacks() []string {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	all := strings.Split(string(buf), "\n\n")
	return all[1:] // the first is the caller's
}

// goroutineIDs returns the ids in the stacks' headers ("goroutine 7 [...]").
func goroutineIDs(stacks []string) map[string]bool {
	ids := map[string]bool{}
	for _, s := range stacks {
		ids[goroutineID(s)] = true
	}
	return ids
}

func goroutineID(stack string) string {
	fields := strings.Fields(stack)
	if len(fields) < 2 {
		return ""
	}
	return fields[1]
}

// left returns the stacks of the goroutines the tests could have started.
func left(before map[string]bool) []string {
	var out []string
next:
	for _, s := range stacks() {
		if before[goroutineID(s)] {
			continue
		}
		for _, ig := range ignored {
			if strings.Contains(s, ig) {
				continue next
			}
		}
		out = append(out, s)
	}
	return out
}

// waitForGoroutines polls until no goroutine of the tests runs; there is
// no event to wait on for a goroutine's end.
func waitForGoroutines(before map[string]bool, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		rest := left(before)
		if len(rest) == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("goroutine leak: %d goroutines left after the tests:\n\n%s", len(rest), strings.Join(rest, "\n\n"))
		}
		time.Sleep(10 * time.Millisecond)
	}
}
