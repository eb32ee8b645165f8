package crashfs

import (
	"flag"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/goluxid/goluxid/internal/testkit/prereq"
)

// namespaceEnv marks a test binary that InPrivateNamespace started; its
// value is the name of the test it runs.
const namespaceEnv = "CRASHFS_PRIVATE_NAMESPACE"

// InPrivateNamespace reports whether tb runs in a private mount namespace
// of its own. If not, it runs tb again, in the same test binary, in a new
// one (unshare --mount), which dies with this process even when this is
// killed; it logs that run's output, gives tb that run's outcome (a
// benchmark reports its figures), and returns false: the caller returns
// at once. Without unshare the test is skipped, or fails under CI.
func InPrivateNamespace(tb testing.TB) bool {
	tb.Helper()
	if os.Getenv(namespaceEnv) == tb.Name() {
		return true
	}
	propagation, err := privatePropagation()
	if err != nil {
		prereq.Missing(tb, "needs a private mount namespace (unshare --mount): %v", err)
	}
	args := append([]string{"--mount", "--propagation", propagation, os.Args[0]}, rerunFlags(tb)...)
	cmd := exec.Command("unshare", args...)
	cmd.Env = append(os.Environ(), namespaceEnv+"="+tb.Name())
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	out, err := runLocked(cmd)
	tb.Logf("run in a private mount namespace:\n%s", out)
	if err != nil {
		tb.Fatalf("%s in a private mount namespace: %v", tb.Name(), err)
	}
	takeOutcome(tb, string(out))
	return false
}

// takeOutcome gives tb the outcome of its run that printed out: skipped,
// passed (with the figures of a benchmark), or not run at all.
func takeOutcome(tb testing.TB, out string) {
	tb.Helper()
	if before, _, skipped := strings.Cut(out, "--- SKIP: "+tb.Name()+" "); skipped {
		tb.Skipf("skipped in the private mount namespace: %s", lastLine(before))
	}
	ran := strings.Contains(out, "--- PASS: "+tb.Name()+" ")
	if b, ok := tb.(*testing.B); ok {
		ran = reportFigures(b, out)
	}
	if !ran {
		tb.Fatalf("the run in a private mount namespace did not run %s", tb.Name())
	}
}

// lastLine returns the last line of text that is not blank, trimmed: the
// reason a verbose test binary printed just before a test's SKIP line.
func lastLine(text string) string {
	lines := strings.Split(strings.TrimSpace(text), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

// runLocked runs cmd from one OS thread, which outlives it: its parent
// death signal follows the thread that started it.
func runLocked(cmd *exec.Cmd) ([]byte, error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	return cmd.CombinedOutput()
}

// RequireFuse stops tb unless /dev/fuse exists, which Mount needs: a
// failure under CI, a skip elsewhere.
func RequireFuse(tb testing.TB) {
	tb.Helper()
	prereq.File(tb, "/dev/fuse", "/dev/fuse")
}

// privatePropagation returns the propagation for a new mount namespace
// whose mounts never show outside: private, or unchanged where no mount
// is shared (a root that is no mount point cannot be made private).
func privatePropagation() (string, error) {
	err := exec.Command("unshare", "--mount", "--propagation", "private", "true").Run()
	if err == nil {
		return "private", nil
	}
	mounts, readErr := os.ReadFile("/proc/self/mountinfo")
	if readErr != nil || strings.Contains(string(mounts), " shared:") {
		return "", err
	}
	if err := exec.Command("unshare", "--mount", "--propagation", "unchanged", "true").Run(); err != nil {
		return "", err
	}
	return "unchanged", nil
}

// rerunFlags are the test binary's flags to run just tb.
func rerunFlags(tb testing.TB) []string {
	pattern := namePattern(tb.Name())
	flags := []string{"-test.count=1", "-test.v"}
	if _, ok := tb.(*testing.B); ok {
		flags = append(flags, "-test.run=^$", "-test.bench="+pattern)
		for _, name := range []string{"test.benchtime", "test.benchmem"} {
			if f := flag.Lookup(name); f != nil {
				flags = append(flags, "-"+name+"="+f.Value.String())
			}
		}
	} else {
		flags = append(flags, "-test.run="+pattern)
	}
	if t, ok := tb.(*testing.T); ok {
		if deadline, ok := t.Deadline(); ok {
			flags = append(flags, "-test.timeout="+time.Until(deadline).String())
		}
	}
	return flags
}

// namePattern matches exactly the test called name, subtests included.
func namePattern(name string) string {
	parts := strings.Split(name, "/")
	for i, p := range parts {
		parts[i] = "^" + regexp.QuoteMeta(p) + "$"
	}
	return strings.Join(parts, "/")
}

// reportFigures reports the figures of the benchmark result line in out
// as b's, if it finds one.
func reportFigures(b *testing.B, out string) bool {
	found := false
	for _, line := range strings.Split(out, "\n") {
		fields := strings.Fields(line)
		if len(fields) < 4 || (fields[0] != b.Name() && !strings.HasPrefix(fields[0], b.Name()+"-")) {
			continue
		}
		if _, err := strconv.Atoi(fields[1]); err != nil {
			continue
		}
		for i := 2; i+1 < len(fields); i += 2 {
			if v, err := strconv.ParseFloat(fields[i], 64); err == nil {
				b.ReportMetric(v, fields[i+1])
				found = true
			}
		}
	}
	return found
}

// Tmpfs mounts a tmpfs over a new temporary directory for tb, which runs
// in a private mount namespace (InPrivateNamespace), and unmounts it when
// tb ends.
func Tmpfs(tb testing.TB) string {
	tb.Helper()
	if os.Getenv(namespaceEnv) == "" {
		tb.Fatal("crashfs: Tmpfs needs a private mount namespace: call InPrivateNamespace first")
	}
	dir := tb.TempDir()
	if err := unix.Mount("tmpfs", dir, "tmpfs", 0, "mode=0755"); err != nil {
		tb.Fatalf("crashfs: mounting a tmpfs on %s: %v", dir, err)
	}
	tb.Cleanup(func() {
		if err := unix.Unmount(dir, 0); err != nil {
			tb.Errorf("crashfs: unmounting the tmpfs on %s: %v", dir, err)
		}
	})
	return dir
}
