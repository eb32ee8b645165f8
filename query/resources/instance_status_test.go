package resources

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/goluxid/goluxid/ganeti/objects"
	"github.com/goluxid/goluxid/internal/hsjson"
	"github.com/goluxid/goluxid/query"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The golden config has instance1 (up, drbd, primary node1, secondary
// node3), instance2 (down, primary node3, offline) and instance3 (up,
// primary node2); node10 has no instances.

// instAnswers returns a fake RPC whose nodes answer with the given
// payloads (by node name and procedure); other nodes fail to connect.
func instAnswers(payloads map[string]map[string]string) *fakeRPC {
	return &fakeRPC{answer: func(procedure string, n *objects.Node) NodeResult {
		if p, ok := payloads[procedure][n.Name]; ok {
			return NodeResult{Payload: json.RawMessage(p)}
		}
		return NodeResult{}
	}}
}

// instRows runs Query over env and returns each row, encoded, by the
// short name of its instance (the first field must be "name").
func instRows(t *testing.T, env Env, fields []string, flt string) map[string]string {
	t.Helper()
	res, err := New("instance", env)
	require.NoError(t, err)
	var f *query.Filter
	if flt != "" {
		var err error
		f, err = query.ParseFilter([]byte(flt))
		require.NoError(t, err)
	}
	r, err := res.Query(context.Background(), fields, f)
	require.NoError(t, err)
	rows := map[string]string{}
	for _, row := range r.Data {
		data, err := hsjson.Marshal(row[1:])
		require.NoError(t, err)
		name := row[0].Value.(string)
		rows[name[:len("instanceN")]] = string(data)
	}
	return rows
}

var instStatusFields = []string{"name", "status", "oper_state", "oper_ram", "oper_vcpus"}

func TestInstanceStatusAlgorithm(t *testing.T) {
	const (
		running  = `{"memory":512,"state":0,"vcpus":2,"time":10}`
		shutdown = `{"memory":0,"state":1,"vcpus":2,"time":0}`
	)
	tests := []struct {
		name    string
		setup   func(cfg *objects.ConfigData)
		answers map[string]string // node short name → all_instances_info payload
		want    map[string]string
	}{
		{
			name: "all nodes down",
			want: map[string]string{
				"instance1": `[[0,"ERROR_nodedown"],[2,null],[2,null],[2,null]]`,
				"instance2": `[[0,"ERROR_nodeoffline"],[2,null],[4,null],[4,null]]`,
				"instance3": `[[0,"ERROR_nodedown"],[2,null],[2,null],[2,null]]`,
			},
		},
		{
			name:    "running on primary",
			answers: map[string]string{"node1": `{"instance1.example.com":` + running + `}`, "node2": `{}`},
			want: map[string]string{
				"instance1": `[[0,"running"],[0,true],[0,512],[0,2]]`,
				"instance2": `[[0,"ERROR_nodeoffline"],[2,null],[4,null],[4,null]]`,
				"instance3": `[[0,"ERROR_down"],[0,false],[3,null],[3,null]]`,
			},
		},
		{
			name:    "running on a wrong node",
			answers: map[string]string{"node1": `{}`, "node2": `{"instance1.example.com":` + running + `}`},
			want: map[string]string{
				"instance1": `[[0,"ERROR_wrongnode"],[0,true],[0,512],[0,2]]`,
				"instance3": `[[0,"ERROR_down"],[0,false],[3,null],[3,null]]`,
			},
		},
		{
			name:    "running on a wrong node, primary down",
			answers: map[string]string{"node2": `{"instance1.example.com":` + running + `}`},
			want: map[string]string{
				"instance1": `[[0,"ERROR_wrongnode"],[0,true],[0,512],[0,2]]`,
			},
		},
		{
			name:    "running on an offline primary",
			answers: map[string]string{"node2": `{"instance2.example.com":` + running + `}`},
			want: map[string]string{
				"instance2": `[[0,"ERROR_nodeoffline"],[0,true],[0,512],[0,2]]`,
			},
		},
		{
			name:    "shut down on primary, admin up",
			answers: map[string]string{"node1": `{"instance1.example.com":` + shutdown + `}`},
			want: map[string]string{
				"instance1": `[[0,"ERROR_down"],[0,true],[0,0],[0,2]]`,
			},
		},
		{
			name:    "shut down by the user, user shutdown enabled (xen)",
			setup:   func(cfg *objects.ConfigData) { cfg.Cluster.EnabledUserShutdown = true },
			answers: map[string]string{"node1": `{"instance1.example.com":` + shutdown + `}`},
			want: map[string]string{
				"instance1": `[[0,"USER_down"],[0,true],[0,0],[0,2]]`,
			},
		},
		{
			name: "shut down, kvm without user_shutdown",
			setup: func(cfg *objects.ConfigData) {
				cfg.Cluster.EnabledUserShutdown = true
				instByName(cfg, "instance1").Hypervisor = "kvm"
			},
			answers: map[string]string{"node1": `{"instance1.example.com":` + shutdown + `}`},
			want: map[string]string{
				"instance1": `[[0,"ERROR_down"],[0,true],[0,0],[0,2]]`,
			},
		},
		{
			name: "shut down, kvm with user_shutdown",
			setup: func(cfg *objects.ConfigData) {
				cfg.Cluster.EnabledUserShutdown = true
				inst := instByName(cfg, "instance1")
				inst.Hypervisor = "kvm"
				inst.HVParams = objects.Params{"user_shutdown": json.RawMessage("true")}
			},
			answers: map[string]string{"node1": `{"instance1.example.com":` + shutdown + `}`},
			want: map[string]string{
				"instance1": `[[0,"USER_down"],[0,true],[0,0],[0,2]]`,
			},
		},
		{
			name:    "running while admin down",
			setup:   func(cfg *objects.ConfigData) { instByName(cfg, "instance3").AdminState = objects.AdminDown },
			answers: map[string]string{"node2": `{"instance3.example.com":` + running + `}`},
			want: map[string]string{
				"instance3": `[[0,"ERROR_up"],[0,true],[0,512],[0,2]]`,
			},
		},
		{
			name:    "shut down while admin down",
			setup:   func(cfg *objects.ConfigData) { instByName(cfg, "instance3").AdminState = objects.AdminDown },
			answers: map[string]string{"node2": `{"instance3.example.com":` + shutdown + `}`},
			want: map[string]string{
				"instance3": `[[0,"ADMIN_down"],[0,true],[0,0],[0,2]]`,
			},
		},
		{
			name:    "not running, admin down",
			setup:   func(cfg *objects.ConfigData) { instByName(cfg, "instance3").AdminState = objects.AdminDown },
			answers: map[string]string{"node2": `{}`},
			want: map[string]string{
				"instance3": `[[0,"ADMIN_down"],[0,false],[3,null],[3,null]]`,
			},
		},
		{
			name: "not running, shut down by the user",
			setup: func(cfg *objects.ConfigData) {
				cfg.Cluster.EnabledUserShutdown = true
				inst := instByName(cfg, "instance3")
				inst.AdminState, inst.AdminStateSource = objects.AdminDown, objects.AdminSourceUser
			},
			answers: map[string]string{"node2": `{}`},
			want: map[string]string{
				"instance3": `[[0,"USER_down"],[0,false],[3,null],[3,null]]`,
			},
		},
		{
			name: "not running, user source but user shutdown disabled",
			setup: func(cfg *objects.ConfigData) {
				inst := instByName(cfg, "instance3")
				inst.AdminState, inst.AdminStateSource = objects.AdminDown, objects.AdminSourceUser
			},
			answers: map[string]string{"node2": `{}`},
			want: map[string]string{
				"instance3": `[[0,"ADMIN_down"],[0,false],[3,null],[3,null]]`,
			},
		},
		{
			name:    "not running, admin offline",
			setup:   func(cfg *objects.ConfigData) { instByName(cfg, "instance3").AdminState = objects.AdminOffline },
			answers: map[string]string{"node2": `{}`},
			want: map[string]string{
				"instance3": `[[0,"ADMIN_offline"],[0,false],[3,null],[3,null]]`,
			},
		},
		{
			name:    "malformed answer is a node failure",
			answers: map[string]string{"node1": `null`, "node2": `{"instance3.example.com":{"memory":1,"state":7,"vcpus":1,"time":0}}`},
			want: map[string]string{
				"instance1": `[[0,"ERROR_nodedown"],[2,null],[2,null],[2,null]]`,
				"instance3": `[[0,"ERROR_nodedown"],[2,null],[2,null],[2,null]]`,
			},
		},
		{
			name:    "a name listed twice is not found",
			answers: map[string]string{"node1": `{"instance1.example.com":` + running + `,"instance1.example.com":` + running + `}`},
			want: map[string]string{
				"instance1": `[[0,"ERROR_down"],[0,false],[3,null],[3,null]]`,
			},
		},
		{
			name:    "primary in an unknown group is not asked",
			setup:   func(cfg *objects.ConfigData) { cfg.Nodes["9a12d554-75c0-4cb1-8064-103365145db0"].Group = "nope" },
			answers: map[string]string{"node1": `{"instance1.example.com":` + running + `}`},
			want: map[string]string{
				"instance1": `[[0,"ERROR_nodedown"],[2,null],[2,null],[2,null]]`,
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := goldenConfig(t)
			if tc.setup != nil {
				tc.setup(cfg)
			}
			payloads := map[string]string{}
			for node, p := range tc.answers {
				payloads[node+".example.com"] = p
			}
			rpc := instAnswers(map[string]map[string]string{"all_instances_info": payloads})
			rows := instRows(t, Env{Config: cfg, RPC: rpc}, instStatusFields, "")
			for name, want := range tc.want {
				assert.Equal(t, want, rows[name], name)
			}
		})
	}
}

// instByName returns the golden instance with the given short name.
func instByName(cfg *objects.ConfigData, short string) *objects.Instance {
	for _, inst := range cfg.Instances {
		if inst.Name == short+".example.com" {
			return inst
		}
	}
	panic("no instance " + short)
}

func TestInstanceStatusFilters(t *testing.T) {
	cfg := goldenConfig(t)
	rpc := instAnswers(map[string]map[string]string{"all_instances_info": {
		"node1.example.com": `{"instance1.example.com":{"memory":512,"state":0,"vcpus":2,"time":10}}`,
		"node2.example.com": `{}`,
	}})
	env := Env{Config: cfg, RPC: rpc}
	rows := instRows(t, env, []string{"name"}, `["==", "status", "running"]`)
	assert.Equal(t, map[string]string{"instance1": `[]`}, rows)
	rows = instRows(t, env, []string{"name"}, `["?", "oper_state"]`)
	assert.Equal(t, []string{"instance1", "instance2"}, instKeys(rows), "no data passes every leaf")
	rows = instRows(t, env, []string{"name", "oper_ram"}, `[">", "oper_ram", 100]`)
	assert.Equal(t, map[string]string{"instance1": `[[0,512]]`, "instance2": `[[4,null]]`, "instance3": `[[3,null]]`}, rows,
		"cells without a value pass")
}

func instKeys(m map[string]string) []string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	query.NiceSort(keys)
	return keys
}

func TestInstanceConsole(t *testing.T) {
	cfg := goldenConfig(t)
	rpc := instAnswers(map[string]map[string]string{
		"all_instances_info": {
			"node1.example.com": `{"instance1.example.com":{"memory":512,"state":0,"vcpus":2,"time":10}}`,
			"node2.example.com": `{}`,
		},
		"instance_console_info": {
			"node1.example.com": `{"instance1.example.com":{"display":":1","kind":"vnc","host":"node1","port":5901,"instance":"instance1.example.com","extra":1}}`,
			"node2.example.com": `{}`,
		},
	})
	rows := instRows(t, Env{Config: cfg, RPC: rpc}, []string{"name", "console"}, "")
	assert.Equal(t, map[string]string{
		"instance1": `[[0,{"instance":"instance1.example.com","kind":"vnc","host":"node1","port":5901,"display":":1"}]]`,
		"instance2": `[[4,null]]`,
		"instance3": `[[2,null]]`,
	}, rows)
	var console *rpcCall
	for i, c := range rpc.calls {
		if c.procedure == "instance_console_info" {
			console = &rpc.calls[i]
		}
	}
	require.NotNil(t, console)
	assert.Equal(t, []string{"node2.example.com", "node3.example.com", "node1.example.com"}, console.nodes,
		"grouped by primary node uuid")
	var body map[string]map[string]json.RawMessage
	require.NoError(t, json.Unmarshal([]byte(console.bodies["node1.example.com"]), &body))
	require.Contains(t, body, "instance1.example.com")
	params := body["instance1.example.com"]
	assert.Contains(t, string(params["instance"]), `"uuid":"6c078d22-3eb6-4780-857d-81772e09eef1"`)
	assert.Contains(t, string(params["node"]), `"name":"node1.example.com"`)
	assert.Contains(t, string(params["group"]), `"name":"default"`)
	assert.Contains(t, string(params["hvParams"]), `"xen_cmd":"xm"`, "console hvparams keep the globals")
	assert.Equal(t, `{"minmem":128,"maxmem":128,"vcpus":1,"auto_balance":true,"always_failover":false,"spindle_use":1}`, string(params["beParams"]))
	assert.Equal(t, `{"instance1.example.com":{"instance":`, console.bodies["node1.example.com"][:37])
}

func TestInstanceConsoleNotRequested(t *testing.T) {
	rpc := &fakeRPC{}
	instRows(t, Env{Config: goldenConfig(t), RPC: rpc}, []string{"name", "status"}, "")
	require.Len(t, rpc.calls, 1)
	assert.Equal(t, "all_instances_info", rpc.calls[0].procedure)
}

// TestInstanceConsoleWithoutParams: when the console parameters of one
// instance cannot be built (its primary node's group is missing), no
// console is asked for at all.
func TestInstanceConsoleWithoutParams(t *testing.T) {
	cfg := goldenConfig(t)
	cfg.Nodes["2ae3d962-2dad-44f2-bdb1-85f77107f907"].Group = "missing" // node2, instance3's primary
	rpc := instAnswers(map[string]map[string]string{
		"all_instances_info":    {"node1.example.com": `{"instance1.example.com":{"memory":512,"state":0,"vcpus":2,"time":10}}`},
		"instance_console_info": {"node1.example.com": `{"instance1.example.com":{"instance":"instance1.example.com","kind":"ssh"}}`},
	})
	rows := instRows(t, Env{Config: cfg, RPC: rpc}, []string{"name", "console", "pnode.group"}, "")
	assert.Equal(t, map[string]string{
		"instance1": `[[2,null],[0,"default"]]`,
		"instance2": `[[4,null],[0,"default"]]`,
		"instance3": `[[2,null],[2,null]]`,
	}, rows)
	for _, c := range rpc.calls {
		assert.NotEqual(t, "instance_console_info", c.procedure)
	}
}
