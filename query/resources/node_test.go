package resources

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/ganeti/gerrors"
	"github.com/goluxid/goluxid/ganeti/objects"
	"github.com/goluxid/goluxid/internal/hsjson"
	"github.com/goluxid/goluxid/query"
)

// Golden config node uuids.
const (
	node1UUID  = "9a12d554-75c0-4cb1-8064-103365145db0"
	node2UUID  = "2ae3d962-2dad-44f2-bdb1-85f77107f907"
	node3UUID  = "41f9c238-173c-4120-9e41-04ad379b647a"
	node10UUID = "0f0f0f0f-0000-4000-8000-000000000010"
)

// nodeRun runs a Query of kind and returns its data as JSON, or the
// error.
func nodeRun(t *testing.T, env Env, kind string, fields []string, filter string) (string, error) {
	t.Helper()
	flt, err := query.ParseFilter([]byte(filter))
	require.NoError(t, err)
	return nodeQueryData(env, kind, fields, flt)
}

// nodeQueryData runs a Query of kind and returns its data as JSON.
func nodeQueryData(env Env, kind string, fields []string, flt *query.Filter) (string, error) {
	res, err := New(kind, env)
	if err != nil {
		return "", fmt.Errorf("no resource %q: %w", kind, err)
	}
	r, err := res.Query(context.Background(), fields, flt)
	if err != nil {
		return "", err
	}
	data, err := hsjson.Marshal(r.Data)
	return string(data), err
}

// nodeMustRun is nodeRun failing t on error.
func nodeMustRun(t *testing.T, env Env, kind string, fields []string, filter string) string {
	t.Helper()
	data, err := nodeRun(t, env, kind, fields, filter)
	require.NoError(t, err)
	return data
}

// nodeInfoPayload is a node_info answer as Python's noded gives it.
const nodeInfoPayload = `["a631bd49-4dfb-455b-943b-a44c14a24bc7",
	[{"type": "lvm-vg", "name": "xenvg", "storage_free": 1024, "storage_size": 4096},
	 {"type": "file", "name": "/srv/ganeti", "storage_size": 258019, "storage_free": 80180},
	 {"type": "lvm-pv", "name": "xenvg", "storage_free": 3, "storage_size": 12}],
	[{"memory_total": 24105, "memory_dom0": 1005, "memory_free": 23514, "cpu_total": 8, "cpu_dom0": 2,
	  "cpu_nodes": 1, "cpu_sockets": 2, "hv_version": [4, 1], "memory_hv": null},
	 {"memory_total": 1, "memory_dom0": 1, "memory_free": 1, "cpu_total": 1, "cpu_dom0": 1, "cpu_nodes": 1, "cpu_sockets": 1}]]`

// nodeAnswering answers node_info with payload for the nodes named.
func nodeAnswering(payload string, names ...string) *fakeRPC {
	return &fakeRPC{answer: func(_ string, n *objects.Node) NodeResult {
		for _, name := range names {
			if n.Name == name {
				return NodeResult{Payload: json.RawMessage(payload)}
			}
		}
		return NodeResult{}
	}}
}

var nodeLiveNames = []string{"bootid", "cnodes", "cnos", "csockets", "ctotal", "dfree", "dtotal", "spfree", "sptotal", "mfree", "mnode", "mtotal"}

func TestNodeLiveFields(t *testing.T) {
	rpc := nodeAnswering(nodeInfoPayload, "node1.example.com")
	env := Env{Config: goldenConfig(t), RPC: rpc}
	got := nodeMustRun(t, env, "node", append([]string{"name"}, nodeLiveNames...), "null")
	assert.Equal(t, `[`+
		`[[0,"node1.example.com"],[0,"a631bd49-4dfb-455b-943b-a44c14a24bc7"],[0,1],[0,2],[0,2],[0,8],[0,1024],[0,4096],[0,3],[0,12],[0,23514],[0,1005],[0,24105]],`+
		`[[0,"node2.example.com"],[2,null],[2,null],[2,null],[2,null],[2,null],[2,null],[2,null],[2,null],[2,null],[2,null],[2,null],[2,null]],`+
		`[[0,"node3.example.com"],[4,null],[4,null],[4,null],[4,null],[4,null],[4,null],[4,null],[4,null],[4,null],[4,null],[4,null],[4,null]],`+
		`[[0,"node10.example.com"],[2,null],[2,null],[2,null],[2,null],[2,null],[2,null],[2,null],[2,null],[2,null],[2,null],[2,null],[2,null]]]`, got)
	calls := rpc.recorded()
	require.Len(t, calls, 1)
	assert.Equal(t, "node_info", calls[0].procedure)
	assert.Equal(t, []string{"node1.example.com", "node2.example.com", "node3.example.com", "node10.example.com"}, calls[0].nodes)
}

func TestNodeLiveMissingValues(t *testing.T) {
	cases := []struct {
		name, payload, want string
	}{
		{"empty lists", `["b", [], []]`, `[[0,"b"],[2,null],[2,null],[2,null],[2,null],[2,null],[2,null]]`},
		{"null storage values", `["b", [{"type": "lvm-vg", "name": "xenvg", "storage_free": null, "storage_size": null}], []]`,
			`[[0,"b"],[2,null],[2,null],[2,null],[2,null],[2,null],[2,null]]`},
		{"only spindles", `["b", [{"type": "lvm-pv", "name": "xenvg", "storage_free": 1, "storage_size": 2}], []]`,
			`[[0,"b"],[2,null],[2,null],[0,1],[0,2],[2,null],[2,null]]`},
		{"first non-spindle unit", `["b", [{"type": "lvm-pv", "name": "v", "storage_free": 1, "storage_size": 2},
			{"type": "file", "name": "f"}, {"type": "lvm-vg", "name": "v", "storage_free": 5, "storage_size": 6}], []]`,
			`[[0,"b"],[2,null],[2,null],[0,1],[0,2],[2,null],[2,null]]`},
		{"rounded numbers", `["b", [{"type": "file", "name": "f", "storage_free": 2.5, "storage_size": 3.5}], [{"memory_total": 1.5, "memory_dom0": 0, "memory_free": 7e2, "cpu_total": 1, "cpu_dom0": 1, "cpu_nodes": 1, "cpu_sockets": 1}]]`,
			`[[0,"b"],[0,2],[0,4],[2,null],[2,null],[0,700],[0,2]]`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := Env{Config: goldenConfig(t), RPC: nodeAnswering(tc.payload, "node1.example.com")}
			got := nodeMustRun(t, env, "node", []string{"bootid", "dfree", "dtotal", "spfree", "sptotal", "mfree", "mtotal"}, `["==","name","node1"]`)
			assert.Equal(t, "["+tc.want+"]", got)
		})
	}
}

func TestNodeLiveMalformedAnswers(t *testing.T) {
	for _, payload := range []string{
		`null`, `"x"`, `["b", [], []], 1`, `["b", [], [], 4]`, `["b", []]`, `[5, [], []]`, `[null, [], []]`,
		`["b", null, []]`, `["b", [null], []]`, `["b", [{"type": "x"}], []]`, `["b", [{"name": 1, "type": "x"}], []]`,
		`["b", [{"name": "n", "type": "x", "storage_free": "5"}], []]`,
		`["b", [], [{"memory_total": 1}]]`,
		`["b", [], [{"memory_total": 1, "memory_dom0": null, "memory_free": 1, "cpu_total": 1, "cpu_dom0": 1, "cpu_nodes": 1, "cpu_sockets": 1}]]`,
		`["b", [], [{"memory_total": true, "memory_dom0": 1, "memory_free": 1, "cpu_total": 1, "cpu_dom0": 1, "cpu_nodes": 1, "cpu_sockets": 1}]]`,
		`["b", [], [{"memory_total": 1, "memory_dom0": 1, "memory_free": 1, "cpu_total": 1, "cpu_dom0": 1, "cpu_nodes": 1, "cpu_sockets": 1, "hv_version": "4.1"}]]`,
		`["b", [], [{"memory_total": 1, "memory_dom0": 1, "memory_free": 1, "cpu_total": 1, "cpu_dom0": 1, "cpu_nodes": 1, "cpu_sockets": 1, "memory_hv": []}]]`,
	} {
		t.Run(payload, func(t *testing.T) {
			env := Env{Config: goldenConfig(t), RPC: nodeAnswering(payload, "node1.example.com")}
			got := nodeMustRun(t, env, "node", []string{"bootid", "mfree", "dfree"}, `["==","name","node1"]`)
			assert.Equal(t, `[[[2,null],[2,null],[2,null]]]`, got)
		})
	}
}

func TestNodeRPCErrors(t *testing.T) {
	env := Env{Config: goldenConfig(t), RPC: &fakeRPC{answer: func(_ string, n *objects.Node) NodeResult {
		return NodeResult{Err: errConnect}
	}}}
	got := nodeMustRun(t, env, "node", []string{"name", "bootid"}, "null")
	assert.Equal(t, `[[[0,"node1.example.com"],[2,null]],[[0,"node2.example.com"],[2,null]],[[0,"node3.example.com"],[4,null]],[[0,"node10.example.com"],[2,null]]]`, got)
}

// nodeXenParams is the golden cluster's xen-pvm hvparams as node_info
// sends them.
const nodeXenParams = `{"blockdev_prefix":"sd","bootloader_args":"","bootloader_path":"","cpu_cap":0,"cpu_mask":"all",` +
	`"cpu_weight":256,"cpuid":"","initrd_path":"","kernel_args":"ro","kernel_path":"/boot/vmlinuz-xenU","migration_mode":"live",` +
	`"migration_port":8082,"reboot_behavior":"reboot","root_path":"/dev/xvda1","soundhw":"","use_bootloader":false,"vif_script":"","xen_cmd":"xm"}`

func TestNodeInfoBodies(t *testing.T) {
	units := func(es string) string {
		return `[["lvm-vg","xenvg",[` + es + `]],["file","",[]],["lvm-pv","xenvg",[` + es + `]]]`
	}
	hv := `[["xen-pvm",` + nodeXenParams + `]]`
	cases := []struct {
		fields []string
		filter string
		node1  string // body of node1 (exclusive storage off)
		node10 string // body of node10 (exclusive storage on)
	}{
		{[]string{"bootid"}, "null", `[[],[]]`, `[[],[]]`},
		{[]string{"mfree"}, "null", `[[],` + hv + `]`, `[[],` + hv + `]`},
		{[]string{"ctotal", "name"}, "null", `[[],` + hv + `]`, `[[],` + hv + `]`},
		{[]string{"dfree"}, "null", `[` + units("false") + `,[]]`, `[` + units("true") + `,[]]`},
		{[]string{"name"}, `[">","sptotal",1]`, `[` + units("false") + `,[]]`, `[` + units("true") + `,[]]`},
		{[]string{"dtotal", "cnos"}, "null", `[` + units("false") + `,` + hv + `]`, `[` + units("true") + `,` + hv + `]`},
	}
	for _, tc := range cases {
		rpc := &fakeRPC{}
		nodeMustRun(t, Env{Config: goldenConfig(t), RPC: rpc}, "node", tc.fields, tc.filter)
		calls := rpc.recorded()
		require.Len(t, calls, 1, "%v", tc.fields)
		assert.Equal(t, tc.node1, calls[0].bodies["node1.example.com"], "%v", tc.fields)
		assert.Equal(t, tc.node10, calls[0].bodies["node10.example.com"], "%v", tc.fields)
	}
}

func TestNodeStorageUnits(t *testing.T) {
	vg := "vg"
	cases := []struct {
		templates []string
		vg        *string
		want      string
	}{
		{[]string{"plain", "drbd"}, &vg, `[["lvm-vg","vg",[true]],["lvm-pv","vg",[true]]]`},
		{[]string{"file", "sharedfile", "plain"}, &vg, `[["file","/srv/ganeti/file-storage",[]],["lvm-vg","vg",[true]],["lvm-pv","vg",[true]]]`},
		{[]string{"plain", "file"}, nil, `[["file","/srv/ganeti/file-storage",[]]]`},
		{[]string{"diskless", "rbd", "ext", "blockdev", "gluster"}, &vg, `[["lvm-pv","vg",[true]]]`},
		{nil, nil, `[]`},
	}
	for _, tc := range cases {
		c := &objects.Cluster{EnabledDiskTemplates: tc.templates, VolumeGroupName: tc.vg, FileStorageDir: "/srv/ganeti/file-storage"}
		data, err := hsjson.Marshal(nodeStorageUnits(c, true))
		require.NoError(t, err)
		assert.Equal(t, tc.want, string(data), "%v", tc.templates)
	}
}

func TestNodeHypervisorFallback(t *testing.T) {
	cfg := goldenConfig(t)
	cfg.Cluster.EnabledHypervisors = nil
	rpc := &fakeRPC{}
	nodeMustRun(t, Env{Config: cfg, RPC: rpc}, "node", []string{"mfree"}, `["==","name","node1"]`)
	assert.Equal(t, `[[],[["xen-pvm",`+nodeXenParams+`]]]`, rpc.recorded()[0].bodies["node1.example.com"])

	cfg = goldenConfig(t)
	cfg.Cluster.EnabledHypervisors = []string{"kvm", "xen-pvm"}
	delete(cfg.Cluster.HVParams, "kvm")
	rpc = &fakeRPC{}
	nodeMustRun(t, Env{Config: cfg, RPC: rpc}, "node", []string{"mfree"}, `["==","name","node1"]`)
	assert.Equal(t, `[[],[["kvm",{}]]]`, rpc.recorded()[0].bodies["node1.example.com"], "kvm has no cluster parameters here")
}

func TestNodeLiveTargets(t *testing.T) {
	t.Run("no live field, no call", func(t *testing.T) {
		rpc := &fakeRPC{}
		nodeMustRun(t, Env{Config: goldenConfig(t), RPC: rpc}, "node", []string{"name", "pinst_cnt", "powered"}, `["?","master"]`)
		assert.Empty(t, rpc.recorded())
	})
	t.Run("only survivors of the first pass", func(t *testing.T) {
		rpc := &fakeRPC{}
		got := nodeMustRun(t, Env{Config: goldenConfig(t), RPC: rpc}, "node", []string{"name"}, `["&",["?","drained"],["<","mfree",5]]`)
		assert.Equal(t, `[[[0,"node10.example.com"]]]`, got)
		require.Len(t, rpc.recorded(), 1)
		assert.Equal(t, []string{"node10.example.com"}, rpc.recorded()[0].nodes)
	})
	t.Run("nodes of missing groups", func(t *testing.T) {
		cfg := goldenConfig(t)
		cfg.Nodes[node2UUID].Group = "no-such-group"
		rpc := nodeAnswering(nodeInfoPayload, "node1.example.com", "node2.example.com")
		got := nodeMustRun(t, Env{Config: cfg, RPC: rpc}, "node", []string{"name", "mfree"}, `["|",["==","name","node1"],["==","name","node2"]]`)
		assert.Equal(t, `[[[0,"node1.example.com"],[0,23514]],[[0,"node2.example.com"],[2,null]]]`, got)
		assert.Equal(t, []string{"node1.example.com"}, rpc.recorded()[0].nodes)
	})
	t.Run("a node listed twice", func(t *testing.T) {
		// Ganeti pairs answers with nodes by equality and gives up on
		// ambiguous pairs: both rows have no data.
		rpc := nodeAnswering(nodeInfoPayload, "node1.example.com", "node2.example.com")
		got := nodeMustRun(t, Env{Config: goldenConfig(t), RPC: rpc}, "node", []string{"name", "mfree"},
			`["|",["==","name","node1"],["==","name","node2"],["==","name","node1.example.com"]]`)
		assert.Equal(t, `[[[0,"node1.example.com"],[2,null]],[[0,"node2.example.com"],[0,23514]],[[0,"node1.example.com"],[2,null]]]`, got)
		assert.Equal(t, []string{"node2.example.com"}, rpc.recorded()[0].nodes)
	})
	t.Run("the second pass decides", func(t *testing.T) {
		rpc := nodeAnswering(nodeInfoPayload, "node1.example.com")
		env := Env{Config: goldenConfig(t), RPC: rpc}
		assert.Equal(t, `[[[0,"node1.example.com"],[0,23514]],[[0,"node2.example.com"],[2,null]],[[0,"node3.example.com"],[4,null]],[[0,"node10.example.com"],[2,null]]]`,
			nodeMustRun(t, env, "node", []string{"name", "mfree"}, `[">","mfree",20000]`))
		assert.Equal(t, `[]`, nodeMustRun(t, env, "node", []string{"name"}, `["!",[">","mfree",20000]]`))
		assert.Equal(t, `[[[0,"node1.example.com"]],[[0,"node2.example.com"]],[[0,"node3.example.com"]],[[0,"node10.example.com"]]]`,
			nodeMustRun(t, env, "node", []string{"name"}, `["==","bootid","a631bd49-4dfb-455b-943b-a44c14a24bc7"]`),
			"cells without data pass every leaf")
		assert.Equal(t, `[[[0,"node1.example.com"]]]`, nodeMustRun(t, env, "node", []string{"name"}, `["!=","bootid","x"]`))
	})
	t.Run("a live error stops the query", func(t *testing.T) {
		rpc := nodeAnswering(nodeInfoPayload, "node1.example.com")
		_, err := nodeRun(t, Env{Config: goldenConfig(t), RPC: rpc}, "node", []string{"name"}, `["=~","mfree","x"]`)
		assert.Equal(t, []any{"ParameterError", []any{"Invalid field value used in regexp matching, expecting string but got '23514'"}}, gerrors.Encode(err))
	})
}

func TestNodeConfigFields(t *testing.T) {
	env := Env{Config: goldenConfig(t)}
	got := nodeMustRun(t, env, "node", []string{"name", "role", "master", "group", "pinst_cnt", "pinst_list", "sinst_cnt", "sinst_list",
		"drained", "offline", "tags", "ctime", "mtime", "uuid", "ndp/exclusive_storage", "ndp/oob_program"}, "null")
	assert.Equal(t, `[`+
		`[[0,"node1.example.com"],[0,"M"],[0,true],[0,"default"],[0,1],[0,["instance1.example.com"]],[0,0],[0,[]],[0,false],[0,false],[0,[]],[0,1.349722460022264e9],[0,1.359986533353329e9],[0,"`+node1UUID+`"],[0,false],[0,""]],`+
		`[[0,"node2.example.com"],[0,"C"],[0,false],[0,"default"],[0,1],[0,["instance3.example.com"]],[0,0],[0,[]],[0,false],[0,false],[0,["rack:a","ssd"]],[0,1.343869045604884e9],[0,1.3583487557799058e9],[0,"`+node2UUID+`"],[0,false],[0,""]],`+
		`[[0,"node3.example.com"],[0,"O"],[0,false],[0,"default"],[0,1],[0,["instance2.example.com"]],[0,1],[0,["instance1.example.com"]],[0,false],[0,true],[0,[]],[0,1.3438692059348073e9],[0,1.353019704885368e9],[0,"`+node3UUID+`"],[0,false],[0,""]],`+
		`[[0,"node10.example.com"],[0,"D"],[0,false],[0,"another"],[0,0],[0,[]],[0,0],[0,[]],[0,true],[0,false],[0,[]],[0,1.349722460022264e9],[0,1.359986533353329e9],[0,"`+node10UUID+`"],[0,true],[0,"/bin/true"]]]`, got)
}

func TestNodeOfMissingGroup(t *testing.T) {
	cfg := goldenConfig(t)
	cfg.Nodes[node2UUID].Group = "no-such-group"
	got := nodeMustRun(t, Env{Config: cfg}, "node", []string{"group", "group.uuid", "ndparams", "powered", "ndp/ssh_port", "custom_ndparams"}, `["==","name","node2"]`)
	assert.Equal(t, `[[[2,null],[0,"no-such-group"],[2,null],[2,null],[2,null],[0,{}]]]`, got)
}

func TestNodeSecondaries(t *testing.T) {
	cfg := goldenConfig(t)
	// instance3 becomes a DRBD instance on node2 with node10 as peer, its
	// disk listing the primary second; a dangling disk is ignored.
	drbd := *cfg.Disks["77ced3a5-6756-49ae-8d1f-274e27664c05"]
	drbd.UUID = "00000000-0000-4000-8000-0000000000d1"
	drbd.LogicalID = objects.LogicalID{DRBD: &objects.DRBDLogicalID{NodeA: node10UUID, NodeB: node2UUID}}
	cfg.Disks[drbd.UUID] = &drbd
	inst3 := cfg.Instances["4e091bdc-e205-4ed7-8a47-0c9130a6619f"]
	inst3.Disks = append(inst3.Disks, drbd.UUID, drbd.UUID, "dangling")
	// A nameless instance counts but is not listed.
	nameless := *cfg.Instances["6c078d22-3eb6-4780-857d-81772e09eef1"]
	nameless.UUID, nameless.Name = "00000000-0000-4000-8000-0000000000a1", ""
	cfg.Instances[nameless.UUID] = &nameless
	got := nodeMustRun(t, Env{Config: cfg}, "node", []string{"name", "pinst_cnt", "pinst_list", "sinst_cnt", "sinst_list"}, "null")
	assert.Equal(t, `[`+
		`[[0,"node1.example.com"],[0,2],[0,["instance1.example.com"]],[0,0],[0,[]]],`+
		`[[0,"node2.example.com"],[0,1],[0,["instance3.example.com"]],[0,0],[0,[]]],`+
		`[[0,"node3.example.com"],[0,1],[0,["instance2.example.com"]],[0,2],[0,["instance1.example.com"]]],`+
		`[[0,"node10.example.com"],[0,0],[0,[]],[0,1],[0,["instance3.example.com"]]]]`, got)
}

func TestNodeLookup(t *testing.T) {
	cfg := goldenConfig(t)
	// Two more nodes: "node1.other" makes "node1" ambiguous as a prefix
	// but not as an exact name; two nodes share the name "dup".
	for uuid, name := range map[string]string{"a1": "node1.other", "b1": "dup", "b2": "dup"} {
		n := *cfg.Nodes[node2UUID]
		n.UUID, n.Name = uuid, name
		cfg.Nodes[uuid] = &n
	}
	env := Env{Config: cfg}
	_, err := nodeRun(t, env, "node", []string{"name"}, `["==","name","node1"]`)
	assert.Equal(t, []any{"OpPrereqError", []any{"Node name node1 has multiple matches", "unknown_entity"}}, gerrors.Encode(err))
	assert.Equal(t, `[[[0,"node2.example.com"]]]`, nodeMustRun(t, env, "node", []string{"name"}, `["==","name","node2"]`))
	assert.Equal(t, `[[[0,"node1.example.com"]]]`, nodeMustRun(t, env, "node", []string{"name"}, `["==","name","node1.example.com"]`))
	assert.Equal(t, `[[[0,"b2"]]]`, nodeMustRun(t, env, "node", []string{"uuid"}, `["==","name","dup"]`), "the greatest uuid of a name")
	assert.Equal(t, `[[[0,"b1"]],[[0,"b2"]]]`, nodeMustRun(t, env, "node", []string{"uuid"}, `["&",["==","name","dup"]]`),
		"equal names keep uuid order")
	_, err = nodeRun(t, env, "node", []string{"name"}, `["==","name","node"]`)
	assert.Equal(t, []any{"OpPrereqError", []any{"Node name node not found", "unknown_entity"}}, gerrors.Encode(err))
}

func TestNodeSnapshotShared(t *testing.T) {
	a, b := goldenConfig(t), goldenConfig(t)
	b.Instances[inst1UUID].PrimaryNode = node2UUID // b differs from a
	sa := nodeSnapshotOf(a)
	assert.Same(t, sa, nodeSnapshotOf(a), "one snapshot per configuration")
	assert.NotSame(t, sa, nodeSnapshotOf(b), "a new configuration gets its own")

	// Concurrent queries over two alternating configurations agree.
	want := map[*objects.ConfigData]string{}
	for _, cfg := range []*objects.ConfigData{a, b} {
		want[cfg] = nodeMustRun(t, Env{Config: cfg}, "node", []string{"name", "pinst_list", "sinst_cnt"}, "null") +
			nodeMustRun(t, Env{Config: cfg}, "group", []string{"name", "pinst_list"}, "null") +
			nodeMustRun(t, Env{Config: cfg}, "network", []string{"name", "inst_cnt"}, "null")
	}

	run := func(cfg *objects.ConfigData) (string, error) {
		var out string
		for _, q := range []struct {
			kind   string
			fields []string
		}{{"node", []string{"name", "pinst_list", "sinst_cnt"}}, {"group", []string{"name", "pinst_list"}}, {"network", []string{"name", "inst_cnt"}}} {
			data, err := nodeQueryData(Env{Config: cfg}, q.kind, q.fields, nil)
			if err != nil {
				return "", err
			}
			out += data
		}
		return out, nil
	}
	type answer struct {
		cfg  *objects.ConfigData
		data string
		err  error
	}
	done := make(chan answer)
	for i := range 16 {
		cfg := []*objects.ConfigData{a, b}[i%2]
		go func() {
			data, err := run(cfg)
			done <- answer{cfg, data, err}
		}()
	}
	assert.NotEqual(t, want[a], want[b])
	for range 16 {
		got := <-done
		require.NoError(t, got.err)
		assert.Equal(t, want[got.cfg], got.data)
	}
}

func TestNodeGroupNetworkRegistered(t *testing.T) {
	for kind, mode := range map[string]query.FilterMode{"node": query.ModeHostname, "group": query.ModeNormal, "network": query.ModeNormal} {
		res, err := New(kind, Env{Config: goldenConfig(t)})
		require.NoError(t, err, kind)
		assert.Equal(t, []string{"name", "uuid"}, res.ClassicFields())
		switch kind {
		case "node":
			f, _ := nodeDefinitions.Field("name")
			assert.Equal(t, mode, f.Mode)
		case "group":
			f, _ := groupDefinitions.Field("name")
			assert.Equal(t, mode, f.Mode)
		case "network":
			f, _ := networkDefinitions.Field("name")
			assert.Equal(t, mode, f.Mode)
		}
	}
}

func TestNodeGroupNetworkWithoutConfig(t *testing.T) {
	for _, kind := range []string{"node", "group", "network"} {
		_, err := nodeQueryData(Env{}, kind, []string{"name"}, nil)
		assert.ErrorIs(t, err, errNodeNoConfig, kind)
	}
}
