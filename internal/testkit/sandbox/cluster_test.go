package sandbox_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/internal/testkit/sandbox"
)

// startClusterForTest starts a cluster with the Haskell luxid for t.
func startClusterForTest(t *testing.T) *sandbox.Cluster {
	t.Helper()
	sandbox.RequireForTest(t)
	start := time.Now()
	c, err := sandbox.CreateCluster(context.Background(), sandbox.ClusterOptions{Luxid: sandbox.HaskellLuxid()})
	require.NoError(t, err)
	t.Logf("cluster %s started in %s", c.Dir(), time.Since(start).Round(time.Millisecond))
	t.Cleanup(func() {
		if err := c.Close(); err != nil {
			t.Errorf("close cluster: %v", err)
		}
	})
	return c
}

// The cluster's nodes have the files Ganeti keeps on them, and the real
// luxid and job processes replicate a job to the other candidate only.
func TestClusterReplicatesToCandidate(t *testing.T) {
	c := startClusterForTest(t)
	master, candidate, other := c.Nodes()[0], c.Nodes()[1], c.Nodes()[2]
	require.Len(t, c.Nodes(), 3)
	for _, s := range c.Nodes() {
		assert.NotZero(t, s.Pid(sandbox.Noded), "%s runs noded", s.Hostname())
		assert.FileExists(t, filepath.Join(s.Layout().DataDir, "ssconf_master_node"))
		assert.FileExists(t, s.Layout().SerialFile)
		assert.Equal(t, filepath.Join(c.Dir(), s.Hostname()), s.Root())
	}
	assert.NotZero(t, master.Pid(sandbox.Luxid))
	assert.Zero(t, candidate.Pid(sandbox.Luxid))
	assert.FileExists(t, candidate.Layout().ConfigFile)
	assert.NoFileExists(t, other.Layout().ConfigFile)

	// The luxid activates the master IP at start through the master's noded.
	assert.Eventually(t, func() bool {
		data, err := os.ReadFile(master.MasterIPLog())
		return err == nil && strings.HasPrefix(string(data), "start 127.0.0.2 lo\n")
	}, 20*time.Second, 50*time.Millisecond, "master IP setup script not called")

	run(t, master, "gnt-debug", "delay", "0.1")
	// The job process writes its file, then replicates it: the client may
	// see the job finished before the candidate has the last write.
	for _, s := range []*sandbox.Sandbox{master, candidate} {
		assert.Eventually(t, func() bool {
			data, err := os.ReadFile(s.Layout().JobFile(1))
			return err == nil && strings.Contains(string(data), `"status": "success"`)
		}, 10*time.Second, 20*time.Millisecond, "%s: job 1 not finished", s.Hostname())
		serial, err := os.ReadFile(s.Layout().SerialFile)
		require.NoError(t, err)
		assert.Equal(t, "1\n", string(serial), s.Hostname())
	}
	assert.NoFileExists(t, other.Layout().JobFile(1))

	// A config change reaches the candidate through wconfd and noded.
	run(t, master, "gnt-cluster", "add-tags", "multinode")
	assert.Eventually(t, func() bool {
		data, err := os.ReadFile(candidate.Layout().ConfigFile)
		return err == nil && strings.Contains(string(data), "multinode")
	}, 20*time.Second, 50*time.Millisecond)

	// The Haskell luxid sends archive moves with plain paths, which noded
	// refuses in a virtual cluster: the candidate keeps the job live.
	run(t, master, "gnt-job", "archive", "1")
	assert.FileExists(t, master.Layout().ArchivedJobFile(1))
	assert.Eventually(t, func() bool {
		data, _ := os.ReadFile(filepath.Join(candidate.Layout().LogDir, "node-daemon.log"))
		return strings.Contains(string(data), "is not a virtual path")
	}, 10*time.Second, 50*time.Millisecond, "candidate's noded did not refuse the rename")
	assert.FileExists(t, candidate.Layout().JobFile(1))
	assert.NoFileExists(t, candidate.Layout().ArchivedJobFile(1))

	reopened, err := sandbox.OpenCluster(c.Dir())
	require.NoError(t, err)
	assert.Equal(t, master.Pid(sandbox.Noded), reopened.Master().Pid(sandbox.Noded))
}
