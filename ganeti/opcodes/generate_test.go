package opcodes

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Where the generator reads Ganeti's definitions, and with what.
const (
	ganetiPython    = "/usr/bin/python3"
	ganetiOpcodesPy = "/usr/share/ganeti/3.0/ganeti/opcodes.py"
)

// requireGaneti skips the test when Ganeti's Python package is not
// installed, except in CI (CI=true), where it fails.
func requireGaneti(t *testing.T) {
	t.Helper()
	for _, path := range []string{ganetiPython, ganetiOpcodesPy} {
		if _, err := os.Stat(path); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("CI=true but %s is missing (install ganeti-3.0): %v", path, err)
			}
			t.Skipf("%s is missing: install Debian's ganeti-3.0 to check the generated table", path)
		}
	}
}

// TestTableIsCurrent regenerates opcodes.json from the installed Ganeti
// and fails if the checked-in table differs: run `go generate` then.
func TestTableIsCurrent(t *testing.T) {
	requireGaneti(t)
	out := filepath.Join(t.TempDir(), "opcodes.json")
	cmd := exec.Command(ganetiPython, filepath.Join("internal", "opgen", "opgen.py"), "-o", out)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Run(), "opgen: %s", stderr.String())

	fresh, err := os.ReadFile(out)
	require.NoError(t, err)
	if bytes.Equal(fresh, tableJSON) {
		return
	}
	freshLines := strings.Split(string(fresh), "\n")
	oldLines := strings.Split(string(tableJSON), "\n")
	for i := range min(len(freshLines), len(oldLines)) {
		if freshLines[i] != oldLines[i] {
			t.Fatalf("opcodes.json is stale (run go generate ./ganeti/opcodes); line %d:\n checked in: %s\n generated:  %s",
				i+1, oldLines[i], freshLines[i])
		}
	}
	t.Fatalf("opcodes.json is stale (run go generate ./ganeti/opcodes): %d lines checked in, %d generated",
		len(oldLines), len(freshLines))
}
