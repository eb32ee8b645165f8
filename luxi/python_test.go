package luxi

import (
	"os"
	"os/exec"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPythonClient checks the server against Ganeti 3.0's own Python LUXI
// client, where it is installed.
func TestPythonClient(t *testing.T) {
	const python = "/usr/bin/python3"
	if _, err := os.Stat("/usr/share/ganeti/3.0/ganeti/luxi.py"); err != nil {
		t.Skip("Ganeti 3.0's Python library is not installed")
	}
	if err := exec.Command(python, "-c", "import OpenSSL").Run(); err != nil {
		t.Skip("python3 cannot load Ganeti's dependencies")
	}
	ts := startServer(t, HandlerFunc(testHandler))
	out, err := exec.Command(python, "testdata/python_client.py", ts.path).Output()
	require.NoError(t, err, "%s", out)
	assert.JSONEq(t, `{
		"echo": {"result": {"args": ["é✓", "<&>", 1.5], "method": "QueryClusterInfo"}},
		"exception": {"raised": "GenericError", "args": ["Luxi call 'PickupJob' is for internal use only"]},
		"bad_arguments": {"raised": "RequestError", "args": ["Failed to parse request: Cannot convert value '[1]', error: Unable to read Bool"]},
		"after_reconnect": {"result": true},
		"panic": {"raised": "GenericError", "args": ["Internal error while handling CancelJob: boom"]}
	}`, string(out))
}
