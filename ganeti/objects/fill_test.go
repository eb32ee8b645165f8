package objects

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
)

func ptr[T any](v T) *T { return &v }

func TestFillNDParams(t *testing.T) {
	base := DefaultNDParams()
	tests := []struct {
		name   string
		custom PartialNDParams
		want   func(*FilledNDParams)
	}{
		{"nothing set", PartialNDParams{}, func(*FilledNDParams) {}},
		{"one key", PartialNDParams{SSHPort: ptr(2222)}, func(f *FilledNDParams) { f.SSHPort = 2222 }},
		{"zero values count as set", PartialNDParams{OVSName: ptr(""), CPUSpeed: ptr(0.0)},
			func(f *FilledNDParams) { f.OVSName, f.CPUSpeed = "", 0 }},
		{"all keys", PartialNDParams{
			OOBProgram: ptr("/oob"), SpindleCount: ptr(4), ExclusiveStorage: ptr(true), OVS: ptr(true),
			OVSName: ptr("sw"), OVSLink: ptr("eth9"), SSHPort: ptr(23), CPUSpeed: ptr(2.5),
		}, func(f *FilledNDParams) {
			*f = FilledNDParams{"/oob", 4, true, true, "sw", "eth9", 23, 2.5}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want := base
			tc.want(&want)
			assert.Equal(t, want, FillNDParams(base, tc.custom))
		})
	}
}

func TestFillBEAndNICParams(t *testing.T) {
	be := FillBEParams(DefaultBEParams(), PartialBEParams{MaxMem: ptr(4096), AutoBalance: ptr(false)})
	assert.Equal(t, FilledBEParams{MinMem: 128, MaxMem: 4096, VCPUs: 1, AutoBalance: false, AlwaysFailover: false, SpindleUse: 1}, be)
	nic := FillNICParams(FilledNICParams{Mode: "bridged", Link: "br0"}, PartialNICParams{Mode: ptr("openvswitch"), VLAN: ptr(".10")})
	assert.Equal(t, FilledNICParams{Mode: "openvswitch", Link: "br0", VLAN: ".10"}, nic)
}

func TestFillIPolicy(t *testing.T) {
	base := DefaultIPolicy()
	custom := PartialIPolicy{
		Std:       &PartialISpecParams{CPUCount: ptr(2)},
		VCPURatio: ptr(2.0),
	}
	got := FillIPolicy(base, custom)
	assert.Equal(t, base.MinMax, got.MinMax, "unset minmax inherited")
	assert.Equal(t, 2, got.Std.CPUCount)
	assert.Equal(t, 128, got.Std.MemorySize, "std filled key by key")
	assert.Equal(t, 2.0, got.VCPURatio)
	assert.Equal(t, 32.0, got.SpindleRatio)
	assert.Equal(t, base.DiskTemplates, got.DiskTemplates)

	custom = PartialIPolicy{
		MinMax:        []MinMaxISpecs{{Min: PartialISpecParams{MemorySize: ptr(256)}, Max: PartialISpecParams{MemorySize: ptr(512)}}},
		DiskTemplates: []string{},
	}
	got = FillIPolicy(base, custom)
	assert.Equal(t, 256, got.MinMax[0].Min.MemorySize, "a set minmax replaces the list")
	assert.Equal(t, 512, got.MinMax[0].Max.MemorySize)
	assert.Equal(t, []string{}, got.DiskTemplates, "an empty list is a value")
}

func TestFillDict(t *testing.T) {
	base := Params{"a": json.RawMessage(`1`), "b": json.RawMessage(`2`), "g": json.RawMessage(`0`)}
	custom := Params{"b": json.RawMessage(`3`), "c": json.RawMessage(`4`)}
	got := FillDict(base, custom, "g")
	assert.Equal(t, Params{"a": json.RawMessage(`1`), "b": json.RawMessage(`3`), "c": json.RawMessage(`4`)}, got)
	assert.Len(t, base, 3, "inputs untouched")
	assert.NotNil(t, FillDict(nil, nil))
}

// inheritanceConfig is a small config whose every level sets something.
const inheritanceConfig = `{"version": 3000000, "cluster": {
  "hvparams": {"kvm": {"kernel_path": "/k", "migration_port": 8102, "acpi": true},
               "xen-pvm": {"kernel_path": "/x"}},
  "os_hvp": {"debian+wheezy": {"kvm": {"acpi": false, "migration_mode": "live"}},
             "debian": {"kvm": {"cpu_type": "os_hvp is keyed by the full OS name"}}},
  "osparams": {"debian": {"dhcp": "yes", "size": "1"}},
  "beparams": {"default": {"minmem": 256, "maxmem": 512, "vcpus": 2, "auto_balance": true, "always_failover": false, "spindle_use": 1}},
  "nicparams": {"default": {"mode": "bridged", "link": "br0", "vlan": ""}},
  "ndparams": {"ssh_port": 2222},
  "diskparams": {"drbd": {"resync-rate": 1024, "protocol": "C"}, "plain": {"stripes": 1}},
  "ipolicy": {"vcpu-ratio": 4.0}},
 "nodegroups": {"g1": {"name": "g1", "ndparams": {"oob_program": "/bin/oob"},
   "diskparams": {"drbd": {"resync-rate": 2048}}, "ipolicy": {"spindle-ratio": 16.0}},
  "g2": {"name": "g2", "ndparams": {}}},
 "nodes": {"n1": {"name": "n1", "group": "g1", "ndparams": {"spindle_count": 3}},
  "n2": {"name": "n2", "group": "gone", "ndparams": {}}},
 "instances": {"i1": {"name": "i1", "os": "debian+wheezy", "hypervisor": "kvm",
   "hvparams": {"kernel_path": "/mine", "xen_cmd": "xl"}, "beparams": {"maxmem": 1024},
   "osparams": {"size": "2"}, "nics": [{"mac": "m", "nicparams": {"link": "br1"}}]},
  "i2": {"name": "i2", "os": "other", "hypervisor": "xen-pvm", "osparams": {"x": 1}}}}`

func TestConfigInheritance(t *testing.T) {
	cfg, err := Parse([]byte(inheritanceConfig), 3000000)
	if err != nil {
		t.Fatal(err)
	}
	i1, i2 := cfg.Instances["i1"], cfg.Instances["i2"]
	g1 := cfg.NodeGroups["g1"]
	tests := []struct {
		name string
		got  any
		want string
	}{
		{"cluster nd over built-in defaults", EncodeNDParams(cfg.Cluster.FilledNDParams()),
			`{"oob_program":"","spindle_count":1,"exclusive_storage":false,"ovs":false,"ovs_name":"switch1","ovs_link":"","ssh_port":2222,"cpu_speed":1}`},
		{"group nd", EncodeNDParams(cfg.GroupNDParams(g1)),
			`{"oob_program":"/bin/oob","spindle_count":1,"exclusive_storage":false,"ovs":false,"ovs_name":"switch1","ovs_link":"","ssh_port":2222,"cpu_speed":1}`},
		{"node nd", EncodeNDParams(must(cfg.NodeNDParams(cfg.Nodes["n1"]))),
			`{"oob_program":"/bin/oob","spindle_count":3,"exclusive_storage":false,"ovs":false,"ovs_name":"switch1","ovs_link":"","ssh_port":2222,"cpu_speed":1}`},
		{"hv: cluster, os_hvp of the full OS name, instance; globals skipped", EncodeParams(cfg.InstanceHVParams(i1, true)),
			`{"acpi":false,"kernel_path":"/mine"}`},
		{"hv with globals", EncodeParams(cfg.InstanceHVParams(i1, false)),
			`{"acpi":false,"kernel_path":"/mine","migration_mode":"live","migration_port":8102,"xen_cmd":"xl"}`},
		{"hv without os entry", EncodeParams(cfg.InstanceHVParams(i2, true)), `{"kernel_path":"/x"}`},
		{"be", EncodeBEParams(must(cfg.InstanceBEParams(i1))),
			`{"minmem":256,"maxmem":1024,"vcpus":2,"auto_balance":true,"always_failover":false,"spindle_use":1}`},
		{"os by name without variant", EncodeParams(cfg.InstanceOSParams(i1)), `{"dhcp":"yes","size":"2"}`},
		{"os without cluster entry", EncodeParams(cfg.InstanceOSParams(i2)), `{"x":1}`},
		{"nic", EncodeNICParams(must(cfg.NICParams(i1.NICs[0]))), `{"mode":"bridged","link":"br1","vlan":""}`},
		{"group diskparams replace per template", EncodeParamsMap(cfg.GroupDiskParams(g1)),
			`{"drbd":{"resync-rate":2048},"plain":{"stripes":1}}`},
		{"group ipolicy", EncodeIPolicy(cfg.GroupIPolicy(g1)),
			`{"minmax":[{"min":{"memory-size":128,"disk-size":1024,"disk-count":1,"cpu-count":1,"nic-count":1,"spindle-use":1},"max":{"memory-size":32768,"disk-size":1048576,"disk-count":16,"cpu-count":8,"nic-count":8,"spindle-use":12}}],"std":{"memory-size":128,"disk-size":1024,"disk-count":1,"cpu-count":1,"nic-count":1,"spindle-use":1},"spindle-ratio":16,"vcpu-ratio":4,"disk-templates":["blockdev","diskless","drbd","ext","file","gluster","plain","rbd","sharedfile"]}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, marshal(t, tc.got))
		})
	}
	_, ok := cfg.NodeNDParams(cfg.Nodes["n2"])
	assert.False(t, ok, "a node of a missing group has no ndparams")
}

func TestMissingDefaultGroups(t *testing.T) {
	cfg, err := Parse([]byte(`{"version": 3000000, "cluster": {"beparams": {}},
	  "instances": {"i": {"nics": [{"mac": "m", "nicparams": {}}]}}}`), 3000000)
	if err != nil {
		t.Fatal(err)
	}
	_, ok := cfg.InstanceBEParams(cfg.Instances["i"])
	assert.False(t, ok)
	_, ok = cfg.NICParams(cfg.Instances["i"].NICs[0])
	assert.False(t, ok)
}

func must[T any](v T, ok bool) T {
	if !ok {
		panic("must: not ok")
	}
	return v
}

// NodeNDParams returns a node's node parameters: cluster ← group ← node,
// or false when the node's group is not in the config.
func (c *ConfigData) NodeNDParams(n *Node) (FilledNDParams, bool) {
	g, ok := c.NodeGroups[n.Group]
	if !ok {
		return FilledNDParams{}, false
	}
	return FillNDParams(c.GroupNDParams(g), n.NDParams), true
}

// InstanceHVParams returns an instance's hypervisor parameters: cluster
// hvparams[hypervisor] ← os_hvp[os][hypervisor] ← instance. With
// skipGlobals the cluster-wide-only HVGlobals are left out, as the
// "hvparams" query field does.
func (c *ConfigData) InstanceHVParams(i *Instance, skipGlobals bool) Params {
	var skip []string
	if skipGlobals {
		skip = HVGlobals
	}
	cl := c.Cluster
	base := FillDict(cl.HVParams[i.Hypervisor], cl.OSHVP[i.OS][i.Hypervisor], skip...)
	return FillDict(base, i.HVParams, skip...)
}

// InstanceBEParams returns an instance's backend parameters: cluster
// beparams["default"] ← instance, or false when the cluster has no
// default group.
func (c *ConfigData) InstanceBEParams(i *Instance) (FilledBEParams, bool) {
	base, ok := c.Cluster.FilledBEParams()
	if !ok {
		return FilledBEParams{}, false
	}
	return FillBEParams(base, i.BEParams), true
}

// NICParams returns a NIC's parameters: cluster nicparams["default"] ←
// NIC, or false when the cluster has no default group.
func (c *ConfigData) NICParams(n *NIC) (FilledNICParams, bool) {
	base, ok := c.Cluster.FilledNICParams()
	if !ok {
		return FilledNICParams{}, false
	}
	return FillNICParams(base, n.NICParams), true
}
