package rpc_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/ganeti/objects"
	"github.com/goluxid/goluxid/ganeti/rpc"
	"github.com/goluxid/goluxid/internal/testkit/sandbox"
)

// TestRealNoded calls Ganeti's Python noded, started by a sandbox on a
// loopback address with the cluster's certificates. Only the master node
// is contacted: the others have addresses outside the machine.
func TestRealNoded(t *testing.T) {
	sb := sandbox.StartForTest(t, sandbox.Options{Luxid: sandbox.HaskellLuxid(), Noded: true})
	ip := sb.NodeIP()
	data, err := os.ReadFile(sb.Layout().ConfigFile)
	require.NoError(t, err)
	cfg, err := objects.Parse(data, sandbox.Ganeti.ConfigVersion)
	require.NoError(t, err)
	master := cfg.MasterNode()
	require.NotNil(t, master)
	require.Equal(t, ip, master.PrimaryIP)
	nodes := []*objects.Node{master}

	cl, err := rpc.New(sb.Layout(), rpc.Options{})
	require.NoError(t, err)
	ctx := context.Background()

	t.Run("version", func(t *testing.T) {
		v := cl.Version(ctx, nodes)[master.UUID]
		require.NoError(t, v.Err)
		assert.Equal(t, sandbox.Ganeti.ProtocolVersion, v.Value, "the installed release's protocol version")
	})

	t.Run("master_node_name", func(t *testing.T) {
		name := cl.MasterNodeName(ctx, nodes)[master.UUID]
		require.NoError(t, name.Err)
		assert.Equal(t, sb.Hostname(), name.Value)
	})

	t.Run("export_list", func(t *testing.T) {
		exportList := func() rpc.Result {
			return cl.Call(ctx, "export_list", nodes, func(*objects.Node) any { return json.RawMessage(`{}`) })[master.UUID]
		}
		var re *rpc.RemoteError
		require.ErrorAs(t, exportList().Err, &re)
		assert.Equal(t, "No exports directory", re.Msg)

		exportDir := filepath.Join(sb.Root(), "var/lib/ganeti/export")
		for _, name := range []string{"instance2.example.com", "instance1.example.com"} {
			require.NoError(t, os.MkdirAll(filepath.Join(exportDir, name), 0o755))
		}
		res := exportList()
		require.NoError(t, res.Err)
		var exports []string
		require.NoError(t, json.Unmarshal(res.Payload, &exports))
		assert.Equal(t, []string{"instance1.example.com", "instance2.example.com"}, exports)
	})

	t.Run("node_info", func(t *testing.T) {
		// No storage units, the default hypervisor: what a query of mfree sends.
		hv := cfg.Cluster.EnabledHypervisors[0]
		body := []any{[]any{}, []any{[]any{hv, objects.EncodeParams(cfg.Cluster.HVParams[hv])}}}
		res := cl.Call(ctx, "node_info", nodes, func(*objects.Node) any { return body })[master.UUID]
		t.Logf("node_info: err %v payload %s", res.Err, res.Payload)
		if res.Err != nil {
			// The sandbox has no Xen: noded reports the hypervisor's failure.
			var re *rpc.RemoteError
			require.ErrorAs(t, res.Err, &re)
			return
		}
		var info []json.RawMessage
		require.NoError(t, json.Unmarshal(res.Payload, &info))
		require.Len(t, info, 3)
		var bootID string
		require.NoError(t, json.Unmarshal(info[0], &bootID))
		assert.NotEmpty(t, bootID)
	})

	t.Run("node_info without hypervisor", func(t *testing.T) {
		res := cl.Call(ctx, "node_info", nodes, func(*objects.Node) any { return []any{[]any{}, []any{}} })[master.UUID]
		require.NoError(t, res.Err)
		var info []json.RawMessage
		require.NoError(t, json.Unmarshal(res.Payload, &info))
		require.Len(t, info, 3)
		var bootID string
		require.NoError(t, json.Unmarshal(info[0], &bootID))
		assert.NotEmpty(t, bootID)
		assert.JSONEq(t, `[]`, string(info[1]))
		assert.JSONEq(t, `[]`, string(info[2]))
	})

	t.Run("node_info of the fake hypervisor and storage", func(t *testing.T) {
		body := []any{
			[]any{[]any{"lvm-vg", "xenvg", []any{false}}, []any{"file", sb.Root(), []any{}}, []any{"lvm-pv", "xenvg", []any{false}}},
			[]any{[]any{"fake", map[string]any{}}},
		}
		res := cl.Call(ctx, "node_info", nodes, func(*objects.Node) any { return body })[master.UUID]
		require.NoError(t, res.Err)
		var info struct {
			BootID  string
			Storage []map[string]any
			HV      []map[string]any
		}
		var parts []json.RawMessage
		require.NoError(t, json.Unmarshal(res.Payload, &parts))
		require.Len(t, parts, 3)
		require.NoError(t, json.Unmarshal(parts[0], &info.BootID))
		require.NoError(t, json.Unmarshal(parts[1], &info.Storage))
		require.NoError(t, json.Unmarshal(parts[2], &info.HV))
		assert.NotEmpty(t, info.BootID)
		require.Len(t, info.Storage, 3)
		assert.Equal(t, "lvm-vg", info.Storage[0]["type"])
		assert.Nil(t, info.Storage[0]["storage_free"], "no LVM here: null")
		assert.Equal(t, "file", info.Storage[1]["type"])
		assert.NotNil(t, info.Storage[1]["storage_free"])
		require.Len(t, info.HV, 1)
		assert.Contains(t, info.HV[0], "memory_free")
	})

	t.Run("set_watcher_pause", func(t *testing.T) {
		errs := cl.SetWatcherPause(ctx, nodes, nil)
		assert.Equal(t, map[string]error{master.UUID: nil}, errs)
	})

	t.Run("unknown procedure", func(t *testing.T) {
		res := cl.Call(ctx, "no_such_procedure", nodes, nil)[master.UUID]
		assert.Error(t, res.Err)
		assert.False(t, res.Offline)
	})
}
