package objects

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/internal/hsjson"
)

// marshal writes v as luxid's replies are written.
func marshal(t *testing.T, v any) string {
	t.Helper()
	out, err := hsjson.Marshal(v)
	require.NoError(t, err)
	return string(out)
}

// The expected strings of these tests are cut from the real luxid's
// answers on testdata/config.data.json, kept in
// luxid/testdata/query-cases.json.

func TestEncodeFilledParamsLikeLuxid(t *testing.T) {
	cfg := golden(t)
	node10 := cfg.Nodes["0f0f0f0f-0000-4000-8000-000000000010"]
	another := cfg.NodeGroups["6c0a8916-b719-45ad-95dd-82192b1e473f"]
	inst1 := cfg.Instances["6c078d22-3eb6-4780-857d-81772e09eef1"]
	nd, ok := cfg.NodeNDParams(node10)
	require.True(t, ok)
	be, ok := cfg.InstanceBEParams(inst1)
	require.True(t, ok)
	tests := []struct {
		name string
		got  any
		want string
	}{
		{"node ndparams", EncodeNDParams(nd),
			`{"oob_program":"/bin/true","spindle_count":1,"exclusive_storage":true,"ovs":false,"ovs_name":"switch1","ovs_link":"","ssh_port":22,"cpu_speed":1}`},
		{"node custom_ndparams", EncodePartialNDParams(node10.NDParams), `{"oob_program":"/bin/true"}`},
		{"group custom_ndparams", EncodePartialNDParams(another.NDParams), `{"exclusive_storage":true}`},
		{"empty custom_ndparams", EncodePartialNDParams(cfg.MasterNode().NDParams), `{}`},
		{"group ipolicy", EncodeIPolicy(cfg.GroupIPolicy(another)),
			`{"minmax":[{"min":{"memory-size":128,"disk-size":1024,"disk-count":2,"cpu-count":2,"nic-count":1,"spindle-use":1},"max":{"memory-size":32768,"disk-size":1048576,"disk-count":16,"cpu-count":8,"nic-count":18,"spindle-use":14}}],"std":{"memory-size":128,"disk-size":1024,"disk-count":1,"cpu-count":1,"nic-count":1,"spindle-use":1},"spindle-ratio":5.2,"vcpu-ratio":3.14,"disk-templates":["plain"]}`},
		{"group custom_ipolicy", EncodePartialIPolicy(another.IPolicy),
			`{"minmax":[{"min":{"memory-size":128,"disk-size":1024,"disk-count":2,"cpu-count":2,"nic-count":1,"spindle-use":1},"max":{"memory-size":32768,"disk-size":1048576,"disk-count":16,"cpu-count":8,"nic-count":18,"spindle-use":14}}],"spindle-ratio":5.2,"vcpu-ratio":3.14,"disk-templates":["plain"]}`},
		{"group diskparams", EncodeParamsMap(cfg.GroupDiskParams(another)),
			`{"blockdev":{},"diskless":{},"drbd":{"c-delay-target":1,"c-fill-target":200,"c-max-rate":2048,"c-min-rate":1024,"c-plan-ahead":1,"data-stripes":2,"disk-barriers":"bf","disk-custom":"","dynamic-resync":false,"meta-barriers":true,"meta-stripes":2,"metavg":"xenvg","net-custom":"","protocol":"C","resync-rate":1024},"ext":{"access":"kernelspace"},"file":{},"gluster":{"access":"kernelspace","host":"127.0.0.1","port":24007,"volume":"gv0"},"plain":{"stripes":2},"rbd":{"access":"kernelspace","pool":"rbd"},"sharedfile":{}}`},
		{"group custom_diskparams", EncodeParamsMap(another.DiskParams), `{}`},
		{"instance hvparams", EncodeParams(cfg.InstanceHVParams(inst1, true)),
			`{"blockdev_prefix":"sd","bootloader_args":"","bootloader_path":"","cpu_cap":0,"cpu_mask":"all","cpu_weight":256,"cpuid":"","initrd_path":"","kernel_args":"ro","kernel_path":"/boot/vmlinuz-xenU","reboot_behavior":"reboot","root_path":"/dev/xvda1","soundhw":"","use_bootloader":false,"vif_script":""}`},
		{"instance beparams", EncodeBEParams(be),
			`{"minmem":128,"maxmem":128,"vcpus":1,"auto_balance":true,"always_failover":false,"spindle_use":1}`},
		{"instance osparams", EncodeParams(cfg.InstanceOSParams(inst1)), `{}`},
		{"custom_beparams", EncodePartialBEParams(inst1.BEParams), `{}`},
		{"custom_nicparams", []hsjson.Object{EncodePartialNICParams(inst1.NICs[0].NICParams)}, `[{}]`},
		{"tags", EncodeTags(inst1.Tags), `[]`},
		{"node ctime", EncodeTimestamp(node10.CTime), `1.349722460022264e9`},
		{"instance ctime", EncodeTimestamp(inst1.CTime), `1.363620258608976e9`},
		{"instance mtime", EncodeTimestamp(inst1.MTime), `1.363620320874901e9`},
		{"missing ctime", EncodeTimestamp(cfg.Networks["99f0128a-1c84-44da-90b9-9581ea00c075"].CTime), `0`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, marshal(t, tc.got))
		})
	}
}

func TestEncodeClusterMapsInHypervisorOrder(t *testing.T) {
	cl := golden(t).Cluster
	var keys []string
	for _, f := range EncodeHVParams(cl.HVParams) {
		keys = append(keys, f.Key)
	}
	assert.Equal(t, []string{"kvm", "xen-pvm", "chroot", "xen-hvm", "lxc", "fake"}, keys)
	assert.Equal(t,
		`{"TEMP-Ganeti-QA-OS":{"xen-pvm":{"root_path":"/dev/sda5"},"xen-hvm":{"acpi":false,"pae":true}}}`,
		marshal(t, EncodeOSHVP(cl.OSHVP)))
	odd := map[string]Params{"zz": {}, "fake": {}, "aa": {}, "kvm": {}}
	assert.Equal(t, `{"kvm":{},"fake":{},"aa":{},"zz":{}}`, marshal(t, EncodeHVParams(odd)))
	assert.Equal(t,
		`{"oob_program":"","spindle_count":1,"exclusive_storage":false,"ovs":false,"ovs_name":"switch1","ovs_link":"","ssh_port":22,"cpu_speed":1}`,
		marshal(t, EncodeNDParams(cl.FilledNDParams())))
	assert.Equal(t,
		`{"default":{"minmem":128,"maxmem":128,"vcpus":1,"auto_balance":true,"always_failover":false,"spindle_use":1}}`,
		marshal(t, EncodeClusterBEParams(cl)))
	assert.Equal(t, `{"default":{"mode":"bridged","link":"br974","vlan":""}}`, marshal(t, EncodeClusterNICParams(cl)))
	assert.Equal(t,
		`{"minmax":[{"min":{"memory-size":128,"disk-size":1024,"disk-count":1,"cpu-count":1,"nic-count":1,"spindle-use":1},"max":{"memory-size":32768,"disk-size":1048576,"disk-count":16,"cpu-count":8,"nic-count":8,"spindle-use":12}}],"std":{"memory-size":128,"disk-size":1024,"disk-count":1,"cpu-count":1,"nic-count":1,"spindle-use":1},"spindle-ratio":32,"vcpu-ratio":1,"disk-templates":["drbd","plain","sharedfile","file"]}`,
		marshal(t, EncodeIPolicy(cl.FilledIPolicy())))
	assert.Equal(t, `1.343869045604884e9`, marshal(t, EncodeTimestamp(cl.CTime)))
}

func TestEncodeTags(t *testing.T) {
	assert.Equal(t, []string{}, EncodeTags(nil))
	assert.Equal(t, []string{"A", "a", "b", "é"}, EncodeTags([]string{"b", "é", "a", "A", "b", "a"}))
}

func TestDouble(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{
		{1, "1"},
		{0, "0"},
		{-3, "-3"},
		{5.2, "5.2"},
		{1349722460.022264, "1.349722460022264e9"},
		{0.05, "5.0e-2"},
		{1e21, "1000000000000000000000"},
		{math.Ldexp(1, 70), "1180591620717411303424"},
	}
	for _, tc := range tests {
		t.Run(tc.want, func(t *testing.T) {
			assert.Equal(t, tc.want, marshal(t, Double(tc.in)))
		})
	}
	_, err := Double(math.NaN()).MarshalJSON()
	assert.Error(t, err)
}

func TestEncodeTimestamp(t *testing.T) {
	tests := []struct {
		stored float64
		want   string
	}{
		{0, "0"},
		{1349722460.022264, "1.349722460022264e9"},
		{1343869045.604884, "1.343869045604884e9"},
		{1358348755.7799058, "1.3583487557799058e9"},
		{1400000000, "1400000000"},
		{0.5, "0.5"},
		{-1.25, "-1.25"},
	}
	for _, tc := range tests {
		t.Run(tc.want, func(t *testing.T) {
			assert.Equal(t, tc.want, marshal(t, EncodeTimestamp(Timestamp(tc.stored))))
		})
	}
}

func TestValueRewritesTheHaskellWay(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"whitespace and key order kept", `{ "b" : 1, "a" : [ true , null ] }`, `{"b":1,"a":[true,null]}`},
		{"integral float", `5000000.0`, `5000000`},
		{"exponent float", `1e-05`, `1.0e-5`},
		{"plain fraction", `0.25`, `0.25`},
		{"big exponent", `1.5e+20`, `150000000000000000000`},
		{"huge exponent", `1e999`, `null`},
		{"escaped string", `"caf\u00e9 \/ \u0001"`, `"café / \u0001"`},
		{"nested", `[[1.50],{"x":{"y":-2.0}}]`, `[[1.5],{"x":{"y":-2}}]`},
		{"empty", `[]`, `[]`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := Value(tc.in).MarshalJSON()
			if tc.want == "null" {
				assert.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, string(out))
			assert.True(t, json.Valid(out))
		})
	}
}
