package release

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/internal/testkit/prereq"
)

// writeShare lays out a Ganeti Python tree with the given _constants.py
// and a "default" link to it, and returns the link.
func writeShare(t *testing.T, dir, constants string) string {
	t.Helper()
	base := t.TempDir()
	pkg := filepath.Join(base, dir, "ganeti")
	require.NoError(t, os.MkdirAll(pkg, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(pkg, "_constants.py"), []byte(constants), 0o644))
	link := filepath.Join(base, "default")
	require.NoError(t, os.Symlink(dir, link))
	return link
}

const constants31 = `# generated
DIR_VERSION = "3.1"

RELEASE_VERSION = "3.1.0~rc2"
CONFIG_VERSION = 3010000
PROTOCOL_VERSION = 3010000
LUXI_VERSION = 3010000
OS_API_VERSIONS = frozenset([10,15,20])
`

func TestFromShareFollowsTheDefaultLink(t *testing.T) {
	link := writeShare(t, "3.1", constants31)
	r, err := FromShare(link)
	require.NoError(t, err)
	target, err := filepath.EvalSymlinks(link)
	require.NoError(t, err)
	assert.Equal(t, Release{Dir: "3.1", Version: "3.1.0~rc2", ConfigVersion: 3010000,
		ProtocolVersion: 3010000, LuxiVersion: 3010000, PythonDir: target}, r)
}

func TestFromShareRefuses(t *testing.T) {
	cases := []struct {
		name, dir, constants, want string
	}{
		{"unknown release", "2.16", `DIR_VERSION = "2.16"
RELEASE_VERSION = "2.16.2"
CONFIG_VERSION = 2160000
PROTOCOL_VERSION = 2160000
LUXI_VERSION = 2160000
`, "unsupported Ganeti release 2.16.2 (goluxid serves 3.0, 3.1)"},
		{"config version not of the release", "3.1", `DIR_VERSION = "3.1"
RELEASE_VERSION = "3.1.9"
CONFIG_VERSION = 3000000
PROTOCOL_VERSION = 3010000
LUXI_VERSION = 3010000
`, "config version 3000000, expected 3010000"},
		{"missing constant", "3.1", `DIR_VERSION = "3.1"
RELEASE_VERSION = "3.1.0"
`, "no CONFIG_VERSION"},
		{"not a number", "3.1", `DIR_VERSION = "3.1"
RELEASE_VERSION = "3.1.0"
CONFIG_VERSION = _x
`, "CONFIG_VERSION = _x is not a number"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := FromShare(writeShare(t, tc.dir, tc.constants))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	_, err := FromShare(filepath.Join(t.TempDir(), "missing"))
	assert.ErrorContains(t, err, "finding the installed Ganeti")
}

// TestInstalled reads the Ganeti this machine has: 3.0 on Debian 12, 3.1 in
// the Debian 13 root.
func TestInstalled(t *testing.T) {
	prereq.File(t, DefaultShare, "an installed Ganeti")
	r, err := Installed()
	require.NoError(t, err)
	assert.Contains(t, supported, r.Dir)
	assert.Equal(t, supported[r.Dir].LuxiVersion, r.LuxiVersion)
	assert.FileExists(t, filepath.Join(r.PythonDir, "ganeti", "jqueue", "exec.py"))
}
