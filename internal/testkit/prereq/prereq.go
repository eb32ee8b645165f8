// Package prereq decides what a test does when this machine lacks
// something its subject needs, so that the rule lives in one place:
//
//   - Missing: a program, a package, a user, a privilege or an installed
//     Ganeti that CI installs or has. Under CI (the environment variable CI
//     set to anything) the test fails; elsewhere it is skipped with the
//     reason.
//   - KernelForbids: something the running kernel or the namespace the
//     test runs in rules out (an IPv6 loopback, perf's counters). The test
//     is skipped everywhere, CI included; the message names what the
//     kernel lacks.
//
// A skip never means that a test does not apply to the installed Ganeti
// release: scripts/test.sh leaves such tests out on the other release.
package prereq

import (
	"fmt"
	"os"
	"os/exec"
)

// TB is the part of testing.TB these helpers use; taking it instead of
// testing.TB keeps package testing out of the commands that link their
// callers.
type TB interface {
	Helper()
	Fatalf(format string, args ...any)
	Skipf(format string, args ...any)
}

// InCI reports whether the tests run in CI, where every prerequisite but
// the kernel's is installed.
func InCI() bool { return os.Getenv("CI") != "" }

// Missing ends tb, which cannot run its subject for the reason the format
// and args give: a failure under CI, a skip elsewhere.
func Missing(tb TB, format string, args ...any) {
	tb.Helper()
	reason := fmt.Sprintf(format, args...)
	if InCI() {
		tb.Fatalf("cannot run under CI: %s", reason)
		return
	}
	tb.Skipf("%s (a failure under CI)", reason)
}

// KernelForbids skips tb everywhere: the kernel or the namespace it runs
// in makes the subject impossible, for the reason the format and args
// give.
func KernelForbids(tb TB, format string, args ...any) {
	tb.Helper()
	tb.Skipf("the kernel rules it out: %s", fmt.Sprintf(format, args...))
}

// Program returns the path of the program name, or ends tb as Missing,
// naming the Debian package that installs it.
func Program(tb TB, name, debianPackage string) string {
	tb.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		Missing(tb, "needs %s (apt-get install %s)", name, debianPackage)
	}
	return path
}

// File ends tb as Missing unless path exists; what says what the file is.
func File(tb TB, path, what string) {
	tb.Helper()
	if _, err := os.Stat(path); err != nil {
		Missing(tb, "needs %s: %v", what, err)
	}
}
