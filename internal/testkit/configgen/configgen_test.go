package configgen

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/ganeti/objects"
	"github.com/goluxid/goluxid/internal/hsjson"
)

func small() Options {
	return Options{Nodes: 40, Groups: 4, Instances: 400, Networks: 3, Filters: 5}
}

func generate(t *testing.T, opts Options) (*objects.ConfigData, []byte) {
	t.Helper()
	data, err := Marshal(opts)
	require.NoError(t, err)
	cfg, err := objects.Parse(bytes.Clone(data), 3000000)
	require.NoError(t, err)
	return cfg, data
}

func TestDeterministic(t *testing.T) {
	_, a := generate(t, small())
	_, b := generate(t, small())
	assert.Equal(t, a, b)
	other := small()
	other.Seed = 2
	_, c := generate(t, other)
	assert.NotEqual(t, a, c)
}

func TestRoundTripsLosslessly(t *testing.T) {
	opts := small()
	opts.Nodes, opts.Instances = 200, 3000
	cfg, data := generate(t, opts)
	again, err := hsjson.Marshal(cfg)
	require.NoError(t, err)
	assert.JSONEq(t, string(data), string(again))
	assert.Equal(t, data, again, "sorted keys and integral numbers: even the bytes are the same")
}

func TestCoversEveryKind(t *testing.T) {
	cfg, _ := generate(t, small())
	assert.Len(t, cfg.Nodes, 40)
	assert.Len(t, cfg.NodeGroups, 4)
	assert.Len(t, cfg.Instances, 400)
	assert.Len(t, cfg.Networks, 3)
	assert.Len(t, cfg.Filters, 5)

	templates := map[string]bool{}
	for _, inst := range cfg.Instances {
		if len(inst.Disks) == 0 {
			templates[objects.DTDiskless] = true
		}
		for _, d := range inst.Disks {
			templates[cfg.Disks[d].DevType] = true
		}
	}
	assert.Len(t, templates, len(objects.DiskTemplates), "%v", templates)

	modes := map[string]bool{}
	networked, tagged := 0, 0
	clusterNIC, ok := cfg.Cluster.FilledNICParams()
	require.True(t, ok)
	for _, inst := range cfg.Instances {
		for _, nic := range inst.NICs {
			modes[objects.FillNICParams(clusterNIC, nic.NICParams).Mode] = true
			if nic.Network != nil {
				networked++
			}
		}
		if len(inst.Tags) > 0 {
			tagged++
		}
	}
	assert.Equal(t, map[string]bool{"bridged": true, "routed": true, "openvswitch": true}, modes)
	assert.Positive(t, networked)
	assert.Positive(t, tagged)
	assert.NotEmpty(t, cfg.Cluster.Tags)
}

func TestReferencesResolve(t *testing.T) {
	cfg, _ := generate(t, small())
	ports := map[int]bool{}
	for _, n := range cfg.Nodes {
		require.Contains(t, cfg.NodeGroups, n.Group)
	}
	for _, inst := range cfg.Instances {
		require.Contains(t, cfg.Nodes, inst.PrimaryNode)
		for _, du := range inst.Disks {
			d, ok := cfg.Disks[du]
			require.True(t, ok, du)
			requireNodesExist(t, cfg, d)
			if drbd := d.LogicalID.DRBD; drbd != nil {
				assert.Equal(t, inst.PrimaryNode, drbd.NodeA)
				assert.NotEqual(t, drbd.NodeA, drbd.NodeB)
				assert.False(t, ports[drbd.Port], "port %d used twice", drbd.Port)
				ports[drbd.Port] = true
				assert.Len(t, d.Children, 2)
			}
		}
		for _, nic := range inst.NICs {
			if nic.Network != nil {
				require.Contains(t, cfg.Networks, *nic.Network)
			}
		}
		if inst.NetworkPort != nil {
			assert.False(t, ports[*inst.NetworkPort], "port %d used twice", *inst.NetworkPort)
			ports[*inst.NetworkPort] = true
		}
	}
	assert.Equal(t, cfg.Cluster.HighestUsedPort, firstDRBDPort+len(ports)-1, "ports given out one after another")
	for _, g := range cfg.NodeGroups {
		for net := range g.Networks {
			require.Contains(t, cfg.Networks, net)
		}
	}
}

func TestMasterAndOtherNodes(t *testing.T) {
	tests := []struct {
		name        string
		others      OtherNodes
		wantOffline bool
	}{
		{"offline", Offline, true},
		{"unreachable", Unreachable, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opts := small()
			opts.MasterName, opts.MasterIP, opts.Others = "master.example.org", "127.0.0.9", tc.others
			cfg, _ := generate(t, opts)
			master := cfg.MasterNode()
			require.NotNil(t, master)
			assert.Equal(t, "master.example.org", master.Name)
			assert.Equal(t, "127.0.0.9", master.PrimaryIP)
			assert.Equal(t, "127.0.0.9", master.SecondaryIP)
			assert.False(t, master.Offline)
			assert.True(t, master.MasterCandidate)
			assert.Equal(t, "127.0.0.2", cfg.Cluster.MasterIP)
			for _, n := range cfg.Nodes {
				if n == master {
					continue
				}
				assert.Equal(t, tc.wantOffline, n.Offline, n.Name)
				assert.False(t, n.MasterCandidate)
				assert.True(t, strings.HasPrefix(n.PrimaryIP, "127.254."), n.PrimaryIP)
				assert.True(t, strings.HasPrefix(n.SecondaryIP, "127.253."), n.SecondaryIP)
			}
		})
	}
}

func TestDefaultSize(t *testing.T) {
	cfg, data := generate(t, Options{})
	assert.Len(t, cfg.Nodes, 1000)
	assert.Len(t, cfg.Instances, 10000)
	assert.Equal(t, "node1.example.com", cfg.MasterNode().Name)
	again, err := hsjson.Marshal(cfg)
	require.NoError(t, err)
	assert.Equal(t, data, again, "the default config round-trips byte for byte")
	assert.True(t, json.Valid(data))
	t.Logf("default config: %d bytes, %d disks", len(data), len(cfg.Disks))
}

func TestRejectsBadOptions(t *testing.T) {
	for _, opts := range []Options{{Nodes: 1}, {Nodes: 5, Groups: 6}, {Instances: -1}} {
		_, err := Generate(opts)
		assert.Error(t, err, "%+v", opts)
	}
}

// requireNodesExist checks that a disk and its children name only nodes
// of cfg.
func requireNodesExist(t *testing.T, cfg *objects.ConfigData, d *objects.Disk) {
	t.Helper()
	for _, n := range d.Nodes {
		require.Contains(t, cfg.Nodes, n)
	}
	for _, c := range d.Children {
		requireNodesExist(t, cfg, c)
	}
}
