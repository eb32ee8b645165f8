package resources

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"testing"

	"github.com/goluxid/goluxid/ganeti/gerrors"
	"github.com/goluxid/goluxid/ganeti/objects"
	"github.com/goluxid/goluxid/internal/hsjson"
	"github.com/goluxid/goluxid/query"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// instExtraConfig is the golden configuration with more instances:
//   - instance4: drbd (node2/node1) + plain + blockdev disks, three NICs
//     (bridged; routed with ip and name; openvswitch on network1),
//     custom parameters, unsorted tags, a network port;
//   - instance5: a dangling disk and a primary node not in the config;
//   - web.a and web.b, which "web" abbreviates ambiguously;
//   - a forthcoming instance with hardly any keys.
func instExtraConfig(t testing.TB, edit func(cfg map[string]any)) *objects.ConfigData {
	t.Helper()
	data, err := os.ReadFile("testdata/golden-config.data.json")
	require.NoError(t, err)
	var cfg map[string]any
	require.NoError(t, json.Unmarshal(data, &cfg))
	var extra map[string]map[string]any
	require.NoError(t, json.Unmarshal([]byte(instExtraJSON), &extra))
	for section, items := range extra {
		if section == "osparams" {
			cfg["cluster"].(map[string]any)["osparams"] = items
			continue
		}
		if cfg[section] == nil {
			cfg[section] = map[string]any{}
		}
		for k, v := range items {
			cfg[section].(map[string]any)[k] = v
		}
	}
	if edit != nil {
		edit(cfg)
	}
	data, err = json.Marshal(cfg)
	require.NoError(t, err)
	parsed, err := objects.Parse(data, 3000000)
	require.NoError(t, err)
	return parsed
}

const instExtraJSON = `{
 "instances": {
  "aaaaaaaa-0000-0000-0000-000000000004": {
   "name": "instance4.example.com", "uuid": "aaaaaaaa-0000-0000-0000-000000000004",
   "primary_node": "2ae3d962-2dad-44f2-bdb1-85f77107f907", "os": "debootstrap+buster", "hypervisor": "xen-pvm",
   "hvparams": {"kernel_args": "ro quiet", "xen_cmd": "xl"}, "beparams": {"vcpus": 4, "maxmem": 1024},
   "osparams": {"dhcp": "no"}, "osparams_private": {},
   "admin_state": "up", "admin_state_source": "admin", "disks_active": true, "network_port": 11005,
   "disks": ["dddddddd-0000-0000-0000-000000000001", "dddddddd-0000-0000-0000-000000000002", "dddddddd-0000-0000-0000-000000000003"],
   "nics": [
    {"mac": "aa:00:00:00:00:01", "uuid": "nic-1", "nicparams": {}},
    {"mac": "aa:00:00:00:00:02", "uuid": "nic-2", "nicparams": {"mode": "routed", "link": "rt100"}, "ip": "192.0.2.7", "name": "eth1"},
    {"mac": "aa:00:00:00:00:03", "uuid": "nic-3", "nicparams": {"mode": "openvswitch", "link": "switch1", "vlan": ".100"}, "network": "nnnnnnnn-0000-0000-0000-000000000001"}
   ],
   "tags": ["zeta", "alpha", "mid"], "ctime": 1400000000.5, "mtime": 0, "serial_no": 7
  },
  "aaaaaaaa-0000-0000-0000-000000000005": {
   "name": "instance5.example.com", "uuid": "aaaaaaaa-0000-0000-0000-000000000005",
   "primary_node": "no-such-node", "os": "busybox", "hypervisor": "kvm",
   "hvparams": {}, "beparams": {}, "osparams": {}, "osparams_private": {},
   "admin_state": "down", "admin_state_source": "user", "disks_active": false,
   "disks": ["no-such-disk"], "nics": [], "ctime": 0, "mtime": 0, "serial_no": 1
  },
  "aaaaaaaa-0000-0000-0000-000000000006": {
   "name": "web.a.example.com", "uuid": "aaaaaaaa-0000-0000-0000-000000000006",
   "primary_node": "9a12d554-75c0-4cb1-8064-103365145db0", "os": "busybox", "hypervisor": "xen-pvm",
   "admin_state": "up", "admin_state_source": "admin", "disks_active": true,
   "disks": [], "nics": [], "ctime": 0, "mtime": 0, "serial_no": 1
  },
  "aaaaaaaa-0000-0000-0000-000000000007": {
   "name": "web.b.example.com", "uuid": "aaaaaaaa-0000-0000-0000-000000000007",
   "primary_node": "9a12d554-75c0-4cb1-8064-103365145db0", "os": "busybox", "hypervisor": "xen-pvm",
   "admin_state": "up", "admin_state_source": "admin", "disks_active": true,
   "disks": [], "nics": [], "ctime": 0, "mtime": 0, "serial_no": 1
  },
  "aaaaaaaa-0000-0000-0000-000000000008": {
   "forthcoming": true, "uuid": "aaaaaaaa-0000-0000-0000-000000000008", "serial_no": 1
  }
 },
 "disks": {
  "dddddddd-0000-0000-0000-000000000001": {
   "uuid": "dddddddd-0000-0000-0000-000000000001", "dev_type": "drbd", "size": 2048, "name": "root", "spindles": 2,
   "logical_id": ["2ae3d962-2dad-44f2-bdb1-85f77107f907", "9a12d554-75c0-4cb1-8064-103365145db0", 11000, 1, 1, "secret"],
   "nodes": ["2ae3d962-2dad-44f2-bdb1-85f77107f907", "9a12d554-75c0-4cb1-8064-103365145db0"],
   "children": [
    {"uuid": "dddddddd-0000-0000-0000-000000000011", "dev_type": "plain", "size": 2048, "logical_id": ["xenvg", "d1_data"], "nodes": [], "params": {}, "serial_no": 1, "ctime": 0, "mtime": 0},
    {"uuid": "dddddddd-0000-0000-0000-000000000012", "dev_type": "plain", "size": 128, "logical_id": ["xenvg", "d1_meta"], "nodes": [], "params": {}, "serial_no": 1, "ctime": 0, "mtime": 0}
   ],
   "params": {}, "serial_no": 1, "ctime": 0, "mtime": 0
  },
  "dddddddd-0000-0000-0000-000000000002": {
   "uuid": "dddddddd-0000-0000-0000-000000000002", "dev_type": "plain", "size": 512,
   "logical_id": ["xenvg", "d2"], "nodes": ["2ae3d962-2dad-44f2-bdb1-85f77107f907"], "params": {}, "serial_no": 1, "ctime": 0, "mtime": 0
  },
  "dddddddd-0000-0000-0000-000000000003": {
   "uuid": "dddddddd-0000-0000-0000-000000000003", "dev_type": "blockdev", "size": 4096,
   "logical_id": ["manual", "/dev/sdz"], "nodes": ["2ae3d962-2dad-44f2-bdb1-85f77107f907"], "params": {}, "serial_no": 1, "ctime": 0, "mtime": 0
  }
 },
 "networks": {
  "nnnnnnnn-0000-0000-0000-000000000001": {
   "name": "net-one", "uuid": "nnnnnnnn-0000-0000-0000-000000000001", "network": "198.51.100.0/24",
   "reservations": "0", "ext_reservations": "0", "serial_no": 1, "ctime": 0, "mtime": 0
  }
 },
 "osparams": {"debootstrap": {"dhcp": "yes", "mirror": "http://deb"}}
}`

func TestInstanceFieldValues(t *testing.T) {
	env := Env{Config: instExtraConfig(t, nil)}
	n := func(v string) string { return "[0," + v + "]" }
	const nd, ua = "[2,null]", "[3,null]"
	tests := []struct {
		field, want4, want5 string
	}{
		{"name", n(`"instance4.example.com"`), n(`"instance5.example.com"`)},
		{"pnode", n(`"node2.example.com"`), nd},
		{"pnode.group", n(`"default"`), nd},
		{"snodes", n(`["node1.example.com"]`), nd},
		{"snodes.group", n(`["default"]`), nd},
		{"snodes.group.uuid", n(`["5244a46d-7506-4e14-922d-02b58153dde1"]`), nd},
		{"admin_state_source", n(`"admin"`), n(`"user"`)},
		{"disks_active", n(`true`), n(`false`)},
		{"network_port", n(`11005`), ua},
		{"disk_template", n(`"mixed"`), nd},
		{"disk_usage", n(`2688`), nd},
		{"disk.count", n(`3`), n(`1`)},
		{"disk.sizes", n(`[2048,512,4096]`), nd},
		{"disk.spindles", n(`[2,null,null]`), nd},
		{"disk.names", n(`["root",null,null]`), nd},
		{"disk.uuids", n(`["dddddddd-0000-0000-0000-000000000001","dddddddd-0000-0000-0000-000000000002","dddddddd-0000-0000-0000-000000000003"]`), nd},
		{"disk.size/2", n(`4096`), nd},
		{"disk.name/0", n(`"root"`), nd},
		{"disk.spindles/0", n(`2`), nd},
		{"disk.uuid/3", ua, nd},
		{"nic.count", n(`3`), n(`0`)},
		{"nic.macs", n(`["aa:00:00:00:00:01","aa:00:00:00:00:02","aa:00:00:00:00:03"]`), n(`[]`)},
		{"nic.ips", n(`[null,"192.0.2.7",null]`), n(`[]`)},
		{"nic.names", n(`[null,"eth1",null]`), n(`[]`)},
		{"nic.uuids", n(`["nic-1","nic-2","nic-3"]`), n(`[]`)},
		{"nic.modes", n(`["bridged","routed","openvswitch"]`), n(`[]`)},
		{"nic.links", n(`["br974","rt100","switch1"]`), n(`[]`)},
		{"nic.bridges", n(`["br974",null,null]`), n(`[]`)},
		{"nic.vlans", n(`[null,null,".100"]`), n(`[]`)},
		{"nic.networks", n(`[null,null,"nnnnnnnn-0000-0000-0000-000000000001"]`), n(`[]`)},
		{"nic.networks.names", n(`[null,null,"net-one"]`), n(`[]`)},
		{"nic.ip/1", n(`"192.0.2.7"`), ua},
		{"nic.name/1", n(`"eth1"`), ua},
		{"nic.mode/1", n(`"routed"`), ua},
		{"nic.link/2", n(`"switch1"`), ua},
		{"nic.vlan/2", n(`".100"`), ua},
		{"nic.vlan/0", ua, ua},
		{"nic.bridge/1", ua, ua},
		{"nic.network/2", n(`"nnnnnnnn-0000-0000-0000-000000000001"`), ua},
		{"nic.network.name/2", n(`"net-one"`), ua},
		{"nic.uuid/0", n(`"nic-1"`), ua},
		{"nic_link", n(`"br974"`), ua},
		{"custom_hvparams", n(`{"kernel_args":"ro quiet","xen_cmd":"xl"}`), n(`{}`)},
		{"custom_beparams", n(`{"maxmem":1024,"vcpus":4}`), n(`{}`)},
		{"custom_osparams", n(`{"dhcp":"no"}`), n(`{}`)},
		{"custom_nicparams", n(`[{},{"mode":"routed","link":"rt100"},{"mode":"openvswitch","link":"switch1","vlan":".100"}]`), n(`[]`)},
		{"beparams", n(`{"minmem":128,"maxmem":1024,"vcpus":4,"auto_balance":true,"always_failover":false,"spindle_use":1}`),
			n(`{"minmem":128,"maxmem":128,"vcpus":1,"auto_balance":true,"always_failover":false,"spindle_use":1}`)},
		{"osparams", n(`{"dhcp":"no","mirror":"http://deb"}`), n(`{}`)},
		{"be/memory", n(`1024`), n(`128`)},
		{"vcpus", n(`4`), n(`1`)},
		{"hv/kernel_args", n(`"ro quiet"`), n(`"ro"`)},
		{"hv/root_path", n(`"/dev/xvda1"`), n(`"/dev/vda1"`)},
		{"hv/acpi", ua, n(`true`)},
		{"tags", n(`["alpha","mid","zeta"]`), n(`[]`)},
		{"ctime", n(`1.4000000005e9`), n(`0`)},
		{"mtime", n(`0`), n(`0`)},
		{"serial_no", n(`7`), n(`1`)},
		{"forthcoming", n(`false`), n(`false`)},
	}
	for _, tc := range tests {
		t.Run(tc.field, func(t *testing.T) {
			got, err := queryData(t, "instance", env, []string{tc.field}, `["|", ["==", "name", "instance4"], ["==", "name", "instance5"]]`)
			require.NoError(t, err)
			assert.Equal(t, "[["+tc.want4+"],["+tc.want5+"]]", got)
		})
	}
}

func TestInstanceHVParamsMerged(t *testing.T) {
	env := Env{Config: instExtraConfig(t, nil)}
	got, err := queryData(t, "instance", env, []string{"hvparams"}, `["==", "name", "instance4"]`)
	require.NoError(t, err)
	assert.Equal(t, `[[[0,{"blockdev_prefix":"sd","bootloader_args":"","bootloader_path":"","cpu_cap":0,"cpu_mask":"all","cpu_weight":256,"cpuid":"","initrd_path":"","kernel_args":"ro quiet","kernel_path":"/boot/vmlinuz-xenU","reboot_behavior":"reboot","root_path":"/dev/xvda1","soundhw":"","use_bootloader":false,"vif_script":""}]]]`, got,
		"globals (xen_cmd, migration_*) are left out, even the instance's own")

	// os_hvp of the OS name as written (variant included) sits between
	// the cluster and the instance.
	env = Env{Config: instExtraConfig(t, func(cfg map[string]any) {
		cfg["cluster"].(map[string]any)["os_hvp"] = map[string]any{
			"debootstrap+buster": map[string]any{"xen-pvm": map[string]any{"root_path": "/dev/sdb1", "kernel_args": "ignored"}},
		}
	})}
	got, err = queryData(t, "instance", env, []string{"hv/root_path", "hv/kernel_args"}, `["==", "name", "instance4"]`)
	require.NoError(t, err)
	assert.Equal(t, `[[[0,"/dev/sdb1"],[0,"ro quiet"]]]`, got)
}

func TestInstanceWithoutDefaultBEParams(t *testing.T) {
	env := Env{Config: instExtraConfig(t, func(cfg map[string]any) {
		cfg["cluster"].(map[string]any)["beparams"] = map[string]any{}
	})}
	got, err := queryData(t, "instance", env, []string{"beparams", "be/vcpus", "custom_beparams"}, `["==", "name", "instance4"]`)
	require.NoError(t, err)
	assert.Equal(t, `[[[2,null],[2,null],[0,{"maxmem":1024,"vcpus":4}]]]`, got)
}

func TestInstanceForthcoming(t *testing.T) {
	env := Env{Config: instExtraConfig(t, nil)}
	got, err := queryData(t, "instance", env,
		[]string{"name", "uuid", "forthcoming", "admin_state", "admin_up", "os", "hypervisor", "disks_active", "pnode", "tags", "disk.count", "disk_template", "nic.count", "status"},
		`["==", "uuid", "aaaaaaaa-0000-0000-0000-000000000008"]`)
	require.NoError(t, err)
	assert.Equal(t, `[[[2,null],[0,"aaaaaaaa-0000-0000-0000-000000000008"],[0,true],[2,null],[2,null],[2,null],[2,null],[2,null],[2,null],[0,[]],[0,0],[0,"diskless"],[0,0],[0,"ADMIN_down"]]]`, got)
}

func TestInstanceStatusWithoutPrimaryInConfig(t *testing.T) {
	env := Env{Config: instExtraConfig(t, nil), RPC: &fakeRPC{}}
	got, err := queryData(t, "instance", env, []string{"status", "oper_state", "oper_ram"}, `["==", "name", "instance5"]`)
	require.NoError(t, err)
	assert.Equal(t, `[[[0,"ERROR_nodedown"],[2,null],[2,null]]]`, got)
}

func TestInstanceOrderAndLookup(t *testing.T) {
	env := Env{Config: instExtraConfig(t, nil)}
	got, err := queryData(t, "instance", env, []string{"name"}, `["!", ["?", "forthcoming"]]`)
	require.NoError(t, err)
	assert.Equal(t, `[[[0,"instance1.example.com"]],[[0,"instance2.example.com"]],[[0,"instance3.example.com"]],[[0,"instance4.example.com"]],[[0,"instance5.example.com"]],[[0,"web.a.example.com"]],[[0,"web.b.example.com"]]]`, got)

	got, err = queryData(t, "instance", env, []string{"name"}, "")
	require.NoError(t, err)
	assert.Equal(t, `[[2,null]]`, got[1:11], "the nameless instance sorts first")

	got, err = queryData(t, "instance", env, []string{"name"}, `["|", ["==", "name", "web.b"], ["==", "name", "instance2.example.com"], ["==", "name", "web.b"]]`)
	require.NoError(t, err)
	assert.Equal(t, `[[[0,"web.b.example.com"]],[[0,"instance2.example.com"]],[[0,"web.b.example.com"]]]`, got)

	_, err = queryData(t, "instance", env, []string{"name"}, `["==", "name", "web"]`)
	assert.Equal(t, []any{"OpPrereqError", []any{"Instance name web has multiple matches", "unknown_entity"}}, gerrors.Encode(err))
	_, err = queryData(t, "instance", env, []string{"name"}, `["==", "name", "nope"]`)
	assert.Equal(t, []any{"OpPrereqError", []any{"Instance name nope not found", "unknown_entity"}}, gerrors.Encode(err))

	// Found by uuid, but the name does not equal the uuid: no row.
	got, err = queryData(t, "instance", env, []string{"name"}, `["==", "name", "aaaaaaaa-0000-0000-0000-000000000004"]`)
	require.NoError(t, err)
	assert.Equal(t, `[]`, got)

	// Integer names are left out of the lookup (but still compared).
	got, err = queryData(t, "instance", env, []string{"name"}, `["|", ["==", "name", "web.a"], ["==", "name", 5]]`)
	require.NoError(t, err)
	assert.Equal(t, `[[[0,"web.a.example.com"]]]`, got)
	_, err = queryData(t, "instance", env, []string{"name"}, `["|", ["==", "name", 5], ["==", "name", "web.a"]]`)
	assert.Equal(t, []any{"ParameterError", []any{`Invalid types in comparison, trying to compare "web.a.example.com" with 'NumericValue 5'`}}, gerrors.Encode(err))
}

func TestInstanceFilterErrors(t *testing.T) {
	env := Env{Config: instExtraConfig(t, nil)}
	_, err := queryData(t, "instance", env, []string{"name"}, `["?", "name"]`)
	assert.Equal(t, []any{"ParameterError", []any{`Unexpected value '"instance1.example.com"' in boolean context`}}, gerrors.Encode(err))
	_, err = queryData(t, "instance", env, []string{"name"}, `["==", "nosuch", 1]`)
	assert.Equal(t, []any{"ParameterError", []any{"Can't find field named 'nosuch'"}}, gerrors.Encode(err))
	got, err := queryData(t, "instance", env, []string{"name"}, `["&", ["=[]", "tags", "mid"], [">", "disk_usage", 2000], ["==", "nic.mode/1", "routed"], ["==", "hv/kernel_args", "ro quiet"], [">=", "ctime", 1400000000]]`)
	require.NoError(t, err)
	assert.Equal(t, `[[[0,"instance4.example.com"]]]`, got)
}

func TestInstanceUnknownFields(t *testing.T) {
	env := Env{Config: goldenConfig(t)}
	res, _ := New("instance", env)
	r, err := res.Query(context.Background(), []string{"name", "zzz"}, query.Equal("name", query.StringValue("instance2")))
	require.NoError(t, err)
	data, err := hsjson.Marshal(r)
	require.NoError(t, err)
	assert.Equal(t, `{"fields":[{"name":"name","title":"Instance","kind":"text","doc":"Instance name"},{"name":"zzz","title":"zzz","kind":"unknown","doc":"Unknown field 'zzz'"}],"data":[[[0,"instance2.example.com"],[1,null]]]}`, string(data))
}

// TestInstanceConcurrentQueries runs queries of two configurations at
// once: the index cache is shared, the queries are not.
func TestInstanceConcurrentQueries(t *testing.T) {
	cfgs := []*objects.ConfigData{goldenConfig(t), instExtraConfig(t, nil)}
	want := make([]string, len(cfgs))
	for i, cfg := range cfgs {
		var err error
		want[i], err = queryData(t, "instance", Env{Config: cfg, RPC: &fakeRPC{}}, []string{"name", "status", "snodes", "hv/kernel_args"}, "")
		require.NoError(t, err)
	}
	errs := make(chan error, 16)
	for g := range 16 {
		go func() {
			i := g % len(cfgs)
			res, _ := New("instance", Env{Config: cfgs[i], RPC: &fakeRPC{}})
			for range 20 {
				r, err := res.Query(context.Background(), []string{"name", "status", "snodes", "hv/kernel_args"}, nil)
				if err != nil {
					errs <- err
					return
				}
				data, err := hsjson.Marshal(r.Data)
				if err == nil && string(data) != want[i] {
					err = errors.New("different answer: " + string(data))
				}
				if err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range 16 {
		require.NoError(t, <-errs)
	}
}
