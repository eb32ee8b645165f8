package resources

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/ganeti/objects"
	"github.com/goluxid/goluxid/ganeti/rpc"
	"github.com/goluxid/goluxid/internal/testkit/sandbox"
)

// TestNodeQueryRealNoded runs node queries with live fields against
// Ganeti's Python noded in a sandbox, through the RPC client: the master
// answers on a loopback address, the other nodes are offline and never
// contacted.
func TestNodeQueryRealNoded(t *testing.T) {
	sb := sandbox.StartForTest(t, sandbox.Options{Luxid: sandbox.HaskellLuxid(), Noded: true})
	client, err := rpc.New(sb.Layout(), rpc.Options{})
	require.NoError(t, err)
	load := func() *objects.ConfigData {
		data, err := os.ReadFile(sb.Layout().ConfigFile)
		require.NoError(t, err)
		cfg, err := objects.Parse(data, sandbox.Ganeti.ConfigVersion)
		require.NoError(t, err)
		return cfg
	}
	master := sb.Hostname()

	cfg := load()
	env := Env{Config: cfg, RPC: RPCClient(client)}
	var rows [][][2]any
	require.NoError(t, json.Unmarshal([]byte(nodeMustRun(t, env, "node", []string{"name", "offline", "bootid"}, "null")), &rows))
	require.Len(t, rows, len(cfg.Nodes))
	for _, row := range rows {
		if row[0][1] == master {
			assert.Equal(t, float64(0), row[2][0], "the master answers")
			assert.NotEmpty(t, row[2][1])
		} else {
			assert.Equal(t, true, row[1][1])
			assert.Equal(t, [2]any{float64(4), nil}, row[2], "offline nodes")
		}
	}

	// The demo cluster's hypervisor, Xen, is not installed: node_info
	// fails as a whole when it is asked about.
	assert.Equal(t, `[[[0,"`+master+`"],[2,null],[2,null]]]`,
		nodeMustRun(t, env, "node", []string{"name", "bootid", "mfree"}, `["==","name","`+master+`"]`))

	// With the fake hypervisor first, memory and CPUs come back.
	cfg = load()
	cfg.Cluster.EnabledHypervisors = []string{"fake"}
	env = Env{Config: cfg, RPC: RPCClient(client)}
	require.NoError(t, json.Unmarshal([]byte(nodeMustRun(t, env, "node",
		[]string{"bootid", "mfree", "mtotal", "mnode", "ctotal", "cnodes", "csockets", "cnos"}, `["==","name","`+master+`"]`)), &rows))
	require.Len(t, rows, 1)
	for i, cell := range rows[0] {
		assert.Equal(t, float64(0), cell[0], "field %d: %v", i, cell)
	}
	mfree, mtotal := rows[0][1][1].(float64), rows[0][2][1].(float64)
	assert.Positive(t, mfree)
	assert.LessOrEqual(t, mfree, mtotal)

	// Filters on live fields are decided by the answers.
	assert.Equal(t, `[[[0,"`+master+`"]]]`, nodeMustRun(t, env, "node", []string{"name"}, `["&",["==","name","`+master+`"],[">","mtotal",0]]`))
	assert.Equal(t, `[]`, nodeMustRun(t, env, "node", []string{"name"}, `["&",["==","name","`+master+`"],["<","mtotal",0]]`))

	// Storage: no LVM here, so the volume group has no free space to
	// report; whatever noded says of the rest, the cells are normal or
	// without data, never an error.
	out := nodeMustRun(t, env, "node", []string{"dfree", "dtotal", "spfree", "sptotal"}, `["==","name","`+master+`"]`)
	t.Logf("storage cells: %s", out)
	require.NoError(t, json.Unmarshal([]byte(out), &rows))
	for _, cell := range rows[0] {
		assert.Contains(t, []any{float64(0), float64(2)}, cell[0])
	}

	// File storage in the node's root comes first: its space is the
	// node's disk space; the spindles of the absent volume group are 0.
	cfg = load()
	cfg.Cluster.EnabledHypervisors = []string{"fake"}
	cfg.Cluster.EnabledDiskTemplates = []string{"file", "plain"}
	cfg.Cluster.FileStorageDir = sb.Root()
	env = Env{Config: cfg, RPC: RPCClient(client)}
	require.NoError(t, json.Unmarshal([]byte(nodeMustRun(t, env, "node",
		[]string{"dfree", "dtotal", "spfree", "sptotal"}, `["==","name","`+master+`"]`)), &rows))
	assert.Equal(t, float64(0), rows[0][0][0])
	assert.Equal(t, float64(0), rows[0][1][0])
	assert.LessOrEqual(t, rows[0][0][1], rows[0][1][1])
	assert.Equal(t, [][2]any{{float64(0), float64(0)}, {float64(0), float64(0)}}, rows[0][2:])
}
