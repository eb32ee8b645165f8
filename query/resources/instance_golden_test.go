package resources

import (
	"context"
	"sort"
	"testing"

	"github.com/goluxid/goluxid/query"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestGoldenInstanceExportLock replays every instance, export and lock
// case of the real luxid, whose nodes were all unreachable (node3
// offline) and which had no WConfd, and compares byte for byte.
func TestGoldenInstanceExportLock(t *testing.T) {
	cases := goldenCases(t, "testdata/instance-golden-query-cases.json")
	require.Len(t, cases, 12)
	labels := make([]string, 0, len(cases))
	for label := range cases {
		labels = append(labels, label)
	}
	sort.Strings(labels)
	cfg := goldenConfig(t)
	for _, label := range labels {
		c := cases[label]
		t.Run(label, func(t *testing.T) {
			for _, rpc := range []NodeRPC{&fakeRPC{}, nil} {
				got, pe := goldenAnswer(t, Env{Config: cfg, RPC: rpc}, c.Method, c.Args)
				require.Nil(t, pe)
				assert.Equal(t, c.Response, got)
				assert.JSONEq(t, c.Response, got)
			}
		})
	}
}

// TestGoldenRPCBodies checks which nodes the golden queries ask, and
// with what.
func TestGoldenRPCBodies(t *testing.T) {
	cfg := goldenConfig(t)
	rpc := &fakeRPC{}
	env := Env{Config: cfg, RPC: rpc}
	res, _ := New("instance", env)
	_, err := res.Query(context.Background(), []string{"name", "status"}, nil)
	require.NoError(t, err)
	require.Len(t, rpc.calls, 1)
	call := rpc.calls[0]
	assert.Equal(t, "all_instances_info", call.procedure)
	assert.Equal(t, []string{"node1.example.com", "node3.example.com", "node2.example.com"}, call.nodes)
	assert.Equal(t, `[["xen-pvm"],{"xen-pvm":{"blockdev_prefix":"sd","bootloader_args":"","bootloader_path":"","cpu_cap":0,"cpu_mask":"all","cpu_weight":256,"cpuid":"","initrd_path":"","kernel_args":"ro","kernel_path":"/boot/vmlinuz-xenU","migration_mode":"live","migration_port":8082,"reboot_behavior":"reboot","root_path":"/dev/xvda1","soundhw":"","use_bootloader":false,"vif_script":"","xen_cmd":"xm"}}]`,
		call.bodies["node1.example.com"])

	rpc.calls = nil
	_, err = res.Query(context.Background(), []string{"name", "disk_usage"}, nil)
	require.NoError(t, err)
	assert.Empty(t, rpc.calls, "no live field, no RPC")

	// A live field in the filter only is enough; the first pass keeps
	// instance1 only, so only its primary node is asked.
	flt, err := query.ParseFilter([]byte(`["&", ["==", "name", "instance1"], ["?", "oper_state"]]`))
	require.NoError(t, err)
	_, err = res.Query(context.Background(), []string{"name"}, flt)
	require.NoError(t, err)
	require.Len(t, rpc.calls, 1)
	assert.Equal(t, []string{"node1.example.com"}, rpc.calls[0].nodes)

	rpc.calls = nil
	exp, _ := New("export", env)
	_, err = exp.Query(context.Background(), []string{"export"}, nil)
	require.NoError(t, err)
	require.Len(t, rpc.calls, 1)
	assert.Equal(t, "export_list", rpc.calls[0].procedure)
	assert.Equal(t, []string{"node1.example.com", "node2.example.com", "node3.example.com", "node10.example.com"}, rpc.calls[0].nodes)
	assert.Equal(t, "{}", rpc.calls[0].bodies["node2.example.com"])
}
