package objects

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func golden(t *testing.T) *ConfigData {
	t.Helper()
	cfg, _ := loadFile(t, "testdata/config.data.json")
	return cfg
}

func TestParseTopLevel(t *testing.T) {
	cfg := golden(t)
	assert.Equal(t, 3000000, cfg.Version)
	assert.Equal(t, 7627, cfg.Serial)
	assert.Equal(t, Timestamp(1343869045.605523), cfg.CTime)
	assert.Equal(t, Timestamp(1421677173.729104), cfg.MTime)
	assert.Len(t, cfg.Nodes, 4)
	assert.Len(t, cfg.NodeGroups, 2)
	assert.Len(t, cfg.Instances, 3)
	assert.Len(t, cfg.Networks, 1)
	assert.Len(t, cfg.Disks, 3)
	assert.Len(t, cfg.Filters, 4)
	assert.Empty(t, cfg.Extra)
	assert.Len(t, cfg.Raw, 11)
	assert.JSONEq(t, "7627", string(cfg.Raw["serial_no"]))
	assert.Equal(t, "node1.example.com", cfg.MasterNode().Name)
}

func TestParseCluster(t *testing.T) {
	cl := golden(t).Cluster
	assert.Equal(t, "cluster.name.example.com", cl.Name)
	assert.Equal(t, "dddf8c12-f2d8-4718-a35b-7804daf12a3f", cl.UUID)
	assert.Equal(t, []string{"xen-pvm"}, cl.EnabledHypervisors)
	assert.Equal(t, IPFamilyV4, cl.PrimaryIPFamily)
	assert.Equal(t, 20, cl.MaxRunningJobs)
	assert.Equal(t, 25, cl.MaxTrackedJobs)
	assert.Equal(t, "dsa", cl.SSHKeyType)
	assert.Equal(t, 1024, cl.SSHKeyBits)
	assert.Equal(t, []int{32104, 32105, 32101, 32102, 32103}, cl.TCPUDPPortPool)
	require.NotNil(t, cl.VolumeGroupName)
	assert.Equal(t, "xenvg", *cl.VolumeGroupName)
	assert.Nil(t, cl.DSAHostKeyPub)
	assert.Equal(t, 32, cl.MasterNetmask)
	assert.Equal(t, []string{"drbd", "plain", "file", "sharedfile"}, cl.EnabledDiskTemplates)
	assert.JSONEq(t, `"/ganeti-chroot"`, string(cl.HVParams["chroot"]["init_script"]))
	assert.JSONEq(t, `"/dev/sda5"`, string(cl.OSHVP["TEMP-Ganeti-QA-OS"]["xen-pvm"]["root_path"]))
	assert.Equal(t, 128, *cl.BEParams["default"].MaxMem)
	assert.Equal(t, "br974", *cl.NICParams["default"].Link)
	assert.Equal(t, 1.0, *cl.NDParams.CPUSpeed)
	assert.JSONEq(t, `"bf"`, string(cl.DiskParams["drbd"]["disk-barriers"]))
	assert.Equal(t, 32.0, *cl.IPolicy.SpindleRatio)
	assert.Equal(t, 16, *cl.IPolicy.MinMax[0].Max.DiskCount)
	assert.Equal(t, DataCollectorConfig{Active: true, Interval: 5000000}, withoutKeys(cl.DataCollectors["lv"]))
	assert.Equal(t, Timestamp(1343869045.604884), cl.CTime)
	assert.Equal(t, []string{"mytag"}, cl.Tags)
	assert.Len(t, cl.Raw, 56)
	assert.Empty(t, cl.Extra)
}

func withoutKeys(d DataCollectorConfig) DataCollectorConfig {
	return DataCollectorConfig{Active: d.Active, Interval: d.Interval}
}

func TestParseNodeAndGroup(t *testing.T) {
	cfg := golden(t)
	n := cfg.Nodes["0f0f0f0f-0000-4000-8000-000000000010"]
	assert.Equal(t, "node10.example.com", n.Name)
	assert.True(t, n.Drained)
	assert.False(t, n.Offline)
	assert.True(t, n.Powered)
	assert.Equal(t, "192.0.2.90", n.PrimaryIP)
	assert.Equal(t, "198.51.100.90", n.SecondaryIP)
	assert.Equal(t, "/bin/true", *n.NDParams.OOBProgram)
	assert.Nil(t, n.NDParams.SSHPort)
	assert.Equal(t, 197, n.Serial)
	assert.Equal(t, []string{"rack:a", "ssd"}, cfg.Nodes["2ae3d962-2dad-44f2-bdb1-85f77107f907"].Tags)

	g := cfg.NodeGroups[n.Group]
	assert.Equal(t, "another", g.Name)
	assert.Equal(t, "preferred", g.AllocPolicy)
	assert.True(t, *g.NDParams.ExclusiveStorage)
	assert.Equal(t, []string{"plain"}, g.IPolicy.DiskTemplates)
	assert.Equal(t, 3.14, *g.IPolicy.VCPURatio)
	assert.Nil(t, g.IPolicy.Std)
	assert.Equal(t, 18, *g.IPolicy.MinMax[0].Max.NICCount)
	assert.Zero(t, g.CTime, "groups of this config have no ctime")
	assert.Empty(t, g.Networks)
}

func TestParseInstanceAndNIC(t *testing.T) {
	inst := golden(t).Instances["6c078d22-3eb6-4780-857d-81772e09eef1"]
	assert.Equal(t, "instance1.example.com", inst.Name)
	assert.Equal(t, "busybox", inst.OS)
	assert.Equal(t, "xen-pvm", inst.Hypervisor)
	assert.Equal(t, AdminUp, inst.AdminState)
	assert.Equal(t, AdminSourceAdmin, inst.AdminStateSource)
	assert.True(t, inst.DisksActive)
	assert.Equal(t, []string{"77ced3a5-6756-49ae-8d1f-274e27664c05"}, inst.Disks)
	assert.Nil(t, inst.Tags, "instance1 has no tags key")
	assert.Nil(t, inst.NetworkPort)
	assert.False(t, inst.Forthcoming)
	require.Len(t, inst.NICs, 1)
	nic := inst.NICs[0]
	assert.Equal(t, "aa:bb:cc:b2:6e:0b", nic.MAC)
	assert.Equal(t, "2c953d72-fac4-4aa9-a225-4131bb271791", nic.UUID)
	assert.Nil(t, nic.IP)
	assert.Nil(t, nic.NICParams.Mode)
}

func TestParseDisks(t *testing.T) {
	cfg := golden(t)
	drbd := cfg.Disks["77ced3a5-6756-49ae-8d1f-274e27664c05"]
	assert.Equal(t, DTDrbd, drbd.DevType)
	assert.Equal(t, &DRBDLogicalID{
		NodeA: "9a12d554-75c0-4cb1-8064-103365145db0", NodeB: "41f9c238-173c-4120-9e41-04ad379b647a",
		Port: 32100, Secret: "d3c3fd475fcbaf5fd177fb245ac43b71247ada38",
	}, drbd.LogicalID.DRBD)
	assert.Equal(t, "disk/0", drbd.IVName)
	assert.Equal(t, DiskReadWrite, drbd.Mode)
	assert.Equal(t, 1024, drbd.Size)
	require.Len(t, drbd.Children, 2)
	meta := drbd.Children[1]
	assert.Equal(t, &LogicalVolume{VG: "xenvg", LV: "5c390722-6a7a-4bb4-9cef-98d896a8e6b1.disk0_meta"}, meta.LogicalID.Volume)
	assert.Equal(t, 128, meta.Size)
	assert.Empty(t, meta.IVName)
	assert.Equal(t, "00000000-0000-0000-0000-000000001001", meta.UUID)
	assert.Equal(t, []string{"9a12d554-75c0-4cb1-8064-103365145db0", "41f9c238-173c-4120-9e41-04ad379b647a"}, drbd.AllNodes())

	plain := cfg.Disks["79acf611-be58-4334-9fe4-4f2b73ae8abb"]
	assert.Equal(t, "3e559cd7-1024-4294-a923-a9fd13182b2f.disk0", plain.LogicalID.Volume.LV)
	assert.Nil(t, plain.LogicalID.DRBD)
	assert.NotNil(t, plain.Params)
	assert.Empty(t, plain.Params)
}

func TestParseNetworkAndFilters(t *testing.T) {
	cfg := golden(t)
	net := cfg.Networks["99f0128a-1c84-44da-90b9-9581ea00c075"]
	assert.Equal(t, "a network", net.Name)
	assert.Equal(t, "203.0.113.0/24", net.Network)
	assert.Nil(t, net.Gateway)
	assert.Len(t, *net.Reservations, 256)
	assert.Equal(t, byte('1'), (*net.ExtReservations)[255])

	rate := cfg.Filters["aaaaaaaa-0000-4000-8000-000000000003"]
	assert.Equal(t, FilterAction{Kind: FilterRateLimit, RateLimit: 10}, rate.Action)
	assert.Equal(t, 99, rate.Priority)
	assert.Equal(t, int64(10), rate.Watermark)
	require.Len(t, rate.Predicates, 1)
	assert.Equal(t, "opcode", rate.Predicates[0].Kind)
	assert.JSONEq(t, `["=","OP_ID","OP_INSTANCE_REPLACE_DISKS"]`, string(rate.Predicates[0].Expr))
	assert.Equal(t, []ReasonEntry{{"gnt:user", "maint", 1400000000000000000}}, rate.ReasonTrail)
	assert.Equal(t, FilterAction{Kind: FilterPause}, cfg.Filters["aaaaaaaa-0000-4000-8000-000000000001"].Action)
}

func TestParseRefusesOtherVersion(t *testing.T) {
	data, err := os.ReadFile("testdata/config.data.json")
	require.NoError(t, err)
	newer := strings.Replace(string(data), `"version": 3000000`, `"version": 3010000`, 1)
	require.NotEqual(t, string(data), newer)
	// Also break something later in the file: a version mismatch must be
	// reported before anything else is read.
	newer = strings.Replace(newer, `"cluster": {`, `"cluster": {"cluster_name": 5,`, 1)
	cfg, err := Parse([]byte(newer), 3000000)
	assert.Nil(t, cfg)
	var mismatch *VersionMismatchError
	require.True(t, errors.As(err, &mismatch), "%v", err)
	assert.Equal(t, VersionMismatchError{Expected: 3000000, Actual: 3010000}, *mismatch)
	assert.EqualError(t, err, "Cluster configuration version 3010000 (Ganeti 3.1) does not match the expected 3000000 (Ganeti 3.0, the installed release)")
}

func TestParseFailsWhole(t *testing.T) {
	tests := []struct {
		name, json, wantErr string
	}{
		{"not json", `{"version": 3000000,`, "parsing config"},
		{"not an object", `[1]`, "expected a JSON object"},
		{"no version", `{"cluster": {}}`, "key 'version' not found"},
		{"no cluster", `{"version": 3000000}`, "key 'cluster' not found"},
		{"bad field", `{"version": 3000000, "cluster": {}, "nodes": {"n1": {"offline": "yes"}}}`, "key 'nodes': n1: key 'offline'"},
		{"bad logical id", `{"version": 3000000, "cluster": {}, "disks": {"d1": {"uuid": "d1", "dev_type": "plain", "logical_id": ["xenvg"]}}}`, "can't read logical_id for plain type"},
		{"unknown dev_type", `{"version": 3000000, "cluster": {}, "disks": {"d1": {"dev_type": "tape", "logical_id": []}}}`, "unknown dev_type"},
		{"bad action", `{"version": 3000000, "cluster": {}, "filters": {"f": {"action": ["RATE_LIMIT", 0]}}}`, "positive integer"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := Parse([]byte(tc.json), 3000000)
			assert.Nil(t, cfg)
			require.ErrorContains(t, err, tc.wantErr)
		})
	}
}

func TestParseIPv6Cluster(t *testing.T) {
	cfg, _ := loadFile(t, "testdata/config_ipv6.json")
	cl := cfg.Cluster
	assert.Equal(t, IPFamilyV6, cl.PrimaryIPFamily)
	assert.Equal(t, "2001:db8::100", cl.MasterIP)
	assert.Equal(t, 64, cl.MasterNetmask)
	master := cfg.MasterNode()
	assert.Equal(t, "2001:db8::1", master.PrimaryIP)
	assert.Equal(t, "2001:db8:0:1::1", master.SecondaryIP)
	net := cfg.Networks["99f0128a-1c84-44da-90b9-9581ea00c075"]
	assert.Equal(t, "2001:db8:1::/64", *net.Network6)
	assert.Equal(t, "2001:db8:1::1", *net.Gateway6)
	assert.Equal(t, "203.0.113.1", *net.Gateway)
	assert.Equal(t, "aa:00:00", *net.MACPrefix)
	nic := cfg.Instances["6c078d22-3eb6-4780-857d-81772e09eef1"].NICs[0]
	assert.Equal(t, "2001:db8:1::10", *nic.IP)
	assert.Equal(t, "eth0", *nic.Name)
	assert.Equal(t, net.UUID, *nic.Network)
}

// TestRareFieldsRoundTrip covers fields none of the test configs has:
// unknown keys at every level, forthcoming objects, optional disk fields,
// every logical_id shape and numbers Python writes in exponent form.
func TestRareFieldsRoundTrip(t *testing.T) {
	doc := `{"version": 3000000, "serial_no": 1, "future_key": {"a": [1, 2]},
	"cluster": {"cluster_name": "c\u00e9", "dsahostkeypub": "k", "uid_pool": [[1000, 2000]],
	  "data_collectors": {"lv": {"active": false, "interval": 1e6, "extra": 1}},
	  "ndparams": {"cpu_speed": 1e-05, "x": null}, "zz": true},
	"nodes": {"n": {"n\u0061me": "n", "hv_state_static": {"kvm": {"mem_node": 1}}, "unknown": 1}},
	"nodegroups": {"g": {"name": "g", "members": ["n"], "networks": {"net": {"mode": "routed", "link": "rt", "y": 2}},
	  "ipolicy": {"std": {"cpu-count": 2}}}},
	"instances": {"i": {"forthcoming": true, "uuid": "i", "serial_no": 1, "network_port": 11000,
	  "nics": [{"mac": "m", "ip": null, "nicparams": {"vlan": ".100"}, "pci": 3}]}},
	"disks": {
	  "f": {"forthcoming": true, "uuid": "f", "dev_type": "file", "logical_id": ["loop", "/srv/f"], "name": "data", "spindles": 2, "physical_id": ["x"]},
	  "b": {"dev_type": "blockdev", "logical_id": ["manual", "/dev/sdb"]},
	  "r": {"dev_type": "rbd", "logical_id": ["rbd", "vol"]},
	  "e": {"dev_type": "ext", "logical_id": ["prov", "vol"], "params": {"access": "userspace"}},
	  "s": {"dev_type": "sharedfile", "logical_id": ["loop", "/srv/s"]},
	  "gl": {"dev_type": "gluster", "logical_id": ["loop", "g/vol"]}},
	"filters": {"f": {"action": "CONTINUE", "predicates": [], "reason_trail": [], "new": "x"}}}`
	cfg, err := Parse([]byte(doc), 3000000)
	require.NoError(t, err)
	out, err := json.Marshal(cfg)
	require.NoError(t, err)
	requireSameJSON(t, []byte(doc), out)

	assert.Equal(t, "cé", cfg.Cluster.Name)
	assert.Equal(t, "n", cfg.Nodes["n"].Name, "an escaped key is still known")
	assert.Equal(t, []UIDRange{{1000, 2000}}, cfg.Cluster.UIDPool)
	assert.Equal(t, int64(1000000), cfg.Cluster.DataCollectors["lv"].Interval)
	assert.Equal(t, 1e-05, *cfg.Cluster.NDParams.CPUSpeed)
	assert.Contains(t, cfg.Cluster.NDParams.Extra, "x")
	assert.JSONEq(t, "true", string(cfg.Cluster.Extra["zz"]))
	assert.JSONEq(t, `{"a":[1,2]}`, string(cfg.Extra["future_key"]))
	assert.True(t, cfg.Instances["i"].Forthcoming)
	assert.Equal(t, 11000, *cfg.Instances["i"].NetworkPort)
	assert.Equal(t, ".100", *cfg.Instances["i"].NICs[0].NICParams.VLAN)
	assert.Equal(t, "routed", *cfg.NodeGroups["g"].Networks["net"].Mode)
	assert.Equal(t, 2, *cfg.NodeGroups["g"].IPolicy.Std.CPUCount)
	f := cfg.Disks["f"]
	assert.Equal(t, &PathLogicalID{Driver: "loop", Path: "/srv/f"}, f.LogicalID.Path)
	assert.Equal(t, "data", *f.Name)
	assert.Equal(t, 2, *f.Spindles)
	assert.Contains(t, f.Extra, "physical_id")
	assert.Equal(t, &PathLogicalID{Driver: "manual", Path: "/dev/sdb"}, cfg.Disks["b"].LogicalID.Path)
	assert.Equal(t, &NamedLogicalID{Owner: "rbd", Name: "vol"}, cfg.Disks["r"].LogicalID.Named)
	assert.Equal(t, &NamedLogicalID{Owner: "prov", Name: "vol"}, cfg.Disks["e"].LogicalID.Named)
	assert.Equal(t, "g/vol", cfg.Disks["gl"].LogicalID.Path.Path)
	assert.Equal(t, FilterAction{Kind: FilterContinue}, cfg.Filters["f"].Action)
}

// AllNodes returns the uuids of the nodes of the disk and its children,
// each once, in the order first seen.
func (d *Disk) AllNodes() []string {
	seen := map[string]bool{}
	var out []string
	var walk func(*Disk)
	walk = func(disk *Disk) {
		for _, n := range disk.Nodes {
			if !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
		for _, c := range disk.Children {
			walk(c)
		}
	}
	walk(d)
	return out
}
