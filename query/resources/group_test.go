package resources

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/goluxid/goluxid/ganeti/gerrors"
	"github.com/goluxid/goluxid/ganeti/objects"
)

// Golden config group uuids.
const (
	groupDefaultUUID = "5244a46d-7506-4e14-922d-02b58153dde1"
	groupAnotherUUID = "6c0a8916-b719-45ad-95dd-82192b1e473f"
)

func TestGroupNodesAndInstances(t *testing.T) {
	cfg := goldenConfig(t)
	// node1 moves to "another": the lists follow node uuid order, the
	// instances come from the group's nodes and are niceSorted.
	cfg.Nodes[node1UUID].Group = groupAnotherUUID
	got := nodeMustRun(t, Env{Config: cfg}, "group", []string{"name", "node_cnt", "node_list", "pinst_cnt", "pinst_list"}, "null")
	assert.Equal(t, `[`+
		`[[0,"another"],[0,2],[0,["node10.example.com","node1.example.com"]],[0,1],[0,["instance1.example.com"]]],`+
		`[[0,"default"],[0,2],[0,["node2.example.com","node3.example.com"]],[0,2],[0,["instance2.example.com","instance3.example.com"]]]]`, got)
}

func TestGroupEmpty(t *testing.T) {
	cfg := goldenConfig(t)
	empty := *cfg.NodeGroups[groupAnotherUUID]
	empty.UUID, empty.Name, empty.Tags = "00000000-0000-4000-8000-00000000e001", "empty", []string{"z", "a", "z"}
	empty.NDParams = objects.PartialNDParams{}
	cfg.NodeGroups[empty.UUID] = &empty
	got := nodeMustRun(t, Env{Config: cfg}, "group", []string{"name", "node_cnt", "node_list", "pinst_cnt", "pinst_list", "tags", "ndp/exclusive_storage"},
		`["==","name","empty"]`)
	assert.Equal(t, `[[[0,"empty"],[0,0],[0,[]],[0,0],[0,[]],[0,["a","z"]],[0,false]]]`, got)
}

func TestGroupParams(t *testing.T) {
	env := Env{Config: goldenConfig(t)}
	got := nodeMustRun(t, env, "group", []string{"name", "ndparams", "custom_ndparams", "custom_ipolicy", "ndp/cpu_speed", "ndp/exclusive_storage"}, "null")
	assert.Equal(t, `[`+
		`[[0,"another"],[0,{"oob_program":"","spindle_count":1,"exclusive_storage":true,"ovs":false,"ovs_name":"switch1","ovs_link":"","ssh_port":22,"cpu_speed":1}],[0,{"exclusive_storage":true}],`+
		`[0,{"minmax":[{"min":{"memory-size":128,"disk-size":1024,"disk-count":2,"cpu-count":2,"nic-count":1,"spindle-use":1},"max":{"memory-size":32768,"disk-size":1048576,"disk-count":16,"cpu-count":8,"nic-count":18,"spindle-use":14}}],"spindle-ratio":5.2,"vcpu-ratio":3.14,"disk-templates":["plain"]}],[0,1],[0,true]],`+
		`[[0,"default"],[0,{"oob_program":"","spindle_count":1,"exclusive_storage":false,"ovs":false,"ovs_name":"switch1","ovs_link":"","ssh_port":22,"cpu_speed":1}],[0,{}],[0,{}],[0,1],[0,false]]]`, got)
}

func TestGroupLookup(t *testing.T) {
	env := Env{Config: goldenConfig(t)}
	assert.Equal(t, `[[[0,"another"]]]`, nodeMustRun(t, env, "group", []string{"name"}, `["==","name","another"]`))
	assert.Equal(t, `[[[0,"another"]]]`, nodeMustRun(t, env, "group", []string{"name"}, `["==","uuid","`+groupAnotherUUID+`"]`))
	// Found by uuid, then the name filter drops it.
	assert.Equal(t, `[]`, nodeMustRun(t, env, "group", []string{"name"}, `["==","name","`+groupAnotherUUID+`"]`))
	assert.Equal(t, `[[[0,"default"]],[[0,"another"]]]`, nodeMustRun(t, env, "group", []string{"name"}, `["|",["==","name","default"],["==","name","another"]]`))
	_, err := nodeRun(t, env, "group", []string{"name"}, `["==","name","def"]`)
	assert.Equal(t, []any{"OpPrereqError", []any{"NodeGroup name def not found", "unknown_entity"}}, gerrors.Encode(err))

	// Group names are not hostnames for filters, but lookups accept a
	// "<name>." prefix.
	cfg := goldenConfig(t)
	cfg.NodeGroups[groupAnotherUUID].Name = "rack1.dc1"
	env = Env{Config: cfg}
	assert.Equal(t, `[]`, nodeMustRun(t, env, "group", []string{"name"}, `["==","name","rack1"]`))
	assert.Equal(t, `[[[0,"rack1.dc1"]]]`, nodeMustRun(t, env, "group", []string{"name"}, `["==","name","rack1.dc1"]`))
	assert.Equal(t, `[[[0,"rack1.dc1"]]]`, nodeMustRun(t, env, "group", []string{"name"}, `["=~","name","^rack"]`))
}

func TestGroupNoLiveData(t *testing.T) {
	rpc := &fakeRPC{}
	nodeMustRun(t, Env{Config: goldenConfig(t), RPC: rpc}, "group", []string{"name", "node_cnt", "pinst_list", "ctime"}, "null")
	assert.Empty(t, rpc.recorded())
}
