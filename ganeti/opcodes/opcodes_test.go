package opcodes

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// delay is an OP_TEST_DELAY with the given extra members.
func delay(extra string) string {
	op := `{"OP_ID":"OP_TEST_DELAY","duration":1,"reason":[]`
	if extra != "" {
		op += "," + extra
	}
	return op + "}"
}

func TestValidateRejects(t *testing.T) {
	tests := []struct {
		name, op, want string
	}{
		// not an opcode at all
		{"array", `[]`, `Unable to read JSObject`},
		{"number", `5`, `Unable to read JSObject`},
		{"empty object", `{}`, `key 'reason' not found, object contains only []`},
		{"not json", `{"OP_ID":`, `Invalid JSON: unexpected end at offset 9`},
		// OP_ID
		{"no OP_ID", `{"reason":[],"duration":1}`, `key 'OP_ID' not found, object contains only ["reason","duration"]`},
		{"unknown OP_ID", `{"OP_ID":"OP_NOPE","reason":[]}`, `Unknown opcode OP_NOPE`},
		{"OP_ID not a string", `{"OP_ID":true,"reason":[]}`, `key 'OP_ID': Unable to read String`},
		// missing required parameters
		{"missing reason", `{"OP_ID":"OP_TEST_DELAY"}`, `key 'reason' not found, object contains only ["OP_ID"]`},
		{"missing duration", `{"OP_ID":"OP_TEST_DELAY","reason":[]}`, `key 'duration' not found, object contains only ["OP_ID","reason"]`},
		{"missing instance name", `{"OP_ID":"OP_INSTANCE_STARTUP","reason":[]}`, `key 'instance_name' not found, object contains only ["OP_ID","reason"]`},
		{"missing node name", `{"OP_ID":"OP_NODE_ADD","reason":[],"readd":true}`, `key 'node_name' not found, object contains only ["OP_ID","reason","readd"]`},
		// wrong types
		{"double as string", `{"OP_ID":"OP_TEST_DELAY","duration":"1","reason":[]}`, `Can't parse value for 'duration': Unable to read Double`},
		{"double null", `{"OP_ID":"OP_TEST_DELAY","duration":null,"reason":[]}`, `Can't parse value for 'duration': Unable to read Double`},
		{"bool as int", delay(`"on_master":1`), `Can't parse value for 'on_master': Unable to read Bool`},
		{"int as string", delay(`"repeat":"2"`), `Can't parse value for 'repeat': Unable to read Int`},
		{"negative non-negative", delay(`"repeat":-2`), `Can't parse value for 'repeat': Invalid value for non-negative type '-2'`},
		{"empty non-empty string", delay(`"on_nodes":[""]`), `Can't parse value for 'on_nodes': Received empty value for non-empty list`},
		{"list as string", delay(`"on_nodes":"node1"`), `Can't parse value for 'on_nodes': Unable to read list`},
		{"bad char list", delay(`"on_nodes":[["no"]]`), `Can't parse value for 'on_nodes': Unable to read Char`},
		{"positive zero", `{"OP_ID":"OP_CLUSTER_SET_PARAMS","reason":[],"max_running_jobs":0}`, `Can't parse value for 'max_running_jobs': Invalid value for positive type '0'`},
		{"bad enum", `{"OP_ID":"OP_INSTANCE_REBOOT","reason":[],"instance_name":"i","reboot_type":"warm"}`, `Can't parse value for 'reboot_type': Invalid string value for type RebootType: "warm"`},
		{"enum not a string", `{"OP_ID":"OP_INSTANCE_REBOOT","reason":[],"instance_name":"i","reboot_type":1}`, `Can't parse value for 'reboot_type': Can't parse value for 'RebootType': Unable to read String`},
		{"object as list", `{"OP_ID":"OP_INSTANCE_STARTUP","reason":[],"instance_name":"i","beparams":[]}`, `Can't parse value for 'beparams': Unable to read JSObject`},
		{"container as list", `{"OP_ID":"OP_CLUSTER_SET_PARAMS","reason":[],"os_hvp":[1, {"a": "b"}]}`, `Can't parse value for 'os_hvp': Failed to load container, expected object but got [1, {"a": "b"}]`},
		{"container bad value", `{"OP_ID":"OP_CLUSTER_SET_PARAMS","reason":[],"os_hvp":{"debian":1}}`, `Can't parse value for 'os_hvp': key 'debian': Unable to read JSObject`},
		{"container bad key", `{"OP_ID":"OP_CLUSTER_SET_PARAMS","reason":[],"diskparams":{"floppy":{}}}`, `Can't parse value for 'diskparams': Invalid string value for type DiskTemplate: "floppy"`},
		{"set not a list", `{"OP_ID":"OP_CLUSTER_VERIFY_CONFIG","reason":[],"ignore_errors":{}}`, `Can't parse value for 'ignore_errors': readJSON{Set}: unable to parse array value`},
		{"pair too long", `{"OP_ID":"OP_CLUSTER_SET_PARAMS","reason":[],"add_uids":[[1,2,3]]}`, `Can't parse value for 'add_uids': Unable to read Pair`},
		{"disk index", `{"OP_ID":"OP_INSTANCE_GROW_DISK","reason":[],"instance_name":"i","disk":-1,"amount":1}`, `Can't parse value for 'disk': Invalid value for disk index '-1', required between 0 and 16`},
		{"export target", `{"OP_ID":"OP_BACKUP_EXPORT","reason":[],"instance_name":"i","target_node":{"a":1}}`, `Can't parse value for 'target_node': Invalid value received for 'target_node': {"a": 1}`},
		{"recreate disks", `{"OP_ID":"OP_INSTANCE_RECREATE_DISKS","reason":[],"instance_name":"i","disks":[true]}`, `Can't parse value for 'disks': Can't parse disk information as either list of disk indices or list of disk parameters; value received:[true]`},
		// long values wrap as the real luxid's pretty printer lays them out
		{"container wraps", `{"OP_ID":"OP_CLUSTER_SET_PARAMS","reason":[],"hvparams":["kvm-00-some-longer-parameter-name","kvm-01-some-longer-parameter-name","kvm-02-some-longer-parameter-name","kvm-03-some-longer-parameter-name","kvm-04-some-longer-parameter-name","kvm-05-some-longer-parameter-name",{"kernel_path":"/boot/vmlinuz-3-xenU","root_path":"/dev/xvda1"}]}`, "Can't parse value for 'hvparams': Failed to load container, expected object but got [\"kvm-00-some-longer-parameter-name\",\n \"kvm-01-some-longer-parameter-name\",\n \"kvm-02-some-longer-parameter-name\",\n \"kvm-03-some-longer-parameter-name\",\n \"kvm-04-some-longer-parameter-name\",\n \"kvm-05-some-longer-parameter-name\",\n {\"kernel_path\": \"/boot/vmlinuz-3-xenU\", \"root_path\": \"/dev/xvda1\"}]"},
		{"recreate disks wraps", `{"OP_ID":"OP_INSTANCE_RECREATE_DISKS","reason":[],"instance_name":"inst1.example.com","disks":[[0,{"mode":"x","size":1024,"vg":"xenvg-with-a-long-name"}],[1,{"mode":"rw","size":2048,"metavg":"another-long-vg-name"}]]}`, "Can't parse value for 'disks': Can't parse disk information as either list of disk indices or list of disk parameters; value received:[[0, {\"mode\": \"x\", \"size\": 1024, \"vg\": \"xenvg-with-a-long-name\"}],\n [1,\n  {\"mode\": \"rw\", \"size\": 2048, \"metavg\": \"another-long-vg-name\"}]]"},
		{"nic modification", `{"OP_ID":"OP_INSTANCE_SET_PARAMS","reason":[],"instance_name":"i","nics":[["swap",{}]]}`, `Can't parse value for 'nics': Unable to read Triple`},
		{"disk size unit", `{"OP_ID":"OP_INSTANCE_CREATE","reason":[],"instance_name":"i","mode":"create","disk_template":"plain","disks":[{"size":"5 PB"}],"nics":[]}`, `Can't parse value for 'disks': Unknown unit 'PB'`},
		{"nic key", `{"OP_ID":"OP_INSTANCE_CREATE","reason":[],"instance_name":"i","mode":"create","disk_template":"plain","disks":[],"nics":[{"speed":1}]}`, `Can't parse value for 'nics': Superfluous dictionary keys: ["speed"], but only ["bridge","ip","link","mac","mode","name","network","vlan"] allowed.`},
		// superfluous keys
		{"superfluous", delay(`"bogus_extra":1`), `Superfluous dictionary keys: ["bogus_extra"], but only ["OP_ID","comment","debug_level","depends","dry_run","duration","interruptible","no_locks","on_master","on_node_uuids","on_nodes","priority","reason","repeat"] allowed.`},
		{"superfluous sorted once", delay(`"b":1,"a":2,"b":3`), `Superfluous dictionary keys: ["a","b"], but only ["OP_ID","comment","debug_level","depends","dry_run","duration","interruptible","no_locks","on_master","on_node_uuids","on_nodes","priority","reason","repeat"] allowed.`},
		{"superfluous shown as Haskell", `{"OP_ID":"OP_CLUSTER_POST_INIT","reason":[],"caf\u00e9":1,"tab\t":2}`, `Superfluous dictionary keys: ["caf\233","tab\t"], but only ["OP_ID","comment","debug_level","depends","dry_run","priority","reason"] allowed.`},
		{"type error before superfluous", `{"OP_ID":"OP_TEST_DELAY","duration":"x","reason":[],"zzz":1}`, `Can't parse value for 'duration': Unable to read Double`},
		// priority
		{"priority 5", delay(`"priority":5`), `Can't parse value for 'priority': Invalid string value for type OpSubmitPriority: 5`},
		{"priority -20", delay(`"priority":-20`), `Can't parse value for 'priority': Invalid string value for type OpSubmitPriority: -20`},
		{"priority 1", delay(`"priority":1`), `Can't parse value for 'priority': Invalid string value for type OpSubmitPriority: 1`},
		{"priority string", delay(`"priority":"high"`), `Can't parse value for 'priority': Can't parse value for 'OpSubmitPriority': Unable to read Int`},
		// other common parameters
		{"dry_run", delay(`"dry_run":"yes"`), `Can't parse value for 'dry_run': Unable to read Bool`},
		{"debug_level", delay(`"debug_level":-1`), `Can't parse value for 'debug_level': Invalid value for non-negative type '-1'`},
		{"comment", delay(`"comment":{}`), `Can't parse value for 'comment': Unable to read String`},
		// depends
		{"depends not list", delay(`"depends":1`), `Can't parse value for 'depends': Unable to read list`},
		{"depends not pair", delay(`"depends":[[1]]`), `Can't parse value for 'depends': Unable to read Pair`},
		{"depends bad status", delay(`"depends":[[1,["running"]]]`), `Can't parse value for 'depends': Invalid string value for type FinalizedJobStatus: "running"`},
		{"depends statuses", delay(`"depends":[[1,"success"]]`), `Can't parse value for 'depends': Unable to read list`},
		{"depends fraction", delay(`"depends":[[2.5,[]]]`), `Can't parse value for 'depends': Got fractional job ID from master daemon?! Value:5 % 2`},
		{"depends string", delay(`"depends":[["two",[]]]`), `Can't parse value for 'depends': parsing job id: cannot parse string 'two'`},
		{"depends leftover", delay(`"depends":[["2x",[]]]`), `Can't parse value for 'depends': parsing job id: leftover characters when parsing '2x': 'x'`},
		{"depends negative string", delay(`"depends":[["-3",[]]]`), `Can't parse value for 'depends': Invalid value for job ID ' -3'`},
		{"depends object", delay(`"depends":[[{"a":"b"},[]]]`), `Can't parse value for 'depends': Wrong type/value for job id: JSObject (JSONObject {fromJSObject = [("a",JSString (JSONString {fromJSString = "b"}))]})`},
		// reason
		{"reason null", `{"OP_ID":"OP_TEST_DELAY","duration":1,"reason":null}`, `Can't parse value for 'reason': Unable to read list`},
		{"reason pair", `{"OP_ID":"OP_TEST_DELAY","duration":1,"reason":[["a","b"]]}`, `Can't parse value for 'reason': Unable to read Triple`},
		{"reason source", `{"OP_ID":"OP_TEST_DELAY","duration":1,"reason":[[null,"b",1]]}`, `Can't parse value for 'reason': Unable to read String`},
		{"reason timestamp", `{"OP_ID":"OP_TEST_DELAY","duration":1,"reason":[["a","b","now"]]}`, `Can't parse value for 'reason': Unable to read Integer`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			op, err := schema30.Validate([]byte(tc.op))
			require.Error(t, err)
			assert.Nil(t, op)
			assert.Equal(t, tc.want, err.Error())
			assert.ErrorIs(t, err, ErrInvalid)
			assert.NotErrorIs(t, err, ErrDependency)
			var perr *Error
			assert.True(t, errors.As(err, &perr))
		})
	}
}

func TestValidateCanonical(t *testing.T) {
	tests := []struct {
		name, op, want string
	}{
		{"defaults filled", `{"OP_ID":"OP_TEST_DELAY","duration":1,"reason":[]}`,
			`{"priority":0,"depends":null,"comment":null,"reason":[],"OP_ID":"OP_TEST_DELAY","duration":1,"on_master":true,"on_nodes":[],"repeat":0,"interruptible":false,"no_locks":true}`},
		{"null means default or unset", delay(`"on_master":null,"on_node_uuids":null,"dry_run":null,"debug_level":null,"depends":null,"comment":null,"priority":null`),
			`{"priority":0,"depends":null,"comment":null,"reason":[],"OP_ID":"OP_TEST_DELAY","duration":1,"on_master":true,"on_nodes":[],"repeat":0,"interruptible":false,"no_locks":true}`},
		{"set optional kept", delay(`"dry_run":false,"debug_level":2,"on_node_uuids":["u"],"comment":"c","depends":[]`),
			`{"dry_run":false,"debug_level":2,"priority":0,"depends":[],"comment":"c","reason":[],"OP_ID":"OP_TEST_DELAY","duration":1,"on_master":true,"on_nodes":[],"on_node_uuids":["u"],"repeat":0,"interruptible":false,"no_locks":true}`},
		{"doubles", `{"OP_ID":"OP_TEST_DELAY","duration":2.0,"reason":[]}`,
			`{"priority":0,"depends":null,"comment":null,"reason":[],"OP_ID":"OP_TEST_DELAY","duration":2,"on_master":true,"on_nodes":[],"repeat":0,"interruptible":false,"no_locks":true}`},
		{"small double", `{"OP_ID":"OP_TEST_DELAY","duration":0.05,"reason":[]}`,
			`{"priority":0,"depends":null,"comment":null,"reason":[],"OP_ID":"OP_TEST_DELAY","duration":5.0e-2,"on_master":true,"on_nodes":[],"repeat":0,"interruptible":false,"no_locks":true}`},
		{"ints rounded", delay(`"repeat":2.5,"debug_level":0.6,"priority":9.9`),
			`{"debug_level":1,"priority":10,"depends":null,"comment":null,"reason":[],"OP_ID":"OP_TEST_DELAY","duration":1,"on_master":true,"on_nodes":[],"repeat":2,"interruptible":false,"no_locks":true}`},
		{"string from characters", delay(`"comment":["h","i"]`),
			`{"priority":0,"depends":null,"comment":"hi","reason":[],"OP_ID":"OP_TEST_DELAY","duration":1,"on_master":true,"on_nodes":[],"repeat":0,"interruptible":false,"no_locks":true}`},
		{"first duplicate wins", `{"OP_ID":"OP_TEST_DELAY","duration":3,"duration":"x","reason":[],"OP_ID":"OP_NOPE"}`,
			`{"priority":0,"depends":null,"comment":null,"reason":[],"OP_ID":"OP_TEST_DELAY","duration":3,"on_master":true,"on_nodes":[],"repeat":0,"interruptible":false,"no_locks":true}`},
		{"strings escaped as luxid does", delay(`"comment":"\u00e9\u0001\u001f\"\\/\u007f\t"`),
			"{\"priority\":0,\"depends\":null,\"comment\":\"\u00e9\\u0001\\u001f\\\"\\\\/\u007f\\t\",\"reason\":[],\"OP_ID\":\"OP_TEST_DELAY\",\"duration\":1,\"on_master\":true,\"on_nodes\":[],\"repeat\":0,\"interruptible\":false,\"no_locks\":true}"},
		{"depends and reason", `{"OP_ID":"OP_TEST_DELAY","duration":1,"depends":[["7",["success"]],[-1,[]]],"reason":[["a","b",1.7e18]]}`,
			`{"priority":0,"depends":[[7,["success"]],[-1,[]]],"comment":null,"reason":[["a","b",1700000000000000000]],"OP_ID":"OP_TEST_DELAY","duration":1,"on_master":true,"on_nodes":[],"repeat":0,"interruptible":false,"no_locks":true}`},
		{"sets sorted in constructor order", `{"OP_ID":"OP_CLUSTER_VERIFY_CONFIG","reason":[],"ignore_errors":["ENODEN1","ECLUSTERCFG","ENODEN1"]}`,
			`{"priority":0,"depends":null,"comment":null,"reason":[],"OP_ID":"OP_CLUSTER_VERIFY_CONFIG","debug_simulate_errors":false,"error_codes":false,"ignore_errors":["ECLUSTERCFG","ENODEN1"],"verbose":false}`},
		{"containers sorted, objects kept", `{"OP_ID":"OP_CLUSTER_SET_PARAMS","reason":[],"os_hvp":{"z":{"b":1,"a":1.0},"a":{}},"beparams":{"y":1,"x":2,"y":3}}`,
			`{"priority":0,"depends":null,"comment":null,"reason":[],"OP_ID":"OP_CLUSTER_SET_PARAMS","force":false,"beparams":{"y":1,"x":2,"y":3},"os_hvp":{"a":{},"z":{"b":1,"a":1}}}`},
		{"secrets redacted", `{"OP_ID":"OP_TEST_OS_PARAMS","reason":[],"osparams_secret":{"pw":"s3cret"}}`,
			`{"priority":0,"depends":null,"comment":null,"reason":[],"OP_ID":"OP_TEST_OS_PARAMS","osparams_secret":{"pw":"<redacted>"}}`},
		{"disk parameters", `{"OP_ID":"OP_INSTANCE_RECREATE_DISKS","reason":[],"instance_name":"i","disks":[[1,{"vg":"xenvg","size":"2g","b":1,"a":2}]]}`,
			`{"priority":0,"depends":null,"comment":null,"reason":[],"OP_ID":"OP_INSTANCE_RECREATE_DISKS","instance_name":"i","disks":[[1,{"size":2048,"vg":"xenvg","a":2,"b":1}]],"nodes":[]}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			op, err := schema30.Validate([]byte(tc.op))
			require.NoError(t, err)
			got, err := op.MarshalJSON()
			require.NoError(t, err)
			assert.Equal(t, tc.want, string(got))
		})
	}
}

// TestCanonicalJobFileExamples reproduces job file inputs luxid wrote: a
// queued job, a relative dependency, a client's reason trail, and a job
// process's input rewritten by death detection.
func TestCanonicalJobFileExamples(t *testing.T) {
	t.Run("queued job 26", func(t *testing.T) {
		op := mustValidate(t, `{"OP_ID": "OP_TEST_DELAY", "duration": 2, "on_master": true, "repeat": 3, "reason": []}`)
		got, err := op.Canonical(26, 0, 1795754335000232000)
		require.NoError(t, err)
		assert.Equal(t, `{"priority":0,"depends":null,"comment":null,"reason":[["gnt:opcode:test_delay","job=26;index=0",1795754335000232000]],"OP_ID":"OP_TEST_DELAY","duration":2,"on_master":true,"on_nodes":[],"repeat":3,"interruptible":false,"no_locks":true}`, string(got))
	})
	t.Run("relative dependency of job 3", func(t *testing.T) {
		op := mustValidate(t, `{"OP_ID": "OP_TEST_DELAY", "duration": 1, "depends": [[-1, []]], "reason": []}`)
		got, err := op.Canonical(3, 0, 1795755288477701000)
		require.NoError(t, err)
		assert.Equal(t, `{"priority":0,"depends":[[2,[]]],"comment":null,"reason":[["gnt:opcode:test_delay","job=3;index=0",1795755288477701000]],"OP_ID":"OP_TEST_DELAY","duration":1,"on_master":true,"on_nodes":[],"repeat":0,"interruptible":false,"no_locks":true}`, string(got))
	})
	t.Run("client reason kept in front", func(t *testing.T) {
		op := mustValidate(t, `{"OP_ID": "OP_TEST_DELAY", "duration": 1, "reason": [["gnt:client:gnt-debug", "delay", 1700000000000000000]]}`)
		got, err := op.Canonical(22, 0, 1795754201533670000)
		require.NoError(t, err)
		assert.Contains(t, string(got), `"reason":[["gnt:client:gnt-debug","delay",1700000000000000000],["gnt:opcode:test_delay","job=22;index=0",1795754201533670000]]`)
	})
	t.Run("death detection rewrite of a job process's input", func(t *testing.T) {
		in := schema30.ParseInput(json.RawMessage(`{"duration": 20.0, "on_master": true, "on_nodes": [], "on_node_uuids": ["9a12d554-75c0-4cb1-8064-103365145db0"], "repeat": 0, "interruptible": false, "no_locks": true, "dry_run": null, "debug_level": 0, "priority": 0, "depends": null, "comment": null, "reason": [["gnt:opcode:test_delay", "job=5;index=0", 1795753960326336000]], "OP_ID": "OP_TEST_DELAY"}`))
		require.NotNil(t, in.OpCode())
		got, err := in.WithReason("gnt:daemon:luxid:deathdetection", "detected death of job 5", 1795753962954844000).MarshalJSON()
		require.NoError(t, err)
		assert.Equal(t, `{"debug_level":0,"priority":0,"depends":null,"comment":null,"reason":[["gnt:opcode:test_delay","job=5;index=0",1795753960326336000],["gnt:daemon:luxid:deathdetection","detected death of job 5",1795753962954844000]],"OP_ID":"OP_TEST_DELAY","duration":20,"on_master":true,"on_nodes":[],"on_node_uuids":["9a12d554-75c0-4cb1-8064-103365145db0"],"repeat":0,"interruptible":false,"no_locks":true}`, string(got))
	})
}

func mustValidate(t *testing.T, raw string) *OpCode {
	t.Helper()
	op, err := schema30.Validate([]byte(raw))
	require.NoError(t, err)
	return op
}

func TestSubmit(t *testing.T) {
	op := mustValidate(t, `{"OP_ID":"OP_TEST_DELAY","duration":1,"depends":[[-2,["success"]],[4,[]]],"reason":[["a","b",1]]}`)
	sub, err := op.Submit(10, 1, 99000)
	require.NoError(t, err)
	assert.Equal(t, []Dependency{{JobID: 8, Statuses: []string{"success"}}, {JobID: 4, Statuses: []string{}}}, sub.Depends())
	assert.Equal(t, []Reason{{"a", "b", "1"}, {"gnt:opcode:test_delay", "job=10;index=1", "99000"}}, sub.Reasons())

	// The original is unchanged, and Canonical writes what Submit returns.
	assert.Equal(t, int64(-2), op.Depends()[0].JobID)
	assert.Len(t, op.Reasons(), 1)
	want, err := sub.MarshalJSON()
	require.NoError(t, err)
	got, err := op.Canonical(10, 1, 99000)
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got))

	// Two submissions of one opcode do not share their trails.
	a, err := op.Submit(11, 0, 1)
	require.NoError(t, err)
	b, err := op.Submit(12, 0, 2)
	require.NoError(t, err)
	assert.Equal(t, "job=11;index=0", a.Reasons()[1].Text)
	assert.Equal(t, "job=12;index=0", b.Reasons()[1].Text)

	_, err = op.Submit(1, 0, 0)
	require.Error(t, err)
	assert.Equal(t, "Invalid value for job ID ' -1'", err.Error())
	assert.ErrorIs(t, err, ErrDependency)
	assert.NotErrorIs(t, err, ErrInvalid)
	_, err = op.Canonical(1, 0, 0)
	assert.Error(t, err)
}

func TestAccessors(t *testing.T) {
	op := mustValidate(t, `{"OP_ID":"OP_INSTANCE_REINSTALL","reason":[["src","why",5]],"instance_name":"inst1","priority":-10,"osparams_secret":{"pw":"s3cret","n":1.0}}`)
	assert.Equal(t, "OP_INSTANCE_REINSTALL", op.ID())
	assert.Equal(t, "OP_INSTANCE_REINSTALL", op.Def().ID)
	assert.Equal(t, PriorityLow, op.Priority())
	assert.Nil(t, op.Depends())
	assert.Equal(t, []Reason{{Source: "src", Text: "why", Timestamp: "5"}}, op.Reasons())
	assert.Equal(t, `{"pw":"s3cret","n":1}`, string(op.Secrets()))
	assert.Equal(t, `{"OP_ID":"OP_INSTANCE_REINSTALL","instance_name":"inst1","force_variant":false,"osparams_secret":{"pw":"<redacted>","n":"<redacted>"}}`, string(op.Fields()))

	plain := mustValidate(t, delay(""))
	assert.Nil(t, plain.Secrets(), "no secret parameter")
	assert.Equal(t, PriorityNormal, plain.Priority())
	unset := mustValidate(t, `{"OP_ID":"OP_TEST_OS_PARAMS","reason":[]}`)
	assert.Nil(t, unset.Secrets(), "secret parameter unset")
}

func TestSummary(t *testing.T) {
	tests := []struct{ op, want string }{
		{delay(""), "TEST_DELAY(1.0)"},
		{`{"OP_ID":"OP_TEST_DELAY","duration":15,"reason":[]}`, "TEST_DELAY(15.0)"},
		{`{"OP_ID":"OP_TEST_DELAY","duration":0.1,"reason":[]}`, "TEST_DELAY(0.1)"},
		{`{"OP_ID":"OP_TEST_DELAY","duration":1e7,"reason":[]}`, "TEST_DELAY(1.0e7)"},
		{`{"OP_ID":"OP_TEST_DELAY","duration":0,"reason":[]}`, "TEST_DELAY(0.0)"},
		{`{"OP_ID":"OP_TEST_DELAY","duration":-1.5,"reason":[]}`, "TEST_DELAY(-1.5)"},
		{`{"OP_ID":"OP_TEST_DELAY","duration":0.05,"reason":[]}`, "TEST_DELAY(5.0e-2)"},
		{`{"OP_ID":"OP_CLUSTER_VERIFY_CONFIG","reason":[]}`, "CLUSTER_VERIFY_CONFIG"},
		{`{"OP_ID":"OP_INSTANCE_STARTUP","reason":[],"instance_name":"inst1.example.com"}`, "INSTANCE_STARTUP(inst1.example.com)"},
		{`{"OP_ID":"OP_INSTANCE_RENAME","reason":[],"instance_name":"a","new_name":"b"}`, "INSTANCE_RENAME"},
		{`{"OP_ID":"OP_NODE_EVACUATE","reason":[],"node_name":"node2","mode":"all"}`, "NODE_EVACUATE(node2)"},
		{`{"OP_ID":"OP_GROUP_ADD","reason":[],"group_name":"g"}`, "GROUP_ADD(g)"},
		{`{"OP_ID":"OP_QUERY","reason":[],"what":"instance","fields":[]}`, "QUERY(instance)"},
		{`{"OP_ID":"OP_TAGS_GET","reason":[],"kind":"cluster"}`, "TAGS_GET(TagKindCluster)"},
		{`{"OP_ID":"OP_TAGS_SEARCH","reason":[],"pattern":"^a"}`, "TAGS_SEARCH(^a)"},
		{`{"OP_ID":"OP_TEST_ALLOCATOR","reason":[],"direction":"in","mode":"relocate","name":"i"}`, "TEST_ALLOCATOR(None)"},
		{`{"OP_ID":"OP_NETWORK_CONNECT","reason":[],"group_name":"g","network_name":"n","network_mode":"routed","network_link":"l"}`, "NETWORK_CONNECT(n)"},
	}
	for _, tc := range tests {
		t.Run(tc.want, func(t *testing.T) {
			op := mustValidate(t, tc.op)
			assert.Equal(t, tc.want, op.Summary())
			assert.Equal(t, tc.want, InputOf(op).Summary())
		})
	}
}

// TestInvalidInput covers job-file inputs that are not valid opcodes.
func TestInvalidInput(t *testing.T) {
	tests := []struct{ raw, summary, written string }{
		{`{"OP_ID": "OP_DOES_NOT_EXIST", "foo": 1}`, "DOES_NOT_EXIST", `{"OP_ID":"OP_DOES_NOT_EXIST","foo":1}`},
		{`{"OP_ID": "OP_TEST_DELAY"}`, "TEST_DELAY", `{"OP_ID":"OP_TEST_DELAY"}`},
		{`{"foo": 1.0}`, "INVALID_OP", `{"foo":1}`},
		{`{"OP_ID": null}`, "INVALID_OP", `{"OP_ID":null}`},
		{`{"OP_ID": 5}`, "INVALID_OP", `{"OP_ID":5}`},
		{`{"OP_ID": "X"}`, "", `{"OP_ID":"X"}`},
		{`{"OP_ID": "OP_\u00e9t\u00e9"}`, "\u00e9t\u00e9", "{\"OP_ID\":\"OP_\u00e9t\u00e9\"}"},
		{`{"OP_ID": ["O", "P", "_", "Z"]}`, "Z", `{"OP_ID":["O","P","_","Z"]}`},
		{`[1, 2]`, "INVALID_OP", `[1,2]`},
		{`"OP_TEST_DELAY"`, "INVALID_OP", `"OP_TEST_DELAY"`},
		{`null`, "INVALID_OP", `null`},
		{`{not json`, "INVALID_OP", `{not json`},
	}
	for _, tc := range tests {
		t.Run(tc.raw, func(t *testing.T) {
			in := schema30.ParseInput(json.RawMessage(tc.raw))
			assert.Nil(t, in.OpCode())
			assert.Equal(t, tc.summary, in.Summary())
			assert.Equal(t, PriorityNormal, in.Priority())
			assert.Nil(t, in.Depends())
			written, err := in.WithReason("a", "b", 1).MarshalJSON()
			require.NoError(t, err)
			assert.Equal(t, tc.written, string(written))
		})
	}
	var zero Input
	assert.Equal(t, "INVALID_OP", zero.Summary())
	written, err := zero.MarshalJSON()
	require.NoError(t, err)
	assert.Equal(t, "null", string(written))
}

// TestGoldenQueueInputs reads the inputs of the job files of the golden
// queue (luxid/testdata/queue) as luxid shows them in the job fields
// "ops" and "summary" (luxid/testdata/query-cases.json, cases job-ops
// and job-all-default).
func TestGoldenQueueInputs(t *testing.T) {
	tests := []struct{ raw, ops, summary string }{
		{`{"OP_ID": "OP_CLUSTER_VERIFY_CONFIG", "debug_simulate_errors": false, "error_codes": false, "ignore_errors": [], "verbose": false, "priority": 0, "reason": []}`,
			`{"priority":0,"depends":null,"comment":null,"reason":[],"OP_ID":"OP_CLUSTER_VERIFY_CONFIG","debug_simulate_errors":false,"error_codes":false,"ignore_errors":[],"verbose":false}`,
			"CLUSTER_VERIFY_CONFIG"},
		{`{"OP_ID": "OP_TEST_DELAY", "duration": 1.5, "on_master": true, "on_nodes": [], "repeat": 0, "interruptible": false, "no_locks": true, "priority": 0, "depends": null, "comment": null, "reason": [["gnt:client:gnt-debug", "delay", 1400000000000000000]]}`,
			`{"priority":0,"depends":null,"comment":null,"reason":[["gnt:client:gnt-debug","delay",1400000000000000000]],"OP_ID":"OP_TEST_DELAY","duration":1.5,"on_master":true,"on_nodes":[],"repeat":0,"interruptible":false,"no_locks":true}`,
			"TEST_DELAY(1.5)"},
		{`{"OP_ID": "OP_DOES_NOT_EXIST", "foo": 1}`, `{"OP_ID":"OP_DOES_NOT_EXIST","foo":1}`, "DOES_NOT_EXIST"},
	}
	for _, tc := range tests {
		in := schema30.ParseInput(json.RawMessage(tc.raw))
		got, err := in.MarshalJSON()
		require.NoError(t, err)
		assert.Equal(t, tc.ops, string(got))
		assert.Equal(t, tc.summary, in.Summary())
	}
}

func TestInputAccessors(t *testing.T) {
	in := schema30.ParseInput(json.RawMessage(delay(`"priority":10,"depends":[[3,["error"]]]`)))
	require.NotNil(t, in.OpCode())
	assert.Equal(t, PriorityHigh, in.Priority())
	assert.Equal(t, []Dependency{{JobID: 3, Statuses: []string{"error"}}}, in.Depends())
	withReason := in.WithReason("gnt:daemon:luxid:startjobs", "job 4 failed to start: x", 7)
	assert.Len(t, withReason.OpCode().Reasons(), 1)
	assert.Empty(t, in.OpCode().Reasons(), "the original input is unchanged")
}

// schema30 is Ganeti 3.0's table, which most tests check against.
var schema30 = MustForRelease("3.0")
