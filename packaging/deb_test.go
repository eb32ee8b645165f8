package packaging_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/internal/sandbox"
)

const (
	installedLuxid = "/usr/sbin/ganeti-luxid"
	haskellLuxid   = "/usr/lib/ganeti/3.0/usr/sbin/ganeti-luxid"
)

// TestDebianPackage builds the package, installs it in place of Ganeti's
// ganeti-luxid, runs a sandboxed cluster through the installed path, then
// removes the package and checks that Ganeti's program is back.
func TestDebianPackage(t *testing.T) {
	sandbox.RequireForTest(t)
	if _, err := exec.LookPath("dpkg-deb"); err != nil {
		t.Skip("needs dpkg-deb")
	}
	if out, err := exec.Command("dpkg-query", "-W", "-f=${Status}", "goluxid").CombinedOutput(); err == nil && strings.Contains(string(out), "install ok installed") {
		t.Skip("goluxid is installed on this machine already; not touching it")
	}
	before, err := os.Readlink(installedLuxid)
	require.NoError(t, err, "Ganeti's ganeti-luxid is a symlink")
	hsBefore := fingerprint(t, haskellLuxid)

	out, err := exec.Command("../scripts/build-deb.sh", t.TempDir()).Output()
	require.NoError(t, err)
	deb := strings.TrimSpace(string(out))
	run(t, "dpkg", "-i", deb)
	removed := false
	remove := func() {
		if !removed {
			removed = true
			run(t, "dpkg", "--purge", "goluxid")
		}
	}
	t.Cleanup(remove)

	version, err := exec.Command(installedLuxid, "--version").CombinedOutput()
	require.NoError(t, err)
	assert.Contains(t, string(version), "goluxid")
	assert.Equal(t, hsBefore, fingerprint(t, haskellLuxid), "the Haskell binary is untouched")

	sb := sandbox.StartForTest(t, sandbox.Options{Luxid: sandbox.GoLuxid(installedLuxid)})
	stdout, stderr, code, err := sb.Run(context.Background(), "gnt-cluster", "version")
	require.NoError(t, err)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "VCS version: (goluxid)")
	stdout, _, code, err = sb.Run(context.Background(), "gnt-cluster", "queue", "info")
	require.NoError(t, err)
	assert.Equal(t, 0, code)
	assert.Equal(t, "The drain flag is unset\n", stdout)
	require.NoError(t, sb.Close())

	remove()
	after, err := os.Readlink(installedLuxid)
	require.NoError(t, err, "Ganeti's symlink is back")
	assert.Equal(t, before, after)
}

func run(t *testing.T, name string, args ...string) {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	require.NoError(t, err, "%s %v: %s", name, args, out)
}

// fingerprint identifies a file's content by size and modification time.
func fingerprint(t *testing.T, path string) string {
	t.Helper()
	fi, err := os.Stat(path)
	require.NoError(t, err)
	return fmt.Sprintf("%d bytes, modified %s", fi.Size(), fi.ModTime())
}
