package luxi

import (
	"os/exec"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/ganeti/release"
	"github.com/goluxid/goluxid/internal/testkit/prereq"
)

// TestPythonClient checks the server against the installed Ganeti
// release's own Python LUXI client.
func TestPythonClient(t *testing.T) {
	const python = "/usr/bin/python3"
	r, err := release.Installed()
	if err != nil {
		prereq.Missing(t, "needs an installed Ganeti release: %v", err)
	}
	if out, err := exec.Command(python, "-c", "import OpenSSL").CombinedOutput(); err != nil {
		prereq.Missing(t, "python3 cannot load Ganeti's dependencies (apt-get install python3-openssl): %v: %s", err, out)
	}
	ts := startServer(t, HandlerFunc(testHandler))
	out, err := exec.Command(python, "testdata/python_client.py", ts.path, r.PythonDir).Output()
	require.NoError(t, err, "%s", out)
	assert.JSONEq(t, `{
		"echo": {"result": {"args": ["é✓", "<&>", 1.5], "method": "QueryClusterInfo"}},
		"exception": {"raised": "GenericError", "args": ["Luxi call 'PickupJob' is for internal use only"]},
		"bad_arguments": {"raised": "RequestError", "args": ["Failed to parse request: Cannot convert value '[1]', error: Unable to read Bool"]},
		"after_reconnect": {"result": true},
		"panic": {"raised": "GenericError", "args": ["Internal error while handling CancelJob: boom"]}
	}`, string(out))
}
