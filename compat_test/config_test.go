package compat_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/internal/testkit/sandbox"
)

// TestTags compares list-tags of every kind of object, including names that
// do not exist and abbreviated names.
func TestTags(t *testing.T) {
	compareOnBothLuxids(t, sandbox.Options{}, []clientCase{
		{name: "cluster", cmd: []string{"gnt-cluster", "list-tags"}},
		{name: "node", cmd: []string{"gnt-node", "list-tags", "node2.example.com"}},
		{name: "node-short-name", cmd: []string{"gnt-node", "list-tags", "node1"}},
		{name: "node-unknown", cmd: []string{"gnt-node", "list-tags", "nosuch"}},
		{name: "instance", cmd: []string{"gnt-instance", "list-tags", "instance1.example.com"}},
		{name: "instance-unknown", cmd: []string{"gnt-instance", "list-tags", "nosuch.example.com"}},
		{name: "group", cmd: []string{"gnt-group", "list-tags", "default"}},
		{name: "group-unknown", cmd: []string{"gnt-group", "list-tags", "nosuch"}},
		{name: "network", cmd: []string{"gnt-network", "list-tags", "a network"}},
		{name: "network-unknown", cmd: []string{"gnt-network", "list-tags", "nosuch"}},
	})
}

// TestConfigReplacedLikeWConfd replaces config.data the way WConfd writes it
// (a new file renamed over the old one) with changed tags and parameters,
// and compares what the clients see afterwards.
func TestConfigReplacedLikeWConfd(t *testing.T) {
	compareOnBothLuxids(t, sandbox.Options{}, []clientCase{
		{name: "before", cmd: []string{"gnt-cluster", "list-tags"}},
		{name: "tags-after", cmd: []string{"gnt-cluster", "list-tags"}, before: replaceConfig},
		{name: "node-tags-after", cmd: []string{"gnt-node", "list-tags", "node2.example.com"}},
		{name: "info-after", cmd: []string{"gnt-cluster", "info"}},
	})
}

// replaceConfig rewrites config.data with new cluster and node tags, a new
// max_running_jobs and a new candidate pool size, then waits until the
// luxid answers with the new tags (goluxid within a second; the Haskell
// luxid is as quick).
func replaceConfig(t *testing.T, sb *sandbox.Sandbox) {
	t.Helper()
	path := sb.Layout().ConfigFile
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var cfg map[string]any
	require.NoError(t, json.Unmarshal(data, &cfg))
	cluster := cfg["cluster"].(map[string]any)
	cluster["tags"] = []string{"zeta", "alpha", "mytag"}
	cluster["max_running_jobs"] = 7
	cluster["candidate_pool_size"] = 3
	cfg["serial_no"] = cfg["serial_no"].(float64) + 1
	for _, n := range cfg["nodes"].(map[string]any) {
		node := n.(map[string]any)
		if node["name"] == "node2.example.com" {
			node["tags"] = []string{"rack:b", "ssd"}
		}
	}
	out, err := json.Marshal(cfg)
	require.NoError(t, err)
	tmp := filepath.Join(filepath.Dir(path), ".config.data.new")
	require.NoError(t, os.WriteFile(tmp, out, 0o640))
	require.NoError(t, os.Rename(tmp, path))

	deadline := time.Now().Add(time.Second)
	for {
		stdout, _, code, err := sb.Run(context.Background(), "gnt-cluster", "list-tags")
		require.NoError(t, err)
		if code == 0 && stdout == "alpha\nmytag\nzeta\n" {
			return
		}
		require.True(t, time.Now().Before(deadline), "luxid did not pick up the new config within a second; last answer %q", stdout)
		time.Sleep(20 * time.Millisecond)
	}
}

// TestConfigChangedByJobs changes the configuration through jobs (the job
// process asks WConfd, which rewrites config.data) and compares what the
// clients see afterwards.
func TestConfigChangedByJobs(t *testing.T) {
	compareOnBothLuxids(t, sandbox.Options{Noded: true}, []clientCase{
		{name: "add-tags", cmd: []string{"gnt-cluster", "add-tags", "newtag", "other"}},
		{name: "list-tags", cmd: []string{"gnt-cluster", "list-tags"}},
		{name: "node-add-tags", cmd: []string{"gnt-node", "add-tags", "node1.example.com", "rack:c"}},
		{name: "node-list-tags", cmd: []string{"gnt-node", "list-tags", "node1.example.com"}},
		{name: "remove-tags", cmd: []string{"gnt-cluster", "remove-tags", "other"}},
		{name: "list-tags-after-remove", cmd: []string{"gnt-cluster", "list-tags"}},
		{name: "modify", cmd: []string{"gnt-cluster", "modify", "--max-running-jobs", "7", "--candidate-pool-size", "2"}},
		{name: "info-after-modify", cmd: []string{"gnt-cluster", "info"}, norms: []normalization{modificationTime}},
	})
}

// modificationTime replaces the cluster's modification time, which is the
// moment WConfd wrote the configuration in this run.
var modificationTime = normalization{
	name: "modification-time",
	apply: func(t *testing.T, luxid string, r *result) {
		_, out, ok := replaceLine(r.stdout, "Modification time: ", "Modification time: <normalized>")
		require.True(t, ok, "%s: no modification time in %q", luxid, r.stdout)
		r.stdout = out
	},
}
