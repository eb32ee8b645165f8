package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/ganeti/objects"
	"github.com/goluxid/goluxid/internal/testkit/sandbox"
)

func runCmd(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"sideways"},
		{"up"},
		{"up", "a", "b"},
		{"up", "--luxid=perl", "/tmp/x"},
		{"down"},
		{"config"},
		{"config", "--nodes=x", "/tmp/x"},
	} {
		code, _, stderr := runCmd(args...)
		assert.Equal(t, 2, code, "%v", args)
		assert.Contains(t, stderr, "usage:", "%v", args)
	}
}

// config writes a configuration that parses, of the size asked for.
func TestConfigWritesAGeneratedFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "config.data")
	code, _, stderr := runCmd("config", "--nodes=12", "--instances=30", "--master-ip=127.0.0.9", "--unreachable", file)
	require.Equal(t, 0, code, stderr)
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	cfg, err := objects.Parse(data, 3000000)
	require.NoError(t, err)
	assert.Len(t, cfg.Nodes, 12)
	assert.Len(t, cfg.Instances, 30)
	assert.Equal(t, "127.0.0.9", cfg.MasterNode().PrimaryIP)
	for _, n := range cfg.Nodes {
		assert.False(t, n.Offline, "%s: --unreachable leaves every node online", n.Name)
	}
	code, _, stderr = runCmd("config", "--nodes=1", file)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "at least 2 nodes")
}

func TestDownNeedsASandbox(t *testing.T) {
	code, _, stderr := runCmd("down", t.TempDir())
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "is not a sandbox")
}

// up and down are separate invocations that share only DIR; flags may
// follow DIR.
func TestUpDown(t *testing.T) {
	sandbox.RequireForTest(t)
	base, err := os.MkdirTemp("/tmp", "gsbc")
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(base) })
	dir := filepath.Join(base, "sb")

	code, stdout, stderr := runCmd("up", dir, "--luxid=haskell")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, ". "+dir+"/env.sh; gnt-cluster info")
	sb, err := sandbox.Open(dir)
	require.NoError(t, err)
	require.NotZero(t, sb.Pid(sandbox.Luxid))
	_, _, rc, err := sb.Run(context.Background(), "gnt-cluster", "queue", "info")
	require.NoError(t, err)
	assert.Equal(t, 0, rc)

	code, stdout, stderr = runCmd("down", "--rm", dir)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "stopped and removed")
	assert.NoDirExists(t, dir)
}
