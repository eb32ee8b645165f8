package opcodes

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/ganeti/release"
	"github.com/goluxid/goluxid/internal/testkit/prereq"
)

// ganetiPython is the interpreter the generator runs under.
const ganetiPython = "/usr/bin/python3"

// installedRelease returns the Ganeti release installed here; without one
// the test is skipped, except in CI, where it fails.
func installedRelease(t *testing.T) release.Release {
	t.Helper()
	r, err := release.Installed()
	if err != nil {
		prereq.Missing(t, "no Ganeti installed: %v", err)
	}
	return r
}

// TestTableIsCurrent regenerates the installed release's opcode table and
// fails if the checked-in one differs: run `go generate` then (see doc.go
// for the other release).
func TestTableIsCurrent(t *testing.T) {
	r := installedRelease(t)
	dir := t.TempDir()
	cmd := exec.Command(ganetiPython, filepath.Join("internal", "opgen", "opgen.py"), "--output-dir", dir)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Run(), "opgen: %s", stderr.String())

	name := "opcodes-" + r.Dir + ".json"
	fresh, err := os.ReadFile(filepath.Join(dir, name))
	require.NoError(t, err)
	checkedIn := tableJSON[r.Dir]
	if bytes.Equal(fresh, checkedIn) {
		return
	}
	freshLines := strings.Split(string(fresh), "\n")
	oldLines := strings.Split(string(checkedIn), "\n")
	for i := range min(len(freshLines), len(oldLines)) {
		if freshLines[i] != oldLines[i] {
			t.Fatalf("%s is stale (run go generate ./ganeti/opcodes); line %d:\n checked in: %s\n generated:  %s",
				name, i+1, oldLines[i], freshLines[i])
		}
	}
	t.Fatalf("%s is stale (run go generate ./ganeti/opcodes): %d lines checked in, %d generated",
		name, len(oldLines), len(freshLines))
}
