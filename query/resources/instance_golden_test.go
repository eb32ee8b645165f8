package resources

import (
	"context"
	"encoding/json"
	"os"
	"sort"
	"testing"

	"github.com/goluxid/goluxid/ganeti/gerrors"
	"github.com/goluxid/goluxid/ganeti/objects"
	"github.com/goluxid/goluxid/internal/hsjson"
	"github.com/goluxid/goluxid/query"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// instGoldenCase is one request/response pair captured from the real
// luxid (testdata/instance-golden-query-cases.json holds the instance,
// export and lock cases of the spec's query-cases.json).
type instGoldenCase struct {
	Method   string          `json:"method"`
	Args     json.RawMessage `json:"args"`
	Response string          `json:"response"`
}

// instGoldenConfig loads the configuration of the golden cases.
func instGoldenConfig(t testing.TB) *objects.ConfigData {
	t.Helper()
	data, err := os.ReadFile("testdata/instance-golden-config.data.json")
	require.NoError(t, err)
	cfg, err := objects.Parse(data)
	require.NoError(t, err)
	return cfg
}

// instGoldenAnswer plays luxid for one request over env.
func instGoldenAnswer(t *testing.T, env Env, method string, args json.RawMessage) string {
	t.Helper()
	var raw []json.RawMessage
	require.NoError(t, json.Unmarshal(args, &raw))
	result, err := instGoldenDispatch(t, env, method, raw)
	success := err == nil
	if !success {
		result = gerrors.Encode(err)
	}
	data, err := hsjson.Marshal(struct {
		Success bool `json:"success"`
		Result  any  `json:"result"`
	}{success, result})
	require.NoError(t, err)
	return string(data)
}

// instGoldenDispatch runs one query method as luxid does.
func instGoldenDispatch(t *testing.T, env Env, method string, args []json.RawMessage) (any, error) {
	ctx := context.Background()
	decode := func(raw json.RawMessage, v any) { require.NoError(t, json.Unmarshal(raw, v)) }
	classic := func(kind string, names, fields []string, lock bool) (any, error) {
		if err := query.CheckNoLock(lock); err != nil {
			return nil, err
		}
		res, ok := New(kind, env)
		require.True(t, ok)
		values := make([]query.Value, len(names))
		for i, n := range names {
			values[i] = query.StringValue(n)
		}
		r, err := res.Query(ctx, fields, query.ClassicFilter(values, res.ClassicFields()...))
		if err != nil {
			return nil, err
		}
		return query.Compat(r)
	}
	switch method {
	case "Query":
		var what string
		var fields []string
		decode(args[0], &what)
		decode(args[1], &fields)
		flt, err := query.ParseFilter(args[2])
		require.NoError(t, err)
		res, ok := New(what, env)
		require.True(t, ok)
		return res.Query(ctx, fields, flt)
	case "QueryInstances":
		var names, fields []string
		var lock bool
		decode(args[0], &names)
		decode(args[1], &fields)
		decode(args[2], &lock)
		return classic("instance", names, fields, lock)
	case "QueryExports":
		var names []string
		var lock bool
		decode(args[0], &names)
		decode(args[1], &lock)
		return classic("export", names, []string{"node", "export"}, lock)
	}
	t.Fatalf("unexpected method %s", method)
	return nil, nil
}

// TestGoldenInstanceExportLock replays every instance, export and lock
// case of the real luxid, whose nodes were all unreachable (node3
// offline) and which had no WConfd, and compares byte for byte.
func TestGoldenInstanceExportLock(t *testing.T) {
	data, err := os.ReadFile("testdata/instance-golden-query-cases.json")
	require.NoError(t, err)
	var cases map[string]instGoldenCase
	require.NoError(t, json.Unmarshal(data, &cases))
	require.Len(t, cases, 12)
	labels := make([]string, 0, len(cases))
	for label := range cases {
		labels = append(labels, label)
	}
	sort.Strings(labels)
	cfg := instGoldenConfig(t)
	for _, label := range labels {
		c := cases[label]
		t.Run(label, func(t *testing.T) {
			for _, rpc := range []NodeRPC{&fakeRPC{}, nil} {
				got := instGoldenAnswer(t, Env{Config: cfg, RPC: rpc}, c.Method, c.Args)
				assert.Equal(t, c.Response, got)
				assert.JSONEq(t, c.Response, got)
			}
		})
	}
}

// TestGoldenRPCBodies checks which nodes the golden queries ask, and
// with what.
func TestGoldenRPCBodies(t *testing.T) {
	cfg := instGoldenConfig(t)
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
